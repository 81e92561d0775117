"""What the order flows need from outside the orders package; adapters implement these."""

from typing import Protocol

from proxyhub.events import DomainEvents
from proxyhub.orders.models import Order, TaskRef
from proxyhub.proxy.ports import Label
from proxyhub.request_log import RequestLogSink

# DomainEvents is shared with the task engine (proxyhub.events), re-exported for the order flows.
__all__ = ["DomainEvents", "NoUpstream", "OrderObserver", "OrderTasks"]


class OrderTasks(Protocol):
    """The task engine as the order flows use it."""

    def start_create_task(self, order: Order) -> TaskRef:
        """A create task that first runs when `run_now` asks, or at its first polling time."""
        ...

    def run_now(self, task_id: str) -> None:
        """Asks for a run soon, without waiting for it."""
        ...

    def start_cancel_task(self, order: Order, reason: str) -> TaskRef:
        """A cancel task whose checks back off (a state machine drives them in AWS)."""
        ...

    def end_task(self, task_id: str, reason: str) -> None:
        """Marks a task cancelled: it will never be needed again."""
        ...

    def is_running(self, task_id: str) -> bool: ...

    def tasks_of(self, order_no: str) -> list[TaskRef]: ...


class OrderObserver(Protocol):
    """The platform an order came from (e.g. OneWarehouse), told about the order's progress.

    A retried run tells it again, so `on_put_away` and `on_shipped` must be idempotent."""

    def label_for(self, order: Order, sink: RequestLogSink) -> Label | None:
        """The shipping label to hand the proxy warehouse with an outbound push, fetched now.

        Raising a transient error delays the push: the label must come first."""
        ...

    def on_put_away(self, order: Order) -> None: ...

    def on_shipped(self, order: Order) -> None: ...


class NoUpstream:
    """Orders GWMS created itself: nobody upstream to tell."""

    def label_for(self, order: Order, sink: RequestLogSink) -> Label | None:
        return None

    def on_put_away(self, order: Order) -> None:
        return None

    def on_shipped(self, order: Order) -> None:
        return None
