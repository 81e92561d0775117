"""One run of one inventory sync task: continues the pass from its saved progress until done or out of time.

Memory stays flat however large the warehouse: one listing page at a time, a picture of our ledger at
17 bytes a batch (`LedgerPicture`), and 8 bytes per listed batch in step 3. Each page is written in
one transaction with the corrections it causes and the progress after it, so a run out of time
returns `Continue` (the next run starts at once, in a fresh invocation) and carries on where it
stopped; a retried run finds the page recorded and corrects nothing twice. A correction is written on
the condition that the batch still holds what the picture says; a batch changed meanwhile is read
again and the page's corrections recomputed. A re-run with unchanged stock corrects nothing.

The time budget is the invocation's (`ExecutionContext.deadline`), less `RUN_RESERVE` for the page in
flight and the run's own bookkeeping; outside an invocation a run goes on to the end.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import batched
from typing import Any

from proxyhub.clock import to_iso
from proxyhub.errors import ConcurrentUpdateError
from proxyhub.inventory.ports import InventorySync, LedgerChangedError
from proxyhub.inventory.progress import Phase, SyncProgress
from proxyhub.inventory.reconcile import (
    CorrectionTotals,
    HeldBatches,
    LedgerPicture,
    Observation,
    SeenBatches,
    batch_fingerprint,
    correction_to_zero,
    corrections_for_observed,
    observations,
    summary_text,
)
from proxyhub.inventory.skus import SkuDirectory
from proxyhub.models.inventory import (
    BatchKey,
    Correction,
    DedicatedLocations,
    LedgerBatch,
    SnapshotLine,
    SnapshotScope,
)
from proxyhub.models.tasks import Task, TaskStatus
from proxyhub.proxy.ports import LogContext
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Continue, Done, Outcome

INVENTORY_CORRECTED = "InventoryCorrected"
# One transaction holds 100 items: a block of zeroed batches and its record.
BLOCK_SIZE = 99
EVENT_CORRECTIONS_LIMIT = 500
UNMATCHED_SKUS_KEPT = 1000
# Kept back from the invocation's time: the page in flight (an HPK call, its write) and the settle.
RUN_RESERVE = timedelta(seconds=90)
# A page whose batches keep changing under it (a busy warehouse) is read again at most this often.
CONFLICT_ATTEMPTS = 3


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
        self._deadline: datetime | None = context.deadline - RUN_RESERVE if context.deadline else None
        saved = self._sync.snapshots.load_progress(task.task_id)
        self._progress = (
            SyncProgress.from_dict(saved)
            if saved
            else SyncProgress(snapshot_at=now, page_size=settings.inventory_sync_page_size)
        )
        self._expires_at = self._progress.snapshot_at + timedelta(days=settings.snapshot_ttl_days)
        self._ledger_picture: LedgerPicture | None = None

    def run(self) -> Outcome:
        steps: dict[Phase, Callable[[], bool]] = {
            Phase.OPEN_TASKS: self._complete_open_tasks,
            Phase.LISTING: self._read_listing,
            Phase.ABSENT: self._zero_absent,
        }
        while self._progress.phase in steps:
            if not steps[self._progress.phase]():
                progress = self._progress
                return Continue(
                    f"Continues in the next run: {progress.lines_read} lines read, "
                    f"{progress.batches_compared} batches compared so far",
                    progress=self._progress_text(),
                )
        return self._finish()

    @property
    def _warehouse(self) -> str:
        return self._task.gwms_warehouse_code

    def _out_of_time(self) -> bool:
        return self._deadline is not None and self._context.now() >= self._deadline

    def _next(self, **changes: Any) -> SyncProgress:
        """The progress after a step; it is saved with the step's writes (a page, a block of zeroed
        batches), never on its own."""
        return replace(self._progress, step=self._progress.step + 1, **changes)

    def _progress_text(self) -> str:
        progress = self._progress
        if progress.phase is Phase.LISTING:
            expected = progress.pages_expected
            return f"page {progress.pages_read} of ~{expected}" if expected else f"page {progress.pages_read}"
        if progress.phase is Phase.ABSENT:
            return f"all {progress.pages_read} pages read; checking our batches against the listing"
        return "running the warehouse's open tasks first"

    # ------------------------------------------------------------ step 1

    def _complete_open_tasks(self) -> bool:
        budget = timedelta(seconds=self._context.settings.inventory_sync_open_tasks_budget_seconds)
        deadline = self._context.now() + budget
        if self._deadline is not None:
            deadline = min(deadline, self._deadline)
        unfinished = []
        for open_task in self._sync.open_tasks.unfinished(self._warehouse):
            status: TaskStatus | None = open_task.status
            if self._context.now() < deadline:
                status = self._sync.open_tasks.run_once(open_task.task_id)
            if status is not None and not status.terminal:
                unfinished.append(f"{open_task.order_no or open_task.task_id} ({status.value})")
        # Saved with the first page: a run that dies before it runs the open tasks once more.
        self._progress = self._next(phase=Phase.LISTING, unfinished_tasks=tuple(unfinished))
        return True

    # ------------------------------------------------------------ step 2

    def _read_listing(self) -> bool:
        task = self._task
        client = self._sync.clients.client_for(task.system_code, self._context.request_log)
        skus = SkuDirectory(task.system_code, self._sync.config, self._sync.sku_mappings)
        picture = self._picture()
        pages = client.iter_inventory(
            task.proxy_warehouse_code,
            self._progress.page_size,
            first_page=self._progress.next_page,
            context=LogContext(task_id=task.task_id, warehouse_code=self._warehouse),
        )
        for batches in pages:
            self._take_page(skus.snapshot_lines(batches), picture, batches.total_records)
            if self._out_of_time():
                return False
        self._sync.snapshots.drop_pages_after(task.task_id, self._progress.next_page - 1)
        # Not saved: a run that dies here reads one empty page past the end next time, and moves on.
        self._progress = self._next(phase=Phase.ABSENT)
        return True

    def _take_page(self, lines: list[SnapshotLine], picture: HeldBatches, total_records: int | None) -> None:
        page_no = self._progress.next_page
        observed = observations(lines, self._warehouse)
        held: HeldBatches = picture
        for attempt in range(CONFLICT_ATTEMPTS):
            corrections = corrections_for_observed(observed, held, self._locations)
            after = self._tallied(
                corrections,
                next_page=page_no + 1,
                lines_read=self._progress.lines_read + len(lines),
                batches_compared=self._progress.batches_compared + len(observed),
                unmatched_skus=self._with_unmatched(line.proxy_sku for line in lines if line.gsku is None),
                total_records=total_records if total_records is not None else self._progress.total_records,
            )
            try:
                recorded = self._sync.snapshots.record_page(
                    self._scope(), page_no, lines, corrections, after.to_dict(), self._expires_at, self._now()
                )
            except LedgerChangedError:
                if attempt + 1 == CONFLICT_ATTEMPTS:
                    raise ConcurrentUpdateError(
                        f"The ledger kept changing under page {page_no} of the listing; retrying later"
                    ) from None
                held = self._fresh(observed)
                continue
            self._progress = after if recorded else self._recorded_progress(after)
            return

    def _fresh(self, observed: Iterable[Observation]) -> HeldBatches:
        return _Found(self._sync.ledger.find_batches(observation.key for observation in observed))

    def _recorded_progress(self, fallback: SyncProgress) -> SyncProgress:
        """The page was recorded before (a run that died before its result was stored): its progress."""
        saved = self._sync.snapshots.load_progress(self._task.task_id)
        return SyncProgress.from_dict(saved) if saved else fallback

    def _tallied(self, corrections: Sequence[Correction], **changes: Any) -> SyncProgress:
        totals = CorrectionTotals(
            self._progress.corrected, self._progress.units_added, self._progress.units_removed
        )
        for correction in corrections:
            totals = totals.plus(correction)
        return self._next(
            corrected=totals.corrected,
            units_added=totals.units_added,
            units_removed=totals.units_removed,
            **changes,
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

    def _now(self) -> datetime:
        return self._context.now()

    # ------------------------------------------------------------ step 3

    def _zero_absent(self) -> bool:
        seen = SeenBatches(self._listed_fingerprints())
        unmatched = frozenset(self._progress.unmatched_skus)
        progress = self._progress
        candidates = self._picture().missing(seen, progress.snapshot_at, unmatched, progress.absent_after)
        # Blocks are counted over every missing batch, zero or not, so a retried run numbers them alike.
        for block in batched(candidates, BLOCK_SIZE, strict=False):
            self._zero_block(list(block))
            if self._out_of_time():
                return False
        # Not saved: a run that dies here walks the ledger once more, finding every block recorded.
        self._progress = self._next(phase=Phase.FINISH)
        return True

    def _zero_block(self, block: list[LedgerBatch]) -> None:
        block_no = self._progress.absent_blocks
        for attempt in range(CONFLICT_ATTEMPTS):
            corrections = [c for c in map(correction_to_zero, block) if c is not None]
            after = self._tallied(
                corrections,
                absent_after=block[-1].key.sort_key(),
                absent_blocks=block_no + 1,
                batches_compared=self._progress.batches_compared + len(corrections),
            )
            try:
                recorded = self._sync.snapshots.record_absent(
                    self._scope(), block_no, corrections, after.to_dict(), self._expires_at, self._now()
                )
            except LedgerChangedError:
                if attempt + 1 == CONFLICT_ATTEMPTS:
                    raise ConcurrentUpdateError(
                        "The ledger kept changing while batches the listing lacks were zeroed; retrying later"
                    ) from None
                fresh = self._sync.ledger.find_batches(batch.key for batch in block)
                block = [
                    fresh[batch.key] if batch.key in fresh else replace(batch, quantity=0) for batch in block
                ]
                continue
            self._progress = after if recorded else self._recorded_progress(after)
            return

    def _picture(self) -> LedgerPicture:
        """Our ledger as it was when this run first needed it (one read a run): each correction is
        written on the condition that its batch has not changed since."""
        if self._ledger_picture is None:
            holdings = self._sync.ledger.holdings(self._warehouse)
            self._ledger_picture = LedgerPicture(self._warehouse, holdings, self._locations)
        return self._ledger_picture

    def _listed_fingerprints(self) -> Iterator[int]:
        for line in self._sync.snapshots.iter_lines(self._task.task_id):
            key = line.batch_key(self._warehouse)
            if key is not None:
                yield batch_fingerprint(key)

    # ------------------------------------------------------------ the end

    def _finish(self) -> Outcome:
        progress = self._progress
        totals = CorrectionTotals(progress.corrected, progress.units_added, progress.units_removed)
        if totals.corrected and not progress.event_published:
            published = []
            for correction in self._sync.ledger.corrections_of(self._task.task_id):
                published.append(correction)
                if len(published) == EVENT_CORRECTIONS_LIMIT:
                    break
            # Published once the pass is complete, just before the task's result is stored: GWMS
            # hears of it once, or (should the run die in between) once more from the retry.
            self._sync.events.publish(INVENTORY_CORRECTED, self._event_detail(totals, published))
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


class _Found:
    """Batches read afresh, looked up like a picture."""

    def __init__(self, found: dict[BatchKey, LedgerBatch]) -> None:
        self._found = found

    def get(self, key: BatchKey) -> LedgerBatch | None:
        return self._found.get(key)
