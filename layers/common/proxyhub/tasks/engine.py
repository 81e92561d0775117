"""The task engine: creates tasks, runs them exactly once at a time, applies the status rules.

A run: claim a lease with a conditional write → call the executor → write the new status, counters
and lease release in one transaction → replace or delete the task's schedule. Everything after the
transaction is best effort: the stored next execution time lets the sweeper recover a lost schedule,
and a task left in manual handling is listed on the Sync Tasks page even if its event is lost.
"""

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from proxyhub.clock import Clock, to_iso
from proxyhub.errors import ConflictError, NotFoundError
from proxyhub.models.tasks import (
    BusinessType,
    Route,
    RunOutcome,
    Task,
    TaskRun,
    TaskStatus,
    TaskType,
    Trigger,
)
from proxyhub.observability import logger, metrics
from proxyhub.request_log import RequestLogSink
from proxyhub.settings import Settings
from proxyhub.tasks.executors import ExecutionContext, ExecutorRegistry, TaskRequestLogSink
from proxyhub.tasks.outcomes import (
    Cancelled,
    Continue,
    FailedPermanent,
    Outcome,
    outcome_for_error,
    run_outcome,
)
from proxyhub.tasks.policy import TaskPolicy
from proxyhub.tasks.ports import BackoffDriver, DomainEvents, TaskInvoker, TaskScheduler, TaskStore

MANUAL_HANDLING_METRIC = "TasksNeedingManualHandling"
MANUAL_HANDLING_EVENT = "TaskNeedsManualHandling"
SCHEDULING_FAILURE_METRIC = "TaskSchedulingFailures"
EVENT_FAILURE_METRIC = "TaskEventFailures"
ALREADY_RUNNING = "Task is already running"
RETRY_SOON_SECONDS = 60
# Runs these triggers start leave no schedule behind: a task created to run at once never had one,
# a schedule that fired deletes itself, and a continuation follows a run that made none. After any
# other trigger the task's schedule is still there, so it is updated rather than created.
NO_SCHEDULE_AFTER = frozenset({Trigger.CREATED, Trigger.SCHEDULE, Trigger.CONTINUATION})


@dataclass(frozen=True)
class RunResult:
    """What a trigger learns about a run; `as_dict` is what the task-runner Lambda returns."""

    task_id: str
    status: TaskStatus | None
    attempts: int
    next_execution_at: datetime | None
    checked_at: datetime
    skipped: str | None = None

    @classmethod
    def of(cls, task: Task, checked_at: datetime, skipped: str | None = None) -> "RunResult":
        return cls(task.task_id, task.status, task.attempts, task.next_execution_at, checked_at, skipped)

    @property
    def terminal(self) -> bool:
        return self.status is None or self.status.terminal

    @property
    def continue_polling(self) -> bool:
        """False once no automatic run follows (terminal, or manual handling): a state machine stops."""
        return self.status is not None and self.status.runs_automatically

    def _next_wait_seconds(self, waits: list[int] | None) -> int:
        if waits:
            return waits[min(self.attempts, len(waits) - 1)]
        if self.next_execution_at is None:
            # Skipped because another run holds the task: look again once that run is likely over.
            return RETRY_SOON_SECONDS
        return max(0, math.ceil((self.next_execution_at - self.checked_at).total_seconds()))

    def as_dict(self, waits: list[int] | None = None) -> dict[str, Any]:
        """`waits` (a caller's own backoff steps, in seconds) replaces the policy's next wait."""
        wait_seconds = None
        if self.continue_polling:
            wait_seconds = self._next_wait_seconds(waits)
        return {
            "task_id": self.task_id,
            "status": self.status.value if self.status else None,
            "terminal": self.terminal,
            "continue_polling": self.continue_polling,
            "attempts": self.attempts,
            "next_execution_at": to_iso(self.next_execution_at) if self.next_execution_at else None,
            "wait_seconds": wait_seconds,
            "skipped": self.skipped,
        }


class TaskEngine:
    def __init__(
        self,
        *,
        store: TaskStore,
        scheduler: TaskScheduler,
        invoker: TaskInvoker,
        events: DomainEvents,
        clock: Clock,
        request_log: RequestLogSink,
        executors: ExecutorRegistry,
        policy: TaskPolicy,
        settings: Settings,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        backoff: BackoffDriver | None = None,
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._invoker = invoker
        self._events = events
        self._clock = clock
        self._request_log = request_log
        self._executors = executors
        self._policy = policy
        self._settings = settings
        self._new_id = new_id
        self._backoff = backoff

    # ------------------------------------------------------------ creating and asking for runs

    def create_task(
        self,
        task_type: TaskType,
        business_type: BusinessType,
        route: Route,
        *,
        order_no: str | None = None,
        third_party_order_no: str | None = None,
        payload: dict[str, Any] | None = None,
        request_id: str | None = None,
        run_now: bool = False,
    ) -> Task:
        """A pending task. `run_now` runs it at once (asynchronously); otherwise its first run waits
        the policy's first interval. Tasks driven by a state machine get no schedule: the caller
        starts the state machine."""
        task = self.new_task(
            task_type,
            business_type,
            route,
            order_no=order_no,
            third_party_order_no=third_party_order_no,
            payload=payload,
            request_id=request_id,
            run_now=run_now,
        )
        stored = self._store.save_new(task)
        self.task_stored(stored)
        return stored

    def new_task(
        self,
        task_type: TaskType,
        business_type: BusinessType,
        route: Route,
        *,
        order_no: str | None = None,
        third_party_order_no: str | None = None,
        payload: dict[str, Any] | None = None,
        request_id: str | None = None,
        run_now: bool = False,
    ) -> Task:
        """The task `create_task` would store, not stored: for a caller that stores it together with
        its own writes (an order and its create task, in one transaction), then calls `task_stored`."""
        now = self._clock.now()
        return Task(
            task_id=self._new_id(),
            task_type=task_type,
            business_type=business_type,
            status=TaskStatus.PENDING,
            gwms_warehouse_code=route.gwms_warehouse_code,
            proxy_warehouse_code=route.proxy_warehouse_code,
            system_code=route.system_code,
            created_at=now,
            updated_at=now,
            started_at=now,
            order_no=order_no,
            third_party_order_no=third_party_order_no,
            request_id=request_id,
            payload=dict(payload or {}),
            next_execution_at=now if run_now else self._policy.first_run_at(task_type, now),
        )

    def task_stored(self, task: Task) -> None:
        """Starts a new task once it is stored: runs it at once or schedules its first run."""
        logger.info("Task created", extra=_log_fields(task))
        runs_now = task.next_execution_at is not None and task.next_execution_at <= task.created_at
        if runs_now:
            # A lost invoke leaves the task due: the sweeper runs it within minutes.
            self._best_effort("invoke", lambda: self._invoker.run_async(task.task_id, Trigger.CREATED))
        else:
            self._reschedule(task)

    def sync_now(self, task_id: str, *, actor: str | None = None) -> Task:
        """An operator's Sync Now: refused for finished or running tasks, else run asynchronously."""
        task = self.get_task(task_id)
        refusal = self.submit_sync_now(task, Trigger.SYNC_NOW, actor)
        if refusal is not None:
            raise ConflictError(refusal)
        return task

    def submit_sync_now(self, task: Task, trigger: Trigger, actor: str | None) -> str | None:
        """Asks for an operator's run of the task (the run itself checks again, under its lease); the
        reason it may not run now (finished, running) instead, without asking."""
        refusal = self._policy.refusal(task, trigger, self._clock.now())
        if refusal is None:
            self._invoker.run_async(task.task_id, trigger, actor=actor)
        return refusal

    def get_task(self, task_id: str) -> Task:
        task = self._store.get(task_id)
        if task is None:
            raise NotFoundError(f"Task {task_id} not found")
        return task

    def overdue_cutoff(self) -> datetime:
        """A task due before this moment missed its run: it is overdue by more than the grace period."""
        return self._clock.now() - timedelta(seconds=self._settings.sweeper_grace_seconds)

    def due_task_ids(self, limit: int) -> list[str]:
        """Tasks whose run is overdue: their schedule was missed, or their run died."""
        return self._store.find_due(self.overdue_cutoff(), limit)

    def sweep(self, limit: int) -> list[str]:
        """Asks the runner to run every overdue task; each run re-checks it is still due. A failed
        invocation leaves its task overdue for the next sweep."""
        task_ids = self.due_task_ids(limit)
        for task_id in task_ids:
            self._best_effort("invoke", partial(self._invoker.run_async, task_id, Trigger.SWEEPER))
        return task_ids

    # ------------------------------------------------------------ running

    def run_task(
        self,
        task_id: str,
        trigger: Trigger,
        request_id: str | None = None,
        *,
        remaining_ms: Callable[[], int] | None = None,
        actor: str | None = None,
    ) -> RunResult:
        """`remaining_ms` is the invocation's time left (Lambda's `get_remaining_time_in_millis`):
        executors of long work stop in time and continue in a fresh invocation. `actor` is who asked
        for the run (Sync Now), kept in its history entry."""
        now = self._clock.now()
        deadline = now + timedelta(milliseconds=remaining_ms()) if remaining_ms is not None else None
        task = self._store.get(task_id)
        if task is None:
            logger.warning("Run of an unknown task ignored", extra={"task_id": task_id, "trigger": trigger})
            return RunResult(task_id, None, 0, None, now, skipped="Task not found")
        refusal = self._policy.refusal(task, trigger, now)
        if refusal is not None:
            logger.info("Run skipped", extra={**_log_fields(task), "trigger": trigger, "reason": refusal})
            return RunResult.of(task, now, skipped=refusal)
        claimed = self._claim(task, trigger, now, request_id)
        if claimed is None:
            return RunResult.of(self._store.get(task_id) or task, now, skipped=ALREADY_RUNNING)
        request_log = TaskRequestLogSink(self._request_log, claimed, self._clock)
        outcome = self._execute(claimed, trigger, deadline, request_log)
        run = RunRecord(claimed, trigger, actor, now, tuple(request_log.log_ids))
        result = self._settle(claimed, outcome, run, request_log)
        if self._policy.starts_new_phase(task, trigger):
            self._redrive(claimed, result)
        return result

    def cancel_task(self, task_id: str, reason: str, *, actor: str | None = None) -> Task:
        """Ends a task that will never be needed (its order was cancelled, or an operator says so);
        refused for finished or running tasks."""
        task = self.get_task(task_id)
        summary = f"Cancelled by {actor}: {reason}" if actor else reason
        return self._end(task, summary, Trigger.CANCEL, RunOutcome.CANCELLED, actor)

    def resolve_task(self, task_id: str, reason: str, *, actor: str) -> Task:
        """An operator's word that a task in manual handling was handled outside the system: it is
        cancelled with the reason and the operator's name. The order's state is left as it is."""
        task = self.get_task(task_id)
        if task.status is not TaskStatus.MANUAL:
            raise ConflictError(
                f"Only a task in manual handling can be resolved; this one is {task.status.value}"
            )
        summary = f"Resolved outside the system by {actor}: {reason}"
        return self._end(task, summary, Trigger.RESOLVE, RunOutcome.RESOLVED, actor)

    def _end(
        self, task: Task, summary: str, trigger: Trigger, outcome: RunOutcome, actor: str | None
    ) -> Task:
        now = self._clock.now()
        refusal = self._policy.refusal(task, Trigger.SYNC_NOW, now)
        if refusal is not None:
            raise ConflictError(refusal)
        settled = replace(self._policy.decide(task, Cancelled(summary), now), updated_at=now)
        entry = RunRecord(task, trigger, actor, now).entry(self._new_id(), settled, outcome, now)
        stored = self._store.transition(task, settled, lease_free_at=now, run=entry)
        if stored is None:
            raise ConflictError(ALREADY_RUNNING)
        self._after_settling(stored, outcome=None, trigger=None)
        return stored

    def _claim(self, task: Task, trigger: Trigger, now: datetime, request_id: str | None) -> Task | None:
        new_phase = self._policy.starts_new_phase(task, trigger)
        lease_until = now + timedelta(seconds=self._settings.lease_seconds)
        claimed = replace(
            task,
            status=TaskStatus.RUNNING,
            attempts=task.attempts + 1,
            phase_attempts=1 if new_phase else task.phase_attempts + 1,
            started_at=now if new_phase else task.started_at,
            consecutive_failures=0 if new_phase else task.consecutive_failures,
            last_executed_at=now,
            updated_at=now,
            next_execution_at=None,
            request_id=request_id or task.request_id,
            lease_owner=self._new_id(),
            lease_expires_at=lease_until,
        )
        stored = self._store.transition(task, claimed, lease_free_at=now)
        if stored is not None:
            logger.info("Task claimed", extra={**_log_fields(stored), "trigger": trigger})
        return stored

    def _execute(
        self, task: Task, trigger: Trigger, deadline: datetime | None, request_log: TaskRequestLogSink
    ) -> Outcome:
        executor = self._executors.find(task.task_type, task.business_type)
        if executor is None:
            return FailedPermanent(
                f"No executor for {task.task_type.value} {task.business_type.value} tasks in this deployment"
            )
        context = ExecutionContext(
            clock=self._clock,
            request_log=request_log,
            settings=self._settings,
            trigger=trigger,
            deadline=deadline,
        )
        try:
            return executor.execute(task, context)
        except Exception as error:
            logger.exception("Executor raised", extra=_log_fields(task))
            return outcome_for_error(error)

    def _settle(
        self, claimed: Task, outcome: Outcome, run: "RunRecord", request_log: TaskRequestLogSink
    ) -> RunResult:
        now = self._clock.now()
        decided = self._policy.decide(claimed, outcome, now)
        settled = replace(decided, updated_at=now, lease_owner=None, lease_expires_at=None)
        run_id = claimed.lease_owner or self._new_id()
        entry = run.entry(run_id, settled, run_outcome(outcome), now)
        # The run's last request-log records are written with its result: one transaction.
        try:
            stored = self._store.transition(claimed, settled, run=entry, request_logs=request_log.held())
        except Exception:
            self._best_effort("request logs", request_log.store_held)
            raise
        if stored is None:
            self._best_effort("request logs", request_log.store_held)
            # The lease expired mid-run and another run took over; its result wins. The run still
            # happened (its requests were made), so its history entry says what became of it.
            logger.warning("Run result dropped: lease lost", extra=_log_fields(claimed))
            current = self._store.get(claimed.task_id) or claimed
            lost = run.entry(run_id, current, RunOutcome.LEASE_LOST, now)
            self._best_effort("history", partial(self._store.add_run, lost))
            return RunResult.of(current, now, skipped="Lease lost")
        logger.info("Task run finished", extra={**_log_fields(stored), "outcome": type(outcome).__name__})
        self._after_settling(stored, outcome, run.trigger)
        return RunResult.of(stored, now)

    def _redrive(self, claimed: Task, result: RunResult) -> None:
        """A task its state machine drove, run again from manual handling by an operator: that
        execution ended when the task went manual, so a fresh one (a new name) drives it on."""
        rule = self._policy.rule(claimed.task_type)
        if not rule.driven_by_state_machine or self._backoff is None or not result.continue_polling:
            return
        backoff = self._backoff
        waits = [round(interval.total_seconds()) for interval in rule.intervals]
        first_wait = result.as_dict()["wait_seconds"]

        def start() -> None:
            backoff.start(claimed.task_id, waits, first_wait_seconds=first_wait, attempt=result.attempts)

        self._best_effort("redrive", start)

    def _after_settling(self, task: Task, outcome: Outcome | None, trigger: Trigger | None) -> None:
        if task.status is TaskStatus.MANUAL:
            metrics.add_metric(name=MANUAL_HANDLING_METRIC, unit=MetricUnit.Count, value=1)
            self._announce_manual_handling(task)
        if isinstance(outcome, Continue) and task.status.runs_automatically:
            # The next run starts at once in a fresh invocation (a full time budget of its own); if the
            # invoke fails, the task is already due, so the sweeper starts it within minutes.
            self._best_effort("continue", lambda: self._invoker.run_async(task.task_id, Trigger.CONTINUATION))
            return
        self._reschedule(task, replace_existing=trigger not in NO_SCHEDULE_AFTER)

    def _announce_manual_handling(self, task: Task) -> None:
        """Tells GWMS; best effort like the metric: the stored status is what operators act on."""
        try:
            self._events.publish(MANUAL_HANDLING_EVENT, manual_handling_detail(task))
        except Exception:
            logger.exception("Manual-handling event not published", extra=_log_fields(task))
            metrics.add_metric(name=EVENT_FAILURE_METRIC, unit=MetricUnit.Count, value=1)

    def _reschedule(self, task: Task, *, replace_existing: bool = False) -> None:
        if self._policy.rule(task.task_type).driven_by_state_machine:
            return
        next_run = task.next_execution_at
        if task.status.runs_automatically and next_run is not None:
            self._best_effort(
                "schedule",
                lambda: self._scheduler.schedule_next_run(
                    task.task_id, next_run, replace_existing=replace_existing
                ),
            )
        else:
            self._best_effort("unschedule", lambda: self._scheduler.cancel_schedule(task.task_id))

    @staticmethod
    def _best_effort(action: str, call: Callable[[], None]) -> None:
        """After the task is stored, a failing call must not fail the run: the sweeper catches up."""
        try:
            call()
        except Exception:
            logger.exception("Task follow-up failed; the sweeper will recover", extra={"action": action})
            metrics.add_metric(name=SCHEDULING_FAILURE_METRIC, unit=MetricUnit.Count, value=1)


@dataclass(frozen=True)
class RunRecord:
    """What the engine knows of a run when it starts; `entry` completes its history entry."""

    task: Task
    trigger: Trigger
    actor: str | None
    started_at: datetime
    log_ids: tuple[str, ...] = ()

    def entry(self, run_id: str, after: Task, outcome: RunOutcome, ended_at: datetime) -> TaskRun:
        return TaskRun(
            task_id=self.task.task_id,
            run_id=run_id,
            trigger=self.trigger,
            actor=self.actor,
            started_at=self.started_at,
            ended_at=ended_at,
            outcome=outcome,
            status=after.status,
            summary=after.execution_summary,
            error=after.error_message,
            log_ids=self.log_ids,
        )


def manual_handling_detail(task: Task) -> dict[str, Any]:
    """The `TaskNeedsManualHandling` event's detail."""
    return {
        "task_id": task.task_id,
        "task_type": task.task_type.value,
        "business_type": task.business_type.value,
        "order_no": task.order_no,
        "third_party_order_no": task.third_party_order_no,
        "gwms_warehouse_code": task.gwms_warehouse_code,
        "proxy_warehouse_code": task.proxy_warehouse_code,
        "system_code": task.system_code,
        "reason": task.execution_summary,
    }


def _log_fields(task: Task) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "task_type": task.task_type.value,
        "business_type": task.business_type.value,
        "status": task.status.value,
        "attempts": task.attempts,
        "order_no": task.order_no,
    }
