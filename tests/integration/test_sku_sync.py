"""SKU sync against the HPK simulator over real HTTP, with configuration on moto."""

from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest

from fakes import ListRequestLogSink, RecordingMappingSchedules
from proxyhub.config.service import ConfigService
from proxyhub.models.config import ProxySystemCreate, SkuInput
from proxyhub.models.skus import SkuSyncStatus
from proxyhub.proxy.ports import (
    PermanentProxyError,
    ProxyConnection,
    ProxyWarehouseClient,
    TransientProxyError,
)
from proxyhub.request_log import RequestLogSink
from proxyhub.settings import Settings
from proxyhub.skus.sync import SkuSyncFailedError, SkuSyncService
from proxyhub.wiring.container import Container
from proxyhub_dev.simulators.hpk import HpkSimulator

pytestmark = pytest.mark.integration

COMPLETE_SKU = SkuInput(name="Ceramic mug", spec="350 ml", weight_kg=0.4, barcode="6900000000017")


@pytest.fixture
def hpk() -> Iterator[HpkSimulator]:
    with HpkSimulator(port=0) as simulator:
        yield simulator


@pytest.fixture
def components(aws: Settings) -> Container:
    built = Container(aws)
    built.mapping_schedules = RecordingMappingSchedules()
    return built


@pytest.fixture
def config(components: Container) -> ConfigService:
    return components.config_service


@pytest.fixture
def sku_sync(components: Container) -> SkuSyncService:
    return components.sku_sync


def list_sku_mappings(components: Container, status: SkuSyncStatus) -> list[Any]:
    return components.sku_mappings.list_sku_mappings("HPK01", status)


def add_system(config: ConfigService, endpoint: str, password: str = "demo-secret") -> None:
    config.create_proxy_system(
        ProxySystemCreate(
            code="HPK01",
            name="HPK",
            system_type="HPK",
            api_endpoint=endpoint,
            account="demo",
            password=password,
            version="5",
        )
    )


def upsert_calls(hpk: HpkSimulator) -> list[str]:
    state: dict[str, Any] = httpx.get(f"{hpk.base_url}/_sim/state").json()["data"]
    return [path for path in state["calls"] if path.endswith("/products/upsert")]


def test_a_complete_gsku_is_pushed_once_and_marked_synced(config, sku_sync, hpk) -> None:
    add_system(config, hpk.base_url)
    config.put_sku("GSKU-MUG", COMPLETE_SKU)
    sink = ListRequestLogSink()

    first = sku_sync.ensure_synced("HPK01", ["GSKU-MUG", "GSKU-MUG"], sink)
    again = sku_sync.ensure_synced("HPK01", ["GSKU-MUG"], sink)

    assert [(m.gsku, m.status, m.proxy_sku) for m in first] == [
        ("GSKU-MUG", SkuSyncStatus.SYNCED, "GSKU-MUG")
    ]
    assert again == []
    assert len(upsert_calls(hpk)) == 1
    assert any(record.api_name.endswith("products/upsert") for record in sink.records)


def test_incomplete_master_data_fails_locally_without_calling_hpk(components, config, sku_sync, hpk) -> None:
    add_system(config, hpk.base_url)
    config.put_sku("GSKU-BARE", SkuInput(weight_kg=1.0))

    with pytest.raises(SkuSyncFailedError) as failure:
        sku_sync.ensure_synced("HPK01", ["GSKU-BARE"], ListRequestLogSink())

    assert failure.value.message == "SKU sync failed: GSKU-BARE missing name, spec"
    failed = list_sku_mappings(components, SkuSyncStatus.FAILED)
    assert [(m.gsku, m.last_error) for m in failed] == [("GSKU-BARE", "SKU sync failed: missing name, spec")]
    assert upsert_calls(hpk) == []


def test_resync_after_the_data_is_fixed(components, config, sku_sync, hpk) -> None:
    add_system(config, hpk.base_url)
    config.put_sku("GSKU-MUG", SkuInput(name="Ceramic mug"))
    with pytest.raises(SkuSyncFailedError):
        sku_sync.ensure_synced("HPK01", ["GSKU-MUG"], ListRequestLogSink())

    config.put_sku("GSKU-MUG", COMPLETE_SKU)
    mapping = sku_sync.resync("HPK01", "GSKU-MUG", ListRequestLogSink())

    assert mapping.status is SkuSyncStatus.SYNCED and mapping.last_error is None
    assert list_sku_mappings(components, SkuSyncStatus.FAILED) == []
    assert [m.gsku for m in list_sku_mappings(components, SkuSyncStatus.SYNCED)] == ["GSKU-MUG"]


def test_wrong_credentials_surface_as_a_system_configuration_error(config, sku_sync, hpk) -> None:
    add_system(config, hpk.base_url, password="wrong")
    config.put_sku("GSKU-MUG", COMPLETE_SKU)

    mapping = sku_sync.resync("HPK01", "GSKU-MUG", ListRequestLogSink())

    assert mapping.status is SkuSyncStatus.FAILED
    assert (mapping.last_error or "").startswith("System configuration error")


def test_an_unreachable_endpoint_is_a_system_configuration_error(config, sku_sync) -> None:
    add_system(config, "http://127.0.0.1:9")
    config.put_sku("GSKU-MUG", COMPLETE_SKU)

    mapping = sku_sync.resync("HPK01", "GSKU-MUG", ListRequestLogSink())

    assert mapping.status is SkuSyncStatus.FAILED
    assert (mapping.last_error or "").startswith("System configuration error")


def test_a_transient_hpk_failure_keeps_the_mapping_pending_and_propagates(
    components, config, sku_sync, hpk
) -> None:
    add_system(config, hpk.base_url)
    config.put_sku("GSKU-MUG", COMPLETE_SKU)
    httpx.post(
        f"{hpk.base_url}/_sim/faults", json={"kind": "http500", "count": 5, "path_prefix": "/api/v5/products"}
    )

    with pytest.raises(TransientProxyError):
        sku_sync.ensure_synced("HPK01", ["GSKU-MUG"], ListRequestLogSink())

    assert [m.gsku for m in list_sku_mappings(components, SkuSyncStatus.PENDING)] == ["GSKU-MUG"]


class RejectingClient:
    """Stands in for a vendor that refuses the product payload (HPK code 40001)."""

    def upsert_product(self, product: Any, *, context: Any = None) -> str:
        raise PermanentProxyError("validation failed: barcode must be 13 digits", fields=["barcode"])


def rejecting_client(connection: ProxyConnection, sink: RequestLogSink) -> ProxyWarehouseClient:
    return cast(ProxyWarehouseClient, RejectingClient())


def test_a_vendor_rejection_is_stored_with_the_vendors_message(components: Container, config) -> None:
    add_system(config, "http://127.0.0.1:9")
    config.put_sku("GSKU-MUG", COMPLETE_SKU)
    components.proxy_client_factories = {"HPK": rejecting_client}

    mapping = components.sku_sync.resync("HPK01", "GSKU-MUG", ListRequestLogSink())

    assert mapping.status is SkuSyncStatus.FAILED
    assert mapping.last_error == "SKU sync failed: validation failed: barcode must be 13 digits"
