"""A OneWarehouse simulator on 127.0.0.1, fresh for each test."""

from collections.abc import Iterator

import pytest

from proxyhub_dev.simulators.onewarehouse import OneWarehouseSimulator


@pytest.fixture
def onewarehouse_simulator() -> Iterator[OneWarehouseSimulator]:
    with OneWarehouseSimulator("127.0.0.1", 0) as simulator:
        yield simulator
