"""The task gauges behind the operations dashboard and the manual-backlog alarm, published every 5
minutes by the sweeper: what the Sync Tasks overview shows, as CloudWatch metrics.

- `TasksByStatus` (status): backlog and current statuses; success and cancelled count today (UTC).
- `TasksByType` (task_type, status): the unfinished statuses of each task type.
- `ManualHandlingBacklog`, `OverdueTasks`, `OldestBacklogTaskAgeHours`: one number each.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from proxyhub.clock import Clock
from proxyhub.models.tasks import TaskStatus, TaskType
from proxyhub.observability import MetricUnit, record_metrics
from proxyhub.tasks.ports import OverviewCounts, TaskFilter, TaskQueries

TASKS_BY_STATUS_METRIC = "TasksByStatus"
TASKS_BY_TYPE_METRIC = "TasksByType"
MANUAL_BACKLOG_METRIC = "ManualHandlingBacklog"
OVERDUE_METRIC = "OverdueTasks"
OLDEST_BACKLOG_AGE_METRIC = "OldestBacklogTaskAgeHours"
OPEN_STATUSES = (TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.RUNNING, TaskStatus.MANUAL)
# CloudWatch keeps a minute's resolution: a sweeper fired more often (the local stack's time scale)
# reads the counters once a minute, not on every sweep.
MIN_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class TaskGaugeReading:
    by_status: dict[TaskStatus, int]
    by_type: dict[tuple[TaskType, TaskStatus], int]
    manual: int
    overdue: int
    oldest_backlog_age_hours: float


class TaskGauges:
    def __init__(self, queries: TaskQueries, clock: Clock, overdue_cutoff: Callable[[], datetime]) -> None:
        self._queries = queries
        self._clock = clock
        self._overdue_cutoff = overdue_cutoff
        self._last_published: datetime | None = None

    def read(self) -> TaskGaugeReading:
        """The overview's counters, once for all tasks and once per task type (a handful of queries)."""
        now, cutoff = self._clock.now(), self._overdue_cutoff()
        everything = self._queries.overview_counts(TaskFilter(), now, cutoff)
        by_type = {}
        for task_type in TaskType:
            counts = self._queries.overview_counts(TaskFilter(task_type=task_type), now, cutoff)
            for status in OPEN_STATUSES:
                by_type[(task_type, status)] = counts.by_status.get(status, 0)
        return TaskGaugeReading(
            by_status=_by_status(everything),
            by_type=by_type,
            manual=everything.by_status.get(TaskStatus.MANUAL, 0),
            overdue=everything.overdue,
            oldest_backlog_age_hours=_age_hours(everything, now),
        )

    def publish_if_due(self) -> TaskGaugeReading | None:
        """Publishes unless this process did less than `MIN_INTERVAL` ago."""
        now = self._clock.now()
        if self._last_published is not None and now - self._last_published < MIN_INTERVAL:
            return None
        self._last_published = now
        return self.publish()

    def publish(self) -> TaskGaugeReading:
        reading = self.read()
        for status, count in reading.by_status.items():
            record_metrics({"status": status.value}, {TASKS_BY_STATUS_METRIC: (count, MetricUnit.Count)})
        for (task_type, status), count in reading.by_type.items():
            record_metrics(
                {"task_type": task_type.value, "status": status.value},
                {TASKS_BY_TYPE_METRIC: (count, MetricUnit.Count)},
            )
        record_metrics(
            {},
            {
                MANUAL_BACKLOG_METRIC: (reading.manual, MetricUnit.Count),
                OVERDUE_METRIC: (reading.overdue, MetricUnit.Count),
                OLDEST_BACKLOG_AGE_METRIC: (reading.oldest_backlog_age_hours, MetricUnit.Count),
            },
        )
        return reading


def _by_status(counts: OverviewCounts) -> dict[TaskStatus, int]:
    current = {status: counts.by_status.get(status, 0) for status in OPEN_STATUSES}
    return {**current, TaskStatus.SUCCESS: counts.success_today, TaskStatus.CANCELLED: counts.cancelled_today}


def _age_hours(counts: OverviewCounts, now: datetime) -> float:
    oldest = counts.oldest_waiting
    if oldest is None:
        return 0.0
    return round((now - oldest.created_at) / timedelta(hours=1), 2)
