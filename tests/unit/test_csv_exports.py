"""CSV exports on in-memory fakes: the file a spreadsheet opens, streamed in chunks, never half kept."""

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from fakes.clock import START, FakeClock
from fakes.exports import InMemoryExportSink, InMemoryUpload
from proxyhub.errors import NotFoundError
from proxyhub.exports.csv_file import CHUNK_CHARS, ExportTooLargeError, write_csv
from proxyhub.exports.service import ExportService
from proxyhub.models.inventory import BatchKey, Correction, SnapshotEntry
from proxyhub.models.pages import Page
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType
from proxyhub.tasks.ports import StoredRequestLog, TaskFilter

pytestmark = pytest.mark.unit


def rows_of(upload: InMemoryUpload) -> list[list[str]]:
    return list(csv.reader(io.StringIO(upload.content.decode("utf-8-sig"), newline="")))


def _task(number: int, status: TaskStatus = TaskStatus.WAITING, **fields: Any) -> Task:
    defaults: dict[str, Any] = {
        "task_type": TaskType.CREATE,
        "business_type": BusinessType.OUTBOUND,
        "order_no": f"ORD-{number}",
        "next_execution_at": START + timedelta(hours=1),
    }
    return Task(
        task_id=f"t{number}",
        status=status,
        gwms_warehouse_code="GW01",
        proxy_warehouse_code="HPK-LA1",
        system_code="HPK01",
        created_at=START + timedelta(minutes=number),
        **{**defaults, **fields},
    )


class PagedTasks:
    """The Sync Tasks list in pages of `page_size`, recording the cursors it was asked for."""

    def __init__(self, tasks: list[Task], page_size: int) -> None:
        self._tasks, self._page_size = tasks, page_size
        self.cursors: list[str | None] = []
        self.filters: list[tuple[TaskFilter, bool]] = []

    def list_tasks(
        self, task_filter: TaskFilter, limit: int, cursor: str | None, *, overdue_only: bool = False
    ) -> Page[Task]:
        self.cursors.append(cursor)
        self.filters.append((task_filter, overdue_only))
        start = int(cursor or 0)
        end = start + self._page_size
        return Page(self._tasks[start:end], str(end) if end < len(self._tasks) else None)


class Tasks:
    def __init__(self, *tasks: Task) -> None:
        self._by_id = {task.task_id: task for task in tasks}

    def get(self, task_id: str) -> Task | None:
        return self._by_id.get(task_id)


class Nothing:
    def for_task(self, task_id: str, limit: int, cursor: str | None = None) -> Page[StoredRequestLog]:
        return Page([], None)

    def read_entries(
        self, task_id: str, limit: int, cursor: str | None
    ) -> tuple[list[SnapshotEntry], str | None]:
        return [], None

    def corrections_of(self, task_id: str) -> Iterator[Correction]:
        yield Correction(BatchKey("GW01", "G1", "defective", "H1", "", START), "HPK-DEF", 2, 5)


def service(sink: InMemoryExportSink, task_list: PagedTasks, *tasks: Task) -> ExportService:
    nothing = Nothing()
    return ExportService(
        sink,
        task_list=task_list,
        tasks=Tasks(*tasks),
        request_logs=nothing,
        snapshots=nothing,
        adjustments=nothing,
        clock=FakeClock(),
    )


def test_a_task_export_reads_every_page_in_order_and_passes_the_filter_on() -> None:
    sink, listing = InMemoryExportSink(FakeClock()), PagedTasks([_task(n) for n in range(7)], page_size=3)
    task_filter = TaskFilter(warehouse_code="GW01")

    exported = service(sink, listing).sync_tasks(task_filter, overdue_only=True)

    assert listing.cursors == [None, "3", "6"]
    assert listing.filters == [(task_filter, True)] * 3
    assert (exported.rows, exported.filename) == (7, "sync-tasks-20260604-080000.csv")
    assert exported.link.expires_at == START + timedelta(minutes=15)
    [upload] = sink.uploads
    assert upload.completed and upload.filename == exported.filename
    assert [row[0] for row in rows_of(upload)[1:]] == [f"ORD-{n}" for n in range(7)]


def test_cells_read_as_on_screen_and_nothing_runs_as_a_formula() -> None:
    sink = InMemoryExportSink(FakeClock())
    tasks = [
        _task(1, TaskStatus.MANUAL, error_message='=HYPERLINK("x")', execution_summary="@risk"),
        _task(2, TaskStatus.SUCCESS, execution_summary="+5 / -2, 3 corrected"),
    ]
    service(sink, PagedTasks(tasks, 10)).sync_tasks(TaskFilter())
    [upload] = sink.uploads
    assert upload.content.startswith(b"\xef\xbb\xbfOrder No.,")
    assert b"\r\n" in upload.content, "rows end in CRLF"
    header, manual, success = rows_of(upload)
    assert header[2:5] == ["Task type", "Business type", "Status"]
    assert manual[2:5] == ["Create task", "Outbound", "Manual handling"]
    assert (manual[8], manual[9]) == ("'@risk", '\'=HYPERLINK("x")')
    assert manual[12] == "", "a manual task has no next execution on screen"
    assert (success[4], success[8], success[12]) == ("Success", "'+5 / -2, 3 corrected", "")


def test_a_large_export_reaches_the_sink_in_chunks_not_at_once() -> None:
    sink = InMemoryExportSink(FakeClock())
    rows = ([f"row-{n}", "x" * 200] for n in range(2_000))
    exported = write_csv(sink, "big.csv", ["A", "B"], rows)
    [upload] = sink.uploads
    assert exported.rows == 2_000
    assert len(upload.writes) > 5
    assert max(len(chunk) for chunk in upload.writes) < CHUNK_CHARS + 1024


def test_a_failure_midway_aborts_the_upload() -> None:
    sink = InMemoryExportSink(FakeClock())

    def rows() -> Iterator[list[str]]:
        for n in range(1_000):
            yield [f"row-{n}", "x" * 200]
        raise RuntimeError("the listing failed")

    with pytest.raises(RuntimeError, match="the listing failed"):
        write_csv(sink, "broken.csv", ["A", "B"], rows())
    [upload] = sink.uploads
    assert upload.aborted and not upload.completed


def test_out_of_time_stops_with_the_rows_written_and_how_to_ask_for_less() -> None:
    sink = InMemoryExportSink(FakeClock())
    rows = ([f"row-{n}", "x" * 200] for n in range(5_000))
    with pytest.raises(ExportTooLargeError, match=r"ran out after [\d,]+ rows\. Narrow it\.$"):
        write_csv(sink, "slow.csv", ["A", "B"], rows, out_of_time=lambda: True, narrower="Narrow it.")
    assert sink.uploads[0].aborted


def test_per_task_exports_name_the_task_and_refuse_the_wrong_kind() -> None:
    sync = _task(9, task_type=TaskType.INVENTORY_SYNC, business_type=BusinessType.INVENTORY)
    sink = InMemoryExportSink(FakeClock())
    exports = service(sink, PagedTasks([], 1), _task(1), sync)

    assert exports.request_logs("t1").filename == "request-logs-t1.csv"
    assert exports.snapshot("t9").rows == 0
    adjustments = exports.adjustments("t9")
    assert adjustments.filename == "adjustments-t9.csv"
    assert rows_of(sink.uploads[-1])[1] == [
        "G1",
        "Defective",
        "H1",
        "",
        "2026-06-04T08:00:00Z",
        "HPK-DEF",
        "2",
        "5",
        "3",
        "0",
        "0",
    ]
    with pytest.raises(NotFoundError, match="Inventory sync task t1 not found"):
        exports.snapshot("t1")
    with pytest.raises(NotFoundError, match="Task nope not found"):
        exports.request_logs("nope")
    assert all(upload.completed for upload in sink.uploads), "a refused export opens no file"
