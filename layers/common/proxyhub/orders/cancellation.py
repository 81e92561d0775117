"""How an order ends up cancelled, whoever learns of it first: the API, a create task or a cancel task."""

import contextlib
from datetime import datetime

from proxyhub.errors import ConcurrentUpdateError, ConflictError
from proxyhub.models.orders import CancelState, Order, OrderStatus, StoredOrder
from proxyhub.orders.ports import DomainEvents, OrderStore, OrderTasks
from proxyhub.proxy.ports import InboundState, OutboundState

ORDER_CANCELLED_EVENT = "OrderCancelled"


class OrderCancellation:
    def __init__(self, orders: OrderStore, tasks: OrderTasks, events: DomainEvents) -> None:
        self._orders = orders
        self._tasks = tasks
        self._events = events

    def confirm(self, stored: StoredOrder, reason: str, result: str, now: datetime) -> Order:
        """The order is cancelled for good: its create task ends and GWMS hears about it.

        The create and the cancel task may both learn of the cancel at once (an HPK callback wakes
        both): the one that loses the write finds the order cancelled and is done too."""
        order = stored.order.model_copy(
            update={
                "status": OrderStatus.CANCELLED,
                "cancel": CancelState(status="cancelled", reason=reason, result=result),
                "updated_at": now,
            }
        )
        try:
            saved = self._orders.save(stored, order)
        except ConcurrentUpdateError:
            current = self._orders.find(order.kind, order.order_no)
            if current is None or current.order.status is not OrderStatus.CANCELLED:
                raise
            return current.order
        if order.create_task_id:
            # Finished or running: a running create task sees the cancelled order and ends itself.
            with contextlib.suppress(ConflictError):
                self._tasks.end_task(order.create_task_id, f"Order cancelled: {result}")
        self._events.publish(
            ORDER_CANCELLED_EVENT, {"order_no": order.order_no, "kind": order.kind.value, "result": result}
        )
        return saved.order


def inbound_cancel_resolution(state: InboundState) -> str:
    """HPK decides an inbound cancel at once: anything but CANCELLED means it went on."""
    return "CANCELLED" if state.status == "CANCELLED" else "REJECTED"


def outbound_cancel_resolution(state: OutboundState) -> str | None:
    """CANCELLED, REJECTED, or None while the proxy warehouse is still deciding."""
    if state.status == "CANCELLED" or state.cancel_result == "CANCELLED":
        return "CANCELLED"
    if state.status == "CANCELLING":
        return None
    return "REJECTED"
