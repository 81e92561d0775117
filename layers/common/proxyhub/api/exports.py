"""CSV exports for the console: the Sync Tasks list for a filter, and a task's request logs, snapshot
and adjustments. The file is written to the private exports bucket; the answer is a download link."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, Field

from proxyhub.api.paths import CodePath
from proxyhub.api.task_operations import TaskFilterBody
from proxyhub.clock import to_iso
from proxyhub.exports.csv_file import ExportedFile
from proxyhub.wiring import container

router = Router()

# API Gateway answers 504 after 30 s, whatever the function's timeout; an export stops this long before
# (the rest of the request's time, if less), so the caller hears why instead.
GATEWAY_SECONDS = 30.0
ANSWER_MARGIN_SECONDS = 5.0


class ExportView(BaseModel):
    url: str = Field(
        description="Presigned GET of the CSV, valid until `expires_at` (15 minutes): open it in the browser "
        "(a link or window.location), it downloads as `filename`"
    )
    filename: str
    # Data rows in the file, the header row not counted.
    rows: int
    expires_at: str

    @classmethod
    def of(cls, exported: ExportedFile) -> "ExportView":
        link = exported.link
        return cls(
            url=link.url, filename=exported.filename, rows=exported.rows, expires_at=to_iso(link.expires_at)
        )


@router.post("/v1/exports/tasks", tags=["Exports"])
def export_sync_tasks(data: Annotated[TaskFilterBody | None, Body()] = None) -> ExportView:
    """Every task `GET /v1/tasks` lists for the same filters (no body: every task), in its order, with
    the Sync Tasks list's columns. 422 when the filter matches more tasks than one request can write
    in time (about 25 s): narrow it and export again."""
    body = data or TaskFilterBody()
    task_filter = body.task_filter()
    exported = container().exports.sync_tasks(
        task_filter, overdue_only=body.overdue, time_budget=_time_budget()
    )
    return ExportView.of(exported)


@router.post("/v1/exports/tasks/<task_id>/request-logs", tags=["Exports"])
def export_task_request_logs(task_id: CodePath) -> ExportView:
    """The task's HTTP exchanges, newest first, secrets redacted; 404 for an unknown task."""
    return ExportView.of(container().exports.request_logs(task_id, time_budget=_time_budget()))


@router.post("/v1/exports/tasks/<task_id>/snapshot", tags=["Exports"])
def export_inventory_snapshot(task_id: CodePath) -> ExportView:
    """The inventory sync's snapshot with the Proxy Warehouse Inventory tab's 13 columns; 404 unless
    the task is an inventory sync."""
    return ExportView.of(container().exports.snapshot(task_id, time_budget=_time_budget()))


@router.post("/v1/exports/tasks/<task_id>/adjustments", tags=["Exports"])
def export_inventory_adjustments(task_id: CodePath) -> ExportView:
    """Every correction the inventory sync made: batch, location, before, after, delta and the proxy's
    available and locked quantities; 404 unless the task is an inventory sync."""
    return ExportView.of(container().exports.adjustments(task_id, time_budget=_time_budget()))


def _time_budget() -> float:
    context = router.lambda_context
    remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else GATEWAY_SECONDS
    return max(0.0, min(remaining, GATEWAY_SECONDS) - ANSWER_MARGIN_SECONDS)
