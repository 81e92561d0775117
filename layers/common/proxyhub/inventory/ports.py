"""What inventory sync needs from outside: the proxy warehouse, the ledger, the snapshot store, the
configuration and the task engine. Adapters implement these; unit tests use in-memory fakes."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from proxyhub.events import DomainEvents
from proxyhub.models.config import Sku, WarehouseMapping
from proxyhub.models.inventory import (
    BatchKey,
    Correction,
    LedgerBatch,
    SnapshotEntry,
    SnapshotLine,
    SnapshotScope,
)
from proxyhub.models.skus import SkuMapping
from proxyhub.models.tasks import BusinessType, Route, Task, TaskStatus, TaskType
from proxyhub.proxy.ports import ProxyWarehouseClient
from proxyhub.request_log import RequestLogSink


class ProxyClients(Protocol):
    def client_for(self, system_code: str, sink: RequestLogSink) -> ProxyWarehouseClient: ...


class InventoryConfig(Protocol):
    def find_warehouse_mapping(
        self, system_code: str, proxy_warehouse_code: str
    ) -> WarehouseMapping | None: ...

    def find_skus(self, gskus: Iterable[str]) -> dict[str, Sku]: ...


class SkuMappings(Protocol):
    def list_sku_mappings(self, system_code: str) -> list[SkuMapping]: ...


@dataclass(frozen=True)
class Holding:
    """One batch of our ledger as a sync reads it in bulk: its key's `BatchKey.sort_key()`, where it
    lies and how much. Three attributes rather than the batch's every one: a large warehouse is read
    (and decoded) once per run."""

    sort_key: str
    location: str
    quantity: int


class InventoryLedger(Protocol):
    def find_batches(self, keys: Iterable[BatchKey]) -> dict[BatchKey, LedgerBatch]: ...

    def batches(self, gwms_warehouse_code: str) -> Iterator[LedgerBatch]:
        """Every batch of the warehouse, in key order (`BatchKey.sort_key`)."""
        ...

    def holdings(self, gwms_warehouse_code: str) -> Iterator[Holding]:
        """Every batch of the warehouse, lightly, in key order."""
        ...

    def corrections_of(self, task_id: str) -> Iterator[Correction]:
        """Every correction the sync task made, in the order it made them."""
        ...


class LedgerChangedError(Exception):
    """A batch no longer holds the quantity a correction was computed from: another writer changed it
    (nothing of that write was applied)."""


class SnapshotStore(Protocol):
    def record_page(
        self,
        scope: SnapshotScope,
        page_no: int,
        lines: Sequence[SnapshotLine],
        corrections: Sequence[Correction],
        progress: dict[str, Any],
        expires_at: datetime,
        now: datetime,
    ) -> bool:
        """Stores a listing page with the corrections it caused and the progress after it, together:
        each corrected batch must still hold the correction's `before` (else LedgerChangedError).
        False when the page had been recorded before (nothing is written then)."""
        ...

    def record_absent(
        self,
        scope: SnapshotScope,
        block_no: int,
        corrections: Sequence[Correction],
        progress: dict[str, Any],
        expires_at: datetime,
        now: datetime,
    ) -> bool:
        """Zeroes a block of our batches the listing did not contain, with their record and the
        progress after them, together; like `record_page` for the conditions and the repeat."""
        ...

    def drop_pages_after(self, task_id: str, last_page: int) -> None: ...

    def iter_lines(self, task_id: str) -> Iterator[SnapshotLine]: ...

    def read_entries(
        self, task_id: str, limit: int, cursor: str | None
    ) -> tuple[list[SnapshotEntry], str | None]: ...

    def load_progress(self, task_id: str) -> dict[str, Any] | None:
        """The furthest progress saved (the highest `step`), wherever it was saved."""
        ...

    def save_progress(self, task_id: str, progress: dict[str, Any], expires_at: datetime) -> None: ...

    def find_active_sync(self, gwms_warehouse_code: str) -> str | None:
        """The task that last claimed the warehouse; it may have finished since."""
        ...

    def claim_active_sync(
        self, gwms_warehouse_code: str, task_id: str, expected: str | None, now: datetime
    ) -> bool:
        """Names `task_id` the warehouse's sync if the holder is still `expected` (or already this task)."""
        ...


class TaskReader(Protocol):
    def get(self, task_id: str) -> Task | None: ...


class TaskCreator(Protocol):
    def create_task(
        self,
        task_type: TaskType,
        business_type: BusinessType,
        route: Route,
        *,
        order_no: str | None = None,
        third_party_order_no: str | None = None,
        payload: dict[str, Any] | None = None,
        request_id: str | None = None,
        run_now: bool = False,
    ) -> Task: ...

    def cancel_task(self, task_id: str, reason: str) -> Task: ...


class OpenTasks(Protocol):
    """Step 1 of a pass: the warehouse's unfinished inbound and outbound tasks, and one run of each."""

    def unfinished(self, gwms_warehouse_code: str) -> list[Task]: ...

    def run_once(self, task_id: str) -> TaskStatus | None:
        """The task's status after the run; None when the task no longer exists."""
        ...


@dataclass(frozen=True)
class InventorySync:
    """The collaborators of an inventory sync."""

    clients: ProxyClients
    config: InventoryConfig
    sku_mappings: SkuMappings
    ledger: InventoryLedger
    snapshots: SnapshotStore
    open_tasks: OpenTasks
    tasks: TaskReader
    events: DomainEvents
