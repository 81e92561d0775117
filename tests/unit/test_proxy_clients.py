"""ProxyClientProvider: a configured, enabled proxy system of a supported type gets a client built with
its password from the secret store; anything else is a system configuration error for operators."""

from collections.abc import Callable
from dataclasses import replace

import pytest

from fakes import (
    FakeClock,
    FakeProxyClientFactory,
    FakeProxyWarehouse,
    InMemoryConfigStore,
    InMemorySecretStore,
    ListRequestLogSink,
    proxy_system_record,
)
from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.errors import SystemConfigurationError
from proxyhub.models.config import ProxySystemRecord
from proxyhub.proxy.ports import LogContext, ProductPayload

pytestmark = pytest.mark.unit


@pytest.fixture
def config() -> InMemoryConfigStore:
    store = InMemoryConfigStore()
    store.insert_proxy_system(proxy_system_record("HPK01", api_endpoint="https://hpk.example.test/api"))
    return store


@pytest.fixture
def secrets() -> InMemorySecretStore:
    store = InMemorySecretStore()
    store.put("proxy-hub/proxy-systems/HPK01", "s3cret")
    return store


@pytest.fixture
def factory() -> FakeProxyClientFactory:
    return FakeProxyClientFactory(FakeProxyWarehouse(FakeClock()))


def provider(
    config: InMemoryConfigStore, secrets: InMemorySecretStore, factory: FakeProxyClientFactory
) -> ProxyClientProvider:
    return ProxyClientProvider(config, secrets, {"HPK": factory})


def test_a_client_is_built_for_the_system_with_its_stored_password(
    config: InMemoryConfigStore, secrets: InMemorySecretStore, factory: FakeProxyClientFactory
) -> None:
    # Given an enabled HPK system whose password is in the secret store
    sink = ListRequestLogSink()

    # When a client is asked for and used
    client = provider(config, secrets, factory).client_for("HPK01", sink)
    client.upsert_product(
        ProductPayload(sku="SKU-1", name="Widget", spec="10 cm", weight_kg=None),
        context=LogContext(order_no="IN-1"),
    )

    # Then it was built from the system's configuration and password, and logs to the sink it was given
    [connection] = factory.connections
    assert (connection.system_code, connection.api_endpoint, connection.account, connection.version) == (
        "HPK01",
        "https://hpk.example.test/api",
        "hub-account",
        "5",
    )
    assert connection.password == "s3cret"
    assert "s3cret" not in repr(connection)
    assert [(r.api_name, r.system_code, r.order_no) for r in sink.records] == [
        ("products/upsert", "HPK01", "IN-1")
    ]


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        (lambda system: replace(system, enabled=False), "proxy system HPK01 is disabled"),
        (lambda system: replace(system, system_type="WMS9"), "system type WMS9 is not supported"),
    ],
    ids=["disabled", "unsupported type"],
)
def test_a_system_that_cannot_be_called_is_a_configuration_error(
    config: InMemoryConfigStore,
    secrets: InMemorySecretStore,
    factory: FakeProxyClientFactory,
    change: Callable[[ProxySystemRecord], ProxySystemRecord],
    cause: str,
) -> None:
    # Given a system disabled, or of a type this deployment has no client for
    config.replace_proxy_system(change(config.systems["HPK01"]))

    # When a client is asked for
    with pytest.raises(SystemConfigurationError) as refused:
        provider(config, secrets, factory).client_for("HPK01", ListRequestLogSink())

    # Then operators read why, and no client was built
    assert refused.value.message == f"System configuration error: {cause}"
    assert factory.connections == []


def test_an_unknown_system_is_a_configuration_error(
    config: InMemoryConfigStore, secrets: InMemorySecretStore, factory: FakeProxyClientFactory
) -> None:
    # When a client is asked for a system nobody configured
    with pytest.raises(SystemConfigurationError, match="proxy system HPK99 is not configured"):
        provider(config, secrets, factory).client_for("HPK99", ListRequestLogSink())

    # Then no client was built
    assert factory.connections == []


def test_an_unreadable_password_is_a_configuration_error_that_does_not_quote_the_store(
    config: InMemoryConfigStore, secrets: InMemorySecretStore, factory: FakeProxyClientFactory
) -> None:
    # Given the secret store refuses to read the system's password
    secrets.unreadable.add("proxy-hub/proxy-systems/HPK01")

    # When a client is asked for
    with pytest.raises(SystemConfigurationError) as refused:
        provider(config, secrets, factory).client_for("HPK01", ListRequestLogSink())

    # Then operators learn which system's password, not the store's own error
    assert (
        refused.value.message
        == "System configuration error: the password of proxy system HPK01 is unreadable"
    )
    assert "AccessDenied" not in refused.value.message
    assert factory.connections == []
