"""HPK contract fixtures: a simulator on a free 127.0.0.1 port and an HpkClient pointed at it."""

from collections.abc import Iterator

import pytest

from fakes import ListRequestLogSink
from proxyhub.adapters.hpk.client import HpkClient
from proxyhub.proxy.ports import ProxyConnection
from proxyhub_dev.simulators.hpk import DEFAULT_ACCOUNT, DEFAULT_PASSWORD, HpkSimulator, HpkSimulatorControl


@pytest.fixture
def hpk_simulator() -> Iterator[HpkSimulator]:
    with HpkSimulator(host="127.0.0.1", port=0) as simulator:
        yield simulator


@pytest.fixture
def hpk_control(hpk_simulator: HpkSimulator) -> HpkSimulatorControl:
    return hpk_simulator.control


@pytest.fixture
def hpk_connection(hpk_simulator: HpkSimulator) -> ProxyConnection:
    return ProxyConnection(
        system_code="HPK-TEST",
        api_endpoint=hpk_simulator.base_url,
        account=DEFAULT_ACCOUNT,
        password=DEFAULT_PASSWORD,
        version="5",
    )


@pytest.fixture
def request_log() -> ListRequestLogSink:
    return ListRequestLogSink()


@pytest.fixture
def hpk_client(hpk_connection: ProxyConnection, request_log: ListRequestLogSink) -> Iterator[HpkClient]:
    with HpkClient(hpk_connection, request_log, connect_timeout=2, read_timeout=5) as client:
        yield client
