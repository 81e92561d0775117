"""What the engine and the operator API need from the outside world; adapters implement these.

AWS adapters: `proxyhub.dal.task_repository`, `proxyhub.dal.request_log_store`,
`proxyhub.aws.scheduler`, `proxyhub.aws.lambda_invoker`, `proxyhub.aws.event_bus`. Tests use in-memory fakes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from proxyhub.clock import Clock
from proxyhub.events import DomainEvents
from proxyhub.models.pages import Page
from proxyhub.models.tasks import BusinessType, Task, TaskRun, TaskStatus, TaskType, Trigger
from proxyhub.request_log import RequestLogRecord, RequestLogSink

__all__ = [
    "BackoffDriver",
    "Clock",
    "DomainEvents",
    "LogSearch",
    "OverviewCounts",
    "Page",
    "RequestLogReader",
    "RequestLogSink",
    "StoredRequestLog",
    "TaskFilter",
    "TaskHistory",
    "TaskInvoker",
    "TaskQueries",
    "TaskScheduler",
    "TaskStore",
]


class TaskStore(Protocol):
    def save_new(self, task: Task) -> Task:
        """Stores a new task and counts it, in one transaction."""
        ...

    def get(self, task_id: str) -> Task | None: ...

    def get_many(self, task_ids: Sequence[str]) -> dict[str, Task]:
        """The tasks among `task_ids` that exist, by id."""
        ...

    def transition(
        self,
        before: Task,
        after: Task,
        *,
        lease_free_at: datetime | None = None,
        run: TaskRun | None = None,
        request_logs: Sequence[RequestLogRecord] = (),
    ) -> Task | None:
        """Writes `after` only if the task is still `before` (same version) and, given `lease_free_at`,
        holds no lease live at that moment; moves the status counters and writes `run` (the history
        entry of the run that ends here) and the run's last `request_logs` in the same transaction.
        Returns the stored task, or None when another writer got there first (and then nothing is
        written)."""
        ...

    def add_run(self, run: TaskRun) -> None:
        """A history entry on its own: a run whose result was dropped."""
        ...

    def find_due(self, before: datetime, limit: int) -> list[str]:
        """Ids of tasks that should have run before `before` (pending, waiting, or running on an
        expired lease), oldest first."""
        ...


@dataclass(frozen=True)
class TaskFilter:
    statuses: tuple[TaskStatus, ...] = ()
    business_type: BusinessType | None = None
    task_type: TaskType | None = None
    warehouse_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    # One business order's tasks (the filter bar's order-number search).
    order_no: str | None = None
    # Only tasks whose run should have happened before this moment (the overview's "overdue" card).
    overdue_before: datetime | None = None
    # Only tasks last changed at or after this moment, e.g. the finished ones of today.
    updated_from: datetime | None = None

    @property
    def has_created_range(self) -> bool:
        return self.created_from is not None or self.created_to is not None


@dataclass(frozen=True)
class OverviewCounts:
    """Raw numbers behind the overview; `by_status` counts tasks currently in each status."""

    by_status: dict[TaskStatus, int]
    success_today: int
    cancelled_today: int
    overdue: int
    oldest_waiting: Task | None
    # True when a created-time range was answered by a bounded query that hit its bound.
    truncated: bool = False


class TaskHistory(Protocol):
    def runs_of(self, task_id: str, limit: int, cursor: str | None) -> Page[TaskRun]:
        """The task's history entries, newest first."""
        ...


class TaskQueries(Protocol):
    def list_tasks(self, task_filter: TaskFilter, limit: int, cursor: str | None) -> Page[Task]:
        """Newest first; `cursor` is the previous page's `next_cursor`."""
        ...

    def tasks_of_order(self, order_no: str) -> list[Task]: ...

    def overview_counts(
        self, task_filter: TaskFilter, now: datetime, overdue_before: datetime
    ) -> OverviewCounts: ...


class TaskScheduler(Protocol):
    def schedule_next_run(self, task_id: str, at: datetime, *, replace_existing: bool = False) -> None:
        """Creates or replaces the task's one-time schedule; `replace_existing` says which to try first
        (the caller knows whether the task still has one), so the usual case is one call."""
        ...

    def cancel_schedule(self, task_id: str) -> None:
        """Deletes the task's schedule; no error when there is none."""
        ...


class TaskInvoker(Protocol):
    def run_async(self, task_id: str, trigger: Trigger, *, actor: str | None = None) -> None:
        """Asks the task runner to run the task soon, without waiting for the result; `actor` (who
        pressed Sync Now) travels with the request into the run's history entry."""
        ...


@dataclass(frozen=True)
class StoredRequestLog:
    log_id: str
    recorded_at: datetime
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


@dataclass(frozen=True)
class LogSearch:
    system_code: str | None = None
    warehouse_code: str | None = None
    order_no: str | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None


class RequestLogReader(Protocol):
    def for_task(self, task_id: str, limit: int, cursor: str | None = None) -> Page[StoredRequestLog]:
        """Newest first."""
        ...

    def search(self, search: LogSearch, limit: int, cursor: str | None) -> Page[StoredRequestLog]: ...


class BackoffDriver(Protocol):
    """Drives a task whose waits a state machine carries (the cancel backoff in AWS)."""

    def start(
        self, task_id: str, waits: Sequence[int], *, first_wait_seconds: int | None = None, attempt: int = 0
    ) -> str:
        """Starts an execution for the task; `attempt` > 0 names a fresh one for a task driven before."""
        ...
