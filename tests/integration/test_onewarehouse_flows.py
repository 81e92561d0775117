"""OneWarehouse orders end to end against both simulators, on moto: pushes become HPK orders, HPK's
progress becomes OneWarehouse callbacks, in the order OneWarehouse requires."""

import base64
from typing import Any

import pytest
from onewarehouse_kit import (
    CARRIER,
    GSKU,
    Hub,
    outbound_body,
    purchase_body,
    return_body,
)

from fakes import ListRequestLogSink
from proxyhub import wiring
from proxyhub.models.orders import Order, OrderKind, OrderStatus
from proxyhub.models.tasks import Task, TaskStatus, TaskType, Trigger

pytestmark = pytest.mark.integration
pytest_plugins = ["onewarehouse_kit"]


def notify_tasks(hub: Hub, order_no: str) -> list[Task]:
    return [task for task in hub.tasks_of(order_no) if task.task_type is TaskType.NOTIFY]


def callbacks(hub: Hub, topic: str) -> list[dict[str, Any]]:
    return [call["body"] for call in hub.ow.state()["callbacks"] if call["topic"] == topic]


def push_to_hpk(hub: Hub, topic: str, body: dict[str, Any], order_no: str, kind: OrderKind) -> Order:
    """OneWarehouse pushes the order; its create task pushes it on to HPK."""
    status, reply = hub.push(topic, body)
    assert (status, reply["code"]) == (200, 0), reply
    hub.run_tasks_of(order_no)
    order = hub.order(kind, order_no)
    assert order.status is OrderStatus.PUSHED, order
    return order


def receive_at_hpk(hub: Hub, order: Order, qualified: int, defective: int) -> Order:
    """HPK completes the inbound; the create task receives and puts away; new tasks run at once."""
    assert order.proxy_order_no is not None
    items = [{"sku": GSKU, "qualified_qty": qualified, "defective_qty": defective}]
    hub.hpk.control.complete_inbound(order.proxy_order_no, items)
    hub.run_tasks_of(order.order_no)
    hub.drain()
    return hub.order(OrderKind.INBOUND, order.order_no)


def stock_in_hpk(hub: Hub, qty: int = 10) -> None:
    inbound = push_to_hpk(
        hub, "purchase-inbound", purchase_body("OW-PI-1", qty=qty), "OW-PI-1", OrderKind.INBOUND
    )
    receive_at_hpk(hub, inbound, qualified=qty, defective=0)


def ship_at_hpk(hub: Hub, order: Order) -> Order:
    assert order.proxy_order_no is not None
    hub.hpk.control.advance_outbound(order.proxy_order_no, "SHIPPED")
    hub.run_tasks_of(order.order_no)
    hub.drain()
    return hub.order(OrderKind.OUTBOUND, order.order_no)


# ---------------------------------------------------------------- inbound


@pytest.mark.parametrize(
    ("topic", "body", "order_no", "number_field"),
    [
        ("purchase-inbound", purchase_body("OW-PI-1", qty=10), "OW-PI-1", "inbound_no"),
        (
            "return-inbound",
            return_body("OW-RI-1", items=[{"sku_id": GSKU, "qty": 10}]),
            "OW-RI-1",
            "return_no",
        ),
    ],
)
def test_an_inbound_is_called_back_after_putaway_with_qualified_and_defective_quantities(
    hub: Hub, topic: str, body: dict[str, Any], order_no: str, number_field: str
) -> None:
    # Given a OneWarehouse inbound pushed on to HPK
    order = push_to_hpk(hub, topic, body, order_no, OrderKind.INBOUND)
    assert callbacks(hub, "inbound/callback") == []

    # When HPK receives 8 qualified and 2 defective and the hub puts them away
    order = receive_at_hpk(hub, order, qualified=8, defective=2)

    # Then OneWarehouse got exactly one inbound callback with the quantities per sku_id
    assert order.status is OrderStatus.PUT_AWAY
    sent = callbacks(hub, "inbound/callback")
    assert len(sent) == 1
    assert sent[0][number_field] == order_no
    assert sent[0]["status"] == "RECEIVED"
    assert sent[0]["items"] == [{"sku_id": GSKU, "qualified_qty": 8, "defective_qty": 2}]
    # And the callback is a notify task on the Sync Tasks page, with its request log
    [task] = notify_tasks(hub, order_no)
    assert (task.status, task.business_type.value) == (TaskStatus.SUCCESS, "inbound")
    logs = wiring.container().request_log_store.for_task(task.task_id, 10).items
    assert [(log.api_name, log.response_status) for log in logs] == [("inbound/callback", 200)]


def test_the_inbound_callback_is_never_sent_twice(hub: Hub) -> None:
    inbound = push_to_hpk(hub, "purchase-inbound", purchase_body("OW-PI-1"), "OW-PI-1", OrderKind.INBOUND)
    order = receive_at_hpk(hub, inbound, qualified=10, defective=0)

    # When the flow tells OneWarehouse again (a retried run) and every task is run once more
    wiring.container().order_observer.on_put_away(order)
    hub.drain()
    for task in hub.tasks_of("OW-PI-1"):
        hub.run(task.task_id, Trigger.SYNC_NOW)

    # Then there is still one notify task and one callback
    assert len(notify_tasks(hub, "OW-PI-1")) == 1
    assert len(callbacks(hub, "inbound/callback")) == 1


# ---------------------------------------------------------------- outbound


def test_an_outbound_gets_its_label_before_the_push_and_is_called_back_after_shipping(hub: Hub) -> None:
    stock_in_hpk(hub)
    calls_before = len(hub.ow_calls())

    # When OneWarehouse pushes an outbound and the hub pushes it on to HPK
    order = push_to_hpk(hub, "outbound", outbound_body("OW-OB-1", qty=2), "OW-OB-1", OrderKind.OUTBOUND)

    # Then the waybill was fetched first and HPK's order carries it as the label
    assert hub.ow_calls()[calls_before:] == [("waybill/get", 0)]
    [hpk_outbound] = [o for o in hub.hpk.control.state()["outbounds"] if o["reference_no"] == "OW-OB-1"]
    label = hpk_outbound["label"]
    assert label["carrier"] == CARRIER
    assert base64.b64decode(label["content_base64"]).startswith(b"%PDF")
    assert callbacks(hub, "outbound/callback") == []

    # When HPK ships it
    order = ship_at_hpk(hub, order)

    # Then OneWarehouse saw: waybill, then the outbound callback with the label's carrier and tracking
    assert order.status is OrderStatus.SHIPPED
    assert hub.ow_calls()[calls_before:] == [("waybill/get", 0), ("outbound/callback", 0)]
    [sent] = callbacks(hub, "outbound/callback")
    assert (sent["outbound_no"], sent["status"]) == ("OW-OB-1", "SHIPPED")
    assert (sent["carrier_code"], sent["tracking_no"]) == (CARRIER, label["tracking_no"])
    assert hub.ow.state()["outbounds_shipped"] == ["OW-OB-1"]


def test_the_outbound_callback_is_never_sent_twice_and_the_label_is_never_fetched_again(hub: Hub) -> None:
    stock_in_hpk(hub)
    order = push_to_hpk(hub, "outbound", outbound_body("OW-OB-1"), "OW-OB-1", OrderKind.OUTBOUND)
    order = ship_at_hpk(hub, order)
    calls = hub.ow_calls()

    # When the flow tells OneWarehouse again and asks for the label again
    observer = wiring.container().order_observer
    observer.on_shipped(order)
    hub.drain()
    label = observer.label_for(order, ListRequestLogSink())

    # Then nothing more reached OneWarehouse: the stored label answers
    assert hub.ow_calls() == calls
    assert label is not None and label.carrier == CARRIER
    assert len(notify_tasks(hub, "OW-OB-1")) == 1


def test_the_push_waits_for_the_label(hub: Hub) -> None:
    stock_in_hpk(hub)
    # Given OneWarehouse cannot be reached
    hub.connect(api_base_url="http://127.0.0.1:9")
    hub.push("outbound", outbound_body("OW-OB-1"))

    # When the create task runs
    [result] = hub.run_tasks_of("OW-OB-1")

    # Then nothing went to HPK and the task retries later
    assert result.status is TaskStatus.WAITING
    [task] = hub.tasks_of("OW-OB-1")
    assert (task.error_message or "").startswith("Waybill not fetched yet: OneWarehouse transport error")
    assert hub.order(OrderKind.OUTBOUND, "OW-OB-1").status is OrderStatus.CREATED
    assert not [o for o in hub.hpk.control.state()["outbounds"] if o["reference_no"] == "OW-OB-1"]

    # When OneWarehouse is back, the next run fetches the label and pushes
    hub.connect()
    hub.run_tasks_of("OW-OB-1")
    assert hub.order(OrderKind.OUTBOUND, "OW-OB-1").status is OrderStatus.PUSHED
    assert ("waybill/get", 0) in hub.ow_calls()


def reloaded(task: Task) -> Task:
    stored = wiring.container().task_repository.get(task.task_id)
    assert stored is not None
    return stored


def test_a_failing_callback_retries_with_backoff_ends_in_manual_handling_and_recovers(hub: Hub) -> None:
    inbound = push_to_hpk(hub, "purchase-inbound", purchase_body("OW-PI-1"), "OW-PI-1", OrderKind.INBOUND)
    # Given OneWarehouse cannot be reached when the goods are put away (the first attempt fails)
    hub.connect(api_base_url="http://127.0.0.1:9")
    receive_at_hpk(hub, inbound, qualified=10, defective=0)
    [task] = notify_tasks(hub, "OW-PI-1")

    # Then the notify task waits longer after each failure ...
    waits = []
    while task.status is TaskStatus.WAITING:
        assert task.next_execution_at is not None and task.last_executed_at is not None
        waits.append(round((task.next_execution_at - task.last_executed_at).total_seconds() / 60))
        hub.run(task.task_id)
        task = reloaded(task)

    # ... and ends in manual handling with the reason
    assert waits[:3] == [5, 30, 120]
    assert task.status is TaskStatus.MANUAL
    assert "OneWarehouse transport error" in (task.error_message or "")
    assert callbacks(hub, "inbound/callback") == []

    # When the operator fixes the connection and presses Sync Now, the callback goes out once
    hub.connect()
    hub.run(task.task_id, Trigger.SYNC_NOW)
    assert reloaded(task).status is TaskStatus.SUCCESS
    assert len(callbacks(hub, "inbound/callback")) == 1


# ---------------------------------------------------------------- cancels, answered from the real state


def cancel(hub: Hub, topic: str, order_no: str) -> dict[str, Any]:
    number_field = "inbound_no" if topic == "inbound-cancel" else "outbound_no"
    status, reply = hub.push(topic, {number_field: order_no, "reason": "changed plans"})
    assert (status, reply["code"]) == (200, 0), reply
    data: dict[str, Any] = reply["data"]
    return data


def test_inbound_cancel_before_the_push_is_allowed(hub: Hub) -> None:
    hub.push("purchase-inbound", purchase_body("OW-PI-1"))

    answer = cancel(hub, "inbound-cancel", "OW-PI-1")

    assert answer == {"inbound_no": "OW-PI-1", "allowed": True, "reason": "Cancelled before it was pushed"}
    assert hub.order(OrderKind.INBOUND, "OW-PI-1").status is OrderStatus.CANCELLED
    [create] = hub.tasks_of("OW-PI-1")
    assert create.status is TaskStatus.CANCELLED


def test_inbound_cancel_after_the_push_is_allowed_when_hpk_cancels_at_once(hub: Hub) -> None:
    order = push_to_hpk(hub, "purchase-inbound", purchase_body("OW-PI-1"), "OW-PI-1", OrderKind.INBOUND)

    answer = cancel(hub, "inbound-cancel", "OW-PI-1")

    assert answer == {"inbound_no": "OW-PI-1", "allowed": True, "reason": "Cancelled in the proxy warehouse"}
    [hpk_inbound] = [
        i for i in hub.hpk.control.state()["inbounds"] if i["inbound_no"] == order.proxy_order_no
    ]
    assert hpk_inbound["status"] == "CANCELLED"


def test_inbound_cancel_is_not_allowed_once_hpk_is_receiving(hub: Hub) -> None:
    order = push_to_hpk(hub, "purchase-inbound", purchase_body("OW-PI-1"), "OW-PI-1", OrderKind.INBOUND)
    assert order.proxy_order_no is not None
    hub.hpk.control.advance_inbound(order.proxy_order_no, "RECEIVING")

    answer = cancel(hub, "inbound-cancel", "OW-PI-1")

    assert answer["allowed"] is False
    assert answer["reason"].startswith("Cancel rejected by the proxy warehouse: ")
    assert hub.order(OrderKind.INBOUND, "OW-PI-1").status is OrderStatus.PUSHED


def test_inbound_cancel_is_not_allowed_once_put_away(hub: Hub) -> None:
    order = push_to_hpk(hub, "purchase-inbound", purchase_body("OW-PI-1"), "OW-PI-1", OrderKind.INBOUND)
    receive_at_hpk(hub, order, qualified=10, defective=0)

    answer = cancel(hub, "inbound-cancel", "OW-PI-1")

    assert answer == {
        "inbound_no": "OW-PI-1",
        "allowed": False,
        "reason": "Order OW-PI-1 is already put_away; it cannot be cancelled",
    }


def test_a_cancel_still_being_decided_answers_interception_in_progress(hub: Hub) -> None:
    # Given an inbound whose cancel the proxy warehouse is still deciding
    push_to_hpk(hub, "purchase-inbound", purchase_body("OW-PI-1"), "OW-PI-1", OrderKind.INBOUND)
    stored = wiring.container().order_store.find(OrderKind.INBOUND, "OW-PI-1")
    assert stored is not None
    wiring.container().order_store.save(
        stored, stored.order.model_copy(update={"status": OrderStatus.CANCELLING})
    )

    answer = cancel(hub, "inbound-cancel", "OW-PI-1")

    assert answer == {"inbound_no": "OW-PI-1", "allowed": False, "reason": "interception in progress"}


def test_outbound_cancel_before_the_push_is_intercepted(hub: Hub) -> None:
    hub.push("outbound", outbound_body("OW-OB-1"))

    answer = cancel(hub, "outbound-cancel", "OW-OB-1")

    assert answer == {
        "outbound_no": "OW-OB-1",
        "intercepted": True,
        "reason": "Cancelled before it was pushed",
    }
    assert hub.order(OrderKind.OUTBOUND, "OW-OB-1").status is OrderStatus.CANCELLED
    assert hub.ow_calls() == []  # no label was fetched for an order that never went to HPK


@pytest.mark.parametrize("shipped", [False, True], ids=["pushed", "shipped"])
def test_outbound_cancel_after_the_push_is_not_intercepted(hub: Hub, shipped: bool) -> None:
    stock_in_hpk(hub)
    order = push_to_hpk(hub, "outbound", outbound_body("OW-OB-1"), "OW-OB-1", OrderKind.OUTBOUND)
    if shipped:
        order = ship_at_hpk(hub, order)

    answer = cancel(hub, "outbound-cancel", "OW-OB-1")

    assert answer == {
        "outbound_no": "OW-OB-1",
        "intercepted": False,
        "reason": "Drop shipping orders cannot be cancelled",
    }
    assert hub.order(OrderKind.OUTBOUND, "OW-OB-1").status is order.status
