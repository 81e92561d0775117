"""Step 1 of an inventory sync: the warehouse's unfinished inbound and outbound tasks run once first."""

from collections.abc import Iterator

from proxyhub.inventory.ports import OpenTasks
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, Trigger
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.ports import TaskFilter, TaskQueries

UNFINISHED_STATUSES = (TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.RUNNING, TaskStatus.MANUAL)
FLOW_BUSINESS_TYPES = frozenset({BusinessType.INBOUND, BusinessType.OUTBOUND})
TASKS_PER_QUERY = 100

__all__ = ["EngineOpenTasks", "OpenTasks"]


class EngineOpenTasks:
    """`OpenTasks` through the task engine: runs are leased and settled like any other run."""

    def __init__(self, engine: TaskEngine, queries: TaskQueries) -> None:
        self._engine = engine
        self._queries = queries

    def unfinished(self, gwms_warehouse_code: str) -> list[Task]:
        found: dict[str, Task] = {}
        for status in UNFINISHED_STATUSES:
            for task in self._tasks_in(status, gwms_warehouse_code):
                if task.business_type in FLOW_BUSINESS_TYPES:
                    found.setdefault(task.task_id, task)
        return list(found.values())

    def _tasks_in(self, status: TaskStatus, gwms_warehouse_code: str) -> Iterator[Task]:
        # By status first: the backlog of a status is small, a warehouse's history is not.
        task_filter = TaskFilter(statuses=(status,), warehouse_code=gwms_warehouse_code)
        cursor = None
        while True:
            page = self._queries.list_tasks(task_filter, TASKS_PER_QUERY, cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def run_once(self, task_id: str) -> TaskStatus | None:
        return self._engine.run_task(task_id, Trigger.DIRECT).status
