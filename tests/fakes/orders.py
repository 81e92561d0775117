"""In-memory stand-ins for the order flows' ports: the order store, the stock ledger, the cancel backoff
and an observer that records what it was told.

They keep the contracts of `proxyhub.dal.order_repository` and `proxyhub.dal.ledger_repository`:
orders round-trip through their JSON document, every save is conditional on the version read, and a
stock change is applied once per effect id, together with what moves with it (the order's save, the
adjustment record).
"""

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from proxyhub.clock import from_iso, to_iso
from proxyhub.errors import ConcurrentUpdateError
from proxyhub.inventory.ports import Holding, LedgerChangedError
from proxyhub.models.config import WarehouseMapping
from proxyhub.models.inventory import BatchKey, Correction, LedgerBatch, StockDelta
from proxyhub.models.orders import Order, OrderKind, OrderSummary, StoredOrder
from proxyhub.models.pages import Page
from proxyhub.models.tasks import Task
from proxyhub.orders.ports import CustomerCannotReceiveError, OrderConfig, OrderFilter, ReceivingCustomer
from proxyhub.proxy.ports import Label
from proxyhub.request_log import RequestLogSink
from proxyhub.tasks.ports import TaskStore


@dataclass(frozen=True)
class _OrderRow:
    document: str
    version: int
    fingerprint: str

    def stored(self) -> StoredOrder:
        return StoredOrder(Order.model_validate_json(self.document), self.version, self.fingerprint)


class InMemoryOrderStore:
    """The `OrderStore` port: conditional insert, version-checked saves, JSON round trip like DynamoDB."""

    def __init__(self, tasks: TaskStore | None = None, config: OrderConfig | None = None) -> None:
        self._rows: dict[tuple[OrderKind, str], _OrderRow] = {}
        self._lock = threading.RLock()
        # Where an order's first task is stored with it (`insert_with_task`).
        self._tasks = tasks
        # Where the mapping `find_with_mapping` reads with the order comes from.
        self._config = config
        # Every successful write, in order: tests assert "nothing was written" with it.
        self.writes: list[tuple[str, str]] = []

    def find(self, kind: OrderKind, order_no: str) -> StoredOrder | None:
        row = self._rows.get((kind, order_no))
        return row.stored() if row else None

    def find_with_mapping(
        self, kind: OrderKind, order_no: str, system_code: str, proxy_warehouse_code: str
    ) -> tuple[StoredOrder | None, WarehouseMapping | None]:
        assert self._config is not None, "this order store was built without the configuration"
        return self.find(kind, order_no), self._config.find_warehouse_mapping(
            system_code, proxy_warehouse_code
        )

    def insert_with_task(self, order: Order, fingerprint: str, task: Task) -> StoredOrder | None:
        """Like the DynamoDB transaction: the order and its task are both written, or neither."""
        assert self._tasks is not None, "this order store was built without the task store"
        with self._lock:
            key = (order.kind, order.order_no)
            if key in self._rows:
                return None
            self._tasks.save_new(task)
            self._rows[key] = _OrderRow(order.model_dump_json(), 1, fingerprint)
            self.writes.append(("insert", order.order_no))
            return self._rows[key].stored()

    def save(self, stored: StoredOrder, order: Order, fingerprint: str | None = None) -> StoredOrder:
        with self._lock:
            self.require_version(stored, order)
            kept = fingerprint or stored.fingerprint
            self._rows[(order.kind, order.order_no)] = _OrderRow(
                order.model_dump_json(), stored.version + 1, kept
            )
            self.writes.append(("save", order.order_no))
            return self._rows[(order.kind, order.order_no)].stored()

    def delete(self, kind: OrderKind, order_no: str) -> None:
        with self._lock:
            self._rows.pop((kind, order_no), None)
            self.writes.append(("delete", order_no))

    def search(
        self, kind: OrderKind, order_filter: OrderFilter, limit: int, cursor: str | None
    ) -> Page[OrderSummary]:
        """Newest first by (created time, order no), like the indexes' sort keys; the cursor is the
        last row's key."""

        def key(order: Order) -> str:
            return f"{to_iso(order.created_at)}#{order.order_no}"

        def matches(order: Order) -> bool:
            created_from, created_to = order_filter.created_from, order_filter.created_to
            return (
                order.kind is kind
                and (not order_filter.statuses or order.status in order_filter.statuses)
                and order_filter.warehouse_code in (None, order.warehouse_code)
                and order_filter.source in (None, order.source)
                and (created_from is None or order.created_at >= created_from)
                and (created_to is None or order.created_at <= created_to)
                and (cursor is None or key(order) < cursor)
            )

        found = sorted(filter(matches, self.all_orders()), key=key, reverse=True)
        page = found[:limit]
        rows = [
            OrderSummary(
                order_no=order.order_no,
                kind=order.kind,
                order_type=order.order_type,
                status=order.status,
                warehouse_code=order.warehouse_code,
                proxy_order_no=order.proxy_order_no,
                source=order.source,
                created_at=order.created_at,
                updated_at=order.updated_at,
            )
            for order in page
        ]
        return Page(rows, key(page[-1]) if len(found) > limit else None)

    def require_version(self, stored: StoredOrder, order: Order) -> None:
        """Raises like the DynamoDB condition `version = :read` (a missing order fails it too)."""
        current = self._rows.get((order.kind, order.order_no))
        if current is None or current.version != stored.version:
            raise ConcurrentUpdateError(f"Order {order.order_no} changed meanwhile")

    # ------------------------------------------------------------ test helpers

    def put(self, order: Order, fingerprint: str = "seeded") -> StoredOrder:
        """Test setup: an order already stored, at version 1."""
        self._rows[(order.kind, order.order_no)] = _OrderRow(order.model_dump_json(), 1, fingerprint)
        return self._rows[(order.kind, order.order_no)].stored()

    def order(self, kind: OrderKind, order_no: str) -> Order:
        stored = self.find(kind, order_no)
        assert stored is not None, f"no {kind.value} order {order_no}"
        return stored.order

    def all_orders(self) -> list[Order]:
        return [row.stored().order for row in self._rows.values()]


def _normalised(key: BatchKey) -> BatchKey:
    """The key as the ledger table gives it back: the inbound time through its ISO sort key."""
    return BatchKey(
        gwms_warehouse_code=key.gwms_warehouse_code,
        gsku=key.gsku,
        inventory_type=key.inventory_type,
        proxy_inbound_no=key.proxy_inbound_no,
        local_inbound_no=key.local_inbound_no,
        inbound_at=from_iso(to_iso(key.inbound_at)),
    )


class InMemoryStockLedger:
    """Both ledger ports (the flows' `StockLedger` and inventory sync's `InventoryLedger`).

    Like `DynamoStockLedger`: batches are keyed by warehouse and `BatchKey.sort_key()` and never deleted
    (a batch at 0 stays listed); a delta sets the batch's location; each effect id applies once, and
    when it was applied before nothing else happens either (no order save, no adjustment record).
    """

    def __init__(self, orders: InMemoryOrderStore | None = None, config: OrderConfig | None = None) -> None:
        self._orders = orders
        # Whose customers `receiving_for` checks.
        self._config = config
        self._batches: dict[tuple[str, str], LedgerBatch] = {}
        self._lock = threading.RLock()
        self.effects: list[str] = []
        # task id → block id → the corrections recorded in that block
        self.adjustments: dict[str, dict[str, list[Correction]]] = {}

    # ------------------------------------------------------------ StockLedger

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
        assert self._orders is not None, "this ledger was built without the order store"
        with self._lock:
            if effect_id in self.effects:
                return False
            self._orders.require_version(stored, changed)
            if receiving_for is not None:
                assert self._config is not None, "this ledger was built without the configuration"
                customer = self._config.find_customer(receiving_for.customer_code)
                if customer is None or not customer.can_receive_at(receiving_for.gwms_warehouse_code):
                    raise CustomerCannotReceiveError(receiving_for)
            self._add(deltas)
            self._orders.save(stored, changed)
            self.effects.append(effect_id)
            return True

    def batches(self, gwms_warehouse_code: str, gsku: str | None = None) -> Iterator[LedgerBatch]:
        """In key order: by GSKU, then type, inbound numbers and inbound time."""
        prefix = f"{gsku}#" if gsku else ""
        held = [
            batch
            for (warehouse, sort_key), batch in sorted(self._batches.items())
            if warehouse == gwms_warehouse_code and sort_key.startswith(prefix)
        ]
        yield from held

    # ------------------------------------------------------------ InventoryLedger

    def holdings(self, gwms_warehouse_code: str) -> Iterator[Holding]:
        for batch in self.batches(gwms_warehouse_code):
            yield Holding(batch.key.sort_key(), batch.location, batch.quantity)

    def find_batches(self, keys: Iterable[BatchKey]) -> dict[BatchKey, LedgerBatch]:
        found: dict[BatchKey, LedgerBatch] = {}
        for key in keys:
            batch = self._batches.get((key.gwms_warehouse_code, key.sort_key()))
            if batch is not None:
                found[key] = batch
        return found

    def apply_corrections(
        self,
        effect_id: str,
        corrections: Sequence[Correction],
        now: datetime,
        *,
        task_id: str,
        block_id: str,
        gwms_warehouse_code: str,
    ) -> bool:
        with self._lock:
            if effect_id in self.effects:
                return False
            self._add([correction.stock_delta() for correction in corrections])
            # The record's key is (task, block): writing a block again replaces it, as an update does.
            self.adjustments.setdefault(task_id, {})[block_id] = [
                replace(c, key=_normalised(c.key)) for c in corrections
            ]
            self.effects.append(effect_id)
            return True

    def apply_recorded(self, task_id: str, block_id: str, corrections: Sequence[Correction]) -> None:
        """The corrections of a sync's page or absent block, as the snapshot store writes them with it:
        each batch must still hold the correction's `before` (else LedgerChangedError, nothing applied)."""
        with self._lock:
            for correction in corrections:
                held = self._batches.get((correction.key.gwms_warehouse_code, correction.key.sort_key()))
                if (held.quantity if held else 0) != correction.before:
                    raise LedgerChangedError(block_id)
            self._add([correction.stock_delta() for correction in corrections])
            if corrections:
                self.adjustments.setdefault(task_id, {})[block_id] = [
                    replace(c, key=_normalised(c.key)) for c in corrections
                ]

    def corrections_of(self, task_id: str) -> Iterator[Correction]:
        # As the DynamoDB ledger lists them: a sync's pages, then its absent blocks.
        blocks = sorted(
            self.adjustments.get(task_id, {}).items(), key=lambda b: (b[0].startswith("ABSENT#"), b[0])
        )
        for _block_id, corrections in blocks:
            yield from corrections

    def correction_page(self, task_id: str, limit: int, cursor: str | None) -> Page[Correction]:
        """In block order; the cursor is the offset of the next page."""
        every = list(self.corrections_of(task_id))
        start = int(cursor) if cursor else 0
        end = start + limit
        return Page(every[start:end], str(end) if end < len(every) else None)

    # ------------------------------------------------------------ shared

    def _add(self, deltas: Iterable[StockDelta]) -> None:
        for delta in deltas:
            key = _normalised(delta.key)
            item_key = (key.gwms_warehouse_code, key.sort_key())
            before = self._batches.get(item_key)
            quantity = (before.quantity if before else 0) + delta.delta
            self._batches[item_key] = LedgerBatch(key=key, location=delta.location, quantity=quantity)

    # ------------------------------------------------------------ test helpers

    def put_batch(self, key: BatchKey, location: str, quantity: int) -> None:
        """Test setup: stock that is already there, on any location."""
        normalised = _normalised(key)
        self._batches[(key.gwms_warehouse_code, key.sort_key())] = LedgerBatch(normalised, location, quantity)

    def quantity(self, key: BatchKey) -> int | None:
        batch = self._batches.get((key.gwms_warehouse_code, key.sort_key()))
        return batch.quantity if batch else None

    def stock(self, gwms_warehouse_code: str) -> list[tuple[str, str, str, str, int]]:
        """(GSKU, inventory type, proxy inbound no, location, quantity) per batch, in key order."""
        return [
            (b.key.gsku, b.key.inventory_type, b.key.proxy_inbound_no, b.location, b.quantity)
            for b in self.batches(gwms_warehouse_code)
        ]


class RecordingCancelBackoff:
    """The `CancelBackoff` port: records each start instead of starting a state machine."""

    def __init__(self) -> None:
        self.started: list[tuple[str, list[int]]] = []
        self.names: list[str] = []
        self.first_waits: list[int | None] = []
        self.fail = False

    def start(
        self, task_id: str, waits: Sequence[int], *, first_wait_seconds: int | None = None, attempt: int = 0
    ) -> str:
        if self.fail:
            raise RuntimeError("Step Functions throttled")
        name = f"cancel-{task_id}" if attempt == 0 else f"cancel-{task_id}-{attempt}"
        if name in self.names:
            # An execution name is unique: a second start under the same name fails, as in Step Functions.
            raise RuntimeError(f"ExecutionAlreadyExists: {name}")
        self.names.append(name)
        self.first_waits.append(first_wait_seconds)
        self.started.append((task_id, list(waits)))
        return f"arn:aws:states:us-east-1:123456789012:execution:cancel-backoff:{name}"


class RecordingObserver:
    """The `OrderObserver` port: hands out a label for outbound pushes and records what it hears.

    `fail_label`, `fail_put_away` and `fail_shipped` raise once each, like an upstream that is briefly
    unreachable."""

    def __init__(self, label: Label | None = None) -> None:
        self.label = label
        self.labels_asked: list[str] = []
        self.put_away: list[str] = []
        self.shipped: list[str] = []
        self.fail_label: Exception | None = None
        self.fail_put_away: Exception | None = None
        self.fail_shipped: Exception | None = None

    def label_for(self, order: Order, sink: RequestLogSink) -> Label | None:
        self.labels_asked.append(order.order_no)
        if self.fail_label is not None:
            error, self.fail_label = self.fail_label, None
            raise error
        return self.label

    def on_put_away(self, order: Order) -> None:
        self.put_away.append(order.order_no)
        if self.fail_put_away is not None:
            error, self.fail_put_away = self.fail_put_away, None
            raise error

    def on_shipped(self, order: Order) -> None:
        self.shipped.append(order.order_no)
        if self.fail_shipped is not None:
            error, self.fail_shipped = self.fail_shipped, None
            raise error
