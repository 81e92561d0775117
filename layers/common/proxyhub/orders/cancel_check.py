"""Cancel tasks: ask the proxy warehouse how a cancel it is still deciding came out."""

from proxyhub.models.orders import CancelState, OrderKind, OrderStatus, StoredOrder
from proxyhub.models.tasks import Task
from proxyhub.orders.cancellation import inbound_cancel_resolution, outbound_cancel_resolution
from proxyhub.orders.flow import OrderFlowExecutor, log_context
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Done, NotYet, Outcome

CANCELLED_AT_PROXY = "Cancelled in the proxy warehouse"


class CancelCheckExecutor(OrderFlowExecutor):
    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        kind = OrderKind(task.business_type.value)
        stored = self._order_of(task, kind)
        order = stored.order
        if order.status is OrderStatus.CANCELLED:
            return Done(CANCELLED_AT_PROXY, third_party_order_no=order.proxy_order_no)
        if order.status is not OrderStatus.CANCELLING or order.proxy_order_no is None:
            return Done(f"No cancel pending: the order is {order.status.value}")
        client = self._client(order, context)
        log = log_context(task)
        proxy_status: str
        resolution: str | None
        if kind is OrderKind.INBOUND:
            inbound = client.get_inbound(order.proxy_order_no, context=log)
            proxy_status, resolution = inbound.status, inbound_cancel_resolution(inbound)
        else:
            outbound = client.get_outbound(order.proxy_order_no, context=log)
            proxy_status, resolution = outbound.status, outbound_cancel_resolution(outbound)
        if resolution is None:
            return NotYet("Waiting for the proxy warehouse to decide the cancel")
        if resolution == "CANCELLED":
            reason = order.cancel.reason if order.cancel else "Cancelled"
            self._flows.cancellation.confirm(stored, reason, CANCELLED_AT_PROXY, context.now())
            return Done(CANCELLED_AT_PROXY, third_party_order_no=order.proxy_order_no)
        return self._rejected(stored, proxy_status, context)

    def _rejected(self, stored: StoredOrder, proxy_status: str, context: ExecutionContext) -> Outcome:
        order = stored.order
        reason = order.cancel.reason if order.cancel else "Cancelled"
        result = f"Rejected by the proxy warehouse (order is {proxy_status})"
        rejected = order.model_copy(
            update={
                "status": OrderStatus.PUSHED,
                "cancel": CancelState(status="rejected", reason=reason, result=result),
                "updated_at": context.now(),
            }
        )
        self._flows.orders.save(stored, rejected)
        return Done(
            f"Cancel {result.lower()}; the order continues", third_party_order_no=order.proxy_order_no
        )
