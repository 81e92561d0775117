"""What every order-flow executor shares: its collaborators, and reading the order of a task.

Each run reads the order afresh and continues from where the order stands, so a retried or
duplicated run never pushes twice (HPK dedupes on our order number) nor changes stock twice (the
stock change and the order's status move in one transaction, guarded by an effect marker).
"""

from dataclasses import dataclass
from datetime import datetime

from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.models.config import PUTAWAY_LOCATION_MISSING, WarehouseMapping
from proxyhub.models.orders import Order, OrderKind, OrderStatus, StoredOrder
from proxyhub.models.tasks import Task, Trigger
from proxyhub.orders.cancellation import OrderCancellation
from proxyhub.orders.ports import DomainEvents, OrderConfig, OrderObserver, OrderStore, StockLedger
from proxyhub.proxy.ports import LogContext, ProxyWarehouseClient
from proxyhub.skus.sync import SkuSyncService
from proxyhub.tasks.executors import ExecutionContext


@dataclass(frozen=True)
class OrderFlows:
    """The collaborators of the order flows' executors."""

    clients: ProxyClientProvider
    config: OrderConfig
    orders: OrderStore
    ledger: StockLedger
    events: DomainEvents
    sku_sync: SkuSyncService
    observer: OrderObserver
    cancellation: OrderCancellation


class OrderFlowExecutor:
    def __init__(self, flows: OrderFlows) -> None:
        self._flows = flows

    @staticmethod
    def _polls_the_proxy_first(task: Task, context: ExecutionContext) -> bool:
        """A pushed order's poll asks the proxy warehouse before reading the order. An operator's
        Sync Now reads the order first: it may have a local step left (a putaway after a fix) that
        needs no call to the proxy."""
        return task.third_party_order_no is not None and context.trigger is not Trigger.SYNC_NOW

    def _order_and_mapping(self, task: Task, kind: OrderKind) -> tuple[StoredOrder, WarehouseMapping | None]:
        """The task's order with its warehouse mapping (which names where stock is booked): one read."""
        stored, mapping = self._flows.orders.find_with_mapping(
            kind, task.order_no or "", task.system_code, task.proxy_warehouse_code
        )
        if stored is None:
            raise LookupError(f"{kind.value} order {task.order_no} not found")
        return stored, mapping

    def _order_of(self, task: Task, kind: OrderKind) -> StoredOrder:
        stored = self._flows.orders.find(kind, task.order_no or "")
        if stored is None:
            raise LookupError(f"{kind.value} order {task.order_no} not found")
        return stored

    def _client(self, order: Order, context: ExecutionContext) -> ProxyWarehouseClient:
        return self._flows.clients.client_for(order.system_code, context.request_log)

    def _dedicated_locations(self, order: Order) -> tuple[str, str] | str:
        """The mapping's (virtual putaway, defective) locations, or why the stock cannot be booked."""
        return dedicated_locations(
            self._flows.config.find_warehouse_mapping(order.system_code, order.proxy_warehouse_code)
        )

    def _mark_pushed(self, stored: StoredOrder, proxy_order_no: str, now: datetime) -> StoredOrder:
        pushed = stored.order.model_copy(
            update={"status": OrderStatus.PUSHED, "proxy_order_no": proxy_order_no, "updated_at": now}
        )
        return self._flows.orders.save(stored, pushed)


def dedicated_locations(mapping: WarehouseMapping | None) -> tuple[str, str] | str:
    """The mapping's (virtual putaway, defective) locations, or why the stock cannot be booked."""
    if mapping is None:
        return PUTAWAY_LOCATION_MISSING
    missing = mapping.missing_location()
    if missing is not None:
        return missing
    return mapping.virtual_putaway_location or "", mapping.defective_location or ""


def log_context(task: Task) -> LogContext:
    return LogContext(task_id=task.task_id, order_no=task.order_no, warehouse_code=task.gwms_warehouse_code)
