"""Inventory sync: a task that compares the proxy warehouse's stock with the ledger and corrects it.

One pass (HPK guide §2.3, Sync Tasks guide §2.6):
1. run the warehouse's unfinished inbound and outbound tasks once, within a time budget;
2. read the proxy's inventory listing page by page: save each page to the snapshot, then correct the
   batches it lists (adjust the changed ones, create the ones we lack);
3. zero our batches that the listing did not contain;
4. tally the adjustment records, publish one `InventoryCorrected` event, succeed with a summary.

Memory stays flat however large the warehouse: one listing page at a time, plus 8 bytes per listed
batch in step 3. Progress is saved after every page, so a run that uses up its time budget returns
NotYet and the next run of the same task carries on where it stopped. Corrections are computed from a
fresh ledger read and applied under effect ids of this task, in one transaction with their adjustment
records: a retried run never corrects twice, and a re-run with unchanged stock finds nothing to do.
"""

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import batched
from typing import Any, Protocol

from proxyhub.clock import Clock, from_iso, to_iso
from proxyhub.dal import config_repository, inventory_lookups, ledger_repository, snapshot_repository
from proxyhub.dal import sku_mapping_repository as sku_mappings
from proxyhub.dal.snapshot_repository import SnapshotEntry, SnapshotScope
from proxyhub.errors import ConflictError, NotFoundError
from proxyhub.events import DomainEvents
from proxyhub.inventory.ledger import BatchKey
from proxyhub.inventory.reconcile import (
    Correction,
    CorrectionTotals,
    DedicatedLocations,
    SeenBatches,
    SnapshotLine,
    batch_fingerprint,
    correction_to_zero,
    corrections_for_observed,
    missing_from_snapshot,
    observations,
    summary_text,
)
from proxyhub.proxy.ports import InventoryBatch, LogContext, ProxyWarehouseClient
from proxyhub.request_log import RequestLogSink
from proxyhub.tasks.engine import RunResult
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.model import BusinessType, Route, Task, TaskStatus, TaskType, Trigger
from proxyhub.tasks.outcomes import Cancelled, Done, FailedPermanent, NeedsManual, NotYet, Outcome
from proxyhub.tasks.ports import TaskFilter, TaskQueries

INVENTORY_CORRECTED = "InventoryCorrected"
# One stock transaction: the effect marker, up to 98 batches and their adjustment record make
# DynamoDB's limit of 100 items, so a block's corrections and records commit together.
BLOCK_SIZE = 98
EVENT_CORRECTIONS_LIMIT = 500
UNMATCHED_SKUS_KEPT = 1000
UNFINISHED_STATUSES = (TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.RUNNING, TaskStatus.MANUAL)
FLOW_BUSINESS_TYPES = frozenset({BusinessType.INBOUND, BusinessType.OUTBOUND})
TASKS_PER_QUERY = 100


# ---------------------------------------------------------------- ports


class ProxyClients(Protocol):
    def client_for(self, system_code: str, sink: RequestLogSink) -> ProxyWarehouseClient: ...


class TaskReader(Protocol):
    def get(self, task_id: str) -> Task | None: ...


class TaskRunner(Protocol):
    def run_task(self, task_id: str, trigger: Trigger, request_id: str | None = None) -> RunResult: ...


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


class EngineOpenTasks:
    """`OpenTasks` through the task engine: runs are leased and settled like any other run."""

    def __init__(self, engine: Callable[[], TaskRunner], queries: TaskQueries) -> None:
        # The engine is built lazily: executors are installed while the engine itself is being built.
        self._engine = engine
        self._queries = queries

    def unfinished(self, gwms_warehouse_code: str) -> list[Task]:
        found: dict[str, Task] = {}
        for status in UNFINISHED_STATUSES:
            for task in self._tasks_in(status, gwms_warehouse_code):
                if task.business_type in FLOW_BUSINESS_TYPES:
                    found.setdefault(task.task_id, task)
        return list(found.values())

    def _tasks_in(self, status: TaskStatus, gwms_warehouse_code: str) -> Iterator[Task]:
        # By status first: the backlog of a status is small, a warehouse's history is not.
        task_filter = TaskFilter(statuses=(status,), warehouse_code=gwms_warehouse_code)
        cursor = None
        while True:
            page = self._queries.list_tasks(task_filter, TASKS_PER_QUERY, cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def run_once(self, task_id: str) -> TaskStatus | None:
        return self._engine().run_task(task_id, Trigger.DIRECT).status


# ---------------------------------------------------------------- progress of a pass


class Phase(StrEnum):
    OPEN_TASKS = "open_tasks"
    LISTING = "listing"
    ABSENT = "absent"
    FINISH = "finish"


@dataclass(frozen=True)
class SyncProgress:
    """Saved after every step, so the next run of the task resumes instead of starting over."""

    snapshot_at: datetime
    page_size: int
    phase: Phase = Phase.OPEN_TASKS
    next_page: int = 1
    lines_read: int = 0
    batches_compared: int = 0
    unmatched_skus: tuple[str, ...] = ()
    unfinished_tasks: tuple[str, ...] = ()
    # Step 3 walks the ledger in key order: the last batch checked, and the blocks done so far.
    absent_after: str | None = None
    absent_blocks: int = 0
    event_published: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "snapshot_at": to_iso(self.snapshot_at), "phase": self.phase.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SyncProgress":
        return cls(
            **{
                **data,
                "snapshot_at": from_iso(data["snapshot_at"]),
                "phase": Phase(data["phase"]),
                "unmatched_skus": tuple(data["unmatched_skus"]),
                "unfinished_tasks": tuple(data["unfinished_tasks"]),
            }
        )


# ---------------------------------------------------------------- SKUs


class SkuDirectory:
    """Proxy SKU → GSKU and local SKU for one proxy system; each SKU is looked up once per run.

    A SKU pushed under another name is found through the SKU mappings; otherwise the proxy SKU is the
    GSKU itself (the flows push GSKUs unchanged). Without master data for that GSKU, it is unmatched.
    """

    def __init__(self, system_code: str) -> None:
        self._system_code = system_code
        self._gsku_by_proxy_sku: dict[str, str] | None = None
        self._resolved: dict[str, tuple[str | None, str | None]] = {}

    def snapshot_lines(self, batches: list[InventoryBatch]) -> list[SnapshotLine]:
        self._look_up({batch.sku for batch in batches} - self._resolved.keys())
        return [self._snapshot_line(batch) for batch in batches]

    def _look_up(self, proxy_skus: set[str]) -> None:
        renamed = self._renamed()
        gskus = {proxy_sku: renamed.get(proxy_sku, proxy_sku) for proxy_sku in proxy_skus}
        masters = inventory_lookups.find_skus(gskus.values())
        for proxy_sku, gsku in gskus.items():
            master = masters.get(gsku)
            self._resolved[proxy_sku] = (gsku, master.local_sku) if master else (None, None)

    def _snapshot_line(self, batch: InventoryBatch) -> SnapshotLine:
        gsku, local_sku = self._resolved[batch.sku]
        return SnapshotLine(
            proxy_sku=batch.sku,
            gsku=gsku,
            local_sku=local_sku,
            inventory_type=batch.inventory_type,
            proxy_inbound_no=batch.proxy_inbound_no,
            local_inbound_no=batch.local_inbound_no,
            inbound_at=batch.inbound_at,
            available=batch.available,
            locked=batch.locked,
        )

    def _renamed(self) -> dict[str, str]:
        if self._gsku_by_proxy_sku is None:
            self._gsku_by_proxy_sku = {
                mapping.proxy_sku: mapping.gsku
                for mapping in sku_mappings.list_sku_mappings(self._system_code)
                if mapping.proxy_sku and mapping.proxy_sku != mapping.gsku
            }
        return self._gsku_by_proxy_sku


# ---------------------------------------------------------------- the executor


class InventorySyncExecutor:
    """Runs inventory sync tasks (task type `inventory_sync`, business type `inventory`)."""

    def __init__(
        self, clients: ProxyClients, open_tasks: OpenTasks, tasks: TaskReader, events: DomainEvents
    ) -> None:
        self._clients = clients
        self._open_tasks = open_tasks
        self._tasks = tasks
        self._events = events

    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        mapping = config_repository.find_warehouse_mapping(task.system_code, task.proxy_warehouse_code)
        if mapping is None:
            return FailedPermanent(
                f"Warehouse mapping {task.system_code}/{task.proxy_warehouse_code} not found"
            )
        missing = mapping.missing_location()
        if missing is not None:
            return NeedsManual(missing)
        rival = self._rival(task, context.now())
        if rival is not None:
            return Cancelled(f"Inventory sync task {rival} is already running for this warehouse")
        locations = DedicatedLocations(
            mapping.virtual_putaway_location or "", mapping.defective_location or ""
        )
        return _SyncPass(task, context, locations, self._clients, self._open_tasks, self._events).run()

    def _rival(self, task: Task, now: datetime) -> str | None:
        """Another live sync of the warehouse, if one holds it; otherwise this task takes hold."""
        warehouse = task.gwms_warehouse_code
        holder = snapshot_repository.find_active_sync(warehouse)
        if holder == task.task_id:
            return None
        if holder is not None and is_live(self._tasks.get(holder)):
            return holder
        if snapshot_repository.claim_active_sync(warehouse, task.task_id, holder, now):
            return None
        return snapshot_repository.find_active_sync(warehouse)


def is_live(task: Task | None) -> bool:
    """Pending, waiting or running: a manual or finished sync no longer holds its warehouse."""
    return task is not None and task.status.runs_automatically


class _SyncPass:
    """One run of one sync task: continues the pass from its saved progress until done or out of time."""

    def __init__(
        self,
        task: Task,
        context: ExecutionContext,
        locations: DedicatedLocations,
        clients: ProxyClients,
        open_tasks: OpenTasks,
        events: DomainEvents,
    ) -> None:
        settings = context.settings
        now = context.now()
        self._task = task
        self._context = context
        self._locations = locations
        self._clients = clients
        self._open_tasks = open_tasks
        self._events = events
        self._deadline = now + timedelta(seconds=settings.inventory_sync_run_budget_seconds)
        saved = snapshot_repository.load_progress(task.task_id)
        self._progress = (
            SyncProgress.from_dict(saved)
            if saved
            else SyncProgress(snapshot_at=now, page_size=settings.inventory_sync_page_size)
        )
        self._expires_at = self._progress.snapshot_at + timedelta(days=settings.snapshot_ttl_days)

    def run(self) -> Outcome:
        steps: dict[Phase, Callable[[], bool]] = {
            Phase.OPEN_TASKS: self._complete_open_tasks,
            Phase.LISTING: self._read_listing,
            Phase.ABSENT: self._zero_absent,
        }
        while self._progress.phase in steps:
            if not steps[self._progress.phase]():
                progress = self._progress
                return NotYet(
                    f"Continues in the next run: {progress.lines_read} lines read, "
                    f"{progress.batches_compared} batches compared so far"
                )
        return self._finish()

    @property
    def _warehouse(self) -> str:
        return self._task.gwms_warehouse_code

    def _out_of_time(self) -> bool:
        return self._context.now() >= self._deadline

    def _advance(self, **changes: Any) -> None:
        self._progress = replace(self._progress, **changes)
        snapshot_repository.save_progress(self._task.task_id, self._progress.to_dict(), self._expires_at)

    # ------------------------------------------------------------ step 1

    def _complete_open_tasks(self) -> bool:
        budget = timedelta(seconds=self._context.settings.inventory_sync_open_tasks_budget_seconds)
        deadline = min(self._deadline, self._context.now() + budget)
        unfinished = []
        for open_task in self._open_tasks.unfinished(self._warehouse):
            status: TaskStatus | None = open_task.status
            if self._context.now() < deadline:
                status = self._open_tasks.run_once(open_task.task_id)
            if status is not None and not status.terminal:
                unfinished.append(f"{open_task.order_no or open_task.task_id} ({status.value})")
        self._advance(phase=Phase.LISTING, unfinished_tasks=tuple(unfinished))
        return True

    # ------------------------------------------------------------ step 2

    def _read_listing(self) -> bool:
        task = self._task
        client = self._clients.client_for(task.system_code, self._context.request_log)
        skus = SkuDirectory(task.system_code)
        pages = client.iter_inventory(
            task.proxy_warehouse_code,
            self._progress.page_size,
            first_page=self._progress.next_page,
            context=LogContext(task_id=task.task_id, warehouse_code=self._warehouse),
        )
        for batches in pages:
            self._take_page(skus.snapshot_lines(batches))
            if self._out_of_time():
                return False
        snapshot_repository.drop_pages_after(task.task_id, self._progress.next_page - 1)
        self._advance(phase=Phase.ABSENT)
        return True

    def _take_page(self, lines: list[SnapshotLine]) -> None:
        page_no = self._progress.next_page
        snapshot_repository.save_page(self._scope(), page_no, lines, self._expires_at)
        observed = observations(lines, self._warehouse)
        held = inventory_lookups.find_batches(observation.key for observation in observed)
        for block_no, block in enumerate(batched(observed, BLOCK_SIZE, strict=False)):
            self._apply(
                f"p{page_no:06d}-b{block_no:02d}", corrections_for_observed(block, held, self._locations)
            )
        self._advance(
            next_page=page_no + 1,
            lines_read=self._progress.lines_read + len(lines),
            batches_compared=self._progress.batches_compared + len(observed),
            unmatched_skus=self._with_unmatched(line.proxy_sku for line in lines if line.gsku is None),
        )

    def _with_unmatched(self, proxy_skus: Iterable[str]) -> tuple[str, ...]:
        known = self._progress.unmatched_skus
        new = sorted(set(proxy_skus) - set(known))
        return (*known, *new)[:UNMATCHED_SKUS_KEPT]

    def _scope(self) -> SnapshotScope:
        task = self._task
        return SnapshotScope(
            task.task_id, self._progress.snapshot_at, self._warehouse, task.proxy_warehouse_code
        )

    # ------------------------------------------------------------ step 3

    def _zero_absent(self) -> bool:
        seen = SeenBatches(self._listed_fingerprints())
        unmatched = frozenset(self._progress.unmatched_skus)
        after = self._progress.absent_after
        candidates = (
            batch
            for batch in ledger_repository.list_batches(self._warehouse)
            if (after is None or batch.key.sort_key() > after)
            and missing_from_snapshot(batch, seen, self._locations, self._progress.snapshot_at, unmatched)
        )
        # Blocks are counted over every missing batch, zero or not, so a retried run numbers them alike.
        for block in batched(candidates, BLOCK_SIZE, strict=False):
            corrections = [c for c in map(correction_to_zero, block) if c is not None]
            self._apply(f"absent-{self._progress.absent_blocks:06d}", corrections)
            self._advance(
                absent_after=block[-1].key.sort_key(),
                absent_blocks=self._progress.absent_blocks + 1,
                batches_compared=self._progress.batches_compared + len(corrections),
            )
            if self._out_of_time():
                return False
        self._advance(phase=Phase.FINISH)
        return True

    def _listed_fingerprints(self) -> Iterator[int]:
        for line in snapshot_repository.iter_lines(self._task.task_id):
            key = line.batch_key(self._warehouse)
            if key is not None:
                yield batch_fingerprint(key)

    # ------------------------------------------------------------ corrections and the end

    def _apply(self, block_id: str, corrections: Sequence[Correction]) -> None:
        if not corrections:
            return
        now = self._context.now()
        task_id = self._task.task_id
        ledger_repository.apply_stock_change(
            f"inventory-sync#{task_id}#{block_id}",
            [correction.stock_delta() for correction in corrections],
            now,
            snapshot_repository.adjustment_write(task_id, block_id, self._warehouse, corrections, now),
        )

    def _finish(self) -> Outcome:
        totals = CorrectionTotals()
        published: list[Correction] = []
        for correction in snapshot_repository.iter_corrections(self._task.task_id):
            totals = totals.plus(correction)
            if len(published) < EVENT_CORRECTIONS_LIMIT:
                published.append(correction)
        progress = self._progress
        if totals.corrected and not progress.event_published:
            self._events.publish(INVENTORY_CORRECTED, self._event_detail(totals, published))
            self._advance(event_published=True)
        return Done(
            summary_text(
                progress.batches_compared, totals, len(progress.unmatched_skus), progress.unfinished_tasks
            )
        )

    def _event_detail(self, totals: CorrectionTotals, corrections: list[Correction]) -> dict[str, Any]:
        task = self._task
        return {
            "task_id": task.task_id,
            "gwms_warehouse_code": task.gwms_warehouse_code,
            "proxy_warehouse_code": task.proxy_warehouse_code,
            "system_code": task.system_code,
            "snapshot_at": to_iso(self._progress.snapshot_at),
            "corrected": totals.corrected,
            "units_added": totals.units_added,
            "units_removed": totals.units_removed,
            "corrections": [_correction_view(correction) for correction in corrections],
            # The full list is the task's adjustment records; an event must stay under 256 kB.
            "corrections_truncated": totals.corrected > len(corrections),
        }


def _correction_view(correction: Correction) -> dict[str, Any]:
    key: BatchKey = correction.key
    return {
        "gsku": key.gsku,
        "inventory_type": key.inventory_type,
        "location": correction.location,
        "proxy_inbound_no": key.proxy_inbound_no,
        "local_inbound_no": key.local_inbound_no,
        "inbound_at": to_iso(key.inbound_at),
        "before": correction.before,
        "after": correction.after,
        "delta": correction.delta,
    }


# ---------------------------------------------------------------- triggering and reading


class InventorySyncService:
    """Starts syncs (the mapping page's button and the 12-hour schedule) and serves their snapshots."""

    def __init__(self, engine: TaskCreator, tasks: TaskReader, clock: Clock) -> None:
        self._engine = engine
        self._tasks = tasks
        self._clock = clock

    def start(self, system_code: str, proxy_warehouse_code: str, request_id: str | None = None) -> Task:
        """A new sync task, run at once. Refused (409) for an incomplete mapping or while one runs."""
        mapping = config_repository.find_warehouse_mapping(system_code, proxy_warehouse_code)
        if mapping is None:
            raise NotFoundError(f"Warehouse mapping {system_code}/{proxy_warehouse_code} not found")
        missing = mapping.missing_location()
        if missing is not None:
            raise ConflictError(missing)
        warehouse = mapping.gwms_warehouse_code
        holder = snapshot_repository.find_active_sync(warehouse)
        if holder is not None and is_live(self._tasks.get(holder)):
            raise ConflictError(already_running(holder, warehouse))
        task = self._engine.create_task(
            TaskType.INVENTORY_SYNC,
            BusinessType.INVENTORY,
            Route(warehouse, proxy_warehouse_code, system_code),
            request_id=request_id,
            run_now=True,
        )
        if not snapshot_repository.claim_active_sync(warehouse, task.task_id, holder, self._clock.now()):
            # Another start won the race since our check: ours stands down (or, already running, sees
            # the winner and cancels itself).
            winner = snapshot_repository.find_active_sync(warehouse)
            with contextlib.suppress(ConflictError):
                self._engine.cancel_task(task.task_id, f"Inventory sync task {winner} started first")
            raise ConflictError(already_running(winner, warehouse))
        return task

    def snapshot(
        self, task_id: str, limit: int, cursor: str | None
    ) -> tuple[list[SnapshotEntry], str | None]:
        task = self._tasks.get(task_id)
        if task is None or task.task_type is not TaskType.INVENTORY_SYNC:
            raise NotFoundError(f"Inventory sync task {task_id} not found")
        return snapshot_repository.read_entries(task_id, limit, cursor)


def already_running(task_id: str | None, gwms_warehouse_code: str) -> str:
    return f"Inventory sync task {task_id} is already running for warehouse {gwms_warehouse_code}"
