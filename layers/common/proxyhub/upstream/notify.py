"""OneWarehouse hears about its orders: the waybill before the push, callbacks after putaway and shipping.

`OneWarehouseObserver` is the order flows' `OrderObserver`:
- `label_for` fetches the waybill of a OneWarehouse outbound right before its push to the proxy
  warehouse (a failure delays the push, so HPK never ships without the label) and keeps it;
- `on_put_away` / `on_shipped` start a notify task, once per order, that sends the callback.

Notify tasks are ordinary sync tasks (type `notify`): their calls are in the request log, failures
retry with the policy's backoff and end in manual handling. The outbound callback is only sent once the
waybill was fetched (it is fetched first if need be), and at most once per order.
"""

import contextlib
from collections.abc import Iterator

from proxyhub.clock import Clock
from proxyhub.errors import ConflictError, TransientVendorError
from proxyhub.models.orders import Order, OrderKind, OrderStatus
from proxyhub.models.tasks import BusinessType, Route, Task, TaskType
from proxyhub.models.upstream import UpstreamOrder, Waybill
from proxyhub.orders.ports import NoUpstream, OrderStore
from proxyhub.proxy.ports import Label, LogContext
from proxyhub.request_log import RequestLogSink
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Cancelled, Done, FailedPermanent, Outcome, outcome_for_error
from proxyhub.upstream.connections import ORDER_SOURCE, ConnectionService
from proxyhub.upstream.ports import (
    InboundReceipt,
    OutboundShipment,
    ReceivedItem,
    ShippedPackage,
    TransientUpstreamError,
    UpstreamCallbackClient,
    UpstreamClientFactory,
    UpstreamError,
    UpstreamOrderStore,
)


class UpstreamCallbacks:
    """Opens callback clients for the environment an order came from."""

    def __init__(self, connections: ConnectionService, client_factory: UpstreamClientFactory) -> None:
        self._connections = connections
        self._client_factory = client_factory

    @contextlib.contextmanager
    def client(
        self, upstream: UpstreamOrder | None, sink: RequestLogSink
    ) -> Iterator[UpstreamCallbackClient]:
        # An order pushed before its link was written falls back to the active connection.
        connection = self._connections.callback_connection(upstream.environment if upstream else None)
        client = self._client_factory(connection, sink)
        try:
            yield client
        finally:
            client.close()


class OneWarehouseObserver:
    """The `OrderObserver` of every order: OneWarehouse orders are told upstream, others to nobody."""

    def __init__(
        self,
        callbacks: UpstreamCallbacks,
        engine: TaskEngine,
        upstream_orders: UpstreamOrderStore,
        clock: Clock,
    ) -> None:
        self._callbacks = callbacks
        self._engine = engine
        self._upstream_orders = upstream_orders
        self._clock = clock
        self._nobody = NoUpstream()

    def label_for(self, order: Order, sink: RequestLogSink) -> Label | None:
        if order.source != ORDER_SOURCE or order.kind is not OrderKind.OUTBOUND:
            return self._nobody.label_for(order, sink)
        upstream = self._upstream_orders.find_upstream_order(OrderKind.OUTBOUND, order.order_no)
        waybill = upstream.waybill if upstream else None
        if waybill is None:
            with _waybill_first():
                waybill = self._fetch_waybill(order, upstream, sink)
        return Label(
            format=waybill.label_format,
            content_base64=waybill.label_base64,
            carrier=waybill.carrier_code,
            tracking_no=waybill.tracking_no,
        )

    def on_put_away(self, order: Order) -> None:
        self._start_callback(order, BusinessType.INBOUND)

    def on_shipped(self, order: Order) -> None:
        self._start_callback(order, BusinessType.OUTBOUND)

    def _fetch_waybill(self, order: Order, upstream: UpstreamOrder | None, sink: RequestLogSink) -> Waybill:
        log = LogContext(order_no=order.order_no, warehouse_code=order.warehouse_code)
        with self._callbacks.client(upstream, sink) as client:
            waybill = client.get_waybill(order.order_no, context=log)
        return self._upstream_orders.save_waybill(
            OrderKind.OUTBOUND, order.order_no, waybill, self._clock.now()
        )

    def _start_callback(self, order: Order, business_type: BusinessType) -> None:
        """Creates the order's notify task unless it has one; a task created twice by a race cancels
        itself when it runs, as only one task can claim the callback."""
        if order.source != ORDER_SOURCE:
            return
        upstream = self._upstream_orders.find_upstream_order(order.kind, order.order_no)
        if upstream is not None and upstream.callback_task_id:
            return
        task = self._engine.create_task(
            TaskType.NOTIFY,
            business_type,
            Route(order.warehouse_code, order.proxy_warehouse_code, order.system_code),
            order_no=order.order_no,
            third_party_order_no=order.proxy_order_no,
            run_now=True,
        )
        self._upstream_orders.claim_callback(order.kind, order.order_no, task.task_id, self._clock.now())


@contextlib.contextmanager
def _waybill_first() -> Iterator[None]:
    """Says why the create task that asked for the label is waiting: its push retries once it comes."""
    try:
        yield
    except TransientUpstreamError as error:
        raise TransientVendorError(
            f"Waybill not fetched yet: {error.message}", error.retry_after_seconds
        ) from error


class CallbackExecutor:
    """Notify tasks: the inbound callback (after putaway) or the outbound callback (after shipping).

    An order not in that state yet is a domain error the engine turns into manual handling."""

    def __init__(
        self, callbacks: UpstreamCallbacks, orders: OrderStore, upstream_orders: UpstreamOrderStore
    ) -> None:
        self._callbacks = callbacks
        self._orders = orders
        self._upstream_orders = upstream_orders

    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        kind = OrderKind(task.business_type.value)
        stored = self._orders.find(kind, task.order_no or "")
        if stored is None:
            return FailedPermanent(f"{kind.value.capitalize()} order {task.order_no} not found")
        order = stored.order
        owner = self._upstream_orders.claim_callback(kind, order.order_no, task.task_id, context.now())
        if owner != task.task_id:
            return Cancelled(f"Task {owner} sends this order's callback")
        upstream = self._upstream_orders.find_upstream_order(kind, order.order_no)
        if upstream is not None and upstream.callback_sent_at:
            return Done(f"Callback already sent at {upstream.callback_sent_at}")
        try:
            summary = self._send(order, upstream, context, _log_context(task))
        except UpstreamError as error:
            return outcome_for_error(error)
        self._upstream_orders.mark_callback_sent(kind, order.order_no, context.now())
        return Done(summary)

    def _send(
        self, order: Order, upstream: UpstreamOrder | None, context: ExecutionContext, log: LogContext
    ) -> str:
        with self._callbacks.client(upstream, context.request_log) as client:
            if order.kind is OrderKind.INBOUND:
                client.send_inbound_callback(inbound_receipt(order), context=log)
                return "Inbound callback sent to OneWarehouse"
            waybill = upstream.waybill if upstream else None
            if waybill is None:
                # The label comes before the outbound callback, always: OneWarehouse refuses it after.
                fetched = client.get_waybill(order.order_no, context=log)
                waybill = self._upstream_orders.save_waybill(
                    OrderKind.OUTBOUND, order.order_no, fetched, context.now()
                )
            shipment = outbound_shipment(order, waybill)
            client.send_outbound_callback(shipment, context=log)
            return f"Outbound callback sent to OneWarehouse: {shipment.carrier_code} {shipment.tracking_no}"


def inbound_receipt(order: Order) -> InboundReceipt:
    """Qualified and defective quantities of every ordered SKU; one the warehouse did not receive is 0."""
    if order.status is not OrderStatus.PUT_AWAY or order.receipt is None:
        raise ConflictError(f"Order {order.order_no} is not put away yet")
    received = {line.gsku: line for line in order.receipt.lines}
    items = []
    for gsku in dict.fromkeys([line.gsku for line in order.lines] + list(received)):
        line = received.get(gsku)
        items.append(ReceivedItem(gsku, line.qualified_qty if line else 0, line.defective_qty if line else 0))
    return InboundReceipt(
        order_no=order.order_no,
        kind="return" if order.order_type == "return" else "purchase",
        received_at=order.receipt.received_at,
        items=tuple(items),
    )


def outbound_shipment(order: Order, waybill: Waybill) -> OutboundShipment:
    """What the proxy warehouse reported; the waybill fills in what it left out."""
    shipment = order.shipment
    if order.status is not OrderStatus.SHIPPED or shipment is None:
        raise ConflictError(f"Order {order.order_no} is not shipped yet")
    tracking_no = shipment.tracking_no or waybill.tracking_no
    return OutboundShipment(
        outbound_no=order.order_no,
        shipped_at=shipment.shipped_at or order.updated_at,
        carrier_code=shipment.carrier or waybill.carrier_code,
        tracking_no=tracking_no,
        packages=(ShippedPackage(tracking_no, None),),
    )


def _log_context(task: Task) -> LogContext:
    return LogContext(task_id=task.task_id, order_no=task.order_no, warehouse_code=task.gwms_warehouse_code)
