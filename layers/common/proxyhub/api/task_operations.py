"""Operator tools of the Sync Tasks page: Sync Now on many tasks, ending a task by hand, run history."""

from http import HTTPStatus
from typing import Annotated, Self

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

from proxyhub.api.access import caller_of
from proxyhub.api.paths import CodePath
from proxyhub.api.queries import CursorQuery
from proxyhub.api.tasks import TaskView, task_filter_of
from proxyhub.clock import to_iso
from proxyhub.models.input_rules import Code
from proxyhub.models.tasks import BusinessType, RunOutcome, TaskRun, TaskStatus, TaskType, Trigger
from proxyhub.tasks.ports import TaskFilter
from proxyhub.tasks.sync_tasks import BULK_LIMIT, BulkSubmission
from proxyhub.wiring import container

router = Router()

Reason = Annotated[str, Field(min_length=1, max_length=500)]
TimeText = Annotated[str | None, Field(default=None, max_length=40, description="ISO 8601 time or date")]


class TaskFilterBody(BaseModel):
    """The filters of `GET /v1/tasks`, as a body."""

    model_config = ConfigDict(extra="forbid")

    status: list[TaskStatus] = Field(default_factory=list, max_length=len(TaskStatus))
    business_type: BusinessType | None = None
    task_type: TaskType | None = None
    warehouse_code: Code | None = None
    created_from: TimeText = None
    created_to: TimeText = None
    order_no: Code | None = None
    overdue: bool = False
    updated_from: TimeText = None

    def task_filter(self, field_prefix: str = "") -> TaskFilter:
        """The filter `GET /v1/tasks` builds from the same fields; `overdue` is the caller's to apply."""
        return task_filter_of(
            ",".join(self.status),
            self.business_type,
            self.task_type,
            self.warehouse_code,
            self.created_from,
            self.created_to,
            order_no=self.order_no,
            updated_from=self.updated_from,
            field_prefix=field_prefix,
        )


class BulkSyncNowRequest(BaseModel):
    """Either the tasks by id, or a filter: every task it matches, newest first."""

    model_config = ConfigDict(extra="forbid")

    task_ids: list[Code] | None = Field(default=None, min_length=1, max_length=BULK_LIMIT)
    filter: TaskFilterBody | None = None

    @model_validator(mode="after")
    def one_selection(self) -> Self:
        if (self.task_ids is None) == (self.filter is None):
            raise ValueError("give either task_ids or filter")
        return self


class SkippedView(BaseModel):
    task_id: str
    reason: str


class BulkSyncNowView(BaseModel):
    # Ids of the tasks whose run was asked for.
    submitted: list[str]
    skipped: list[SkippedView]
    # The filter matched more than 500 tasks: the newest 500 were taken; submit again for the rest.
    capped: bool

    @classmethod
    def of(cls, submission: BulkSubmission) -> "BulkSyncNowView":
        skipped = [SkippedView(task_id=s.task_id, reason=s.reason) for s in submission.skipped]
        return cls(submitted=submission.submitted, skipped=skipped, capped=submission.capped)


class EndTaskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class RunView(BaseModel):
    run_id: str
    trigger: Trigger
    # The operator's email (or GWMS's ARN) for Sync Now, resolve and cancel; null for a machine.
    actor: str | None
    started_at: str
    ended_at: str
    outcome: RunOutcome
    status: TaskStatus
    summary: str | None
    error: str | None
    log_ids: list[str]

    @classmethod
    def of(cls, run: TaskRun) -> "RunView":
        return cls(
            run_id=run.run_id,
            trigger=run.trigger,
            actor=run.actor,
            started_at=to_iso(run.started_at),
            ended_at=to_iso(run.ended_at),
            outcome=run.outcome,
            status=run.status,
            summary=run.summary,
            error=run.error,
            log_ids=list(run.log_ids),
        )


class RunPageView(BaseModel):
    items: list[RunView]
    next_cursor: str | None


@router.post("/v1/tasks/sync-now", tags=["Sync tasks"], status_code=HTTPStatus.ACCEPTED)
def sync_tasks_now(data: Annotated[BulkSyncNowRequest, Body()]) -> BulkSyncNowView:
    """Sync Now on up to 500 tasks, asynchronously; finished, running or unknown tasks are skipped
    with the reason."""
    tasks, actor = container().sync_tasks, _actor()
    if data.task_ids is not None:
        return BulkSyncNowView.of(tasks.sync_now_tasks(data.task_ids, actor))
    body = data.filter or TaskFilterBody()
    submission = tasks.sync_now_matching(body.task_filter("filter."), actor, overdue_only=body.overdue)
    return BulkSyncNowView.of(submission)


@router.post("/v1/tasks/<task_id>/resolve", tags=["Sync tasks"])
def resolve_task(task_id: CodePath, data: Annotated[EndTaskRequest, Body()]) -> TaskView:
    """Ends a task in manual handling that was handled outside the system: it becomes cancelled with
    the reason and your name. The order is left as it is. 409 for any other status."""
    task = container().sync_tasks.resolve(task_id, data.reason, _actor() or "unknown caller")
    return TaskView.of(task, can_sync_now=False)


@router.post("/v1/tasks/<task_id>/cancel", tags=["Sync tasks"])
def cancel_task(task_id: CodePath, data: Annotated[EndTaskRequest, Body()]) -> TaskView:
    """Cancels a task no longer needed; 409 when it is finished or running."""
    task = container().sync_tasks.cancel(task_id, data.reason, _actor() or "unknown caller")
    return TaskView.of(task, can_sync_now=False)


@router.get("/v1/tasks/<task_id>/runs", tags=["Sync tasks"])
def list_task_runs(
    task_id: CodePath, limit: Annotated[int, Query(ge=1, le=100)] = 50, cursor: CursorQuery = None
) -> RunPageView:
    """The task's history, newest first: every run (its trigger, who asked, outcome and request
    logs) and an operator's resolve or cancel. Kept 90 days."""
    page = container().sync_tasks.runs(task_id, limit, cursor)
    return RunPageView(items=[RunView.of(run) for run in page.items], next_cursor=page.next_cursor)


def _actor() -> str | None:
    caller = caller_of(router.current_event.raw_event)
    return caller.name if caller else None
