"""What the order flows need from outside the orders package; adapters implement these."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from proxyhub.config.ports import OrderRouting
from proxyhub.events import DomainEvents
from proxyhub.models.config import ChannelMapping, Customer, ProxySystemRecord, Sku, WarehouseMapping
from proxyhub.models.inventory import LedgerBatch, StockDelta
from proxyhub.models.orders import Order, OrderKind, OrderStatus, OrderSummary, StoredOrder, TaskRef
from proxyhub.models.pages import Page
from proxyhub.models.tasks import Task, Trigger
from proxyhub.proxy.ports import Label
from proxyhub.request_log import RequestLogSink

# DomainEvents is shared with the task engine (proxyhub.events), re-exported for the order flows.
__all__ = [
    "CancelBackoff",
    "CustomerCannotReceiveError",
    "DomainEvents",
    "NoUpstream",
    "OrderConfig",
    "OrderFilter",
    "OrderObserver",
    "OrderStore",
    "OrderTasks",
    "ReceivingCustomer",
    "StockLedger",
]


@dataclass(frozen=True)
class OrderFilter:
    """An order search; every field given narrows it (several statuses: any of them)."""

    statuses: tuple[OrderStatus, ...] = ()
    warehouse_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    # Where the order came from: "gwms" or "onewarehouse".
    source: str | None = None


class OrderStore(Protocol):
    """Orders by kind and number, each write conditional on the version read."""

    def find(self, kind: OrderKind, order_no: str) -> StoredOrder | None: ...

    def insert_with_task(self, order: Order, fingerprint: str, task: Task) -> StoredOrder | None:
        """Stores a new order and its first task in one write; None when an order with this number
        already exists (nothing is written then)."""
        ...

    def find_with_mapping(
        self, kind: OrderKind, order_no: str, system_code: str, proxy_warehouse_code: str
    ) -> tuple[StoredOrder | None, WarehouseMapping | None]:
        """The order and the warehouse mapping it is routed by, in one batched read: what a run that
        books stock needs (the mapping names the dedicated locations)."""
        ...

    def save(self, stored: StoredOrder, order: Order, fingerprint: str | None = None) -> StoredOrder:
        """Replaces the order if nobody changed it since `stored` was read, else raises
        ConcurrentUpdateError. `fingerprint` replaces the stored one (a changed repeat of a push)."""
        ...

    def delete(self, kind: OrderKind, order_no: str) -> None: ...

    def search(
        self, kind: OrderKind, order_filter: OrderFilter, limit: int, cursor: str | None
    ) -> Page[OrderSummary]:
        """Newest first, from an index (never a scan); `cursor` is the previous page's `next_cursor`.
        A page may hold fewer than `limit` orders and still have a next one: reads are bounded."""
        ...


@dataclass(frozen=True)
class ReceivingCustomer:
    """Stock may be received for this customer only while its account is open and bound to the warehouse."""

    customer_code: str
    gwms_warehouse_code: str


class CustomerCannotReceiveError(Exception):
    """The customer's account is not open, or not bound to the warehouse: nothing was booked."""


class StockLedger(Protocol):
    """The dedicated-location stock, per batch."""

    def apply_with_order(
        self,
        effect_id: str,
        deltas: Sequence[StockDelta],
        now: datetime,
        stored: StoredOrder,
        changed: Order,
        *,
        receiving_for: ReceivingCustomer | None = None,
    ) -> bool:
        """Changes the stock and saves the order's change together, once per effect id: False when it
        had all been applied before. The order save is conditional on `stored`'s version; with
        `receiving_for`, on that customer being able to receive too (else CustomerCannotReceiveError)."""
        ...

    def batches(self, gwms_warehouse_code: str, gsku: str | None = None) -> Iterator[LedgerBatch]: ...


class OrderConfig(Protocol):
    """The configuration an order is checked against and routed by."""

    def find_proxy_system(self, code: str) -> ProxySystemRecord | None: ...

    def find_mapping_for_gwms_warehouse(self, gwms_warehouse_code: str) -> WarehouseMapping | None: ...

    def find_warehouse_mapping(
        self, system_code: str, proxy_warehouse_code: str
    ) -> WarehouseMapping | None: ...

    def find_channel_mapping(self, system_code: str, gwms_channel_code: str) -> ChannelMapping | None: ...

    def find_sku(self, gsku: str) -> Sku | None: ...

    def find_customer(self, code: str) -> Customer | None: ...

    def order_routing(
        self, gwms_warehouse_code: str, gskus: Iterable[str], gwms_channel_code: str | None = None
    ) -> OrderRouting:
        """The mapping, proxy system, GSKU master data and channel mapping of a new order, together."""
        ...


class OrderTasks(Protocol):
    """The task engine as the order flows use it."""

    def new_create_task(self, order: Order) -> Task:
        """The order's create task, not stored yet: `OrderStore.insert_with_task` stores it with the
        order; `create_task_stored` then starts it."""
        ...

    def create_task_stored(self, task: Task) -> TaskRef:
        """Starts the stored create task (its first run at once, asynchronously)."""
        ...

    def start_cancel_task(self, order: Order, reason: str) -> TaskRef:
        """A cancel task whose checks back off (a state machine drives them in AWS)."""
        ...

    def end_task(self, task_id: str, reason: str) -> None:
        """Marks a task cancelled: it will never be needed again."""
        ...

    def is_running(self, task_id: str) -> bool: ...

    def tasks_of(self, order_no: str) -> list[TaskRef]: ...

    def run_unfinished_now(self, order_no: str, trigger: Trigger) -> list[str]:
        """Asks for runs of the order's unfinished tasks now; returns their ids."""
        ...


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


class CancelBackoff(Protocol):
    """Drives a cancel task's checks with growing waits (a Step Functions state machine in AWS)."""

    def start(
        self, task_id: str, waits: Sequence[int], *, first_wait_seconds: int | None = None, attempt: int = 0
    ) -> str: ...
