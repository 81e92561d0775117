"""Pending and waiting tasks by next run, read from the tasks table's sparse due index (`gsi3`).

The index projects what the schedule repair needs (id, type, status) and its sort key carries the
due time, so no task item is read in full.
"""

from collections.abc import Iterator
from datetime import datetime

from proxyhub.clock import from_iso, to_iso
from proxyhub.dal.task_repository import DUE_PK, TaskItem
from proxyhub.models.tasks import TaskStatus, TaskType
from proxyhub.operations.ports import ScheduledTask

SCHEDULED_STATUSES = frozenset({TaskStatus.PENDING, TaskStatus.WAITING})


class DynamoScheduledTasks:
    def due_after(self, moment: datetime) -> Iterator[ScheduledTask]:
        for item in TaskItem.due.query(DUE_PK, range_key_condition=TaskItem.gsi3sk > to_iso(moment)):
            status = TaskStatus(item.status)
            if status not in SCHEDULED_STATUSES or not item.gsi3sk:
                continue
            due_text = item.gsi3sk.rsplit("#", 1)[0]
            yield ScheduledTask(item.task_id, TaskType(item.task_type), status, from_iso(due_text))
