"""The inbound, outbound and cancel-check executors, run by the real task engine on in-memory fakes:
push, poll, receive and put away, ship and deduct, exceptions, cancels, and retries that change stock once."""

from datetime import UTC, datetime, timedelta

import pytest

from fakes.hub import (
    CUSTOMER,
    DEFECTIVE_LOCATION,
    PROXY_CHANNEL,
    PROXY_WAREHOUSE,
    PUTAWAY_LOCATION,
    SYSTEM,
    WAREHOUSE,
    HubKit,
    hub_kit,
)
from proxyhub.errors import TransientVendorError
from proxyhub.models.config import CustomerInput, SkuInput
from proxyhub.models.inventory import BatchKey
from proxyhub.models.orders import (
    CancelState,
    InboundOrderCreate,
    OrderKind,
    OrderStatus,
    OutboundOrderCreate,
)
from proxyhub.models.skus import SkuSyncStatus
from proxyhub.models.tasks import TaskStatus, TaskType, Trigger
from proxyhub.proxy.ports import InboundStatus, Label, ShippedBatch, TransientProxyError

pytestmark = pytest.mark.unit

COMPLETED_AT = datetime(2026, 6, 4, 9, 15, tzinfo=UTC)
RECIPIENT = {
    "name": "Ada Lovelace",
    "country": "US",
    "city": "Los Angeles",
    "postcode": "90001",
    "address1": "1 Main St",
}
LABEL = Label(format="PDF", content_base64="JVBERi0xLjQK", carrier="UPS", tracking_no="1Z999AA10123456784")


@pytest.fixture
def hub() -> HubKit:
    return hub_kit()


def create_inbound(hub: HubKit, order_no: str = "IN-1", items: dict[str, int] | None = None) -> str:
    """The create task's id of a new GWMS inbound order."""
    request = InboundOrderCreate.model_validate(
        {
            "order_no": order_no,
            "inbound_type": "purchase",
            "warehouse_code": WAREHOUSE,
            "customer_code": CUSTOMER,
            "items": [{"gsku": gsku, "qty": qty} for gsku, qty in (items or {"SKU-1": 10}).items()],
        }
    )
    order, _ = hub.order_service.create_inbound(request)
    assert order.create_task_id is not None
    return order.create_task_id


def create_outbound(
    hub: HubKit, order_no: str = "OUT-1", outbound_type: str = "transfer_staging", qty: int = 4
) -> str:
    details: dict[str, object] = (
        {"recipient": RECIPIENT}
        if outbound_type == "drop_shipping"
        else {"transfer": {"destination_code": "FBA-ONT8"}}
    )
    request = OutboundOrderCreate.model_validate(
        {
            "order_no": order_no,
            "outbound_type": outbound_type,
            "warehouse_code": WAREHOUSE,
            "customer_code": CUSTOMER,
            "channel_code": "UPS",
            "items": [{"gsku": "SKU-1", "qty": qty}],
            **details,
        }
    )
    order, _ = hub.order_service.create_outbound(request)
    assert order.create_task_id is not None
    return order.create_task_id


def pushed(hub: HubKit, task_id: str) -> str:
    """Runs the create task's first run (the push) and returns the proxy order number."""
    hub.run(task_id, Trigger.CREATED)
    proxy_order_no = hub.task(task_id).third_party_order_no
    assert proxy_order_no is not None
    return proxy_order_no


def batch_key(
    proxy_inbound_no: str, local_inbound_no: str, inventory_type: str, inbound_at: datetime
) -> BatchKey:
    return BatchKey(
        gwms_warehouse_code=WAREHOUSE,
        gsku="SKU-1",
        inventory_type="defective" if inventory_type == "defective" else "qualified",
        proxy_inbound_no=proxy_inbound_no,
        local_inbound_no=local_inbound_no,
        inbound_at=inbound_at,
    )


# ---------------------------------------------------------------- inbound: push and poll


def test_the_first_run_syncs_the_skus_then_pushes_the_inbound_and_waits(hub: HubKit) -> None:
    # Given a new inbound order of two GSKUs the proxy warehouse has never seen
    task_id = create_inbound(hub, items={"SKU-1": 10, "SKU-2": 3})

    # When its create task runs
    result = hub.run(task_id, Trigger.CREATED)

    # Then both SKUs were pushed before the inbound, and are mapped as synced
    assert hub.warehouse.call_names() == ["upsert_product", "upsert_product", "create_inbound"]
    assert {m.gsku: m.status for m in hub.sku_mappings.list_sku_mappings(SYSTEM)} == {
        "SKU-1": SkuSyncStatus.SYNCED,
        "SKU-2": SkuSyncStatus.SYNCED,
    }
    # And the proxy warehouse got the order under our number, at its own warehouse code
    [(_, request)] = [call for call in hub.warehouse.calls if call[0] == "create_inbound"]
    assert (request.reference_no, request.warehouse_code, request.customer_code) == (
        "IN-1",
        PROXY_WAREHOUSE,
        CUSTOMER,
    )
    assert [(item.sku, item.qty) for item in request.items] == [("SKU-1", 10), ("SKU-2", 3)]
    # And the task waits for the proxy, showing the proxy's number
    task = hub.task(task_id)
    assert result.status is TaskStatus.WAITING
    assert task.third_party_order_no == "HPK-IN-0001"
    assert task.execution_summary == (
        "Pushed as HPK-IN-0001; waiting for the proxy warehouse to complete the inbound"
    )
    order = hub.order(OrderKind.INBOUND, "IN-1")
    assert (order.status, order.proxy_order_no) == (OrderStatus.PUSHED, "HPK-IN-0001")
    # And every exchange of the run is in the request log under the task
    assert [(r.api_name, r.task_id, r.order_no) for r in hub.tasks.request_log.records] == [
        ("products/upsert", task_id, "IN-1"),
        ("products/upsert", task_id, "IN-1"),
        ("inbound/create", task_id, "IN-1"),
    ]


def test_incomplete_master_data_fails_the_sku_sync_and_nothing_is_pushed(hub: HubKit) -> None:
    # Given a GSKU without specification and weight
    hub.config.save_sku("SKU-X", SkuInput(name="Mystery box"), "2026-06-01T00:00:00.000000Z")
    task_id = create_inbound(hub, items={"SKU-X": 1})

    # When the create task runs
    hub.run(task_id, Trigger.CREATED)

    # Then the task needs an operator, naming what is missing, and the inbound was not pushed
    task = hub.task(task_id)
    assert task.status is TaskStatus.MANUAL
    assert task.error_message == "SKU sync failed: SKU-X missing spec, weight_kg"
    assert "create_inbound" not in hub.warehouse.call_names()
    assert hub.order(OrderKind.INBOUND, "IN-1").status is OrderStatus.CREATED


def test_a_push_that_timed_out_waits_and_is_made_once_on_the_retry(hub: HubKit) -> None:
    # Given a first push the proxy warehouse did not answer in time
    task_id = create_inbound(hub)
    hub.warehouse.fail_next("create_inbound", TransientProxyError("HPK read timeout"))
    hub.run(task_id, Trigger.CREATED)
    assert hub.task(task_id).status is TaskStatus.WAITING
    assert hub.task(task_id).error_message == "HPK read timeout"
    first_attempt = hub.warehouse.inbounds.copy()

    # When the task runs again
    hub.run(task_id, Trigger.SCHEDULE)

    # Then exactly one inbound exists at the proxy, and the order is pushed
    assert first_attempt == {} and list(hub.warehouse.inbounds) == ["HPK-IN-0001"]
    assert hub.order(OrderKind.INBOUND, "IN-1").proxy_order_no == "HPK-IN-0001"


def test_a_push_repeated_after_a_lost_save_finds_the_proxy_order_by_our_number(hub: HubKit) -> None:
    # Given HPK already created our order (the run died before saving the proxy number)
    task_id = create_inbound(hub)
    hub.run(task_id, Trigger.CREATED)
    stored = hub.orders.find(OrderKind.INBOUND, "IN-1")
    assert stored is not None
    hub.orders.save(
        stored, stored.order.model_copy(update={"status": OrderStatus.CREATED, "proxy_order_no": None})
    )

    # When the task pushes again
    hub.run(task_id, Trigger.SYNC_NOW)

    # Then HPK answers its existing order and no second one is created
    assert list(hub.warehouse.inbounds) == ["HPK-IN-0001"]
    assert hub.order(OrderKind.INBOUND, "IN-1").proxy_order_no == "HPK-IN-0001"


@pytest.mark.parametrize("status", ["CREATED", "ARRIVED", "RECEIVING"])
def test_while_the_proxy_is_busy_the_task_keeps_polling(hub: HubKit, status: InboundStatus) -> None:
    # Given a pushed inbound the proxy warehouse has not completed
    task_id = create_inbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.advance_inbound(proxy_no, status)
    hub.tasks.clock.advance(minutes=30)

    # When the task polls
    result = hub.run(task_id, Trigger.SCHEDULE)

    # Then it waits another 30 minutes, saying what the proxy reports
    assert result.status is TaskStatus.WAITING
    assert hub.task(task_id).execution_summary == (
        f"Waiting for the proxy warehouse to complete the inbound (status {status})"
    )
    assert hub.task(task_id).next_execution_at == hub.tasks.clock.now() + timedelta(minutes=30)
    assert hub.order(OrderKind.INBOUND, "IN-1").status is OrderStatus.PUSHED
    assert hub.ledger.stock(WAREHOUSE) == []


# ---------------------------------------------------------------- inbound: receive and put away


def test_a_completed_inbound_is_received_and_put_away_on_the_dedicated_locations(hub: HubKit) -> None:
    # Given a pushed inbound the proxy completed: SKU-1 8 qualified + 2 defective, SKU-2 5 qualified
    task_id = create_inbound(hub, items={"SKU-1": 10, "SKU-2": 5})
    proxy_no = pushed(hub, task_id)
    hub.warehouse.complete_inbound(proxy_no, {"SKU-1": (8, 2), "SKU-2": (5, 0)}, COMPLETED_AT)

    # When the task polls
    result = hub.run(task_id, Trigger.SCHEDULE)

    # Then the task succeeds with what was put away
    assert result.status is TaskStatus.SUCCESS
    assert hub.task(task_id).execution_summary == "Received and put away: 13 qualified, 2 defective"
    # And qualified stock is on the virtual putaway location, defective on the defective one, per batch
    assert hub.ledger.stock(WAREHOUSE) == [
        ("SKU-1", "defective", proxy_no, DEFECTIVE_LOCATION, 2),
        ("SKU-1", "qualified", proxy_no, PUTAWAY_LOCATION, 8),
        ("SKU-2", "qualified", proxy_no, PUTAWAY_LOCATION, 5),
    ]
    [first] = list(hub.ledger.batches(WAREHOUSE, "SKU-2"))
    assert (first.key.local_inbound_no, first.key.inbound_at) == ("IN-1", COMPLETED_AT)
    # And the order is put away with its receipt
    order = hub.order(OrderKind.INBOUND, "IN-1")
    assert order.status is OrderStatus.PUT_AWAY
    assert order.receipt is not None and order.receipt.received_at == COMPLETED_AT
    # And GWMS heard of the receipt, then of the putaway
    assert hub.tasks.events.types() == ["InboundReceived", "InboundPutAway"]
    assert hub.published("InboundReceived") == [
        {
            "order_no": "IN-1",
            "warehouse_code": WAREHOUSE,
            "proxy_order_no": proxy_no,
            "received_at": COMPLETED_AT.isoformat(),
            "lines": [
                {"gsku": "SKU-1", "qualified_qty": 8, "defective_qty": 2},
                {"gsku": "SKU-2", "qualified_qty": 5, "defective_qty": 0},
            ],
        }
    ]
    assert hub.published("InboundPutAway") == [
        {
            "order_no": "IN-1",
            "warehouse_code": WAREHOUSE,
            "batches": [
                {"gsku": "SKU-1", "inventory_type": "qualified", "location": PUTAWAY_LOCATION, "qty": 8},
                {"gsku": "SKU-1", "inventory_type": "defective", "location": DEFECTIVE_LOCATION, "qty": 2},
                {"gsku": "SKU-2", "inventory_type": "qualified", "location": PUTAWAY_LOCATION, "qty": 5},
            ],
        }
    ]
    # And the platform the order came from is told
    assert hub.observer.put_away == ["IN-1"]


@pytest.mark.parametrize(
    "customer",
    [
        CustomerInput(name="Acme", account_status="closed", warehouse_codes=[WAREHOUSE]),
        CustomerInput(name="Acme", account_status="open", warehouse_codes=["GW-ELSEWHERE"]),
    ],
    ids=["account closed", "not bound to the warehouse"],
)
def test_a_customer_who_cannot_receive_sends_the_task_to_manual_handling(
    hub: HubKit, customer: CustomerInput
) -> None:
    # Given an inbound the proxy completed, for a customer who cannot receive at this warehouse
    task_id = create_inbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.complete_inbound(proxy_no)
    hub.config.save_customer(CUSTOMER, customer, "2026-06-04T08:00:00.000000Z")

    # When the task polls
    hub.run(task_id, Trigger.SCHEDULE)

    # Then an operator must act, with the operators' wording, and nothing was received
    task = hub.task(task_id)
    assert task.status is TaskStatus.MANUAL
    assert task.execution_summary == "Customer account not open, cannot receive"
    assert hub.order(OrderKind.INBOUND, "IN-1").status is OrderStatus.PUSHED
    assert hub.ledger.stock(WAREHOUSE) == []
    assert hub.tasks.events.types() == ["TaskNeedsManualHandling"]


def test_once_the_account_is_open_sync_now_receives_and_puts_away(hub: HubKit) -> None:
    # Given a completed inbound stuck in manual handling on a closed account, which is then opened
    task_id = create_inbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.complete_inbound(proxy_no)
    hub.config.save_customer(
        CUSTOMER, CustomerInput(name="Acme", account_status="closed", warehouse_codes=[WAREHOUSE]), "t0"
    )
    hub.run(task_id, Trigger.SCHEDULE)
    hub.config.save_customer(
        CUSTOMER, CustomerInput(name="Acme", account_status="open", warehouse_codes=[WAREHOUSE]), "t1"
    )

    # When the operator runs Sync Now
    hub.run(task_id, Trigger.SYNC_NOW)

    # Then the stock is put away
    assert hub.task(task_id).status is TaskStatus.SUCCESS
    assert hub.ledger.stock(WAREHOUSE) == [("SKU-1", "qualified", proxy_no, PUTAWAY_LOCATION, 10)]


def test_a_missing_putaway_location_receives_but_does_not_put_away_until_fixed(hub: HubKit) -> None:
    # Given the warehouse mapping lacks its virtual putaway location
    hub.config.save_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, None, DEFECTIVE_LOCATION, "t0")
    task_id = create_inbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.complete_inbound(proxy_no, {"SKU-1": (9, 1)}, COMPLETED_AT)

    # When the task polls
    hub.run(task_id, Trigger.SCHEDULE)

    # Then the receipt is recorded but nothing is put away: an operator must configure the location
    task = hub.task(task_id)
    assert task.status is TaskStatus.MANUAL
    assert task.execution_summary == "Received, not put away: Virtual putaway location not configured"
    assert hub.order(OrderKind.INBOUND, "IN-1").status is OrderStatus.RECEIVED
    assert hub.ledger.stock(WAREHOUSE) == []
    assert hub.tasks.events.types() == ["InboundReceived", "TaskNeedsManualHandling"]

    # When the operator completes the mapping and runs the task again
    hub.config.save_warehouse_mapping(
        SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, PUTAWAY_LOCATION, DEFECTIVE_LOCATION, "t1"
    )
    hub.run(task_id, Trigger.SYNC_NOW)

    # Then the stock is put away once, and the receipt was not announced twice
    assert hub.task(task_id).status is TaskStatus.SUCCESS
    assert hub.ledger.stock(WAREHOUSE) == [
        ("SKU-1", "defective", proxy_no, DEFECTIVE_LOCATION, 1),
        ("SKU-1", "qualified", proxy_no, PUTAWAY_LOCATION, 9),
    ]
    assert hub.order(OrderKind.INBOUND, "IN-1").status is OrderStatus.PUT_AWAY
    assert hub.tasks.events.types() == ["InboundReceived", "TaskNeedsManualHandling", "InboundPutAway"]
    # And the proxy was asked only once more after the receipt: the received order needs no poll
    assert hub.warehouse.call_names().count("get_inbound") == 1


def test_a_missing_defective_location_also_blocks_the_putaway(hub: HubKit) -> None:
    # Given a mapping without a defective location, and a completed inbound
    hub.config.save_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, PUTAWAY_LOCATION, None, "t0")
    task_id = create_inbound(hub)
    hub.warehouse.complete_inbound(pushed(hub, task_id))

    # When the task polls
    hub.run(task_id, Trigger.SCHEDULE)

    # Then nothing is put away, with the operators' wording
    assert hub.task(task_id).execution_summary == "Received, not put away: Defective location not configured"
    assert hub.ledger.stock(WAREHOUSE) == []


def test_a_run_retried_after_the_putaway_does_not_change_stock_again(hub: HubKit) -> None:
    # Given the upstream platform cannot be told at the putaway's end, so the run fails after the stock moved
    task_id = create_inbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.complete_inbound(proxy_no)
    hub.observer.fail_put_away = TransientVendorError("OneWarehouse answered 503")
    hub.run(task_id, Trigger.SCHEDULE)
    assert hub.task(task_id).status is TaskStatus.WAITING
    assert hub.ledger.stock(WAREHOUSE) == [("SKU-1", "qualified", proxy_no, PUTAWAY_LOCATION, 10)]

    # When the task is retried
    hub.tasks.clock.advance(minutes=30)
    hub.run(task_id, Trigger.SCHEDULE)

    # Then it succeeds, the stock is unchanged, the putaway was announced once, and upstream told again
    assert hub.task(task_id).status is TaskStatus.SUCCESS
    assert hub.ledger.stock(WAREHOUSE) == [("SKU-1", "qualified", proxy_no, PUTAWAY_LOCATION, 10)]
    assert len(hub.published("InboundPutAway")) == 1
    assert hub.observer.put_away == ["IN-1", "IN-1"]


def test_a_run_that_outlived_its_lease_loses_to_the_run_that_took_over_and_stock_moves_once(
    hub: HubKit,
) -> None:
    # Given a completed inbound, and a run that stalls in its poll past its lease
    task_id = create_inbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.complete_inbound(proxy_no)
    nested: list[str] = []

    def stall_while_another_run_takes_over(_call: str, _argument: object) -> None:
        if nested:
            return
        nested.append("taken over")
        hub.tasks.clock.advance(minutes=16)
        hub.run(task_id, Trigger.SWEEPER)

    hub.warehouse.on_call("get_inbound", stall_while_another_run_takes_over)

    # When the stalled run carries on with what it read
    result = hub.run(task_id, Trigger.SCHEDULE)

    # Then its result is dropped, and the run that took over put the stock away once
    assert result.skipped == "Lease lost"
    assert hub.task(task_id).status is TaskStatus.SUCCESS
    assert hub.ledger.stock(WAREHOUSE) == [("SKU-1", "qualified", proxy_no, PUTAWAY_LOCATION, 10)]
    assert len(hub.published("InboundPutAway")) == 1


def test_an_inbound_cancelled_in_the_proxy_warehouse_cancels_the_order_and_its_task(hub: HubKit) -> None:
    # Given a pushed inbound the proxy warehouse cancelled itself
    task_id = create_inbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.advance_inbound(proxy_no, "CANCELLED")

    # When the task polls
    result = hub.run(task_id, Trigger.SCHEDULE)

    # Then the order and its create task are cancelled, and GWMS is told
    assert result.status is TaskStatus.CANCELLED
    assert hub.task(task_id).execution_summary == "Inbound cancelled in the proxy warehouse"
    order = hub.order(OrderKind.INBOUND, "IN-1")
    assert order.status is OrderStatus.CANCELLED
    assert hub.published("OrderCancelled") == [{"order_no": "IN-1", "kind": "inbound", "result": "CANCELLED"}]


# ---------------------------------------------------------------- outbound


def test_an_outbound_push_hands_the_proxy_the_label_and_the_proxy_channel(hub: HubKit) -> None:
    # Given a drop-shipping order whose owner supplies the shipping label
    hub.observer.label = LABEL
    task_id = create_outbound(hub, outbound_type="drop_shipping")

    # When its create task runs
    result = hub.run(task_id, Trigger.CREATED)

    # Then the label was fetched for the push and sent with it, on the proxy's channel code
    assert hub.observer.labels_asked == ["OUT-1"]
    outbound = hub.warehouse.outbound_for("OUT-1")
    assert outbound.request.label == LABEL
    assert (outbound.request.order_type, outbound.request.channel_code) == ("drop_shipping", PROXY_CHANNEL)
    assert outbound.request.recipient is not None and outbound.request.recipient["name"] == "Ada Lovelace"
    assert [(item.sku, item.qty) for item in outbound.request.items] == [("SKU-1", 4)]
    # And the task waits for the shipment
    assert result.status is TaskStatus.WAITING
    assert hub.task(task_id).execution_summary == (
        f"Pushed as {outbound.outbound_no}; waiting for the proxy warehouse to ship"
    )
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.PUSHED


def test_a_label_not_available_yet_delays_the_push(hub: HubKit) -> None:
    # Given the owner's waybill cannot be fetched yet
    hub.observer.fail_label = TransientVendorError("Waybill not fetched yet: OneWarehouse answered 503")
    task_id = create_outbound(hub, outbound_type="drop_shipping")

    # When the create task runs
    hub.run(task_id, Trigger.CREATED)

    # Then the push waits: the proxy warehouse never gets an outbound without its label
    assert hub.task(task_id).status is TaskStatus.WAITING
    assert hub.task(task_id).error_message == "Waybill not fetched yet: OneWarehouse answered 503"
    assert hub.warehouse.outbounds == {}
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.CREATED


def test_a_shipment_deducts_exactly_the_shipped_batches(hub: HubKit) -> None:
    # Given stock of SKU-1 in two qualified batches and one defective batch
    first_in, second_in = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC)
    batch_a = batch_key("HPK-IN-0700", "IN-7", "qualified", first_in)
    batch_b = batch_key("HPK-IN-0800", "IN-8", "qualified", second_in)
    batch_d = batch_key("HPK-IN-0700", "IN-7", "defective", first_in)
    hub.ledger.put_batch(batch_a, PUTAWAY_LOCATION, 10)
    hub.ledger.put_batch(batch_b, PUTAWAY_LOCATION, 5)
    hub.ledger.put_batch(batch_d, DEFECTIVE_LOCATION, 3)
    # And an outbound the proxy shipped from batch A (3 qualified) and the defective batch (1)
    task_id = create_outbound(hub, qty=4)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.ship_outbound(
        proxy_no,
        {
            "SKU-1": [
                ShippedBatch("HPK-IN-0700", first_in, "qualified", 3),
                ShippedBatch("HPK-IN-0700", first_in, "defective", 1),
            ]
        },
        carrier="UPS",
        tracking_no="1Z999AA10123456784",
    )

    # When the task polls
    result = hub.run(task_id, Trigger.SCHEDULE)

    # Then exactly the shipped batches lost their units; batch B is untouched
    assert result.status is TaskStatus.SUCCESS
    assert (hub.ledger.quantity(batch_a), hub.ledger.quantity(batch_b), hub.ledger.quantity(batch_d)) == (
        7,
        5,
        2,
    )
    # And the order records the shipment with our inbound numbers, carrier and tracking number
    order = hub.order(OrderKind.OUTBOUND, "OUT-1")
    assert order.status is OrderStatus.SHIPPED and order.shipment is not None
    assert (order.shipment.carrier, order.shipment.tracking_no) == ("UPS", "1Z999AA10123456784")
    assert [
        (b.proxy_inbound_no, b.local_inbound_no, b.inventory_type, b.qty) for b in order.shipment.batches
    ] == [
        ("HPK-IN-0700", "IN-7", "qualified", 3),
        ("HPK-IN-0700", "IN-7", "defective", 1),
    ]
    assert hub.task(task_id).execution_summary == "Shipped 4 units with UPS, tracking 1Z999AA10123456784"
    # And GWMS hears of the shipment once, with its batches
    [shipped] = hub.published("OutboundShipped")
    assert (shipped["order_no"], shipped["carrier"], shipped["tracking_no"]) == (
        "OUT-1",
        "UPS",
        "1Z999AA10123456784",
    )
    assert [(b["local_inbound_no"], b["inventory_type"], b["qty"]) for b in shipped["batches"]] == [
        ("IN-7", "qualified", 3),
        ("IN-7", "defective", 1),
    ]
    assert hub.observer.shipped == ["OUT-1"]


def test_a_shipment_retried_after_a_failure_is_deducted_once(hub: HubKit) -> None:
    # Given a shipment whose run failed after deducting the stock
    inbound_at = datetime(2026, 5, 1, tzinfo=UTC)
    batch_a = batch_key("HPK-IN-0700", "IN-7", "qualified", inbound_at)
    hub.ledger.put_batch(batch_a, PUTAWAY_LOCATION, 10)
    task_id = create_outbound(hub, qty=4)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.ship_outbound(
        proxy_no, {"SKU-1": [ShippedBatch("HPK-IN-0700", inbound_at, "qualified", 4)]}
    )
    hub.observer.fail_shipped = TransientVendorError("OneWarehouse answered 503")
    hub.run(task_id, Trigger.SCHEDULE)
    assert hub.task(task_id).status is TaskStatus.WAITING

    # When the task runs again
    hub.run(task_id, Trigger.SYNC_NOW)

    # Then it succeeds and the stock was deducted once
    assert hub.task(task_id).status is TaskStatus.SUCCESS
    assert hub.ledger.quantity(batch_a) == 6
    assert len(hub.published("OutboundShipped")) == 1


def test_a_proxy_exception_sends_the_task_to_manual_handling_with_the_proxys_reason(hub: HubKit) -> None:
    # Given an outbound the proxy warehouse reports an exception for
    task_id = create_outbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.report_exception(proxy_no, "Address undeliverable")

    # When the task polls
    result = hub.run(task_id, Trigger.SCHEDULE)

    # Then an operator must act, with the proxy's reason, and GWMS is told
    assert result.status is TaskStatus.MANUAL
    assert hub.task(task_id).execution_summary == "Proxy warehouse exception: Address undeliverable"
    order = hub.order(OrderKind.OUTBOUND, "OUT-1")
    assert (order.status, order.exception_reason) == (OrderStatus.EXCEPTION, "Address undeliverable")
    [manual] = hub.published("TaskNeedsManualHandling")
    assert manual["reason"] == "Proxy warehouse exception: Address undeliverable"
    assert manual["third_party_order_no"] == proxy_no


def test_an_outbound_cancelled_in_the_proxy_warehouse_ends_its_create_task(hub: HubKit) -> None:
    # Given a pushed outbound the proxy warehouse cancelled itself
    task_id = create_outbound(hub)
    proxy_no = pushed(hub, task_id)
    hub.warehouse.cancel_on_proxy_side(proxy_no)

    # When the task polls
    result = hub.run(task_id, Trigger.SCHEDULE)

    # Then the order and its create task are cancelled, and GWMS is told
    assert result.status is TaskStatus.CANCELLED
    assert hub.task(task_id).execution_summary == "Outbound cancelled in the proxy warehouse"
    order = hub.order(OrderKind.OUTBOUND, "OUT-1")
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel == CancelState(
        status="cancelled", reason="Cancelled in the proxy warehouse", result="CANCELLED"
    )
    assert hub.published("OrderCancelled") == [
        {"order_no": "OUT-1", "kind": "outbound", "result": "CANCELLED"}
    ]


# ---------------------------------------------------------------- cancel checks


def cancelling_outbound(hub: HubKit) -> tuple[str, str, str]:
    """A transfer-staging order being picked whose cancel the proxy is deciding:
    (create task id, cancel task id, proxy order no)."""
    create_task_id = create_outbound(hub)
    proxy_no = pushed(hub, create_task_id)
    hub.warehouse.advance_outbound(proxy_no, "PICKING")
    order = hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Shipment no longer needed")
    [cancel_ref] = [t for t in order.tasks if t.task_type == TaskType.CANCEL.value]
    return create_task_id, cancel_ref.task_id, proxy_no


def test_a_cancel_check_while_the_proxy_decides_waits_for_the_next_backoff_step(hub: HubKit) -> None:
    # Given an outbound whose cancel the proxy is deciding, at its first check
    _, cancel_task_id, _ = cancelling_outbound(hub)
    hub.tasks.clock.advance(minutes=10)

    # When the state machine runs the cancel task
    result = hub.run(cancel_task_id, Trigger.STATE_MACHINE)

    # Then it waits for the second backoff step (20 min)
    assert result.status is TaskStatus.WAITING and result.continue_polling is True
    task = hub.task(cancel_task_id)
    assert task.execution_summary == "Waiting for the proxy warehouse to decide the cancel"
    assert task.next_execution_at == hub.tasks.clock.now() + timedelta(minutes=20)
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.CANCELLING


def test_a_cancel_the_proxy_granted_cancels_the_order_and_ends_the_create_task(hub: HubKit) -> None:
    # Given the proxy warehouse granted a pending cancel
    create_task_id, cancel_task_id, proxy_no = cancelling_outbound(hub)
    hub.warehouse.resolve_cancel(proxy_no, "CANCELLED")

    # When the cancel task checks
    result = hub.run(cancel_task_id, Trigger.STATE_MACHINE)

    # Then the order is cancelled, its create task ended, and GWMS told
    assert result.status is TaskStatus.SUCCESS and result.continue_polling is False
    assert hub.task(cancel_task_id).execution_summary == "Cancelled in the proxy warehouse"
    order = hub.order(OrderKind.OUTBOUND, "OUT-1")
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel == CancelState(
        status="cancelled", reason="Shipment no longer needed", result="Cancelled in the proxy warehouse"
    )
    create_task = hub.task(create_task_id)
    assert create_task.status is TaskStatus.CANCELLED
    assert create_task.execution_summary == "Order cancelled: Cancelled in the proxy warehouse"
    assert hub.published("OrderCancelled") == [
        {"order_no": "OUT-1", "kind": "outbound", "result": "Cancelled in the proxy warehouse"}
    ]


def test_a_cancel_the_proxy_rejected_puts_the_order_back_to_pushed(hub: HubKit) -> None:
    # Given the proxy warehouse rejected a pending cancel
    create_task_id, cancel_task_id, proxy_no = cancelling_outbound(hub)
    hub.warehouse.resolve_cancel(proxy_no, "REJECTED")

    # When the cancel task checks
    result = hub.run(cancel_task_id, Trigger.STATE_MACHINE)

    # Then the cancel task is done: its question is answered
    assert result.status is TaskStatus.SUCCESS
    assert hub.task(cancel_task_id).execution_summary == (
        "Cancel rejected by the proxy warehouse (order is picking); the order continues"
    )
    order = hub.order(OrderKind.OUTBOUND, "OUT-1")
    assert order.status is OrderStatus.PUSHED
    assert order.cancel == CancelState(
        status="rejected",
        reason="Shipment no longer needed",
        result="Rejected by the proxy warehouse (order is PICKING)",
    )
    # And the order carries on to its shipment through its create task
    assert hub.task(create_task_id).status is TaskStatus.WAITING
    hub.warehouse.ship_outbound(proxy_no, {})
    hub.run(create_task_id, Trigger.SCHEDULE)
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.SHIPPED


def test_a_cancel_check_of_an_order_already_cancelled_is_done(hub: HubKit) -> None:
    # Given the create task learnt of the cancel first
    create_task_id, cancel_task_id, proxy_no = cancelling_outbound(hub)
    hub.warehouse.resolve_cancel(proxy_no, "CANCELLED")
    hub.run(create_task_id, Trigger.CALLBACK)
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.CANCELLED
    calls = len(hub.warehouse.calls)

    # When the cancel task checks
    result = hub.run(cancel_task_id, Trigger.STATE_MACHINE)

    # Then it is done without asking the proxy again, and GWMS heard of the cancel once
    assert result.status is TaskStatus.SUCCESS
    assert hub.task(cancel_task_id).execution_summary == "Cancelled in the proxy warehouse"
    assert len(hub.warehouse.calls) == calls
    assert len(hub.published("OrderCancelled")) == 1
