"""Status callbacks from proxy warehouses: a verified hint that makes the order's tasks run now.

The callback is never taken as the truth; the woken task still reads the order from the proxy.
"""

from dataclasses import dataclass

from proxyhub.models.orders import OrderKind
from proxyhub.models.tasks import Trigger
from proxyhub.observability import logger
from proxyhub.orders.ports import OrderStore, OrderTasks
from proxyhub.proxy.ports import StatusCallback


@dataclass(frozen=True)
class CallbackResult:
    order_no: str | None
    tasks_triggered: list[str]
    # The order's route, so the callback's request log is found by system and warehouse too.
    system_code: str | None = None
    warehouse_code: str | None = None


class StatusCallbackService:
    def __init__(self, orders: OrderStore, tasks: OrderTasks) -> None:
        self._orders = orders
        self._tasks = tasks

    def handle(self, callback: StatusCallback) -> CallbackResult:
        # The proxy warehouse echoes our order number as the reference; our orders are stored under it.
        stored = self._orders.find(OrderKind(callback.kind), callback.reference_no or "")
        if stored is None:
            logger.warning(
                "Status callback for an unknown order", extra={"proxy_order_no": callback.proxy_order_no}
            )
            return CallbackResult(order_no=None, tasks_triggered=[])
        task_ids = self._tasks.run_unfinished_now(stored.order.order_no, Trigger.CALLBACK)
        logger.info("Status callback", extra={"event": callback.event, "order_no": stored.order.order_no})
        order = stored.order
        return CallbackResult(
            order_no=order.order_no,
            tasks_triggered=task_ids,
            system_code=order.system_code,
            warehouse_code=order.warehouse_code,
        )
