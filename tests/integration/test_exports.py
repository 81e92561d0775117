"""CSV exports through the real API handler on moto: the file in the exports bucket is read back and
checked as an operator would open it (headers named as on screen, the rows of the screen's filter),
the multipart path with more than one part, and a failed export leaving no upload behind."""

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import boto3
import pytest

from proxyhub import wiring
from proxyhub.aws.export_bucket import S3ExportSink
from proxyhub.clock import to_iso
from proxyhub.dal.ledger_repository import ledger_batch_item
from proxyhub.dal.request_log_store import DynamoRequestLogStore
from proxyhub.exports.csv_file import ExportTooLargeError
from proxyhub.exports.service import ExportService
from proxyhub.models.inventory import BatchKey, Correction, LedgerBatch, SnapshotLine, SnapshotScope
from proxyhub.models.pages import Page
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType
from proxyhub.request_log import RequestLogRecord
from proxyhub.settings import Settings, get_settings
from proxyhub.tasks.ports import TaskFilter

pytestmark = pytest.mark.integration

ApiCall = Callable[..., tuple[int, Any]]
BUCKET = "test-exports"
T0 = datetime(2026, 6, 4, 8, 0, tzinfo=UTC)
SYNC_TASK_HEADER = [
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
]


class StepClock:
    """Now is T0 plus a second more at every reading, so records sort apart."""

    def __init__(self) -> None:
        self.moment = T0

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


@pytest.fixture
def exports_bucket(aws: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("EXPORTS_BUCKET_NAME", BUCKET)
    wiring.reset()
    yield s3


def read_export(s3: Any, answer: dict[str, Any]) -> list[list[str]]:
    """The CSV behind the download link, as a spreadsheet would read it."""
    key = unquote(urlparse(answer["url"]).path).lstrip("/").removeprefix(f"{BUCKET}/")
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for spreadsheets"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def object_of(s3: Any, answer: dict[str, Any]) -> dict[str, Any]:
    key = unquote(urlparse(answer["url"]).path).lstrip("/").removeprefix(f"{BUCKET}/")
    return dict(s3.head_object(Bucket=BUCKET, Key=key))


def _task(number: int, status: TaskStatus, warehouse: str, **fields: Any) -> Task:
    created = T0 + timedelta(minutes=number)
    defaults: dict[str, Any] = {
        "task_type": TaskType.CREATE,
        "business_type": BusinessType.INBOUND,
        "order_no": f"ORD-{number}",
        "last_executed_at": created + timedelta(seconds=30),
        "next_execution_at": created + timedelta(minutes=30),
    }
    return Task(
        task_id=f"task{number:04d}",
        status=status,
        gwms_warehouse_code=warehouse,
        proxy_warehouse_code=f"P-{warehouse}",
        system_code="HPK01",
        created_at=created,
        **{**defaults, **fields},
    )


@pytest.fixture
def tasks(exports_bucket: Any) -> list[Task]:
    seeded = [
        _task(1, TaskStatus.SUCCESS, "GW01", execution_summary="Put away 10", third_party_order_no="HPK-1"),
        _task(2, TaskStatus.WAITING, "GW01", execution_summary="PICKING"),
        _task(3, TaskStatus.MANUAL, "GW01", error_message="-5 on hand, =SUM(A1) not allowed"),
        _task(4, TaskStatus.WAITING, "GW02", business_type=BusinessType.OUTBOUND, task_type=TaskType.QUERY),
        _task(
            5,
            TaskStatus.MANUAL,
            "GW02",
            task_type=TaskType.INVENTORY_SYNC,
            business_type=BusinessType.INVENTORY,
            order_no=None,
            error_message="Virtual putaway location not configured",
        ),
    ]
    repository = wiring.container().task_repository
    for task in seeded:
        repository.save_new(task)
    return seeded


def test_a_sync_task_export_holds_the_lists_rows_for_the_filter_with_its_columns(
    api: ApiCall, exports_bucket: Any, tasks: list[Task]
) -> None:
    status, answer = api(
        "POST", "/v1/exports/tasks", {"status": ["waiting", "manual"], "warehouse_code": "GW01"}
    )
    assert status == 200, answer
    assert answer["rows"] == 2
    assert answer["filename"].startswith("sync-tasks-") and answer["filename"].endswith(".csv")
    rows = read_export(exports_bucket, answer)
    assert rows[0] == SYNC_TASK_HEADER
    assert rows[1:] == [
        [
            "ORD-3",
            "",
            "Create task",
            "Inbound",
            "Manual handling",
            "GW01",
            "P-GW01",
            "HPK01",
            "",
            "'-5 on hand, =SUM(A1) not allowed",
            "2026-06-04T08:03:00Z",
            "2026-06-04T08:03:30Z",
            "",
        ],
        [
            "ORD-2",
            "",
            "Create task",
            "Inbound",
            "Waiting",
            "GW01",
            "P-GW01",
            "HPK01",
            "PICKING",
            "",
            "2026-06-04T08:02:00Z",
            "2026-06-04T08:02:30Z",
            "2026-06-04T08:32:00Z",
        ],
    ], "newest first like the list; a formula-like message defused; next execution only while scheduled"

    _, listed = api("GET", "/v1/tasks", query={"status": "waiting,manual", "warehouse_code": "GW01"})
    assert [row[0] for row in rows[1:]] == [item["order_no"] for item in listed["items"]]


def test_no_body_exports_every_task_and_the_files_are_private_downloads(
    api: ApiCall, exports_bucket: Any, tasks: list[Task]
) -> None:
    status, answer = api("POST", "/v1/exports/tasks")
    assert status == 200, answer
    rows = read_export(exports_bucket, answer)
    assert [row[0] for row in rows[1:]] == ["", "ORD-4", "ORD-3", "ORD-2", "ORD-1"]
    assert rows[5][1] == "HPK-1" and rows[5][4] == "Success" and rows[5][12] == ""
    assert rows[1][2:5] == ["Inventory sync task", "Inventory", "Manual handling"]

    stored = object_of(exports_bucket, answer)
    assert stored["ContentType"] == "text/csv; charset=utf-8"
    assert stored["ContentDisposition"] == f'attachment; filename="{answer["filename"]}"'
    link = urlparse(answer["url"])
    signature = parse_qs(link.query)
    assert signature["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert signature["X-Amz-Expires"] == ["900"], "the link lasts 15 minutes"
    assert unquote(link.path).split("/")[-1] == answer["filename"]
    expires_at = datetime.fromisoformat(answer["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < expires_at - datetime.now(UTC) <= timedelta(minutes=15)


def test_an_export_filter_is_checked_like_the_lists(api: ApiCall, exports_bucket: Any) -> None:
    for body, field in (
        ({"status": ["lost"]}, "status"),
        ({"created_from": "yesterday"}, "created_from"),
        ({"warehouse": "GW01"}, "warehouse"),
    ):
        status, refused = api("POST", "/v1/exports/tasks", body)
        assert status == 422, (body, refused)
        assert field in str(refused), (body, refused)
    assert exports_bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_a_tasks_request_logs_newest_first_bodies_intact(
    api: ApiCall, exports_bucket: Any, tasks: list[Task]
) -> None:
    store = DynamoRequestLogStore(get_settings(), StepClock())
    for number, (status, body) in enumerate([(200, '{"code": 0}'), (500, 'line one\nline "two", end')], 1):
        store.record(
            RequestLogRecord(
                api_name="inbound.get",
                url=f"https://hpk.example/v5/inbound/{number}",
                method="POST",
                request_body='{"order_no": "ORD-2"}',
                response_status=status,
                response_body=body,
                duration_ms=40 * number,
                task_id="task0002",
                error="HPK answered 500" if status == 500 else None,
            )
        )
    store.record(RequestLogRecord("other", "https://x", "GET", "", 200, "", 1, task_id="task0001"))

    status, answer = api("POST", "/v1/exports/tasks/task0002/request-logs")
    assert status == 200, answer
    assert (answer["rows"], answer["filename"]) == (2, "request-logs-task0002.csv")
    assert read_export(exports_bucket, answer) == [
        [
            "Recorded",
            "Method",
            "API",
            "URL",
            "Status",
            "Duration (ms)",
            "Request body",
            "Response body",
            "Error",
        ],
        [
            "2026-06-04T08:00:02Z",
            "POST",
            "inbound.get",
            "https://hpk.example/v5/inbound/2",
            "500",
            "80",
            '{"order_no": "ORD-2"}',
            'line one\nline "two", end',
            "HPK answered 500",
        ],
        [
            "2026-06-04T08:00:01Z",
            "POST",
            "inbound.get",
            "https://hpk.example/v5/inbound/1",
            "200",
            "40",
            '{"order_no": "ORD-2"}',
            '{"code": 0}',
            "",
        ],
    ]
    assert api("POST", "/v1/exports/tasks/nosuchtask/request-logs")[0] == 404


def _snapshot_lines(count: int, page_no: int) -> list[SnapshotLine]:
    return [
        SnapshotLine(
            proxy_sku=f"PSKU-{page_no}-{index}",
            gsku=f"GSKU-{index % 7}" if index % 50 else None,
            local_sku=f"LSKU-{index}",
            inventory_type="defective" if index % 10 == 0 else "qualified",
            proxy_inbound_no=f"HPK-IN-{page_no:04d}-{index:04d}",
            local_inbound_no=f"IN-{page_no:04d}-{index:04d}",
            inbound_at=T0 - timedelta(days=index % 30),
            available=index % 13,
            locked=index % 3,
        )
        for index in range(count)
    ]


def test_a_snapshot_larger_than_one_part_arrives_whole_in_several_parts(
    api: ApiCall, exports_bucket: Any, tasks: list[Task]
) -> None:
    scope = SnapshotScope("task0005", T0, "GW02", "P-GW02")
    snapshots, pages, per_page = wiring.container().snapshots, 120, 500
    for page_no in range(1, pages + 1):
        lines = _snapshot_lines(per_page, page_no)
        snapshots.record_page(scope, page_no, lines, [], {}, T0 + timedelta(days=90), T0)

    status, answer = api("POST", "/v1/exports/tasks/task0005/snapshot")
    assert status == 200, answer
    assert (answer["rows"], answer["filename"]) == (60_000, "inventory-snapshot-task0005.csv")
    etag = object_of(exports_bucket, answer)["ETag"]
    assert etag.endswith('-2"'), f"a multipart upload of two parts (5 MiB, then the rest): {etag}"
    assert object_of(exports_bucket, answer)["ContentLength"] > 5 * 1024 * 1024

    rows = read_export(exports_bucket, answer)
    assert rows[0] == [
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
    ]
    assert len(rows) == 60_001
    assert rows[1] == [
        "PSKU-1-0",
        "",
        "LSKU-0",
        "0",
        "0",
        "0",
        "Defective",
        "HPK-IN-0001-0000",
        "IN-0001-0000",
        "2026-06-04T08:00:00Z",
        "2026-06-04T08:00:00Z",
        "P-GW02",
        "GW02",
    ]
    assert rows[-1][:7] == ["PSKU-120-499", "GSKU-2", "LSKU-499", "5", "1", "6", "Qualified"]
    assert len({row[0] for row in rows[1:]}) == 60_000, "every line once, none lost at a part boundary"


def test_snapshot_and_adjustments_exports_are_for_inventory_syncs_only(
    api: ApiCall, exports_bucket: Any, tasks: list[Task]
) -> None:
    for kind in ("snapshot", "adjustments"):
        status, body = api("POST", f"/v1/exports/tasks/task0002/{kind}")
        assert status == 404, body
        assert body["message"] == "Inventory sync task task0002 not found"


def test_an_inventory_syncs_adjustments_with_the_proxys_quantities(
    api: ApiCall, exports_bucket: Any, tasks: list[Task]
) -> None:
    """Corrections as a sync records them: with the listing page that caused them, then the blocks of
    batches the proxy no longer lists."""
    inbound_at = T0 - timedelta(days=3)

    def key(gsku: str) -> BatchKey:
        return BatchKey("GW02", gsku, "qualified", "HPK-IN-1", "IN-1", inbound_at)

    for gsku, quantity in (("GSKU-A", 10), ("GSKU-C", 3)):
        ledger_batch_item(LedgerBatch(key(gsku), "HPK-VPA", quantity)).save()
    scope = SnapshotScope("task0005", T0, "GW02", "P-GW02")
    snapshots, expires = wiring.container().snapshots, T0 + timedelta(days=90)
    listed = [
        Correction(key("GSKU-A"), "HPK-VPA", 10, 7, available=5, locked=2),
        Correction(key("GSKU-B"), "HPK-VPA", 0, 4, available=4, locked=0),
    ]
    assert snapshots.record_page(scope, 1, _snapshot_lines(2, 1), listed, {}, expires, T0)
    assert snapshots.record_absent(scope, 1, [Correction(key("GSKU-C"), "HPK-VPA", 3, 0)], {}, expires, T0)

    status, answer = api("POST", "/v1/exports/tasks/task0005/adjustments")
    assert status == 200, answer
    assert (answer["rows"], answer["filename"]) == (3, "adjustments-task0005.csv")
    inbound = to_iso(inbound_at)[:19] + "Z"
    assert read_export(exports_bucket, answer) == [
        [
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
        ],
        ["GSKU-A", "Qualified", "HPK-IN-1", "IN-1", inbound, "HPK-VPA", "10", "7", "-3", "5", "2"],
        ["GSKU-B", "Qualified", "HPK-IN-1", "IN-1", inbound, "HPK-VPA", "0", "4", "4", "4", "0"],
        ["GSKU-C", "Qualified", "HPK-IN-1", "IN-1", inbound, "HPK-VPA", "3", "0", "-3", "0", "0"],
    ]


def test_viewers_may_export_and_each_export_is_in_the_audit_trail(
    api_handler: Callable[[dict[str, Any]], dict[str, Any]],
    make_http_event: Any,
    api: ApiCall,
    exports_bucket: Any,
    tasks: list[Task],
) -> None:
    event = make_http_event("POST", "/v1/exports/tasks/task0002/request-logs")
    claims = {
        "sub": "viewer-sub",
        "email": "viewer@example.com",
        "cognito:groups": "[viewer]",
        "token_use": "id",
    }
    event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    assert api_handler(event)["statusCode"] == 200

    status, trail = api("GET", "/v1/audit-events", query={"target": "task task0002"})
    assert status == 200, trail
    assert [(e["action"], e["status"], e["actor"]["email"]) for e in trail["items"]] == [
        ("export request logs", 200, "viewer@example.com")
    ]


class _BrokenTaskList:
    """A listing whose second page fails, after the first page went into the file."""

    def __init__(self, tasks: list[Task]) -> None:
        self._tasks = tasks

    def list_tasks(
        self, task_filter: Any, limit: int, cursor: str | None, *, overdue_only: bool = False
    ) -> Page[Task]:
        if cursor is not None:
            raise RuntimeError("DynamoDB went away")
        return Page(self._tasks, "next")


def test_a_failed_export_aborts_its_upload_and_leaves_no_file(exports_bucket: Any, tasks: list[Task]) -> None:
    container = wiring.container()
    service = ExportService(
        S3ExportSink(get_settings(), container.clock),
        task_list=_BrokenTaskList(tasks),
        tasks=container.task_repository,
        request_logs=container.request_log_store,
        snapshots=container.snapshots,
        adjustments=container.stock_ledger,
        clock=container.clock,
    )
    with pytest.raises(RuntimeError, match="DynamoDB went away"):
        service.sync_tasks(TaskFilter())
    assert exports_bucket.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert exports_bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_the_upload_holds_one_part_at_a_time_each_exactly_the_part_size(exports_bucket: Any) -> None:
    sink = S3ExportSink(get_settings(), StepClock())
    upload = sink.open("parts.csv")
    mebibyte = b"x" * (1024 * 1024)
    for _ in range(11):
        upload.write(mebibyte)
    uploaded = exports_bucket.list_parts(Bucket=BUCKET, Key=upload.key, UploadId=upload._upload_id)["Parts"]
    assert [part["Size"] for part in uploaded] == [5 * 1024 * 1024, 5 * 1024 * 1024]
    assert len(upload._buffer) == 1024 * 1024, "the rest waits in a buffer smaller than a part"
    link = upload.complete()
    assert link.parts == 3
    stored = exports_bucket.get_object(Bucket=BUCKET, Key=upload.key)["Body"].read()
    assert stored == mebibyte * 11


class _ManyTasks:
    def __init__(self, task: Task, count: int) -> None:
        self._task, self._count = task, count

    def list_tasks(
        self, task_filter: Any, limit: int, cursor: str | None, *, overdue_only: bool = False
    ) -> Page[Task]:
        return Page([self._task] * self._count, None)


def test_an_export_that_runs_out_of_time_says_so_and_keeps_nothing(
    exports_bucket: Any, tasks: list[Task]
) -> None:
    container, readings = wiring.container(), iter(range(0, 10_000, 10))
    service = ExportService(
        S3ExportSink(get_settings(), container.clock),
        task_list=_ManyTasks(tasks[0], 5_000),
        tasks=container.task_repository,
        request_logs=container.request_log_store,
        snapshots=container.snapshots,
        adjustments=container.stock_ledger,
        clock=container.clock,
        monotonic=lambda: float(next(readings)),
    )
    with pytest.raises(ExportTooLargeError, match=r"ran out after [\d,]+ rows\. Narrow the filter"):
        service.sync_tasks(TaskFilter(), time_budget=25)
    assert exports_bucket.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []

    assert service.sync_tasks(TaskFilter(), time_budget=None).rows == 5_000
