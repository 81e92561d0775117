"""The Sync Tasks and Logs pages' use cases: list, overview, details, request logs, Sync Now."""

from dataclasses import dataclass, replace

from proxyhub.audit.service import AuditService
from proxyhub.clock import Clock
from proxyhub.config.ports import ProxySystems
from proxyhub.models.audit import AuditEvent
from proxyhub.models.config import ProxySystemRecord
from proxyhub.models.tasks import Task
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.overview import Overview, build_overview
from proxyhub.tasks.ports import LogSearch, Page, RequestLogReader, StoredRequestLog, TaskFilter, TaskQueries


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
        queries: TaskQueries,
        request_logs: RequestLogReader,
        systems: ProxySystems,
        audit: AuditService,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._audit = audit
        self._queries = queries
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

    def request_logs(self, task_id: str, limit: int) -> list[StoredRequestLog]:
        """The task's HTTP exchanges, newest first."""
        self._engine.get_task(task_id)
        return self._request_logs.for_task(task_id, limit)

    def search_request_logs(
        self, search: LogSearch, limit: int, cursor: str | None
    ) -> Page[StoredRequestLog]:
        return self._request_logs.search(search, limit, cursor)

    def sync_now(self, task_id: str) -> Task:
        return self._engine.sync_now(task_id)
