"""Runs inventory sync tasks (task type `inventory_sync`, business type `inventory`).

One pass (HPK guide §2.3, Sync Tasks guide §2.6), carried out by `SyncPass`:
1. run the warehouse's unfinished inbound and outbound tasks once, within a time budget;
2. read the proxy's inventory listing page by page: save each page to the snapshot, then correct the
   batches it lists (adjust the changed ones, create the ones we lack);
3. zero our batches that the listing did not contain;
4. tally the adjustment records, publish one `InventoryCorrected` event, succeed with a summary.

One sync at a time per warehouse: a task claims the warehouse before it starts.
"""

from datetime import datetime

from proxyhub.inventory.ports import InventorySync
from proxyhub.inventory.sync_pass import SyncPass
from proxyhub.models.inventory import DedicatedLocations
from proxyhub.models.tasks import Task
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Cancelled, FailedPermanent, NeedsManual, Outcome


class InventorySyncExecutor:
    """Runs inventory sync tasks (task type `inventory_sync`, business type `inventory`)."""

    def __init__(self, sync: InventorySync) -> None:
        self._sync = sync

    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        mapping = self._sync.config.find_warehouse_mapping(task.system_code, task.proxy_warehouse_code)
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
        return SyncPass(task, context, locations, self._sync).run()

    def _rival(self, task: Task, now: datetime) -> str | None:
        """Another live sync of the warehouse, if one holds it; otherwise this task takes hold."""
        warehouse = task.gwms_warehouse_code
        holder = self._sync.snapshots.find_active_sync(warehouse)
        if holder == task.task_id:
            return None
        if holder is not None and is_live(self._sync.tasks.get(holder)):
            return holder
        if self._sync.snapshots.claim_active_sync(warehouse, task.task_id, holder, now):
            return None
        return self._sync.snapshots.find_active_sync(warehouse)


def is_live(task: Task | None) -> bool:
    """Pending, waiting or running: a manual or finished sync no longer holds its warehouse."""
    return task is not None and task.status.runs_automatically
