"""One run of one inventory sync task: continues the pass from its saved progress until done or out of time.

Memory stays flat however large the warehouse: one listing page at a time, plus 8 bytes per listed
batch in step 3. Progress is saved after every page, so a run that uses up its time budget returns
NotYet and the next run of the same task carries on where it stopped. Corrections are computed from a
fresh ledger read and applied under effect ids of this task, in one transaction with their adjustment
records: a retried run never corrects twice, and a re-run with unchanged stock finds nothing to do.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from itertools import batched
from typing import Any

from proxyhub.clock import to_iso
from proxyhub.inventory.ports import InventorySync
from proxyhub.inventory.progress import Phase, SyncProgress
from proxyhub.inventory.reconcile import (
    CorrectionTotals,
    SeenBatches,
    batch_fingerprint,
    correction_to_zero,
    corrections_for_observed,
    missing_from_snapshot,
    observations,
    summary_text,
)
from proxyhub.inventory.skus import SkuDirectory
from proxyhub.models.inventory import BatchKey, Correction, DedicatedLocations, SnapshotLine, SnapshotScope
from proxyhub.models.tasks import Task, TaskStatus
from proxyhub.proxy.ports import LogContext
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Done, NotYet, Outcome

INVENTORY_CORRECTED = "InventoryCorrected"
# One stock transaction: the effect marker, up to 98 batches and their adjustment record make
# DynamoDB's limit of 100 items, so a block's corrections and records commit together.
BLOCK_SIZE = 98
EVENT_CORRECTIONS_LIMIT = 500
UNMATCHED_SKUS_KEPT = 1000


class SyncPass:
    """One run of one sync task: continues the pass from its saved progress until done or out of time."""

    def __init__(
        self,
        task: Task,
        context: ExecutionContext,
        locations: DedicatedLocations,
        sync: InventorySync,
    ) -> None:
        settings = context.settings
        now = context.now()
        self._task = task
        self._context = context
        self._locations = locations
        self._sync = sync
        self._deadline = now + timedelta(seconds=settings.inventory_sync_run_budget_seconds)
        saved = self._sync.snapshots.load_progress(task.task_id)
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
        self._sync.snapshots.save_progress(self._task.task_id, self._progress.to_dict(), self._expires_at)

    # ------------------------------------------------------------ step 1

    def _complete_open_tasks(self) -> bool:
        budget = timedelta(seconds=self._context.settings.inventory_sync_open_tasks_budget_seconds)
        deadline = min(self._deadline, self._context.now() + budget)
        unfinished = []
        for open_task in self._sync.open_tasks.unfinished(self._warehouse):
            status: TaskStatus | None = open_task.status
            if self._context.now() < deadline:
                status = self._sync.open_tasks.run_once(open_task.task_id)
            if status is not None and not status.terminal:
                unfinished.append(f"{open_task.order_no or open_task.task_id} ({status.value})")
        self._advance(phase=Phase.LISTING, unfinished_tasks=tuple(unfinished))
        return True

    # ------------------------------------------------------------ step 2

    def _read_listing(self) -> bool:
        task = self._task
        client = self._sync.clients.client_for(task.system_code, self._context.request_log)
        skus = SkuDirectory(task.system_code, self._sync.config, self._sync.sku_mappings)
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
        self._sync.snapshots.drop_pages_after(task.task_id, self._progress.next_page - 1)
        self._advance(phase=Phase.ABSENT)
        return True

    def _take_page(self, lines: list[SnapshotLine]) -> None:
        page_no = self._progress.next_page
        self._sync.snapshots.save_page(self._scope(), page_no, lines, self._expires_at)
        observed = observations(lines, self._warehouse)
        held = self._sync.ledger.find_batches(observation.key for observation in observed)
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
            for batch in self._sync.ledger.batches(self._warehouse)
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
        for line in self._sync.snapshots.iter_lines(self._task.task_id):
            key = line.batch_key(self._warehouse)
            if key is not None:
                yield batch_fingerprint(key)

    # ------------------------------------------------------------ corrections and the end

    def _apply(self, block_id: str, corrections: Sequence[Correction]) -> None:
        if not corrections:
            return
        now = self._context.now()
        task_id = self._task.task_id
        self._sync.ledger.apply_corrections(
            f"inventory-sync#{task_id}#{block_id}",
            corrections,
            now,
            task_id=task_id,
            block_id=block_id,
            gwms_warehouse_code=self._warehouse,
        )

    def _finish(self) -> Outcome:
        totals = CorrectionTotals()
        published: list[Correction] = []
        for correction in self._sync.ledger.corrections_of(self._task.task_id):
            totals = totals.plus(correction)
            if len(published) < EVENT_CORRECTIONS_LIMIT:
                published.append(correction)
        progress = self._progress
        if totals.corrected and not progress.event_published:
            self._sync.events.publish(INVENTORY_CORRECTED, self._event_detail(totals, published))
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
