"""The Sync Tasks and Logs pages' use cases: list, overview, details, history, request logs, Sync Now
(one task or many), and ending a task by hand."""

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from proxyhub.audit.service import AuditService
from proxyhub.clock import Clock
from proxyhub.config.ports import ProxySystems
from proxyhub.models.audit import AuditEvent
from proxyhub.models.config import ProxySystemRecord
from proxyhub.models.tasks import Task, TaskRun, Trigger
from proxyhub.observability import logger
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.overview import Overview, build_overview
from proxyhub.tasks.ports import (
    LogSearch,
    Page,
    RequestLogReader,
    StoredRequestLog,
    TaskFilter,
    TaskHistory,
    TaskQueries,
    TaskStore,
)

# One bulk Sync Now takes at most this many tasks; a larger filter is submitted in turns.
BULK_LIMIT = 500
# Parallel Lambda invocations of one bulk Sync Now, so 500 fit well within the API's 30 seconds.
BULK_SUBMITTERS = 8
PAGE_SIZE = 100
NOT_FOUND = "Task not found"
NOT_SUBMITTED = "Could not be submitted; try again"


@dataclass(frozen=True)
class Skipped:
    task_id: str
    reason: str


@dataclass(frozen=True)
class BulkSubmission:
    submitted: list[str]
    skipped: list[Skipped]
    # True when the filter matched more tasks than one request takes: submit again for the rest.
    capped: bool = False


@dataclass(frozen=True)
class TaskDetails:
    task: Task
    # None when the task's proxy system has been deleted since.
    system: ProxySystemRecord | None
    sync_now_allowed: bool
    # Who last pressed Sync Now on the task, and when, from the audit trail.
    last_sync_now: AuditEvent | None


class SyncTasksService:
    def __init__(
        self,
        engine: TaskEngine,
        store: TaskStore,
        queries: TaskQueries,
        history: TaskHistory,
        request_logs: RequestLogReader,
        systems: ProxySystems,
        audit: AuditService,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._store = store
        self._audit = audit
        self._queries = queries
        self._history = history
        self._request_logs = request_logs
        self._systems = systems
        self._clock = clock

    def list_tasks(
        self, task_filter: TaskFilter, limit: int, cursor: str | None, *, overdue_only: bool = False
    ) -> Page[Task]:
        if overdue_only:
            task_filter = replace(task_filter, overdue_before=self._engine.overdue_cutoff())
        return self._queries.list_tasks(task_filter, limit, cursor)

    def overview(self, task_filter: TaskFilter) -> Overview:
        now = self._clock.now()
        counts = self._queries.overview_counts(task_filter, now, self._engine.overdue_cutoff())
        return build_overview(counts, now)

    def details(self, task_id: str) -> TaskDetails:
        task = self._engine.get_task(task_id)
        return TaskDetails(
            task,
            self._systems.find_proxy_system(task.system_code),
            self.may_sync_now(task),
            self._audit.last_sync_now(task_id),
        )

    def may_sync_now(self, task: Task) -> bool:
        """Sync Now is offered for unfinished tasks that are not running."""
        return not task.status.terminal and not task.is_leased(self._clock.now())

    def request_logs(self, task_id: str, limit: int, cursor: str | None = None) -> Page[StoredRequestLog]:
        """The task's HTTP exchanges, newest first."""
        self._engine.get_task(task_id)
        return self._request_logs.for_task(task_id, limit, cursor)

    def runs(self, task_id: str, limit: int, cursor: str | None) -> Page[TaskRun]:
        """The task's history: every run, and an operator's ending of it, newest first."""
        self._engine.get_task(task_id)
        return self._history.runs_of(task_id, limit, cursor)

    def search_request_logs(
        self, search: LogSearch, limit: int, cursor: str | None
    ) -> Page[StoredRequestLog]:
        return self._request_logs.search(search, limit, cursor)

    def sync_now(self, task_id: str, actor: str | None) -> Task:
        return self._engine.sync_now(task_id, actor=actor)

    def resolve(self, task_id: str, reason: str, actor: str) -> Task:
        return self._engine.resolve_task(task_id, reason, actor=actor)

    def cancel(self, task_id: str, reason: str, actor: str) -> Task:
        return self._engine.cancel_task(task_id, reason, actor=actor)

    def sync_now_tasks(self, task_ids: Sequence[str], actor: str | None) -> BulkSubmission:
        """Sync Now on each of these tasks (at most `BULK_LIMIT`, checked by the caller)."""
        unique = list(dict.fromkeys(task_ids))
        found = self._store.get_many(unique)
        missing = [Skipped(task_id, NOT_FOUND) for task_id in unique if task_id not in found]
        submission = self._submit([found[task_id] for task_id in unique if task_id in found], actor)
        return replace(submission, skipped=[*missing, *submission.skipped])

    def sync_now_matching(
        self, task_filter: TaskFilter, actor: str | None, *, overdue_only: bool = False
    ) -> BulkSubmission:
        """Sync Now on the tasks of a Sync Tasks filter, newest first, up to `BULK_LIMIT` of them."""
        tasks: list[Task] = []
        pages = self._pages(task_filter, overdue_only)
        for page in pages:
            tasks.extend(page)
            if len(tasks) >= BULK_LIMIT:
                break
        capped = len(tasks) > BULK_LIMIT or next(pages, None) is not None
        return replace(self._submit(tasks[:BULK_LIMIT], actor), capped=capped)

    def _pages(self, task_filter: TaskFilter, overdue_only: bool) -> Iterator[list[Task]]:
        cursor: str | None = None
        while True:
            page = self.list_tasks(task_filter, PAGE_SIZE, cursor, overdue_only=overdue_only)
            if page.items:
                yield page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def _submit(self, tasks: list[Task], actor: str | None) -> BulkSubmission:
        def submit(task: Task) -> str | None:
            try:
                return self._engine.submit_sync_now(task, Trigger.BULK_SYNC_NOW, actor)
            except Exception:
                # Nothing was started: the task is as it was, and the operator is told to try again.
                logger.exception("Bulk Sync Now invocation failed", extra={"task_id": task.task_id})
                return NOT_SUBMITTED

        with ThreadPoolExecutor(max_workers=BULK_SUBMITTERS) as pool:
            refusals = list(pool.map(submit, tasks))
        submitted = [task.task_id for task, refusal in zip(tasks, refusals, strict=True) if refusal is None]
        skipped = [
            Skipped(task.task_id, refusal)
            for task, refusal in zip(tasks, refusals, strict=True)
            if refusal is not None
        ]
        return BulkSubmission(submitted, skipped)
