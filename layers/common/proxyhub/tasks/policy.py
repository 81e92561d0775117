"""The status rules and the one table of polling intervals.

Each task type polls on its own rhythm (Sync Tasks guide §3.1). The n-th wait of a phase is
`intervals[n]`, the last interval repeating, so a fixed rhythm is a one-element tuple and a backoff
lists its steps. A phase starts when the task is created, handed over to another type, or rescued
from manual handling by an operator; retry limits count within the phase. `TaskPolicy.from_settings`
applies the configurable limits (consecutive failures, query-task age) to this table.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import MappingProxyType

from proxyhub.models.tasks import OPERATOR_RUN_TRIGGERS, Task, TaskStatus, TaskType, Trigger
from proxyhub.settings import Settings
from proxyhub.tasks.outcomes import (
    Cancelled,
    Continue,
    Deferred,
    Done,
    FailedPermanent,
    FailedTransient,
    NeedsManual,
    NotYet,
    Outcome,
)


@dataclass(frozen=True)
class PollingRule:
    intervals: tuple[timedelta, ...]
    max_runs: int | None = None
    max_age: timedelta | None = None
    # A phase that lasts longer than this continues as another task type (create → query).
    hand_over_after: timedelta | None = None
    hand_over_to: TaskType | None = None
    # Step Functions carries the waits (cancel backoff): the engine records the next time but
    # creates no EventBridge schedule, so the two never race each other.
    driven_by_state_machine: bool = False

    def interval(self, runs_done: int) -> timedelta:
        return self.intervals[min(runs_done, len(self.intervals) - 1)]


MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
# A deferred run (throttled, circuit open) comes back no sooner than this, whatever Retry-After says.
MIN_DEFERRAL = timedelta(seconds=5)

POLLING_RULES: Mapping[TaskType, PollingRule] = MappingProxyType(
    {
        TaskType.CREATE: PollingRule((30 * MINUTE,), hand_over_after=24 * HOUR, hand_over_to=TaskType.QUERY),
        # The age limit is the default of `query_task_max_age_days`, which `from_settings` applies.
        TaskType.QUERY: PollingRule((24 * HOUR,), max_age=timedelta(days=60)),
        TaskType.INVENTORY_SYNC: PollingRule((12 * HOUR,), max_runs=3),
        TaskType.CANCEL: PollingRule(
            (10 * MINUTE, 20 * MINUTE, HOUR, 4 * HOUR), max_runs=12, driven_by_state_machine=True
        ),
        TaskType.NOTIFY: PollingRule((MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR), max_runs=10),
    }
)


@dataclass(frozen=True)
class TaskPolicy:
    max_consecutive_failures: int = 5
    rules: Mapping[TaskType, PollingRule] = field(default=POLLING_RULES)

    @classmethod
    def from_settings(cls, settings: Settings) -> "TaskPolicy":
        # Local time compression is the scheduler emulation's business: waits here are real time.
        query_max_age = timedelta(days=settings.query_task_max_age_days)
        rules = MappingProxyType(
            {**POLLING_RULES, TaskType.QUERY: replace(POLLING_RULES[TaskType.QUERY], max_age=query_max_age)}
        )
        return cls(max_consecutive_failures=settings.max_consecutive_failures, rules=rules)

    def rule(self, task_type: TaskType) -> PollingRule:
        return self.rules[task_type]

    def wait(self, task_type: TaskType, runs_done: int) -> timedelta:
        return self.rule(task_type).interval(runs_done)

    def first_run_at(self, task_type: TaskType, now: datetime) -> datetime:
        return now + self.wait(task_type, 0)

    def refusal(self, task: Task, trigger: Trigger, now: datetime) -> str | None:
        """Why this trigger may not run the task now, or None when it may."""
        if task.status.terminal:
            return f"Task is already {task.status.value}"
        if task.is_leased(now):
            return "Task is already running"
        if task.status is TaskStatus.MANUAL and trigger not in OPERATOR_RUN_TRIGGERS:
            return "Task needs manual handling; use Sync Now once the cause is fixed"
        # The sweeper works from an index read moments ago; a run since then may have rescheduled.
        if trigger is Trigger.SWEEPER and (task.due_at is None or task.due_at > now):
            return "Task is not due"
        return None

    def starts_new_phase(self, task: Task, trigger: Trigger) -> bool:
        """An operator re-running a manual task has fixed the cause: the retry budget starts afresh."""
        return task.status is TaskStatus.MANUAL and trigger in OPERATOR_RUN_TRIGGERS

    def decide(self, task: Task, outcome: Outcome, now: datetime) -> Task:
        """The task after a run with this outcome; `task` already counts the run in its attempts."""
        if outcome.third_party_order_no:
            task = replace(task, third_party_order_no=outcome.third_party_order_no)
        failures = task.consecutive_failures
        match outcome:
            case Done(summary=summary):
                return _settled(task, TaskStatus.SUCCESS, summary, error=None, failures=0)
            case Cancelled(summary=summary):
                return _settled(task, TaskStatus.CANCELLED, summary, error=None, failures=0)
            case NeedsManual(reason=reason):
                return _settled(task, TaskStatus.MANUAL, reason, error=reason, failures=failures)
            case FailedPermanent(error=error):
                return _settled(task, TaskStatus.MANUAL, error, error=error, failures=failures + 1)
            case FailedTransient(error=error):
                return self._after_transient_failure(task, error, now)
            case NotYet():
                return self._after_not_yet(task, outcome, now)
            case Deferred(reason=reason, retry_after_seconds=retry_after):
                return self._deferred(task, reason, retry_after, now)
            case Continue(summary=summary, progress=progress):
                return self._continued(task, summary, progress, now)

    @staticmethod
    def _continued(task: Task, summary: str, progress: str | None, now: datetime) -> Task:
        """Due again now, in the same phase; the run just made is not counted against the rule's limit."""
        return replace(
            task,
            status=TaskStatus.WAITING,
            execution_summary=summary,
            error_message=None,
            consecutive_failures=0,
            phase_attempts=max(0, task.phase_attempts - 1),
            next_execution_at=now,
            progress=progress if progress is not None else task.progress,
        )

    def _after_transient_failure(self, task: Task, error: str, now: datetime) -> Task:
        failures = task.consecutive_failures + 1
        if failures >= self.max_consecutive_failures:
            summary = f"{failures} consecutive failures, last: {error}"
            return _settled(task, TaskStatus.MANUAL, summary, error=error, failures=failures)
        if self._exhausted(task, now):
            summary = f"Retries exhausted after {task.phase_attempts} runs, last: {error}"
            return _settled(task, TaskStatus.MANUAL, summary, error=error, failures=failures)
        return self._waiting(task, error, error, failures, now)

    def _after_not_yet(self, task: Task, outcome: NotYet, now: datetime) -> Task:
        successor = outcome.hand_over_to or self._due_handover(task, now)
        if successor is not None and successor is not task.task_type:
            handed_over = replace(task, task_type=successor, started_at=now, phase_attempts=0)
            summary = f"{outcome.summary} (continues as a {successor.value} task)"
            return self._waiting(handed_over, summary, None, 0, now)
        if self._exhausted(task, now):
            summary = f"Retries exhausted after {task.phase_attempts} runs, last: {outcome.summary}"
            return _settled(task, TaskStatus.MANUAL, summary, error=summary, failures=0)
        return self._waiting(task, outcome.summary, None, 0, now)

    def _deferred(self, task: Task, reason: str, retry_after: float | None, now: datetime) -> Task:
        """Waits what the proxy side asked (at least `MIN_DEFERRAL`); the run does not count against
        the phase's retry limit, and the consecutive failures stay where they were."""
        wait = max(timedelta(seconds=retry_after or 0), MIN_DEFERRAL)
        return replace(
            task,
            status=TaskStatus.WAITING,
            execution_summary=f"Waiting: {reason}",
            error_message=None,
            phase_attempts=max(0, task.phase_attempts - 1),
            next_execution_at=now + wait,
        )

    def _due_handover(self, task: Task, now: datetime) -> TaskType | None:
        rule = self.rule(task.task_type)
        if rule.hand_over_after is None or rule.hand_over_to is None:
            return None
        return rule.hand_over_to if now - _phase_start(task) >= rule.hand_over_after else None

    def _exhausted(self, task: Task, now: datetime) -> bool:
        rule = self.rule(task.task_type)
        if rule.max_runs is not None and task.phase_attempts >= rule.max_runs:
            return True
        return rule.max_age is not None and now - _phase_start(task) >= rule.max_age

    def _waiting(self, task: Task, summary: str, error: str | None, failures: int, now: datetime) -> Task:
        return replace(
            task,
            status=TaskStatus.WAITING,
            execution_summary=summary,
            error_message=error,
            consecutive_failures=failures,
            next_execution_at=now + self.wait(task.task_type, task.phase_attempts),
        )


def _settled(task: Task, status: TaskStatus, summary: str, *, error: str | None, failures: int) -> Task:
    """Success, cancelled or manual: no automatic run follows, so no next execution time. A finished
    task's progress is history; a manual one keeps it, to show where it stopped."""
    return replace(
        task,
        status=status,
        execution_summary=summary,
        error_message=error,
        consecutive_failures=failures,
        next_execution_at=None,
        progress=None if status.terminal else task.progress,
    )


def _phase_start(task: Task) -> datetime:
    return task.started_at or task.created_at
