"""The Sync Tasks overview: counts coloured by how urgently an operator should look.

Red: action needed. Yellow: attention. Blue: informational. Each metric carries the list filter
that clicking it applies.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from proxyhub.models.tasks import BACKLOG_STATUSES, Task, TaskStatus
from proxyhub.tasks.ports import OverviewCounts

# A backlog task older than this deserves a look even if nothing failed.
LONG_WAIT = timedelta(hours=24)


class Colour(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    count: int
    colour: Colour
    filter: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OldestWaiting:
    task_id: str
    order_no: str | None
    created_at: datetime
    waiting_hours: float
    colour: Colour


@dataclass(frozen=True)
class Overview:
    primary: list[Metric]
    secondary: list[Metric]
    oldest_waiting: OldestWaiting | None
    reminders: list[str]
    approximate: bool


def build_overview(counts: OverviewCounts, now: datetime) -> Overview:
    backlog = sum(counts.by_status.get(status, 0) for status in BACKLOG_STATUSES)
    running = counts.by_status.get(TaskStatus.RUNNING, 0)
    manual = counts.by_status.get(TaskStatus.MANUAL, 0)
    backlog_colour, manual_colour = _flag(backlog, Colour.YELLOW), _flag(manual, Colour.RED)
    primary = [
        Metric("backlog", "Backlog", backlog, backlog_colour, _status_filter(*BACKLOG_STATUSES)),
        Metric("running", "Running", running, Colour.BLUE, _status_filter(TaskStatus.RUNNING)),
        Metric("manual", "Manual handling", manual, manual_colour, _status_filter(TaskStatus.MANUAL)),
    ]
    today = now.date().isoformat()
    secondary = [
        Metric(
            "success_today",
            "Succeeded today (UTC)",
            counts.success_today,
            Colour.BLUE,
            {**_status_filter(TaskStatus.SUCCESS), "updated_from": today},
        ),
        Metric(
            "cancelled_today",
            "Cancelled today (UTC)",
            counts.cancelled_today,
            Colour.BLUE,
            {**_status_filter(TaskStatus.CANCELLED), "updated_from": today},
        ),
        Metric(
            "overdue",
            "Overdue (schedule missed)",
            counts.overdue,
            _flag(counts.overdue, Colour.RED),
            {"overdue": "true"},
        ),
    ]
    oldest = _oldest_waiting(counts.oldest_waiting, now)
    return Overview(primary, secondary, oldest, _reminders(manual, counts.overdue, oldest), counts.truncated)


def _flag(count: int, colour: Colour) -> Colour:
    return colour if count > 0 else Colour.BLUE


def _status_filter(*statuses: TaskStatus) -> dict[str, str]:
    return {"status": ",".join(status.value for status in statuses)}


def _oldest_waiting(task: Task | None, now: datetime) -> OldestWaiting | None:
    if task is None:
        return None
    waited = now - task.created_at
    colour = Colour.YELLOW if waited >= LONG_WAIT else Colour.BLUE
    hours = round(waited / timedelta(hours=1), 1)
    return OldestWaiting(task.task_id, task.order_no, task.created_at, hours, colour)


def _reminders(manual: int, overdue: int, oldest: OldestWaiting | None) -> list[str]:
    reminders = []
    if manual:
        reminders.append(f"{manual} task(s) need manual handling: fix the cause, then use Sync Now")
    if overdue:
        reminders.append(f"{overdue} task(s) missed their execution time; the sweeper reruns them shortly")
    if oldest is not None and oldest.colour is not Colour.BLUE:
        reminders.append(f"The oldest backlog task has waited {oldest.waiting_hours} h; check its summary")
    return reminders
