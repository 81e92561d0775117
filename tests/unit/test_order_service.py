"""OrderService on in-memory fakes: every refusal writes nothing; repeats are idempotent; cancels follow
the order's real state (before the push, at the proxy warehouse, or through a cancel task)."""

from dataclasses import replace
from datetime import timedelta

import pytest

from fakes.hub import (
    CHANNEL,
    CUSTOMER,
    PROXY_CHANNEL,
    PROXY_WAREHOUSE,
    SYSTEM,
    WAREHOUSE,
    HubKit,
    hub_kit,
)
from proxyhub.errors import ConflictError, InvalidInputError, NotFoundError, SystemConfigurationError
from proxyhub.models.orders import (
    CancelState,
    InboundOrderCreate,
    OrderKind,
    OrderStatus,
    OutboundOrderCreate,
)
from proxyhub.models.tasks import BusinessType, TaskStatus, TaskType, Trigger

pytestmark = pytest.mark.unit

MIN = timedelta(minutes=1)
RECIPIENT = {
    "name": "Ada Lovelace",
    "country": "US",
    "city": "Los Angeles",
    "postcode": "90001",
    "address1": "1 Main St",
}


def inbound(order_no: str = "IN-1", *items: tuple[str, int], **overrides: object) -> InboundOrderCreate:
    values: dict[str, object] = {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": WAREHOUSE,
        "customer_code": CUSTOMER,
        "items": [{"gsku": gsku, "qty": qty} for gsku, qty in (items or (("SKU-1", 10),))],
    }
    return InboundOrderCreate.model_validate(values | overrides)


def outbound(
    order_no: str = "OUT-1",
    outbound_type: str = "transfer_staging",
    *items: tuple[str, int],
    **overrides: object,
) -> OutboundOrderCreate:
    values: dict[str, object] = {
        "order_no": order_no,
        "outbound_type": outbound_type,
        "warehouse_code": WAREHOUSE,
        "customer_code": CUSTOMER,
        "channel_code": CHANNEL,
        "items": [{"gsku": gsku, "qty": qty} for gsku, qty in (items or (("SKU-1", 4),))],
    }
    if outbound_type == "drop_shipping":
        values["recipient"] = RECIPIENT
    else:
        values["transfer"] = {"destination_code": "FBA-ONT8"}
    return OutboundOrderCreate.model_validate(values | overrides)


@pytest.fixture
def hub() -> HubKit:
    return hub_kit()


def assert_nothing_written(hub: HubKit) -> None:
    assert hub.orders.writes == []
    assert hub.tasks.store.tasks == {}
    assert hub.tasks.scheduler.schedules == {} and hub.tasks.invoker.calls == []
    assert hub.warehouse.calls == []


def pushed_inbound(hub: HubKit, order_no: str = "IN-1") -> str:
    """An inbound order the proxy warehouse has; returns the proxy's inbound number."""
    hub.order_service.create_inbound(inbound(order_no))
    hub.run(hub.create_task_of(OrderKind.INBOUND, order_no).task_id, Trigger.CREATED)
    proxy_order_no = hub.order(OrderKind.INBOUND, order_no).proxy_order_no
    assert proxy_order_no is not None
    return proxy_order_no


def pushed_outbound(hub: HubKit, order_no: str = "OUT-1", outbound_type: str = "transfer_staging") -> str:
    hub.order_service.create_outbound(outbound(order_no, outbound_type))
    hub.run(hub.create_task_of(OrderKind.OUTBOUND, order_no).task_id, Trigger.CREATED)
    proxy_order_no = hub.order(OrderKind.OUTBOUND, order_no).proxy_order_no
    assert proxy_order_no is not None
    return proxy_order_no


# ---------------------------------------------------------------- creating: refusals


def test_an_order_for_an_unmapped_warehouse_is_refused_and_nothing_is_written(hub: HubKit) -> None:
    # Given a GWMS warehouse that no warehouse mapping routes to a proxy warehouse
    request = inbound(warehouse_code="GW-UNMAPPED")

    # When GWMS creates an inbound order there
    with pytest.raises(InvalidInputError) as refused:
        hub.order_service.create_inbound(request)

    # Then the order is refused, naming the field, and nothing was written
    assert refused.value.field == "warehouse_code"
    assert refused.value.message == "Warehouse GW-UNMAPPED is not mapped to a proxy warehouse"
    assert_nothing_written(hub)


def test_an_order_routed_to_a_disabled_proxy_system_is_a_system_configuration_error(hub: HubKit) -> None:
    # Given the proxy system of the warehouse's mapping is disabled
    hub.config.replace_proxy_system(replace(hub.config.systems[SYSTEM], enabled=False))

    # When GWMS creates an outbound order for that warehouse
    with pytest.raises(SystemConfigurationError) as refused:
        hub.order_service.create_outbound(outbound())

    # Then operators read a configuration error and nothing was written
    assert refused.value.message == "System configuration error: proxy system HPK01 is disabled"
    assert_nothing_written(hub)


def test_an_order_routed_to_an_unsupported_system_type_is_a_system_configuration_error(hub: HubKit) -> None:
    # Given the mapping's proxy system has a type this deployment has no client for
    hub.config.replace_proxy_system(replace(hub.config.systems[SYSTEM], system_type="WMS9"))

    # When GWMS creates an inbound order
    with pytest.raises(SystemConfigurationError, match="system type WMS9 is not supported"):
        hub.order_service.create_inbound(inbound())

    # Then nothing was written
    assert_nothing_written(hub)


def test_an_order_routed_to_an_unknown_proxy_system_is_a_system_configuration_error(hub: HubKit) -> None:
    # Given a mapping whose proxy system is gone (removed from the table behind the mapping's back)
    del hub.config.systems[SYSTEM]

    # When GWMS creates an inbound order
    with pytest.raises(SystemConfigurationError, match="proxy system HPK01 is not configured"):
        hub.order_service.create_inbound(inbound())

    # Then nothing was written
    assert_nothing_written(hub)


def test_an_unknown_gsku_is_refused_naming_its_line(hub: HubKit) -> None:
    # Given an order whose second line names a GSKU without master data
    request = inbound("IN-1", ("SKU-1", 5), ("NOPE", 1))

    # When GWMS creates it
    with pytest.raises(InvalidInputError) as refused:
        hub.order_service.create_inbound(request)

    # Then the refusal names that line's field, and nothing was written
    assert refused.value.field == "items[1].gsku"
    assert refused.value.message == "Unknown GSKU NOPE"
    assert_nothing_written(hub)


def test_drop_shipping_without_a_channel_mapping_is_refused(hub: HubKit) -> None:
    # Given a drop-shipping order on a logistics channel the proxy system has no mapping for
    request = outbound("OUT-1", "drop_shipping", channel_code="DHL")

    # When GWMS creates it
    with pytest.raises(InvalidInputError) as refused:
        hub.order_service.create_outbound(request)

    # Then it is refused on the channel, and nothing was written
    assert refused.value.field == "channel_code"
    assert refused.value.message == "Channel DHL has no channel mapping for proxy system HPK01"
    assert_nothing_written(hub)


def test_transfer_staging_on_an_unmapped_channel_is_accepted_without_a_proxy_channel(hub: HubKit) -> None:
    # When GWMS creates a transfer-staging order on a channel without mapping
    order, created = hub.order_service.create_outbound(outbound(channel_code="DHL"))

    # Then it is accepted: transfer staging does not need the proxy's channel
    assert created is True
    assert (order.channel_code, order.proxy_channel_code) == ("DHL", None)


# ---------------------------------------------------------------- creating: accepted and repeated


def test_a_new_order_is_stored_routed_and_its_create_task_asked_to_run_at_once(hub: HubKit) -> None:
    # When GWMS creates a drop-shipping order on a mapped channel
    order, created = hub.order_service.create_outbound(outbound("OUT-1", "drop_shipping"))

    # Then it is stored as created, routed to the proxy warehouse, with its proxy channel
    assert created is True
    assert order.status is OrderStatus.CREATED
    assert (order.proxy_warehouse_code, order.system_code) == (PROXY_WAREHOUSE, SYSTEM)
    assert order.proxy_channel_code == PROXY_CHANNEL
    assert order.source == "gwms"
    # And its one create task is pending and asked to run now
    [task_ref] = order.tasks
    assert (task_ref.task_type, task_ref.status) == ("create", "pending")
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").create_task_id == task_ref.task_id
    assert hub.tasks.invoker.calls == [(task_ref.task_id, Trigger.CREATED)]
    assert hub.warehouse.calls == []


def test_an_identical_repeat_returns_the_same_order_and_starts_no_second_task(hub: HubKit) -> None:
    # Given an inbound order GWMS created
    first, _ = hub.order_service.create_inbound(inbound())

    # When GWMS sends the very same order again
    again, created = hub.order_service.create_inbound(inbound())

    # Then it gets the same order back, and nothing new was started
    assert created is False
    assert again.model_dump(exclude={"tasks"}) == first.model_dump(exclude={"tasks"})
    assert [t.task_id for t in again.tasks] == [t.task_id for t in first.tasks]
    assert len(hub.tasks.store.tasks) == 1 and len(hub.tasks.invoker.calls) == 1
    # (the order and its create task were stored in one write, the task id already on the order)
    assert hub.orders.writes == [("insert", "IN-1")]


def test_a_changed_repeat_is_a_conflict_and_changes_nothing(hub: HubKit) -> None:
    # Given an inbound order GWMS created with 10 units
    hub.order_service.create_inbound(inbound("IN-1", ("SKU-1", 10)))
    writes = list(hub.orders.writes)

    # When an order with the same number but 12 units arrives
    with pytest.raises(ConflictError) as refused:
        hub.order_service.create_inbound(inbound("IN-1", ("SKU-1", 12)))

    # Then it is a conflict (409), and the stored order is untouched
    assert refused.value.message == "Order IN-1 already exists with different content"
    assert hub.orders.writes == writes
    assert hub.order(OrderKind.INBOUND, "IN-1").lines[0].qty == 10
    assert len(hub.tasks.store.tasks) == 1


# ---------------------------------------------------------------- cancelling: refusals


def test_a_drop_shipping_cancel_is_refused_at_once(hub: HubKit) -> None:
    # Given a drop-shipping order the proxy warehouse has
    pushed_outbound(hub, "OUT-1", "drop_shipping")
    writes, calls = list(hub.orders.writes), list(hub.warehouse.calls)

    # When GWMS cancels it
    with pytest.raises(ConflictError) as refused:
        hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Customer changed their mind")

    # Then the cancel is refused with the reason, without asking the proxy warehouse or writing
    assert refused.value.message == "Drop shipping orders cannot be cancelled"
    assert hub.orders.writes == writes and hub.warehouse.calls == calls
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.PUSHED


def test_a_drop_shipping_order_cannot_be_cancelled_even_before_its_push(hub: HubKit) -> None:
    # Given a drop-shipping order not pushed yet
    hub.order_service.create_outbound(outbound("OUT-1", "drop_shipping"))
    writes = list(hub.orders.writes)

    # When GWMS cancels it
    with pytest.raises(ConflictError, match="Drop shipping orders cannot be cancelled"):
        hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Cancelled by GWMS")

    # Then the cancel is refused and the order untouched
    assert hub.orders.writes == writes
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.CREATED


def test_an_inbound_order_already_put_away_cannot_be_cancelled(hub: HubKit) -> None:
    # Given an inbound order received and put away
    proxy_no = pushed_inbound(hub)
    hub.warehouse.complete_inbound(proxy_no)
    hub.run(hub.create_task_of(OrderKind.INBOUND, "IN-1").task_id)
    assert hub.order(OrderKind.INBOUND, "IN-1").status is OrderStatus.PUT_AWAY
    writes, calls = list(hub.orders.writes), list(hub.warehouse.calls)

    # When GWMS cancels it
    with pytest.raises(ConflictError) as refused:
        hub.order_service.cancel(OrderKind.INBOUND, "IN-1", "Cancelled by GWMS")

    # Then it is refused, and neither the order nor the proxy warehouse was touched
    assert refused.value.message == "Order IN-1 is already put_away; it cannot be cancelled"
    assert hub.orders.writes == writes and hub.warehouse.calls == calls


def test_an_outbound_order_already_shipped_cannot_be_cancelled(hub: HubKit) -> None:
    # Given a transfer-staging order the proxy warehouse shipped
    proxy_no = pushed_outbound(hub)
    hub.warehouse.ship_outbound(proxy_no, {})
    hub.run(hub.create_task_of(OrderKind.OUTBOUND, "OUT-1").task_id)
    assert hub.order(OrderKind.OUTBOUND, "OUT-1").status is OrderStatus.SHIPPED
    writes, calls = list(hub.orders.writes), list(hub.warehouse.calls)

    # When GWMS cancels it
    with pytest.raises(ConflictError, match="Order OUT-1 is already shipped; it cannot be cancelled"):
        hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Cancelled by GWMS")

    # Then nothing was written or asked
    assert hub.orders.writes == writes and hub.warehouse.calls == calls


def test_a_cancel_the_proxy_warehouse_rejects_is_a_conflict_and_recorded_as_rejected(hub: HubKit) -> None:
    # Given an inbound order the proxy warehouse is already receiving
    proxy_no = pushed_inbound(hub)
    hub.warehouse.advance_inbound(proxy_no, "RECEIVING")
    tasks_before = set(hub.tasks.store.tasks)

    # When GWMS cancels it
    with pytest.raises(ConflictError) as refused:
        hub.order_service.cancel(OrderKind.INBOUND, "IN-1", "Supplier never shipped")

    # Then GWMS hears the proxy's own reason
    reason = f"inbound {proxy_no} is RECEIVING, cancellation not allowed"
    assert refused.value.message == f"Cancel rejected by the proxy warehouse: {reason}"
    # And the order goes on, its cancel marked rejected; no cancel task was started
    order = hub.order(OrderKind.INBOUND, "IN-1")
    assert order.status is OrderStatus.PUSHED
    assert order.cancel == CancelState(status="rejected", reason="Supplier never shipped", result=reason)
    assert set(hub.tasks.store.tasks) == tasks_before and hub.cancel_backoff.started == []
    # And the exchange is in the request log under the order
    [logged] = [r for r in hub.service_log.records if r.api_name == "inbound/cancel"]
    assert (logged.order_no, logged.warehouse_code, logged.system_code) == ("IN-1", WAREHOUSE, SYSTEM)


def test_cancelling_an_unknown_order_is_not_found(hub: HubKit) -> None:
    # When GWMS cancels an order it never created, it is not found
    with pytest.raises(NotFoundError, match="Inbound order NOPE not found"):
        hub.order_service.cancel(OrderKind.INBOUND, "NOPE", "Cancelled by GWMS")


# ---------------------------------------------------------------- cancelling: accepted


def test_a_cancel_before_the_push_cancels_locally_and_ends_the_create_task(hub: HubKit) -> None:
    # Given an inbound order not pushed yet
    hub.order_service.create_inbound(inbound())
    create_task = hub.create_task_of(OrderKind.INBOUND, "IN-1")

    # When GWMS cancels it
    order = hub.order_service.cancel(OrderKind.INBOUND, "IN-1", "Ordered twice")

    # Then it is cancelled here, without the proxy warehouse ever hearing of it
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel == CancelState(
        status="cancelled", reason="Ordered twice", result="Cancelled before it was pushed"
    )
    assert hub.warehouse.calls == []
    # And its create task will never run, and GWMS is told
    ended = hub.task(create_task.task_id)
    assert ended.status is TaskStatus.CANCELLED
    assert ended.execution_summary == "Order cancelled: Cancelled before it was pushed"
    assert create_task.task_id not in hub.tasks.scheduler.schedules
    assert hub.published("OrderCancelled") == [
        {"order_no": "IN-1", "kind": "inbound", "result": "Cancelled before it was pushed"}
    ]


def test_a_cancel_before_the_push_is_refused_while_the_push_is_running(hub: HubKit) -> None:
    # Given an unpushed order whose create task is running right now
    hub.order_service.create_inbound(inbound())
    task = hub.create_task_of(OrderKind.INBOUND, "IN-1")
    now = hub.tasks.clock.now()
    hub.tasks.store.put(
        replace(task, status=TaskStatus.RUNNING, lease_owner="run-1", lease_expires_at=now + 15 * MIN)
    )
    writes = list(hub.orders.writes)

    # When GWMS cancels it
    with pytest.raises(ConflictError, match="is being pushed to the proxy warehouse; try again shortly"):
        hub.order_service.cancel(OrderKind.INBOUND, "IN-1", "Ordered twice")

    # Then the order is untouched
    assert hub.orders.writes == writes
    assert hub.order(OrderKind.INBOUND, "IN-1").status is OrderStatus.CREATED


def test_a_cancel_the_proxy_grants_at_once_cancels_the_order(hub: HubKit) -> None:
    # Given an inbound order the proxy warehouse has but has not started receiving
    proxy_no = pushed_inbound(hub)
    create_task_id = hub.create_task_of(OrderKind.INBOUND, "IN-1").task_id

    # When GWMS cancels it
    order = hub.order_service.cancel(OrderKind.INBOUND, "IN-1", "Supplier never shipped")

    # Then the proxy warehouse cancelled it and so did we, without a cancel task
    assert hub.warehouse.inbound(proxy_no).status == "CANCELLED"
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel == CancelState(
        status="cancelled", reason="Supplier never shipped", result="Cancelled in the proxy warehouse"
    )
    assert hub.task(create_task_id).status is TaskStatus.CANCELLED
    assert [t.task_type for t in order.tasks] == ["create"]
    assert hub.cancel_backoff.started == []
    assert hub.published("OrderCancelled") == [
        {"order_no": "IN-1", "kind": "inbound", "result": "Cancelled in the proxy warehouse"}
    ]


def test_a_cancel_the_proxy_is_still_deciding_starts_a_cancel_task_with_its_backoff(hub: HubKit) -> None:
    # Given a transfer-staging order the proxy warehouse is picking
    proxy_no = pushed_outbound(hub)
    hub.warehouse.advance_outbound(proxy_no, "PICKING")
    create_task_id = hub.create_task_of(OrderKind.OUTBOUND, "OUT-1").task_id

    # When GWMS cancels it
    order = hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Shipment no longer needed")

    # Then the order is cancelling until the proxy warehouse decides
    assert order.status is OrderStatus.CANCELLING
    assert order.cancel == CancelState(status="cancelling", reason="Shipment no longer needed")
    assert hub.warehouse.outbound(proxy_no).status == "CANCELLING"
    # And a cancel task checks back after 10 min, 20 min, 1 h, then every 4 h, driven by the state machine
    [cancel_task] = [t for t in hub.tasks.store.tasks.values() if t.task_type is TaskType.CANCEL]
    assert (cancel_task.business_type, cancel_task.status) == (BusinessType.OUTBOUND, TaskStatus.PENDING)
    assert (cancel_task.order_no, cancel_task.third_party_order_no) == ("OUT-1", proxy_no)
    assert cancel_task.payload == {"reason": "Shipment no longer needed"}
    assert cancel_task.next_execution_at == hub.tasks.clock.now() + 10 * MIN
    assert hub.cancel_backoff.started == [(cancel_task.task_id, [600, 1200, 3600, 14400])]
    assert cancel_task.task_id not in hub.tasks.scheduler.schedules
    # And the create task goes on polling
    assert hub.task(create_task_id).status is TaskStatus.WAITING
    assert sorted(t.task_type for t in order.tasks) == ["cancel", "create"]


def test_cancelling_an_order_that_is_already_cancelling_starts_nothing_new(hub: HubKit) -> None:
    # Given an order whose cancel the proxy warehouse is deciding
    proxy_no = pushed_outbound(hub)
    hub.warehouse.advance_outbound(proxy_no, "PACKED")
    hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Shipment no longer needed")
    writes, tasks = list(hub.orders.writes), set(hub.tasks.store.tasks)

    # When GWMS cancels it again
    order = hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Asked again")

    # Then the same cancel goes on: no write, no second cancel task or backoff
    assert order.status is OrderStatus.CANCELLING
    assert hub.orders.writes == writes and set(hub.tasks.store.tasks) == tasks
    assert len(hub.cancel_backoff.started) == 1


def test_a_cancel_task_whose_backoff_did_not_start_still_has_its_next_check(hub: HubKit) -> None:
    # Given Step Functions refuses to start the backoff
    proxy_no = pushed_outbound(hub)
    hub.warehouse.advance_outbound(proxy_no, "PICKING")
    hub.cancel_backoff.fail = True

    # When GWMS cancels the order
    order = hub.order_service.cancel(OrderKind.OUTBOUND, "OUT-1", "Shipment no longer needed")

    # Then the cancel is accepted and its task keeps a next check time for the sweeper
    assert order.status is OrderStatus.CANCELLING
    [cancel_task] = [t for t in hub.tasks.store.tasks.values() if t.task_type is TaskType.CANCEL]
    assert cancel_task.due_at == hub.tasks.clock.now() + 10 * MIN


# ---------------------------------------------------------------- upstream platforms


def test_replace_unpushed_replaces_an_order_the_proxy_warehouse_has_not_got(hub: HubKit) -> None:
    # Given a OneWarehouse order of 10 units, not pushed yet
    hub.order_service.create_inbound(inbound("OW-IN-1", ("SKU-1", 10)), source="onewarehouse")
    create_task_id = hub.create_task_of(OrderKind.INBOUND, "OW-IN-1").task_id
    changed = inbound("OW-IN-1", ("SKU-1", 6), ("SKU-2", 2), inbound_type="return")

    # When OneWarehouse sends it again changed
    order = hub.order_service.replace_unpushed(changed, "onewarehouse")

    # Then the order carries the new lines and type, under the same create task
    assert [(line.gsku, line.qty) for line in order.lines] == [("SKU-1", 6), ("SKU-2", 2)]
    assert order.order_type == "return" and order.status is OrderStatus.CREATED
    assert order.create_task_id == create_task_id and len(hub.tasks.store.tasks) == 1
    # And the changed push sent once more is a plain repeat
    again, created = hub.order_service.create_inbound(changed, source="onewarehouse")
    assert created is False and [line.qty for line in again.lines] == [6, 2]


def test_replace_unpushed_with_the_same_content_changes_nothing(hub: HubKit) -> None:
    # Given a OneWarehouse order not pushed yet
    hub.order_service.create_inbound(inbound("OW-IN-1"), source="onewarehouse")
    writes = list(hub.orders.writes)

    # When the very same order is sent again
    order = hub.order_service.replace_unpushed(inbound("OW-IN-1"), "onewarehouse")

    # Then nothing is written
    assert order.lines[0].qty == 10 and hub.orders.writes == writes


def test_replace_unpushed_refuses_an_order_of_another_source(hub: HubKit) -> None:
    # Given an order GWMS created
    hub.order_service.create_inbound(inbound("IN-1", ("SKU-1", 10)))
    writes = list(hub.orders.writes)

    # When OneWarehouse sends a changed order under its number
    with pytest.raises(ConflictError, match="Order IN-1 already exists from gwms"):
        hub.order_service.replace_unpushed(inbound("IN-1", ("SKU-1", 3)), "onewarehouse")

    # Then it is refused and nothing is written
    assert hub.orders.writes == writes


def test_replace_unpushed_refuses_once_the_order_is_pushed(hub: HubKit) -> None:
    # Given a OneWarehouse order the proxy warehouse already has
    hub.order_service.create_inbound(inbound("OW-IN-1", ("SKU-1", 10)), source="onewarehouse")
    hub.run(hub.create_task_of(OrderKind.INBOUND, "OW-IN-1").task_id, Trigger.CREATED)
    writes = list(hub.orders.writes)

    # When OneWarehouse sends it changed
    with pytest.raises(ConflictError, match="Order OW-IN-1 is already pushed; changes refused"):
        hub.order_service.replace_unpushed(inbound("OW-IN-1", ("SKU-1", 3)), "onewarehouse")

    # Then the change is refused: the proxy's copy would differ from ours
    assert hub.orders.writes == writes
    assert hub.order(OrderKind.INBOUND, "OW-IN-1").lines[0].qty == 10


def test_replace_unpushed_refuses_to_move_an_order_to_another_warehouse(hub: HubKit) -> None:
    # Given a OneWarehouse order not pushed yet
    hub.order_service.create_inbound(inbound("OW-IN-1"), source="onewarehouse")

    # When it comes back for another warehouse, it is refused
    with pytest.raises(ConflictError, match="the warehouse of an order cannot change"):
        hub.order_service.replace_unpushed(inbound("OW-IN-1", warehouse_code="GW02"), "onewarehouse")


def test_cancel_unpushed_cancels_an_order_of_any_type_before_its_push(hub: HubKit) -> None:
    # Given a OneWarehouse drop-shipping order, not pushed yet
    hub.order_service.create_outbound(outbound("OW-OUT-1", "drop_shipping"), source="onewarehouse")

    # When OneWarehouse stops it
    order = hub.order_service.cancel_unpushed(OrderKind.OUTBOUND, "OW-OUT-1", "Cancelled by OneWarehouse")

    # Then it is cancelled, although GWMS could not cancel drop shipping
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel is not None and order.cancel.result == "Cancelled before it was pushed"
    assert hub.warehouse.calls == []


def test_cancel_unpushed_refuses_an_order_already_pushed(hub: HubKit) -> None:
    # Given an order the proxy warehouse has
    pushed_outbound(hub, "OUT-1")
    writes = list(hub.orders.writes)

    # When OneWarehouse stops it as if unpushed
    with pytest.raises(ConflictError) as refused:
        hub.order_service.cancel_unpushed(OrderKind.OUTBOUND, "OUT-1", "Cancelled by OneWarehouse")

    # Then it is refused and nothing is written
    assert refused.value.message == "Order OUT-1 is already pushed"
    assert hub.orders.writes == writes
