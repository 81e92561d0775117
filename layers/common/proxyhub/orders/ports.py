"""What the order flows need from outside the orders package; adapters implement these."""

from typing import Any, Protocol

from proxyhub.orders.models import Order, TaskRef


class OrderTasks(Protocol):
    """The task engine as the order flows use it."""

    def start_create_task(self, order: Order) -> TaskRef: ...

    def start_cancel_task(self, order: Order, reason: str) -> TaskRef:
        """A cancel task whose checks back off (a state machine drives them in AWS)."""
        ...

    def end_task(self, task_id: str, reason: str) -> None:
        """Marks a task cancelled: it will never be needed again."""
        ...

    def is_running(self, task_id: str) -> bool: ...

    def tasks_of(self, order_no: str) -> list[TaskRef]: ...


class DomainEvents(Protocol):
    """Domain events for GWMS (an EventBridge bus in AWS)."""

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None: ...
