"""Create (and, after 24 h, query) tasks of outbound orders: push with the label, poll, deduct what shipped."""

from collections.abc import Callable

from proxyhub.models.inventory import BatchKey, StockDelta, location_for
from proxyhub.models.orders import Order, OrderKind, OrderStatus, Shipment, ShippedBatchLine, StoredOrder
from proxyhub.models.tasks import Task
from proxyhub.orders.flow import OrderFlowExecutor, log_context
from proxyhub.orders.ports import StockLedger
from proxyhub.proxy.ports import OrderItem, OutboundRequest, OutboundState, ProxyWarehouseClient
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Cancelled, Done, NeedsManual, NotYet, Outcome

SETTLED_BY_THE_PROXY = frozenset({"SHIPPED", "EXCEPTION", "CANCELLED"})


class OutboundFlowExecutor(OrderFlowExecutor):
    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        known: OutboundState | None = None
        if self._polls_the_proxy_first(task, context):
            # Pushed: the proxy warehouse says where the order stands; the order is read only when
            # there is something to do with it (most polls find it still at work).
            client = self._flows.clients.client_for(task.system_code, context.request_log)
            known = client.get_outbound(task.third_party_order_no or "", context=log_context(task))
            if known.status not in SETTLED_BY_THE_PROXY:
                return _waiting_for(known)
        stored = self._order_of(task, OrderKind.OUTBOUND)
        order = stored.order
        if order.status is OrderStatus.CANCELLED:
            return Cancelled("Order cancelled")
        if order.status is OrderStatus.SHIPPED:
            self._flows.observer.on_shipped(order)
            return Done(shipped_summary(order), third_party_order_no=order.proxy_order_no)
        client = self._client(order, context)
        if order.proxy_order_no is None:
            return self._push(stored, client, task, context)
        state = known
        if state is None or order.proxy_order_no != task.third_party_order_no:
            state = client.get_outbound(order.proxy_order_no, context=log_context(task))
        handlers: dict[str, Callable[[], Outcome]] = {
            "SHIPPED": lambda: self._ship(stored, state, context),
            "EXCEPTION": lambda: self._exception(stored, state, context),
            "CANCELLED": lambda: self._cancelled(stored, context),
        }
        handler = handlers.get(state.status)
        if handler is not None:
            return handler()
        return _waiting_for(state)

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
                label=self._flows.observer.label_for(order, context.request_log),
                items=tuple(OrderItem(line.gsku, line.qty) for line in order.lines),
            ),
            context=log_context(task),
        )
        self._mark_pushed(stored, result.proxy_order_no, context.now())
        return NotYet(
            f"Pushed as {result.proxy_order_no}; waiting for the proxy warehouse to ship",
            third_party_order_no=result.proxy_order_no,
        )

    def _ship(self, stored: StoredOrder, state: OutboundState, context: ExecutionContext) -> Outcome:
        order = stored.order
        locations = self._dedicated_locations(order)
        if isinstance(locations, str):
            return NeedsManual(
                f"Shipped, stock not deducted: {locations}", third_party_order_no=order.proxy_order_no
            )
        putaway, defective = locations
        shipment = with_local_inbound_numbers(self._flows.ledger, order.warehouse_code, shipment_from(state))
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
        applied = self._flows.ledger.apply_with_order(
            f"shipment#{order.order_no}", deltas, context.now(), stored, shipped
        )
        if applied:
            self._flows.events.publish(
                "OutboundShipped",
                {
                    "order_no": order.order_no,
                    "warehouse_code": order.warehouse_code,
                    **shipment.model_dump(mode="json"),
                },
            )
        self._flows.observer.on_shipped(shipped)
        return Done(shipped_summary(shipped), third_party_order_no=order.proxy_order_no)

    def _exception(self, stored: StoredOrder, state: OutboundState, context: ExecutionContext) -> Outcome:
        reason = state.exception_reason or "no reason given"
        updated = stored.order.model_copy(
            update={"status": OrderStatus.EXCEPTION, "exception_reason": reason, "updated_at": context.now()}
        )
        self._flows.orders.save(stored, updated)
        return NeedsManual(
            f"Proxy warehouse exception: {reason}", third_party_order_no=stored.order.proxy_order_no
        )

    def _cancelled(self, stored: StoredOrder, context: ExecutionContext) -> Outcome:
        self._flows.cancellation.confirm(
            stored, "Cancelled in the proxy warehouse", "CANCELLED", context.now()
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


def with_local_inbound_numbers(ledger: StockLedger, gwms_warehouse_code: str, shipment: Shipment) -> Shipment:
    """HPK names a shipped batch by its own inbound number; the ledger also keys it by ours."""
    local_numbers = {}
    for gsku in {batch.gsku for batch in shipment.batches}:
        for held in ledger.batches(gwms_warehouse_code, gsku):
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


def _waiting_for(state: OutboundState) -> Outcome:
    return NotYet(f"Waiting for the proxy warehouse to ship (status {state.status})")
