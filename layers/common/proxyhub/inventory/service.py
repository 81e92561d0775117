"""Starting inventory syncs (the mapping page's button and the 12-hour schedule), and reading what
they saw: the snapshot, and the ledger they corrected."""

import contextlib
from collections.abc import Iterator
from typing import Protocol

from proxyhub.clock import Clock
from proxyhub.errors import ConflictError, NotFoundError
from proxyhub.inventory.executor import is_live
from proxyhub.inventory.ports import InventoryConfig, SnapshotStore, TaskCreator, TaskReader
from proxyhub.models.inventory import Correction, LedgerBatch, SnapshotEntry
from proxyhub.models.pages import Page
from proxyhub.models.tasks import BusinessType, Route, Task, TaskType


class LedgerReader(Protocol):
    def batches(self, gwms_warehouse_code: str, gsku: str | None = None) -> Iterator[LedgerBatch]: ...

    def correction_page(self, task_id: str, limit: int, cursor: str | None) -> Page[Correction]:
        """The corrections an inventory sync task made, in the order it made them."""
        ...


class InventorySyncService:
    """Starts syncs (the mapping page's button and the 12-hour schedule) and serves their snapshots."""

    def __init__(
        self,
        engine: TaskCreator,
        tasks: TaskReader,
        config: InventoryConfig,
        snapshots: SnapshotStore,
        ledger: LedgerReader,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._tasks = tasks
        self._config = config
        self._snapshots = snapshots
        self._ledger = ledger
        self._clock = clock

    def start(self, system_code: str, proxy_warehouse_code: str, request_id: str | None = None) -> Task:
        """A new sync task, run at once. Refused (409) for an incomplete mapping or while one runs."""
        mapping = self._config.find_warehouse_mapping(system_code, proxy_warehouse_code)
        if mapping is None:
            raise NotFoundError(f"Warehouse mapping {system_code}/{proxy_warehouse_code} not found")
        missing = mapping.missing_location()
        if missing is not None:
            raise ConflictError(missing)
        warehouse = mapping.gwms_warehouse_code
        holder = self._snapshots.find_active_sync(warehouse)
        if holder is not None and is_live(self._tasks.get(holder)):
            raise ConflictError(already_running(holder, warehouse))
        task = self._engine.create_task(
            TaskType.INVENTORY_SYNC,
            BusinessType.INVENTORY,
            Route(warehouse, proxy_warehouse_code, system_code),
            request_id=request_id,
            run_now=True,
        )
        if not self._snapshots.claim_active_sync(warehouse, task.task_id, holder, self._clock.now()):
            # Another start won the race since our check: ours stands down (or, already running, sees
            # the winner and cancels itself).
            winner = self._snapshots.find_active_sync(warehouse)
            with contextlib.suppress(ConflictError):
                self._engine.cancel_task(task.task_id, f"Inventory sync task {winner} started first")
            raise ConflictError(already_running(winner, warehouse))
        return task

    def snapshot(
        self, task_id: str, limit: int, cursor: str | None
    ) -> tuple[list[SnapshotEntry], str | None]:
        self._sync_task(task_id)
        return self._snapshots.read_entries(task_id, limit, cursor)

    def adjustments(self, task_id: str, limit: int, cursor: str | None) -> Page[Correction]:
        """The discrepancy report: every correction the sync made to the dedicated locations."""
        self._sync_task(task_id)
        return self._ledger.correction_page(task_id, limit, cursor)

    def _sync_task(self, task_id: str) -> Task:
        task = self._tasks.get(task_id)
        if task is None or task.task_type is not TaskType.INVENTORY_SYNC:
            raise NotFoundError(f"Inventory sync task {task_id} not found")
        return task

    def stock(self, gwms_warehouse_code: str, gsku: str | None = None) -> list[LedgerBatch]:
        """The dedicated-location stock of a warehouse, per batch."""
        return list(self._ledger.batches(gwms_warehouse_code, gsku))


def already_running(task_id: str | None, gwms_warehouse_code: str) -> str:
    return f"Inventory sync task {task_id} is already running for warehouse {gwms_warehouse_code}"
