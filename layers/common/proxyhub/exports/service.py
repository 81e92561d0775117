"""The console's CSV exports: the Sync Tasks list for a filter, a task's request logs, an inventory
sync's snapshot and its adjustments.

Each export reads its listing page by page and streams the rows into the export sink, so a 100,000-row
export holds one page of rows and one upload part at a time. Columns are named as on screen, in the
screen's order, and enum values read as the console shows them ("Manual handling", "Qualified").
Times are UTC, ISO 8601 to the second.
"""

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime

from proxyhub.clock import Clock
from proxyhub.errors import NotFoundError
from proxyhub.exports.csv_file import Cell, ExportedFile, write_csv
from proxyhub.exports.ports import (
    AdjustmentReader,
    ExportSink,
    SnapshotReader,
    TaskLister,
    TaskReader,
    TaskRequestLogs,
)
from proxyhub.models.inventory import Correction, SnapshotEntry
from proxyhub.models.pages import Page
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType
from proxyhub.tasks.ports import StoredRequestLog, TaskFilter

# Rows asked of a listing per read: big enough for few round trips, small enough to stay flat.
TASKS_PER_PAGE = 1000
LOGS_PER_PAGE = 100
SNAPSHOT_LINES_PER_PAGE = 1000

# The console's wording (console/src/tasks/taskLabels.ts, the Sync Tasks guide §2.3 and §3.2).
TASK_STATUS_LABELS = {
    TaskStatus.PENDING: "Pending",
    TaskStatus.RUNNING: "Running",
    TaskStatus.WAITING: "Waiting",
    TaskStatus.SUCCESS: "Success",
    TaskStatus.MANUAL: "Manual handling",
    TaskStatus.CANCELLED: "Cancelled",
}
TASK_TYPE_LABELS = {
    TaskType.CREATE: "Create task",
    TaskType.CANCEL: "Cancel task",
    TaskType.QUERY: "Query task",
    TaskType.INVENTORY_SYNC: "Inventory sync task",
    TaskType.NOTIFY: "Notify task",
}
BUSINESS_TYPE_LABELS = {
    BusinessType.INBOUND: "Inbound",
    BusinessType.OUTBOUND: "Outbound",
    BusinessType.INVENTORY: "Inventory",
}
INVENTORY_TYPE_LABELS = {"qualified": "Qualified", "defective": "Defective"}
# Next execution means something only while a run is still scheduled, as on screen.
SCHEDULED_STATUSES = frozenset({TaskStatus.PENDING, TaskStatus.WAITING})

SYNC_TASK_COLUMNS = (
    "Order No.",
    "Third-party No.",
    "Task type",
    "Business type",
    "Status",
    "GWMS warehouse",
    "Proxy warehouse",
    "System",
    "Execution summary",
    "Error message",
    "Created",
    "Last executed",
    "Next execution",
)
REQUEST_LOG_COLUMNS = (
    "Recorded",
    "Method",
    "API",
    "URL",
    "Status",
    "Duration (ms)",
    "Request body",
    "Response body",
    "Error",
)
# The Proxy Warehouse Inventory tab, the Sync Tasks guide §2.6.
SNAPSHOT_COLUMNS = (
    "Proxy warehouse SKU",
    "GSKU",
    "Local SKU",
    "Available inventory",
    "Locked inventory",
    "Total inventory",
    "Inventory type",
    "Proxy inbound order",
    "Local inbound order",
    "Inbound time",
    "Snapshot time",
    "Proxy warehouse code",
    "GWMS warehouse code",
)
ADJUSTMENT_COLUMNS = (
    "GSKU",
    "Inventory type",
    "Proxy inbound order",
    "Local inbound order",
    "Inbound time",
    "Location",
    "Before",
    "After",
    "Delta",
    "Available",
    "Locked",
)


class ExportService:
    def __init__(
        self,
        sink: ExportSink,
        *,
        task_list: TaskLister,
        tasks: TaskReader,
        request_logs: TaskRequestLogs,
        snapshots: SnapshotReader,
        adjustments: AdjustmentReader,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._sink = sink
        self._task_list = task_list
        self._tasks = tasks
        self._request_logs = request_logs
        self._snapshots = snapshots
        self._adjustments = adjustments
        self._clock = clock

    def sync_tasks(
        self, task_filter: TaskFilter, *, overdue_only: bool = False, time_budget: float | None = None
    ) -> ExportedFile:
        """Every task the Sync Tasks list shows for the filter, in its order.

        Each export stops with ExportTooLargeError once `time_budget` seconds have passed."""

        def page(cursor: str | None) -> Page[Task]:
            return self._task_list.list_tasks(task_filter, TASKS_PER_PAGE, cursor, overdue_only=overdue_only)

        filename = f"sync-tasks-{self._clock.now().astimezone(UTC):%Y%m%d-%H%M%S}.csv"
        rows = (sync_task_row(task) for task in every_item(page))
        narrower = "Narrow the filter (a warehouse, a status or a created range) and export again."
        return self._write(filename, SYNC_TASK_COLUMNS, rows, time_budget, narrower)

    def request_logs(self, task_id: str, *, time_budget: float | None = None) -> ExportedFile:
        """The task's HTTP exchanges, newest first, as stored (secrets already redacted)."""
        self._task(task_id)

        def page(cursor: str | None) -> Page[StoredRequestLog]:
            return self._request_logs.for_task(task_id, LOGS_PER_PAGE, cursor)

        rows = (request_log_row(log) for log in every_item(page))
        return self._write(f"request-logs-{task_id}.csv", REQUEST_LOG_COLUMNS, rows, time_budget)

    def snapshot(self, task_id: str, *, time_budget: float | None = None) -> ExportedFile:
        """Every line the inventory sync saw, in the proxy's listing order."""
        self._inventory_sync(task_id)

        def page(cursor: str | None) -> Page[SnapshotEntry]:
            return Page(*self._snapshots.read_entries(task_id, SNAPSHOT_LINES_PER_PAGE, cursor))

        rows = (snapshot_row(entry) for entry in every_item(page))
        return self._write(f"inventory-snapshot-{task_id}.csv", SNAPSHOT_COLUMNS, rows, time_budget)

    def adjustments(self, task_id: str, *, time_budget: float | None = None) -> ExportedFile:
        """Every correction the inventory sync made to the ledger."""
        self._inventory_sync(task_id)
        rows = (adjustment_row(correction) for correction in self._adjustments.corrections_of(task_id))
        return self._write(f"adjustments-{task_id}.csv", ADJUSTMENT_COLUMNS, rows, time_budget)

    def _write(
        self,
        filename: str,
        header: Sequence[str],
        rows: Iterable[Sequence[Cell]],
        time_budget: float | None,
        narrower: str = "",
    ) -> ExportedFile:
        if time_budget is None:
            return write_csv(self._sink, filename, header, rows)
        deadline = self._monotonic() + time_budget
        return write_csv(
            self._sink,
            filename,
            header,
            rows,
            out_of_time=lambda: self._monotonic() >= deadline,
            narrower=narrower,
        )

    def _task(self, task_id: str) -> Task:
        task = self._tasks.get(task_id)
        if task is None:
            raise NotFoundError(f"Task {task_id} not found")
        return task

    def _inventory_sync(self, task_id: str) -> Task:
        task = self._tasks.get(task_id)
        if task is None or task.task_type is not TaskType.INVENTORY_SYNC:
            raise NotFoundError(f"Inventory sync task {task_id} not found")
        return task


def every_item[T](read: Callable[[str | None], Page[T]]) -> Iterator[T]:
    """The items of every page, reading the next page only when the previous one is used up."""
    cursor: str | None = None
    while True:
        page = read(cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def sync_task_row(task: Task) -> list[Cell]:
    return [
        task.order_no,
        task.third_party_order_no,
        TASK_TYPE_LABELS.get(task.task_type, task.task_type.value),
        BUSINESS_TYPE_LABELS.get(task.business_type, task.business_type.value),
        TASK_STATUS_LABELS.get(task.status, task.status.value),
        task.gwms_warehouse_code,
        task.proxy_warehouse_code,
        task.system_code,
        task.execution_summary,
        task.error_message,
        _time(task.created_at),
        _time(task.last_executed_at),
        _time(task.next_execution_at) if task.status in SCHEDULED_STATUSES else None,
    ]


def request_log_row(log: StoredRequestLog) -> list[Cell]:
    return [
        _time(log.recorded_at),
        log.method,
        log.api_name,
        log.url,
        log.response_status,
        log.duration_ms,
        log.request_body,
        log.response_body,
        log.error,
    ]


def snapshot_row(entry: SnapshotEntry) -> list[Cell]:
    line = entry.line
    return [
        line.proxy_sku,
        line.gsku,
        line.local_sku,
        line.available,
        line.locked,
        line.total,
        INVENTORY_TYPE_LABELS.get(line.inventory_type, line.inventory_type),
        line.proxy_inbound_no,
        line.local_inbound_no,
        _time(line.inbound_at),
        _time(entry.snapshot_at),
        entry.proxy_warehouse_code,
        entry.gwms_warehouse_code,
    ]


def adjustment_row(correction: Correction) -> list[Cell]:
    key = correction.key
    return [
        key.gsku,
        INVENTORY_TYPE_LABELS.get(key.inventory_type, key.inventory_type),
        key.proxy_inbound_no,
        key.local_inbound_no,
        _time(key.inbound_at),
        correction.location,
        correction.before,
        correction.after,
        correction.delta,
        # The proxy's quantities behind `after`, on corrections recorded since they are kept.
        getattr(correction, "available", None),
        getattr(correction, "locked", None),
    ]


def _time(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
