"""Create (and, after 24 h, query) tasks of inbound orders: push, poll, receive, put away."""

from datetime import datetime

from proxyhub.models.config import WarehouseMapping
from proxyhub.models.inventory import BatchKey, InventoryType, StockDelta, location_for
from proxyhub.models.orders import Order, OrderKind, OrderStatus, Receipt, ReceiptLine, StoredOrder
from proxyhub.models.tasks import Task
from proxyhub.orders.flow import OrderFlowExecutor, dedicated_locations, log_context
from proxyhub.orders.ports import CustomerCannotReceiveError, ReceivingCustomer
from proxyhub.proxy.ports import InboundRequest, InboundState, OrderItem, ProxyWarehouseClient
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Cancelled, Done, NeedsManual, NotYet, Outcome

CUSTOMER_NOT_OPEN = "Customer account not open, cannot receive"


class InboundFlowExecutor(OrderFlowExecutor):
    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        state: InboundState | None = None
        if self._polls_the_proxy_first(task, context):
            # Pushed: the proxy warehouse says where the order stands, and most polls find it still at
            # work. The order is read only when there is something to do with it.
            proxy_order_no = task.third_party_order_no or ""
            client = self._flows.clients.client_for(task.system_code, context.request_log)
            state = client.get_inbound(proxy_order_no, context=log_context(task))
            if state.status not in ("COMPLETED", "CANCELLED"):
                return _waiting_for(state)
        # The mapping names the dedicated locations a putaway books: read with the order, at once.
        stored, mapping = self._order_and_mapping(task, OrderKind.INBOUND)
        order = stored.order
        if order.status is OrderStatus.CANCELLED:
            return Cancelled("Order cancelled")
        if order.status is OrderStatus.PUT_AWAY:
            # A run that died after the putaway may not have told upstream; telling again is safe.
            self._flows.observer.on_put_away(order)
            return Done(putaway_summary(order), third_party_order_no=order.proxy_order_no)
        if order.status is OrderStatus.RECEIVED:
            return self._put_away(stored, context, mapping)
        client = self._client(order, context)
        if order.proxy_order_no is None:
            return self._push(stored, client, task, context)
        if state is None or order.proxy_order_no != task.third_party_order_no:
            state = client.get_inbound(order.proxy_order_no, context=log_context(task))
        if state.status == "COMPLETED":
            return self._receive(stored, state, context, mapping)
        if state.status == "CANCELLED":
            self._flows.cancellation.confirm(
                stored, "Cancelled in the proxy warehouse", state.status, context.now()
            )
            return Cancelled("Inbound cancelled in the proxy warehouse")
        return _waiting_for(state)

    def _push(
        self, stored: StoredOrder, client: ProxyWarehouseClient, task: Task, context: ExecutionContext
    ) -> Outcome:
        order = stored.order
        log = log_context(task)
        self._flows.sku_sync.ensure_synced(
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

    def _receive(
        self,
        stored: StoredOrder,
        state: InboundState,
        context: ExecutionContext,
        mapping: WarehouseMapping | None,
    ) -> Outcome:
        order = stored.order
        received = order.model_copy(
            update={
                "status": OrderStatus.RECEIVED,
                "receipt": receipt_of(state, state.completed_at or context.now()),
                "updated_at": context.now(),
            }
        )
        locations = dedicated_locations(mapping)
        if isinstance(locations, str):
            # Received, but with nowhere to put it away: the receipt is kept for when it is fixed.
            customer = self._flows.config.find_customer(order.customer_code)
            if customer is None or not customer.can_receive_at(order.warehouse_code):
                return NeedsManual(CUSTOMER_NOT_OPEN, third_party_order_no=order.proxy_order_no)
            self._flows.orders.save(stored, received)
            self._flows.events.publish("InboundReceived", _receipt_event(received))
            return _not_put_away(order, locations)
        # Received and put away in one transaction, which also checks the customer may receive.
        receiving_for = ReceivingCustomer(order.customer_code, order.warehouse_code)
        try:
            return self._book(stored, received, context, locations, receiving_for)
        except CustomerCannotReceiveError:
            return NeedsManual(CUSTOMER_NOT_OPEN, third_party_order_no=order.proxy_order_no)

    def _put_away(
        self, stored: StoredOrder, context: ExecutionContext, mapping: WarehouseMapping | None
    ) -> Outcome:
        """An order received earlier (its putaway waited for a dedicated location): books it now."""
        locations = dedicated_locations(mapping)
        if isinstance(locations, str):
            return _not_put_away(stored.order, locations)
        return self._book(stored, stored.order, context, locations, None)

    def _book(
        self,
        stored: StoredOrder,
        received: Order,
        context: ExecutionContext,
        locations: tuple[str, str],
        receiving_for: ReceivingCustomer | None,
    ) -> Outcome:
        deltas = putaway_deltas(received, *locations)
        put_away = received.model_copy(update={"status": OrderStatus.PUT_AWAY, "updated_at": context.now()})
        applied = self._flows.ledger.apply_with_order(
            f"putaway#{received.order_no}",
            deltas,
            context.now(),
            stored,
            put_away,
            receiving_for=receiving_for,
        )
        if applied:
            if receiving_for is not None:
                self._flows.events.publish("InboundReceived", _receipt_event(received))
            self._flows.events.publish("InboundPutAway", _putaway_event(put_away, deltas))
        self._flows.observer.on_put_away(put_away)
        return Done(putaway_summary(put_away), third_party_order_no=received.proxy_order_no)


def _not_put_away(order: Order, missing: str) -> Outcome:
    return NeedsManual(f"Received, not put away: {missing}", third_party_order_no=order.proxy_order_no)


def _waiting_for(state: InboundState) -> Outcome:
    return NotYet(f"Waiting for the proxy warehouse to complete the inbound (status {state.status})")


def receipt_of(state: InboundState, received_at: datetime) -> Receipt:
    return Receipt(
        received_at=received_at,
        proxy_inbound_no=state.inbound_no,
        lines=[
            ReceiptLine(gsku=line.sku, qualified_qty=line.qualified_qty, defective_qty=line.defective_qty)
            for line in state.items
        ],
    )


def putaway_deltas(order: Order, putaway_location: str, defective_location: str) -> list[StockDelta]:
    """One batch per received line and inventory type: qualified on the virtual putaway location,
    defective on the defective location."""
    assert order.receipt is not None
    deltas = []
    for line in order.receipt.lines:
        by_type: tuple[tuple[InventoryType, int], ...] = (
            ("qualified", line.qualified_qty),
            ("defective", line.defective_qty),
        )
        for inventory_type, qty in by_type:
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
