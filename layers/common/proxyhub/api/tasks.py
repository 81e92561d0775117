"""Operator API of the Sync Tasks and Logs pages: list, overview, details, request logs, Sync Now."""

from datetime import datetime
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from proxyhub.api.access import caller_of
from proxyhub.api.paths import CodePath
from proxyhub.api.queries import CursorQuery, TimeQuery, moment
from proxyhub.clock import to_iso
from proxyhub.errors import InvalidInputError
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType
from proxyhub.tasks.overview import Metric, Overview
from proxyhub.tasks.ports import LogSearch, StoredRequestLog, TaskFilter
from proxyhub.wiring import container

router = Router()

StatusQuery = Annotated[
    str | None, Query(max_length=100, description="A status, or several joined by commas: pending,waiting")
]
CodeQuery = Annotated[str | None, Query(min_length=1, max_length=64)]
SYNC_NOW_ACCEPTED = "Execution request submitted"


class TaskView(BaseModel):
    task_id: str
    task_type: TaskType
    business_type: BusinessType
    status: TaskStatus
    order_no: str | None
    third_party_order_no: str | None
    gwms_warehouse_code: str
    proxy_warehouse_code: str
    system_code: str
    execution_summary: str | None
    error_message: str | None
    request_id: str | None
    attempts: int
    consecutive_failures: int
    created_at: str
    last_executed_at: str | None
    next_execution_at: str | None
    # How far a long task got, e.g. "page 120 of ~400" of an inventory sync's listing.
    progress: str | None = None
    # The Actions column shows Sync Now only for unfinished tasks that are not running.
    can_sync_now: bool

    @classmethod
    def of(cls, task: Task, can_sync_now: bool) -> "TaskView":
        return cls(
            task_id=task.task_id,
            task_type=task.task_type,
            business_type=task.business_type,
            status=task.status,
            order_no=task.order_no,
            third_party_order_no=task.third_party_order_no,
            gwms_warehouse_code=task.gwms_warehouse_code,
            proxy_warehouse_code=task.proxy_warehouse_code,
            system_code=task.system_code,
            execution_summary=task.execution_summary,
            error_message=task.error_message,
            request_id=task.request_id,
            attempts=task.attempts,
            consecutive_failures=task.consecutive_failures,
            created_at=to_iso(task.created_at),
            last_executed_at=_iso(task.last_executed_at),
            next_execution_at=_iso(task.next_execution_at),
            progress=task.progress,
            can_sync_now=can_sync_now,
        )


class TaskDetailView(TaskView):
    """The details dialog: the task and the proxy warehouse system it talks to."""

    system_name: str | None
    system_type: str | None
    # Who last pressed Sync Now (an operator's email, or GWMS's IAM ARN) and when.
    last_sync_now_by: str | None
    last_sync_now_at: str | None


class TaskPageView(BaseModel):
    items: list[TaskView]
    next_cursor: str | None


class MetricView(BaseModel):
    key: str
    label: str
    count: int
    colour: str
    filter: dict[str, str]

    @classmethod
    def of(cls, metric: Metric) -> "MetricView":
        return cls(
            key=metric.key, label=metric.label, count=metric.count, colour=metric.colour, filter=metric.filter
        )


class OldestWaitingView(BaseModel):
    task_id: str
    order_no: str | None
    created_at: str
    waiting_hours: float
    colour: str


class OverviewView(BaseModel):
    primary: list[MetricView]
    secondary: list[MetricView]
    oldest_waiting: OldestWaitingView | None
    reminders: list[str]
    # True when a created-time range held more tasks than one overview counts.
    approximate: bool

    @classmethod
    def of(cls, overview: Overview) -> "OverviewView":
        oldest = overview.oldest_waiting
        return cls(
            primary=[MetricView.of(metric) for metric in overview.primary],
            secondary=[MetricView.of(metric) for metric in overview.secondary],
            oldest_waiting=None
            if oldest is None
            else OldestWaitingView(
                task_id=oldest.task_id,
                order_no=oldest.order_no,
                created_at=to_iso(oldest.created_at),
                waiting_hours=oldest.waiting_hours,
                colour=oldest.colour,
            ),
            reminders=overview.reminders,
            approximate=overview.approximate,
        )


class RequestLogView(BaseModel):
    log_id: str
    recorded_at: str
    api_name: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    response_status: int | None
    response_body: str
    duration_ms: int
    request_id: str | None
    system_code: str | None
    warehouse_code: str | None
    task_id: str | None
    order_no: str | None
    error: str | None

    @classmethod
    def of(cls, log: StoredRequestLog) -> "RequestLogView":
        return cls(**{**vars(log), "recorded_at": to_iso(log.recorded_at)})


class RequestLogPageView(BaseModel):
    items: list[RequestLogView]
    next_cursor: str | None


class MessageView(BaseModel):
    message: str


@router.get("/v1/tasks", tags=["Sync tasks"])
def list_tasks(
    status: StatusQuery = None,
    business_type: Annotated[BusinessType | None, Query()] = None,
    task_type: Annotated[TaskType | None, Query()] = None,
    warehouse_code: CodeQuery = None,
    created_from: TimeQuery = None,
    created_to: TimeQuery = None,
    order_no: CodeQuery = None,
    overdue: Annotated[bool, Query(description="Only tasks that missed their execution time")] = False,
    updated_from: TimeQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> TaskPageView:
    """Newest first (overdue: most overdue first). An order number, one status, a warehouse or a task
    type is served by its own index; the other filters narrow it."""
    task_filter = task_filter_of(
        status,
        business_type,
        task_type,
        warehouse_code,
        created_from,
        created_to,
        order_no=order_no,
        updated_from=updated_from,
    )
    tasks = container().sync_tasks
    page = tasks.list_tasks(task_filter, limit, cursor, overdue_only=overdue)
    items = [TaskView.of(task, tasks.may_sync_now(task)) for task in page.items]
    return TaskPageView(items=items, next_cursor=page.next_cursor)


@router.get("/v1/tasks/overview", tags=["Sync tasks"])
def task_overview(
    status: StatusQuery = None,
    business_type: Annotated[BusinessType | None, Query()] = None,
    task_type: Annotated[TaskType | None, Query()] = None,
    warehouse_code: CodeQuery = None,
    created_from: TimeQuery = None,
    created_to: TimeQuery = None,
) -> OverviewView:
    """Counts by status (a status filter narrows the list, not these cards), coloured red (action
    needed), yellow (attention) or blue (informational). "Today" is the UTC day."""
    task_filter = task_filter_of(status, business_type, task_type, warehouse_code, created_from, created_to)
    return OverviewView.of(container().sync_tasks.overview(task_filter))


@router.get("/v1/tasks/<task_id>", tags=["Sync tasks"])
def get_task(task_id: CodePath) -> TaskDetailView:
    details = container().sync_tasks.details(task_id)
    system, sync_now = details.system, details.last_sync_now
    return TaskDetailView(
        **TaskView.of(details.task, details.sync_now_allowed).model_dump(),
        system_name=system.name if system else None,
        system_type=system.system_type if system else None,
        last_sync_now_by=sync_now.caller.name if sync_now else None,
        last_sync_now_at=to_iso(sync_now.recorded_at) if sync_now else None,
    )


@router.get("/v1/tasks/<task_id>/request-logs", tags=["Sync tasks"])
def list_task_request_logs(
    task_id: CodePath, limit: Annotated[int, Query(ge=1, le=500)] = 100, cursor: CursorQuery = None
) -> RequestLogPageView:
    """The task's HTTP exchanges, newest first, secrets redacted."""
    page = container().sync_tasks.request_logs(task_id, limit, cursor)
    return RequestLogPageView(
        items=[RequestLogView.of(log) for log in page.items], next_cursor=page.next_cursor
    )


@router.post("/v1/tasks/<task_id>/sync-now", tags=["Sync tasks"], status_code=HTTPStatus.ACCEPTED)
def sync_task_now(task_id: CodePath) -> MessageView:
    """Runs the task asynchronously now; 409 when it is finished or already running."""
    caller = caller_of(router.current_event.raw_event)
    container().sync_tasks.sync_now(task_id, caller.name if caller else None)
    return MessageView(message=SYNC_NOW_ACCEPTED)


@router.get("/v1/request-logs", tags=["Logs"])
def search_request_logs(
    system_code: CodeQuery = None,
    warehouse_code: CodeQuery = None,
    order_no: CodeQuery = None,
    recorded_from: TimeQuery = None,
    recorded_to: TimeQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> RequestLogPageView:
    """Newest first. Without a system, warehouse or order filter the range defaults to the last 24 h."""
    search = LogSearch(
        system_code=system_code,
        warehouse_code=warehouse_code,
        order_no=order_no,
        recorded_from=moment(recorded_from, "recorded_from", end_of_day=False),
        recorded_to=moment(recorded_to, "recorded_to", end_of_day=True),
    )
    page = container().sync_tasks.search_request_logs(search, limit, cursor)
    items = [RequestLogView.of(log) for log in page.items]
    return RequestLogPageView(items=items, next_cursor=page.next_cursor)


def task_filter_of(
    status: str | None,
    business_type: BusinessType | None,
    task_type: TaskType | None,
    warehouse_code: str | None,
    created_from: str | None,
    created_to: str | None,
    *,
    order_no: str | None = None,
    updated_from: str | None = None,
    field_prefix: str = "",
) -> TaskFilter:
    """The Sync Tasks filter bar's filter; `field_prefix` names where the fields sit in a body."""
    return TaskFilter(
        statuses=_statuses(status),
        business_type=business_type,
        task_type=task_type,
        warehouse_code=warehouse_code,
        created_from=moment(created_from, f"{field_prefix}created_from", end_of_day=False),
        created_to=moment(created_to, f"{field_prefix}created_to", end_of_day=True),
        order_no=order_no,
        updated_from=moment(updated_from, f"{field_prefix}updated_from", end_of_day=False),
    )


def _statuses(text: str | None) -> tuple[TaskStatus, ...]:
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    try:
        return tuple(dict.fromkeys(TaskStatus(name) for name in names))
    except ValueError as error:
        allowed = ", ".join(status.value for status in TaskStatus)
        raise InvalidInputError(f"status must be among: {allowed}", field="status") from error


def _iso(moment: datetime | None) -> str | None:
    return to_iso(moment) if moment else None
