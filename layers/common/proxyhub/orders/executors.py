"""Task executors of the order flows: push to the proxy warehouse, poll it, apply the result locally.

Each run reads the order afresh and continues from where the order stands, so a retried or
duplicated run never pushes twice (HPK dedupes on our order number) nor changes stock twice (the
stock change and the order's status move in one transaction, guarded by an effect marker).
"""

from collections.abc import Callable
from datetime import datetime

from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.dal import config_repository, ledger_repository, order_repository
from proxyhub.dal.config_repository import PUTAWAY_LOCATION_MISSING
from proxyhub.dal.order_repository import StoredOrder
from proxyhub.inventory.ledger import BatchKey, StockDelta, location_for
from proxyhub.orders.models import (
    CancelState,
    Order,
    OrderKind,
    OrderStatus,
    Receipt,
    ReceiptLine,
    Shipment,
    ShippedBatchLine,
)
from proxyhub.orders.ports import DomainEvents, OrderObserver, OrderTasks
from proxyhub.orders.service import confirm_cancelled
from proxyhub.proxy.ports import (
    InboundRequest,
    InboundState,
    LogContext,
    OrderItem,
    OutboundRequest,
    OutboundState,
    ProxyWarehouseClient,
)
from proxyhub.skus.sync import SkuSyncService
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.model import Task
from proxyhub.tasks.outcomes import Cancelled, Done, NeedsManual, NotYet, Outcome

CUSTOMER_NOT_OPEN = "Customer account not open, cannot receive"


class OrderFlowBase:
    def __init__(
        self,
        clients: ProxyClientProvider,
        tasks: OrderTasks,
        events: DomainEvents,
        sku_sync: SkuSyncService,
        observer: OrderObserver,
    ) -> None:
        self._clients = clients
        self._tasks = tasks
        self._events = events
        self._sku_sync = sku_sync
        self._observer = observer

    def _order_of(self, task: Task, kind: OrderKind) -> StoredOrder:
        stored = order_repository.find_order(kind, task.order_no or "")
        if stored is None:
            raise LookupError(f"{kind.value} order {task.order_no} not found")
        return stored

    def _client(self, order: Order, context: ExecutionContext) -> ProxyWarehouseClient:
        return self._clients.client_for(order.system_code, context.request_log)

    @staticmethod
    def _log_context(task: Task) -> LogContext:
        return LogContext(
            task_id=task.task_id, order_no=task.order_no, warehouse_code=task.gwms_warehouse_code
        )

    def _mark_pushed(self, stored: StoredOrder, proxy_order_no: str, now: datetime) -> StoredOrder:
        pushed = stored.order.model_copy(
            update={"status": OrderStatus.PUSHED, "proxy_order_no": proxy_order_no, "updated_at": now}
        )
        return order_repository.save_order(stored, pushed)


class InboundFlowExecutor(OrderFlowBase):
    """Create (and, after 24 h, query) tasks of inbound orders."""

    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        stored = self._order_of(task, OrderKind.INBOUND)
        order = stored.order
        if order.status is OrderStatus.CANCELLED:
            return Cancelled("Order cancelled")
        if order.status is OrderStatus.PUT_AWAY:
            # A run that died after the putaway may not have told upstream; telling again is safe.
            self._observer.on_put_away(order)
            return Done(putaway_summary(order), third_party_order_no=order.proxy_order_no)
        if order.status is OrderStatus.RECEIVED:
            return self._put_away(stored, context)
        client = self._client(order, context)
        if order.proxy_order_no is None:
            return self._push(stored, client, task, context)
        state = client.get_inbound(order.proxy_order_no, context=self._log_context(task))
        if state.status == "COMPLETED":
            return self._receive(stored, state, context)
        if state.status == "CANCELLED":
            confirm_cancelled(
                stored,
                "Cancelled in the proxy warehouse",
                state.status,
                self._tasks,
                self._events,
                context.now(),
            )
            return Cancelled("Inbound cancelled in the proxy warehouse")
        return NotYet(f"Waiting for the proxy warehouse to complete the inbound (status {state.status})")

    def _push(
        self, stored: StoredOrder, client: ProxyWarehouseClient, task: Task, context: ExecutionContext
    ) -> Outcome:
        order = stored.order
        log = self._log_context(task)
        self._sku_sync.ensure_synced(
            order.system_code, [line.gsku for line in order.lines], context.request_log, log
        )
        result = client.create_inbound(
            InboundRequest(
                reference_no=order.order_no,
                warehouse_code=order.proxy_warehouse_code,
                inbound_type="return" if order.order_type == "return" else "purchase",
                customer_code=order.customer_code,
                expected_at=order.expected_at,
                items=tuple(OrderItem(line.gsku, line.qty) for line in order.lines),
            ),
            context=log,
        )
        self._mark_pushed(stored, result.proxy_order_no, context.now())
        return NotYet(
            f"Pushed as {result.proxy_order_no}; waiting for the proxy warehouse to complete the inbound",
            third_party_order_no=result.proxy_order_no,
        )

    def _receive(self, stored: StoredOrder, state: InboundState, context: ExecutionContext) -> Outcome:
        order = stored.order
        customer = config_repository.find_customer(order.customer_code)
        if customer is None or not customer.can_receive_at(order.warehouse_code):
            return NeedsManual(CUSTOMER_NOT_OPEN, third_party_order_no=order.proxy_order_no)
        received_at = state.completed_at or context.now()
        receipt = Receipt(
            received_at=received_at,
            proxy_inbound_no=state.inbound_no,
            lines=[
                ReceiptLine(gsku=line.sku, qualified_qty=line.qualified_qty, defective_qty=line.defective_qty)
                for line in state.items
            ],
        )
        received = order.model_copy(
            update={"status": OrderStatus.RECEIVED, "receipt": receipt, "updated_at": context.now()}
        )
        stored = order_repository.save_order(stored, received)
        self._events.publish("InboundReceived", _receipt_event(received))
        return self._put_away(stored, context)

    def _put_away(self, stored: StoredOrder, context: ExecutionContext) -> Outcome:
        order = stored.order
        locations = dedicated_locations(order)
        if isinstance(locations, str):
            return NeedsManual(
                f"Received, not put away: {locations}", third_party_order_no=order.proxy_order_no
            )
        deltas = putaway_deltas(order, *locations)
        put_away = order.model_copy(update={"status": OrderStatus.PUT_AWAY, "updated_at": context.now()})
        applied = ledger_repository.apply_stock_change(
            f"putaway#{order.order_no}",
            deltas,
            context.now(),
            order_repository.order_update_write(stored, put_away),
        )
        if applied:
            self._events.publish("InboundPutAway", _putaway_event(put_away, deltas))
        self._observer.on_put_away(put_away)
        return Done(putaway_summary(put_away), third_party_order_no=order.proxy_order_no)


def dedicated_locations(order: Order) -> tuple[str, str] | str:
    """The mapping's (virtual putaway, defective) locations, or why the stock cannot be booked."""
    mapping = config_repository.find_warehouse_mapping(order.system_code, order.proxy_warehouse_code)
    if mapping is None:
        return PUTAWAY_LOCATION_MISSING
    missing = mapping.missing_location()
    if missing is not None:
        return missing
    return mapping.virtual_putaway_location or "", mapping.defective_location or ""


def putaway_deltas(order: Order, putaway_location: str, defective_location: str) -> list[StockDelta]:
    assert order.receipt is not None
    deltas = []
    for line in order.receipt.lines:
        for inventory_type, qty in (("qualified", line.qualified_qty), ("defective", line.defective_qty)):
            if qty <= 0:
                continue
            key = BatchKey(
                gwms_warehouse_code=order.warehouse_code,
                gsku=line.gsku,
                inventory_type=inventory_type,
                proxy_inbound_no=order.receipt.proxy_inbound_no,
                local_inbound_no=order.order_no,
                inbound_at=order.receipt.received_at,
            )
            location = location_for(key.inventory_type, putaway_location, defective_location)
            deltas.append(StockDelta(key=key, location=location, delta=qty))
    return deltas


def putaway_summary(order: Order) -> str:
    receipt = order.receipt
    if receipt is None:
        return "Put away"
    qualified = sum(line.qualified_qty for line in receipt.lines)
    defective = sum(line.defective_qty for line in receipt.lines)
    return f"Received and put away: {qualified} qualified, {defective} defective"


def _receipt_event(order: Order) -> dict[str, object]:
    assert order.receipt is not None
    return {
        "order_no": order.order_no,
        "warehouse_code": order.warehouse_code,
        "proxy_order_no": order.proxy_order_no,
        "received_at": order.receipt.received_at.isoformat(),
        "lines": [line.model_dump() for line in order.receipt.lines],
    }


def _putaway_event(order: Order, deltas: list[StockDelta]) -> dict[str, object]:
    return {
        "order_no": order.order_no,
        "warehouse_code": order.warehouse_code,
        "batches": [
            {
                "gsku": d.key.gsku,
                "inventory_type": d.key.inventory_type,
                "location": d.location,
                "qty": d.delta,
            }
            for d in deltas
        ],
    }


class OutboundFlowExecutor(OrderFlowBase):
    """Create (and, after 24 h, query) tasks of outbound orders."""

    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        stored = self._order_of(task, OrderKind.OUTBOUND)
        order = stored.order
        if order.status is OrderStatus.CANCELLED:
            return Cancelled("Order cancelled")
        if order.status is OrderStatus.SHIPPED:
            self._observer.on_shipped(order)
            return Done(shipped_summary(order), third_party_order_no=order.proxy_order_no)
        client = self._client(order, context)
        if order.proxy_order_no is None:
            return self._push(stored, client, task, context)
        state = client.get_outbound(order.proxy_order_no, context=self._log_context(task))
        handlers: dict[str, Callable[[], Outcome]] = {
            "SHIPPED": lambda: self._ship(stored, state, context),
            "EXCEPTION": lambda: self._exception(stored, state, context),
            "CANCELLED": lambda: self._cancelled(stored, context),
        }
        handler = handlers.get(state.status)
        if handler is not None:
            return handler()
        return NotYet(f"Waiting for the proxy warehouse to ship (status {state.status})")

    def _push(
        self, stored: StoredOrder, client: ProxyWarehouseClient, task: Task, context: ExecutionContext
    ) -> Outcome:
        order = stored.order
        result = client.create_outbound(
            OutboundRequest(
                reference_no=order.order_no,
                warehouse_code=order.proxy_warehouse_code,
                order_type="drop_shipping" if order.order_type == "drop_shipping" else "transfer_staging",
                channel_code=order.proxy_channel_code,
                recipient=order.recipient.model_dump(exclude_none=True) if order.recipient else None,
                transfer=order.transfer.model_dump(exclude_none=True) if order.transfer else None,
                label=self._observer.label_for(order, context.request_log),
                items=tuple(OrderItem(line.gsku, line.qty) for line in order.lines),
            ),
            context=self._log_context(task),
        )
        self._mark_pushed(stored, result.proxy_order_no, context.now())
        return NotYet(
            f"Pushed as {result.proxy_order_no}; waiting for the proxy warehouse to ship",
            third_party_order_no=result.proxy_order_no,
        )

    def _ship(self, stored: StoredOrder, state: OutboundState, context: ExecutionContext) -> Outcome:
        order = stored.order
        locations = dedicated_locations(order)
        if isinstance(locations, str):
            return NeedsManual(
                f"Shipped, stock not deducted: {locations}", third_party_order_no=order.proxy_order_no
            )
        putaway, defective = locations
        shipment = with_local_inbound_numbers(order.warehouse_code, shipment_from(state))
        deltas = [
            StockDelta(
                key=batch_key(order, batch),
                location=location_for(batch.inventory_type, putaway, defective),
                delta=-batch.qty,
            )
            for batch in shipment.batches
        ]
        shipped = order.model_copy(
            update={"status": OrderStatus.SHIPPED, "shipment": shipment, "updated_at": context.now()}
        )
        applied = ledger_repository.apply_stock_change(
            f"shipment#{order.order_no}",
            deltas,
            context.now(),
            order_repository.order_update_write(stored, shipped),
        )
        if applied:
            self._events.publish(
                "OutboundShipped",
                {
                    "order_no": order.order_no,
                    "warehouse_code": order.warehouse_code,
                    **shipment.model_dump(mode="json"),
                },
            )
        self._observer.on_shipped(shipped)
        return Done(shipped_summary(shipped), third_party_order_no=order.proxy_order_no)

    def _exception(self, stored: StoredOrder, state: OutboundState, context: ExecutionContext) -> Outcome:
        reason = state.exception_reason or "no reason given"
        updated = stored.order.model_copy(
            update={"status": OrderStatus.EXCEPTION, "exception_reason": reason, "updated_at": context.now()}
        )
        order_repository.save_order(stored, updated)
        return NeedsManual(
            f"Proxy warehouse exception: {reason}", third_party_order_no=stored.order.proxy_order_no
        )

    def _cancelled(self, stored: StoredOrder, context: ExecutionContext) -> Outcome:
        confirm_cancelled(
            stored, "Cancelled in the proxy warehouse", "CANCELLED", self._tasks, self._events, context.now()
        )
        return Cancelled("Outbound cancelled in the proxy warehouse")


def shipment_from(state: OutboundState) -> Shipment:
    return Shipment(
        shipped_at=state.shipped_at,
        carrier=state.carrier,
        tracking_no=state.tracking_no,
        batches=[
            ShippedBatchLine(
                gsku=line.sku,
                inventory_type=batch.inventory_type,
                proxy_inbound_no=batch.inbound_no,
                local_inbound_no=None,
                inbound_at=batch.inbound_at,
                qty=batch.qty,
            )
            for line in state.items
            for batch in line.batches
        ],
    )


def with_local_inbound_numbers(gwms_warehouse_code: str, shipment: Shipment) -> Shipment:
    """HPK names a shipped batch by its own inbound number; the ledger also keys it by ours."""
    local_numbers = {}
    for gsku in {batch.gsku for batch in shipment.batches}:
        for held in ledger_repository.list_batches(gwms_warehouse_code, gsku):
            key = held.key
            local_numbers[(gsku, key.inventory_type, key.proxy_inbound_no, key.inbound_at)] = (
                key.local_inbound_no
            )
    batches = [
        batch.model_copy(
            update={
                "local_inbound_no": local_numbers.get(
                    (batch.gsku, batch.inventory_type, batch.proxy_inbound_no, batch.inbound_at)
                )
            }
        )
        for batch in shipment.batches
    ]
    return shipment.model_copy(update={"batches": batches})


def batch_key(order: Order, batch: ShippedBatchLine) -> BatchKey:
    return BatchKey(
        gwms_warehouse_code=order.warehouse_code,
        gsku=batch.gsku,
        inventory_type=batch.inventory_type,
        proxy_inbound_no=batch.proxy_inbound_no,
        local_inbound_no=batch.local_inbound_no or "",
        inbound_at=batch.inbound_at,
    )


def shipped_summary(order: Order) -> str:
    shipment = order.shipment
    if shipment is None:
        return "Shipped"
    units = sum(batch.qty for batch in shipment.batches)
    carrier = shipment.carrier or "unknown carrier"
    return f"Shipped {units} units with {carrier}, tracking {shipment.tracking_no or '-'}"


class CancelCheckExecutor(OrderFlowBase):
    """Cancel tasks: asks the proxy warehouse how a cancel it is still deciding came out."""

    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        kind = OrderKind(task.business_type.value)
        stored = self._order_of(task, kind)
        order = stored.order
        if order.status is OrderStatus.CANCELLED:
            return Done("Cancelled in the proxy warehouse", third_party_order_no=order.proxy_order_no)
        if order.status is not OrderStatus.CANCELLING or order.proxy_order_no is None:
            return Done(f"No cancel pending: the order is {order.status.value}")
        client = self._client(order, context)
        log = self._log_context(task)
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
            confirm_cancelled(
                stored, reason, "Cancelled in the proxy warehouse", self._tasks, self._events, context.now()
            )
            return Done("Cancelled in the proxy warehouse", third_party_order_no=order.proxy_order_no)
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
        order_repository.save_order(stored, rejected)
        return Done(
            f"Cancel {result.lower()}; the order continues", third_party_order_no=order.proxy_order_no
        )


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
