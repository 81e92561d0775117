"""HpkClient against the HPK simulator over real HTTP on 127.0.0.1: the v5 contract end to end."""

import dataclasses
import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from fakes import ListRequestLogSink
from proxyhub.adapters.hpk.client import HpkClient, HpkClientFactory
from proxyhub.adapters.hpk.signing import verify_hpk_callback
from proxyhub.adapters.hpk.wire import status_callback_from_wire
from proxyhub.proxy.ports import (
    BusinessRejection,
    InboundRequest,
    InventoryBatch,
    Label,
    LogContext,
    OrderItem,
    OutboundRequest,
    PermanentProxyError,
    ProductPayload,
    ProxyConfigurationError,
    ProxyConnection,
    ProxyNotFound,
    ProxyWarehouseClient,
    TransientProxyError,
)
from proxyhub.settings import Settings
from proxyhub_dev.simulators.hpk import DEFAULT_PASSWORD, HpkSimulator, HpkSimulatorControl

pytestmark = pytest.mark.integration

WAREHOUSE = "HPK-LAX"
RECIPIENT = {
    "name": "Ann Lee",
    "country": "US",
    "state": "CA",
    "city": "LA",
    "postcode": "90001",
    "address1": "1 Main",
}


class SteppingClock:
    """The client's clock, moved by hand so token expiry is tested without sleeping."""

    def __init__(self) -> None:
        self.moment = datetime(2025, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def product(
    sku: str, name: str | None = "Phone case", weight_kg: Decimal | None = Decimal("0.2")
) -> ProductPayload:
    return ProductPayload(sku=sku, name=name, spec="black / M", weight_kg=weight_kg, barcode="690000000001")


def inbound_request(reference_no: str, *items: OrderItem) -> InboundRequest:
    return InboundRequest(
        reference_no=reference_no,
        warehouse_code=WAREHOUSE,
        inbound_type="purchase",
        customer_code="C001",
        expected_at=datetime(2025, 2, 1, tzinfo=UTC),
        items=items,
    )


def transfer_request(reference_no: str, *items: OrderItem) -> OutboundRequest:
    return OutboundRequest(
        reference_no=reference_no,
        warehouse_code=WAREHOUSE,
        order_type="transfer_staging",
        channel_code=None,
        recipient=None,
        transfer={"destination_code": "ONT8", "fba_shipment_id": "FBA15XYZ"},
        label=None,
        items=items,
    )


def dropship_request(reference_no: str, *items: OrderItem, label: Label | None = None) -> OutboundRequest:
    return OutboundRequest(
        reference_no=reference_no,
        warehouse_code=WAREHOUSE,
        order_type="drop_shipping",
        channel_code="UPS-GROUND",
        recipient=RECIPIENT,
        transfer=None,
        label=label,
        items=items,
    )


def receive_stock(
    client: HpkClient, control: HpkSimulatorControl, reference_no: str, sku: str, qty: int
) -> str:
    """Upserts the SKU, creates an inbound and completes it all qualified; returns the inbound number."""
    client.upsert_product(product(sku))
    inbound_no = client.create_inbound(inbound_request(reference_no, OrderItem(sku, qty))).proxy_order_no
    control.complete_inbound(inbound_no)
    return inbound_no


def inventory(client: ProxyWarehouseClient, page_size: int = 500) -> list[InventoryBatch]:
    return [batch for page in client.iter_inventory(WAREHOUSE, page_size) for batch in page]


def batch_of(client: HpkClient, inbound_no: str, inventory_type: str = "qualified") -> InventoryBatch:
    (batch,) = [
        b
        for b in inventory(client)
        if b.proxy_inbound_no == inbound_no and b.inventory_type == inventory_type
    ]
    return batch


def api_calls(sink: ListRequestLogSink) -> list[str]:
    return [record.api_name for record in sink.records]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- products ------------------------------------------------------------------------------------


def test_upserted_product_is_active_under_its_sku(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    # When
    proxy_sku = hpk_client.upsert_product(product("SKU-1"))

    # Then
    assert proxy_sku == "SKU-1"
    assert hpk_control.state()["products"]["SKU-1"]["weight_kg"] == 0.2


def test_product_with_incomplete_data_is_rejected_naming_the_fields(hpk_client: HpkClient) -> None:
    with pytest.raises(PermanentProxyError) as rejected:
        hpk_client.upsert_product(ProductPayload("SKU-1", name=None, spec="", weight_kg=Decimal(0)))

    assert rejected.value.fields == ["name", "spec", "weight_kg"]


# --- inbound -------------------------------------------------------------------------------------


def test_created_inbound_reads_back_as_created_with_its_lines(hpk_client: HpkClient) -> None:
    hpk_client.upsert_product(product("SKU-1"))

    created = hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 12)))
    state = hpk_client.get_inbound(created.proxy_order_no)

    assert (created.status, created.already_existed) == ("CREATED", False)
    assert (state.reference_no, state.status, state.completed_at) == ("IB-1", "CREATED", None)
    assert [(line.sku, line.planned_qty, line.qualified_qty) for line in state.items] == [("SKU-1", 12, 0)]


def test_repeated_inbound_reference_returns_the_existing_order(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    hpk_client.upsert_product(product("SKU-1"))
    first = hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 12)))

    again = hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 12)))

    assert (again.proxy_order_no, again.already_existed) == (first.proxy_order_no, True)
    assert len(hpk_control.state()["inbounds"]) == 1


def test_inbound_with_a_never_upserted_sku_is_rejected_naming_it(hpk_client: HpkClient) -> None:
    hpk_client.upsert_product(product("SKU-1"))

    with pytest.raises(PermanentProxyError) as rejected:
        hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 1), OrderItem("SKU-NEW", 1)))

    assert rejected.value.fields == ["items[1].sku"]
    assert "SKU-NEW" in rejected.value.message


def test_completed_inbound_reports_final_quantities_and_shelves_one_batch_per_type(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    hpk_client.upsert_product(product("SKU-1"))
    inbound_no = hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 10))).proxy_order_no

    hpk_control.complete_inbound(inbound_no, [{"sku": "SKU-1", "qualified_qty": 8, "defective_qty": 2}])
    state = hpk_client.get_inbound(inbound_no)

    assert state.status == "COMPLETED"
    assert state.completed_at is not None
    assert [(line.qualified_qty, line.defective_qty) for line in state.items] == [(8, 2)]
    assert {(b.inventory_type, b.available, b.locked) for b in inventory(hpk_client)} == {
        ("qualified", 8, 0),
        ("defective", 2, 0),
    }
    for batch in inventory(hpk_client):
        assert (batch.proxy_inbound_no, batch.local_inbound_no, batch.inbound_at) == (
            inbound_no,
            "IB-1",
            state.completed_at,
        )


def test_inbound_cancel_while_created_cancels(hpk_client: HpkClient) -> None:
    hpk_client.upsert_product(product("SKU-1"))
    inbound_no = hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 3))).proxy_order_no

    cancelled = hpk_client.cancel_inbound(inbound_no, "customer changed plan")

    assert (cancelled.proxy_order_no, cancelled.status) == (inbound_no, "CANCELLED")
    assert hpk_client.get_inbound(inbound_no).status == "CANCELLED"


@pytest.mark.parametrize("reached", ["RECEIVING", "COMPLETED"])
def test_inbound_cancel_is_refused_once_receiving_started(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl, reached: str
) -> None:
    hpk_client.upsert_product(product("SKU-1"))
    inbound_no = hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 3))).proxy_order_no
    if reached == "RECEIVING":
        hpk_control.advance_inbound(inbound_no, "RECEIVING")
    else:
        hpk_control.complete_inbound(inbound_no)

    with pytest.raises(BusinessRejection) as refused:
        hpk_client.cancel_inbound(inbound_no, "too late")

    assert refused.value.kind == "state"
    assert reached in refused.value.reason


def test_unknown_orders_are_not_found(hpk_client: HpkClient) -> None:
    with pytest.raises(ProxyNotFound):
        hpk_client.get_inbound("HPKI-NOPE")
    with pytest.raises(ProxyNotFound):
        hpk_client.get_outbound("HPKO-NOPE")


# --- outbound ------------------------------------------------------------------------------------


def test_outbound_locks_stock_from_the_oldest_batches_first(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    older = receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 4)
    hpk_control.advance_clock(3600)
    newer = receive_stock(hpk_client, hpk_control, "IB-2", "SKU-1", 10)

    created = hpk_client.create_outbound(dropship_request("OB-1", OrderItem("SKU-1", 6)))

    assert created.status == "CREATED"
    assert (batch_of(hpk_client, older).available, batch_of(hpk_client, older).locked) == (0, 4)
    assert (batch_of(hpk_client, newer).available, batch_of(hpk_client, newer).locked) == (8, 2)
    assert sum(batch.total for batch in inventory(hpk_client)) == 14


def test_outbound_short_of_qualified_stock_is_refused_and_locks_nothing(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    hpk_client.upsert_product(product("SKU-1"))
    inbound_no = hpk_client.create_inbound(inbound_request("IB-1", OrderItem("SKU-1", 5))).proxy_order_no
    hpk_control.complete_inbound(inbound_no, [{"sku": "SKU-1", "qualified_qty": 3, "defective_qty": 2}])

    with pytest.raises(BusinessRejection) as refused:
        hpk_client.create_outbound(transfer_request("OB-1", OrderItem("SKU-1", 4)))

    assert refused.value.kind == "stock"
    assert "SKU-1" in refused.value.reason
    assert all(batch.locked == 0 for batch in inventory(hpk_client))


def test_outbound_without_its_destination_is_rejected_naming_the_fields(hpk_client: HpkClient) -> None:
    no_recipient = dataclasses.replace(
        dropship_request("OB-1", OrderItem("SKU-1", 1)), recipient=None, channel_code=None
    )
    no_transfer = dataclasses.replace(transfer_request("OB-2", OrderItem("SKU-1", 1)), transfer=None)

    with pytest.raises(PermanentProxyError) as dropship_rejected:
        hpk_client.create_outbound(no_recipient)
    with pytest.raises(PermanentProxyError) as transfer_rejected:
        hpk_client.create_outbound(no_transfer)

    assert dropship_rejected.value.fields == ["recipient", "channel_code"]
    assert transfer_rejected.value.fields == ["transfer"]


def test_repeated_outbound_reference_returns_the_existing_order_without_locking_twice(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    inbound_no = receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    first = hpk_client.create_outbound(transfer_request("OB-1", OrderItem("SKU-1", 3)))

    again = hpk_client.create_outbound(transfer_request("OB-1", OrderItem("SKU-1", 3)))

    assert (again.proxy_order_no, again.already_existed) == (first.proxy_order_no, True)
    assert batch_of(hpk_client, inbound_no).locked == 3


def test_shipped_outbound_reports_carrier_and_batches_and_consumes_locked_stock(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    inbound_no = receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    inbound_at = hpk_client.get_inbound(inbound_no).completed_at
    outbound_no = hpk_client.create_outbound(dropship_request("OB-1", OrderItem("SKU-1", 4))).proxy_order_no
    hpk_control.advance_outbound(outbound_no, "PICKING")
    assert hpk_client.get_outbound(outbound_no).items[0].batches == ()

    hpk_control.advance_outbound(outbound_no, "SHIPPED")
    state = hpk_client.get_outbound(outbound_no)

    assert (state.status, state.order_type, state.carrier) == ("SHIPPED", "drop_shipping", "UPS")
    assert state.tracking_no and state.tracking_no.startswith("1Z")
    assert state.shipped_at is not None
    (line,) = state.items
    assert (line.sku, line.qty, line.shipped_qty) == ("SKU-1", 4, 4)
    assert [(b.inbound_no, b.inbound_at, b.inventory_type, b.qty) for b in line.batches] == [
        (inbound_no, inbound_at, "qualified", 4)
    ]
    batch = batch_of(hpk_client, inbound_no)
    assert (batch.available, batch.locked, batch.total) == (6, 0, 6)


def test_label_supplied_with_the_order_is_kept_and_its_carrier_used(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    label = Label(format="PDF", content_base64="JVBERi0x", carrier="FEDEX", tracking_no="7700123")
    outbound_no = hpk_client.create_outbound(
        dropship_request("OB-1", OrderItem("SKU-1", 1), label=label)
    ).proxy_order_no

    hpk_control.advance_outbound(outbound_no, "SHIPPED")

    (stored,) = hpk_control.state()["outbounds"]
    assert stored["label"] == {
        "format": "PDF",
        "content_base64": "JVBERi0x",
        "carrier": "FEDEX",
        "tracking_no": "7700123",
    }
    state = hpk_client.get_outbound(outbound_no)
    assert (state.carrier, state.tracking_no) == ("FEDEX", "7700123")


def test_drop_shipping_cancel_is_refused_with_the_vendors_reason(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    outbound_no = hpk_client.create_outbound(dropship_request("OB-1", OrderItem("SKU-1", 1))).proxy_order_no

    with pytest.raises(BusinessRejection) as refused:
        hpk_client.cancel_outbound(outbound_no, "buyer cancelled")

    assert (refused.value.kind, refused.value.reason) == ("state", "cancellation not supported")
    assert hpk_client.get_outbound(outbound_no).status == "CREATED"


def test_transfer_cancel_while_created_cancels_at_once_and_unlocks(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    inbound_no = receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    outbound_no = hpk_client.create_outbound(transfer_request("OB-1", OrderItem("SKU-1", 7))).proxy_order_no

    result = hpk_client.cancel_outbound(outbound_no, "plan changed")

    assert result.status == "CANCELLED"
    assert hpk_client.get_outbound(outbound_no).cancel_result == "CANCELLED"
    assert (batch_of(hpk_client, inbound_no).available, batch_of(hpk_client, inbound_no).locked) == (10, 0)


@pytest.mark.parametrize(
    ("resolution", "status", "locked"), [("CANCELLED", "CANCELLED", 0), ("REJECTED", "PACKED", 7)]
)
def test_transfer_cancel_after_picking_waits_for_hpk_to_resolve_it(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl, resolution: str, status: str, locked: int
) -> None:
    inbound_no = receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    outbound_no = hpk_client.create_outbound(transfer_request("OB-1", OrderItem("SKU-1", 7))).proxy_order_no
    hpk_control.advance_outbound(outbound_no, "PACKED")

    result = hpk_client.cancel_outbound(outbound_no, "plan changed")
    assert result.status == "CANCELLING"
    assert hpk_client.get_outbound(outbound_no).status == "CANCELLING"
    hpk_control.resolve_cancel(outbound_no, resolution)

    state = hpk_client.get_outbound(outbound_no)
    assert (state.status, state.cancel_result) == (status, resolution)
    assert batch_of(hpk_client, inbound_no).locked == locked


def test_transfer_cancel_after_shipping_is_refused(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    outbound_no = hpk_client.create_outbound(transfer_request("OB-1", OrderItem("SKU-1", 1))).proxy_order_no
    hpk_control.advance_outbound(outbound_no, "SHIPPED")

    with pytest.raises(BusinessRejection) as refused:
        hpk_client.cancel_outbound(outbound_no, "too late")

    assert refused.value.kind == "state"


def test_outbound_exception_reports_the_reason_and_releases_stock(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    inbound_no = receive_stock(hpk_client, hpk_control, "IB-1", "SKU-1", 10)
    outbound_no = hpk_client.create_outbound(dropship_request("OB-1", OrderItem("SKU-1", 2))).proxy_order_no

    hpk_control.advance_outbound(outbound_no, "EXCEPTION", reason="address undeliverable")

    state = hpk_client.get_outbound(outbound_no)
    assert (state.status, state.exception_reason) == ("EXCEPTION", "address undeliverable")
    assert batch_of(hpk_client, inbound_no).locked == 0


# --- inventory -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("batches", "page_sizes"), [(500, [500]), (501, [500, 1])])
def test_inventory_is_read_page_by_page_until_total(
    hpk_client: HpkClient,
    hpk_control: HpkSimulatorControl,
    request_log: ListRequestLogSink,
    batches: int,
    page_sizes: list[int],
) -> None:
    hpk_control.generate_inventory(WAREHOUSE, count=batches, sku_count=50, seed=7)

    pages = hpk_client.iter_inventory(WAREHOUSE, page_size=500)
    first_page = next(pages)
    calls_for_first_page = api_calls(request_log).count("inventory/page")
    all_pages = [first_page, *pages]

    assert calls_for_first_page == 1  # streamed: later pages are fetched only when asked for
    assert [len(page) for page in all_pages] == page_sizes
    keys = [(b.sku, b.inventory_type, b.proxy_inbound_no) for page in all_pages for b in page]
    assert len(set(keys)) == batches
    assert api_calls(request_log).count("inventory/page") == len(page_sizes)


def test_inventory_page_size_beyond_500_is_rejected(hpk_client: HpkClient) -> None:
    with pytest.raises(PermanentProxyError) as rejected:
        next(hpk_client.iter_inventory(WAREHOUSE, page_size=501))

    assert rejected.value.fields == ["page_size"]


def test_inventory_of_an_empty_warehouse_has_no_pages(hpk_client: HpkClient) -> None:
    assert list(hpk_client.iter_inventory("EMPTY")) == []


def test_seeded_and_adjusted_batches_are_reported_with_available_and_locked(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl
) -> None:
    seeded = {
        "sku": "SKU-1",
        "inventory_type": "QUALIFIED",
        "inbound_no": "HPKI-OLD",
        "reference_no": "IB-OLD",
        "inbound_at": "2024-05-01T08:00:00Z",
        "available_qty": 5,
        "locked_qty": 1,
    }
    hpk_control.seed_inventory(WAREHOUSE, [seeded])

    hpk_control.adjust_inventory(
        warehouse_code=WAREHOUSE,
        sku="SKU-1",
        inventory_type="QUALIFIED",
        inbound_no="HPKI-OLD",
        delta_available=-2,
        delta_locked=0,
    )

    assert inventory(hpk_client) == [
        InventoryBatch(
            sku="SKU-1",
            inventory_type="qualified",
            proxy_inbound_no="HPKI-OLD",
            local_inbound_no="IB-OLD",
            inbound_at=datetime(2024, 5, 1, 8, tzinfo=UTC),
            available=3,
            locked=1,
        )
    ]


# --- tokens --------------------------------------------------------------------------------------


def test_token_is_reused_until_60_seconds_before_expiry(
    hpk_connection: ProxyConnection, request_log: ListRequestLogSink
) -> None:
    clock = SteppingClock()
    client = HpkClient(hpk_connection, request_log, clock=clock)
    client.upsert_product(product("SKU-1"))
    client.upsert_product(product("SKU-2"))
    assert api_calls(request_log).count("auth/token") == 1

    clock.advance(7200 - 60)
    client.upsert_product(product("SKU-3"))

    assert api_calls(request_log) == [
        "auth/token",
        "products/upsert",
        "products/upsert",
        "auth/token",
        "products/upsert",
    ]


def test_clients_of_one_factory_share_the_token_so_a_warm_lambda_logs_in_once(
    hpk_connection: ProxyConnection, request_log: ListRequestLogSink
) -> None:
    # Given two runs of a warm Lambda, each opening its own client from the container's factory
    factory = HpkClientFactory(Settings())
    for sku in ("SKU-1", "SKU-2"):
        with factory(hpk_connection, request_log) as client:
            client.upsert_product(product(sku))

    # Then HPK saw one login, and a factory of a new container logs in afresh
    assert api_calls(request_log).count("auth/token") == 1
    with HpkClientFactory(Settings())(hpk_connection, request_log) as client:
        client.upsert_product(product("SKU-3"))
    assert api_calls(request_log).count("auth/token") == 2


def test_expired_token_is_renewed_once_and_the_call_repeated(request_log: ListRequestLogSink) -> None:
    with HpkSimulator(token_ttl_seconds=120) as simulator:
        connection = ProxyConnection("HPK-TTL", simulator.base_url, "demo", DEFAULT_PASSWORD, "5")
        client = HpkClient(connection, request_log, clock=SteppingClock())
        client.upsert_product(product("SKU-1"))

        simulator.control.advance_clock(121)  # HPK's token died; ours still looks fresh
        client.upsert_product(product("SKU-2"))

    assert api_calls(request_log) == [
        "auth/token",
        "products/upsert",
        "products/upsert",
        "auth/token",
        "products/upsert",
    ]
    assert [record.response_body.count("40101") for record in request_log.records] == [0, 0, 1, 0, 0]


def test_token_refused_again_after_a_fresh_login_is_transient(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl, request_log: ListRequestLogSink
) -> None:
    hpk_control.inject_fault("token_expired", count=2, path_prefix="/api/v5/products/")

    with pytest.raises(TransientProxyError):
        hpk_client.upsert_product(product("SKU-1"))

    assert api_calls(request_log) == ["auth/token", "products/upsert", "auth/token", "products/upsert"]


# --- configuration errors ------------------------------------------------------------------------


def test_bad_credentials_are_a_configuration_error(
    hpk_connection: ProxyConnection, request_log: ListRequestLogSink
) -> None:
    client = HpkClient(dataclasses.replace(hpk_connection, password="wrong"), request_log)

    with pytest.raises(ProxyConfigurationError) as refused:
        client.upsert_product(product("SKU-1"))

    assert refused.value.message.startswith("System configuration error: HPK login refused")
    assert "invalid account or password" in refused.value.message


def test_wrong_api_version_is_a_configuration_error(
    hpk_connection: ProxyConnection, request_log: ListRequestLogSink
) -> None:
    client = HpkClient(dataclasses.replace(hpk_connection, version="4"), request_log)

    with pytest.raises(ProxyConfigurationError, match="version"):
        client.upsert_product(product("SKU-1"))


def test_unreachable_endpoint_is_a_configuration_error(request_log: ListRequestLogSink) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    client = HpkClient(ProxyConnection("HPK-X", endpoint, "demo", DEFAULT_PASSWORD, "5"), request_log)

    with pytest.raises(ProxyConfigurationError) as refused:
        client.get_inbound("HPKI00000001")

    assert refused.value.message.startswith(
        f"System configuration error: cannot reach HPK API endpoint {endpoint}"
    )
    (record,) = request_log.records
    assert (record.api_name, record.response_status, record.error) == (
        "auth/token",
        None,
        refused.value.message,
    )


def test_endpoint_without_the_hpk_api_is_a_configuration_error(
    hpk_connection: ProxyConnection, request_log: ListRequestLogSink
) -> None:
    wrong_path = dataclasses.replace(hpk_connection, api_endpoint=f"{hpk_connection.api_endpoint}/not-hpk/")
    client = HpkClient(wrong_path, request_log)

    with pytest.raises(ProxyConfigurationError, match="HTTP 404"):
        client.upsert_product(product("SKU-1"))

    assert request_log.records[0].url.endswith("/not-hpk/api/v5/auth/token")


# --- faults --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["http500", "malformed", "rate_limited"])
def test_injected_fault_is_transient_and_the_next_call_succeeds(
    hpk_client: HpkClient, hpk_control: HpkSimulatorControl, kind: str
) -> None:
    hpk_control.inject_fault(kind, count=1, path_prefix="/api/v5/products/")

    with pytest.raises(TransientProxyError) as failed:
        hpk_client.upsert_product(product("SKU-1"))

    assert hpk_client.upsert_product(product("SKU-1")) == "SKU-1"
    if kind == "rate_limited":
        assert failed.value.retry_after_seconds == 1


def test_hpk_answering_too_late_is_transient(
    hpk_connection: ProxyConnection, hpk_control: HpkSimulatorControl, request_log: ListRequestLogSink
) -> None:
    client = HpkClient(hpk_connection, request_log, read_timeout=0.5)
    hpk_control.inject_fault("timeout", count=1, path_prefix="/api/v5/inventory/", delay_seconds=2)

    started = time.monotonic()
    with pytest.raises(TransientProxyError, match="did not answer in time"):
        next(client.iter_inventory(WAREHOUSE))

    assert time.monotonic() - started < 1.5
    assert request_log.records[-1].response_status is None


# --- request log ---------------------------------------------------------------------------------


def test_every_exchange_is_logged_with_its_context(
    hpk_client: HpkClient, hpk_connection: ProxyConnection, request_log: ListRequestLogSink
) -> None:
    context = LogContext(task_id="T-1", order_no="IB-1", warehouse_code=WAREHOUSE)

    hpk_client.upsert_product(product("SKU-1"), context=context)
    with pytest.raises(ProxyNotFound):
        hpk_client.get_inbound("HPKI-NOPE", context=context)

    login, upsert, lookup = request_log.records
    assert (login.api_name, upsert.api_name, lookup.api_name) == (
        "auth/token",
        "products/upsert",
        "inbound/get",
    )
    for record in request_log.records:
        assert (record.task_id, record.order_no, record.warehouse_code) == ("T-1", "IB-1", WAREHOUSE)
        assert (record.method, record.response_status, record.system_code) == ("POST", 200, "HPK-TEST")
        assert record.request_id
        assert record.duration_ms >= 0
    assert upsert.url == f"{hpk_connection.api_endpoint}/api/v5/products/upsert"
    assert json.loads(upsert.request_body)["sku"] == "SKU-1"
    assert json.loads(upsert.response_body)["data"] == {"sku": "SKU-1", "status": "ACTIVE"}
    assert lookup.error is not None and lookup.error.startswith("HPK code 40401")


class RecordingTransport(httpx.HTTPTransport):
    """Keeps the bearer tokens really sent, to prove they exist on the wire but never in the log."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            self.tokens.add(authorization.removeprefix("Bearer "))
        return super().handle_request(request)


def test_password_and_tokens_appear_in_no_log_record(
    hpk_connection: ProxyConnection, hpk_control: HpkSimulatorControl, request_log: ListRequestLogSink
) -> None:
    transport = RecordingTransport()
    client = HpkClient(hpk_connection, request_log, transport=transport)
    hpk_control.inject_fault("token_expired", count=1, path_prefix="/api/v5/products/")

    client.upsert_product(product("SKU-1"))  # login, 40101, login again: two tokens

    assert len(transport.tokens) == 2
    secrets = [hpk_connection.password, *transport.tokens]
    for record in request_log.records:
        logged = json.dumps(dataclasses.asdict(record))
        assert not [secret for secret in secrets if secret in logged]
    api_records = [record for record in request_log.records if record.api_name != "auth/token"]
    assert [record.request_headers["authorization"] for record in api_records] == ["***", "***"]


def test_logged_bodies_are_capped(hpk_connection: ProxyConnection, request_log: ListRequestLogSink) -> None:
    client = HpkClient(hpk_connection, request_log, settings=Settings(request_log_body_limit=300))

    client.upsert_product(product("SKU-1", name="x" * 5000))

    upsert = request_log.records[-1]
    assert upsert.request_body.startswith('{"sku": "SKU-1"')
    assert upsert.request_body.endswith("chars]")
    assert len(upsert.request_body) < 300 + len("…[truncated 99999 chars]")


# --- callbacks -----------------------------------------------------------------------------------


class AnyNonce:
    def remember(self, nonce: str, expires_at: datetime) -> bool:
        return True


class CallbackReceiver:
    """A tiny local endpoint standing in for our HPK webhook."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {
                    name.lower(): value
                    for name, value in self.headers.items()
                    if name.lower().startswith("x-hpk-")
                }
                receiver.received.put((headers, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hpk/callbacks"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def next(self) -> tuple[dict[str, str], bytes]:
        return self.received.get(timeout=5)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def callback_receiver() -> Iterator[CallbackReceiver]:
    receiver = CallbackReceiver()
    yield receiver
    receiver.close()


def test_status_callbacks_are_signed_with_the_callback_secret(
    callback_receiver: CallbackReceiver, request_log: ListRequestLogSink
) -> None:
    secret = "callback-secret"
    with HpkSimulator(callback_url=callback_receiver.url, callback_secret=secret) as simulator:
        connection = ProxyConnection("HPK-CB", simulator.base_url, "demo", DEFAULT_PASSWORD, "5")
        client = HpkClient(connection, request_log)
        inbound_no = receive_stock(client, simulator.control, "IB-1", "SKU-1", 5)
        inbound_signature, inbound_body = callback_receiver.next()
        outbound_no = client.create_outbound(transfer_request("OB-1", OrderItem("SKU-1", 1))).proxy_order_no
        simulator.control.advance_outbound(outbound_no, "SHIPPED")
        outbound_signature, outbound_body = callback_receiver.next()

    now = datetime.now(UTC)

    def verified(secret: str, body: bytes, headers: dict[str, str]) -> bool:
        return verify_hpk_callback(secret, body, headers, now, AnyNonce()).accepted

    assert verified(secret, inbound_body, inbound_signature)
    assert verified(secret, outbound_body, outbound_signature)
    assert inbound_signature["x-hpk-nonce"] != outbound_signature["x-hpk-nonce"]
    assert not verified("other-secret", inbound_body, inbound_signature)
    assert not verified(secret, inbound_body.replace(b"IB-1", b"IB-2"), inbound_signature)
    inbound_event = status_callback_from_wire(inbound_body)
    outbound_event = status_callback_from_wire(outbound_body)
    assert (
        inbound_event.kind,
        inbound_event.proxy_order_no,
        inbound_event.reference_no,
        inbound_event.event,
    ) == (
        "inbound",
        inbound_no,
        "IB-1",
        "INBOUND_COMPLETED",
    )
    assert (outbound_event.kind, outbound_event.proxy_order_no, outbound_event.event) == (
        "outbound",
        outbound_no,
        "OUTBOUND_SHIPPED",
    )
