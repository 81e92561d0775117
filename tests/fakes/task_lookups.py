"""The task queries (`TaskQueries`, and the order flows' `TaskLookups`) over an `InMemoryTaskStore`,
so the engine of `engine_kit` and the services reading its tasks share one set of tasks."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from fakes.tasks import InMemoryTaskStore
from proxyhub.models.tasks import Task, TaskRun, TaskStatus
from proxyhub.request_log import RequestLogRecord
from proxyhub.tasks.ports import OverviewCounts, Page, TaskFilter


def _matches(task: Task, task_filter: TaskFilter) -> bool:
    checks = (
        not task_filter.statuses or task.status in task_filter.statuses,
        task_filter.business_type is None or task.business_type is task_filter.business_type,
        task_filter.task_type is None or task.task_type is task_filter.task_type,
        task_filter.warehouse_code is None or task.gwms_warehouse_code == task_filter.warehouse_code,
        task_filter.created_from is None or task.created_at >= task_filter.created_from,
        task_filter.created_to is None or task.created_at <= task_filter.created_to,
        task_filter.order_no is None or task.order_no == task_filter.order_no,
        task_filter.overdue_before is None
        or (task.due_at is not None and task.due_at < task_filter.overdue_before),
        task_filter.updated_from is None
        or (task.updated_at is not None and task.updated_at >= task_filter.updated_from),
    )
    return all(checks)


class InMemoryTaskLookups:
    """Same contract as `DynamoTaskRepository`'s reads; writes go to the wrapped store."""

    def __init__(self, store: InMemoryTaskStore) -> None:
        self._store = store

    # ------------------------------------------------------------ TaskStore, delegated

    def save_new(self, task: Task) -> Task:
        return self._store.save_new(task)

    def get(self, task_id: str) -> Task | None:
        return self._store.get(task_id)

    def get_many(self, task_ids: Sequence[str]) -> dict[str, Task]:
        return self._store.get_many(task_ids)

    def transition(
        self,
        before: Task,
        after: Task,
        *,
        lease_free_at: datetime | None = None,
        run: TaskRun | None = None,
        request_logs: Sequence[RequestLogRecord] = (),
    ) -> Task | None:
        return self._store.transition(
            before, after, lease_free_at=lease_free_at, run=run, request_logs=request_logs
        )

    def add_run(self, run: TaskRun) -> None:
        self._store.add_run(run)

    def runs_of(self, task_id: str, limit: int, cursor: str | None) -> Page[TaskRun]:
        return self._store.runs_of(task_id, limit, cursor)

    def find_due(self, before: datetime, limit: int) -> list[str]:
        return self._store.find_due(before, limit)

    # ------------------------------------------------------------ reads

    def tasks_of_order(self, order_no: str) -> list[Task]:
        """Oldest first."""
        tasks = [task for task in self._store.tasks.values() if task.order_no == order_no]
        return sorted(tasks, key=lambda task: (task.created_at, task.task_id))

    def list_tasks(self, task_filter: TaskFilter, limit: int, cursor: str | None) -> Page[Task]:
        """Newest first; the cursor is the offset of the next page."""
        matching = sorted(
            (task for task in self._store.tasks.values() if _matches(task, task_filter)),
            key=lambda task: (task.created_at, task.task_id),
            reverse=True,
        )
        start = int(cursor) if cursor else 0
        end = start + limit
        return Page(matching[start:end], str(end) if end < len(matching) else None)

    def overview_counts(
        self, task_filter: TaskFilter, now: datetime, overdue_before: datetime
    ) -> OverviewCounts:
        task_filter = replace(task_filter, statuses=(), order_no=None, overdue_before=None, updated_from=None)
        tasks = [task for task in self._store.tasks.values() if _matches(task, task_filter)]
        waiting = [task for task in tasks if task.status is TaskStatus.WAITING]

        def finished_today(task: Task, status: TaskStatus) -> bool:
            return (
                task.status is status and task.updated_at is not None and task.updated_at.date() == now.date()
            )

        return OverviewCounts(
            by_status=dict(Counter(task.status for task in tasks)),
            success_today=sum(finished_today(task, TaskStatus.SUCCESS) for task in tasks),
            cancelled_today=sum(finished_today(task, TaskStatus.CANCELLED) for task in tasks),
            overdue=sum(task.due_at is not None and task.due_at < overdue_before for task in tasks),
            oldest_waiting=min(waiting, key=lambda task: task.created_at, default=None),
        )
