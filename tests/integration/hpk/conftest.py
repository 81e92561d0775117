"""HPK contract fixtures: a simulator on a free 127.0.0.1 port and an HpkClient pointed at it."""

from collections.abc import Iterator

import pytest

from proxyhub.adapters.hpk import HpkClient, forget_cached_tokens
from proxyhub.proxy.ports import ProxyConnection
from proxyhub.request_log import ListRequestLogSink
from proxyhub_dev.simulators.hpk import DEFAULT_ACCOUNT, DEFAULT_PASSWORD, HpkSimulator, HpkSimulatorControl


@pytest.fixture(autouse=True)
def _fresh_token_cache() -> Iterator[None]:
    """The token cache is process-wide on purpose; tests must not see each other's tokens."""
    forget_cached_tokens()
    yield
    forget_cached_tokens()


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
