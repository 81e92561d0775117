"""The sync task as the engine, the API and the Sync Tasks page see it."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class TaskType(StrEnum):
    CREATE = "create"
    CANCEL = "cancel"
    QUERY = "query"
    INVENTORY_SYNC = "inventory_sync"
    NOTIFY = "notify"


class BusinessType(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INVENTORY = "inventory"


class TaskStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    WAITING = "waiting"
    SUCCESS = "success"
    MANUAL = "manual"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES

    @property
    def runs_automatically(self) -> bool:
        """A schedule, the sweeper or a state machine will run the task again without an operator."""
        return self in AUTOMATIC_STATUSES


TERMINAL_STATUSES = frozenset({TaskStatus.SUCCESS, TaskStatus.CANCELLED})
AUTOMATIC_STATUSES = frozenset({TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.RUNNING})
BACKLOG_STATUSES = (TaskStatus.PENDING, TaskStatus.WAITING)


class Trigger(StrEnum):
    """What asked for a run; recorded in logs and deciding whether a manual task may run."""

    SCHEDULE = "schedule"
    SWEEPER = "sweeper"
    SYNC_NOW = "sync_now"
    STATE_MACHINE = "state_machine"
    CALLBACK = "callback"
    CREATED = "created"
    # In-process callers, e.g. inventory sync completing a warehouse's open tasks first.
    DIRECT = "direct"
    # A run that ran out of time asking for the next one at once (the `Continue` outcome).
    CONTINUATION = "continuation"
    # Sync Now on many tasks at once (`POST /v1/tasks/sync-now`); an operator's like Sync Now.
    BULK_SYNC_NOW = "bulk_sync_now"
    # Not runs: an operator ending a manual task as handled outside the system, or cancelling a task
    # (an operator, or its order's cancellation). Their history entries name these.
    RESOLVE = "resolve"
    CANCEL = "cancel"


# Only an operator may re-run a task in manual handling: schedules must not hammer a known fault.
OPERATOR_RUN_TRIGGERS = frozenset({Trigger.SYNC_NOW, Trigger.BULK_SYNC_NOW})


@dataclass(frozen=True)
class Route:
    gwms_warehouse_code: str
    proxy_warehouse_code: str
    system_code: str


@dataclass(frozen=True)
class Task:
    task_id: str
    task_type: TaskType
    business_type: BusinessType
    status: TaskStatus
    gwms_warehouse_code: str
    proxy_warehouse_code: str
    system_code: str
    created_at: datetime
    order_no: str | None = None
    third_party_order_no: str | None = None
    execution_summary: str | None = None
    error_message: str | None = None
    request_id: str | None = None
    attempts: int = 0
    consecutive_failures: int = 0
    last_executed_at: datetime | None = None
    next_execution_at: datetime | None = None
    updated_at: datetime | None = None
    # Internal: what the executor needs (order lines, cancel reason, ...), never shown as columns.
    payload: dict[str, Any] = field(default_factory=dict)
    # When the current task type's polling began: handovers and age limits count from here.
    started_at: datetime | None = None
    # Runs since `started_at`; the backoff step and the retry limit count these.
    phase_attempts: int = 0
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    # Optimistic concurrency: every write is conditional on the version it read.
    version: int = 0
    # How far a long task got, e.g. "page 120 of ~400" of an inventory listing; shown in its details.
    progress: str | None = None

    @property
    def route(self) -> Route:
        return Route(self.gwms_warehouse_code, self.proxy_warehouse_code, self.system_code)

    @property
    def due_at(self) -> datetime | None:
        """When the task should run without an operator; for a running task, when its lease expires,
        so that a run that died is retried. None when nothing will run it automatically."""
        if self.status is TaskStatus.RUNNING:
            return self.lease_expires_at
        return self.next_execution_at if self.status.runs_automatically else None

    def is_leased(self, now: datetime) -> bool:
        return self.lease_expires_at is not None and self.lease_expires_at > now


class RunOutcome(StrEnum):
    """How a run (or an operator's ending of a task) came out, as its history entry says."""

    DONE = "done"
    NOT_YET = "not_yet"
    CONTINUE = "continue"
    DEFERRED = "deferred"
    FAILED_TRANSIENT = "failed_transient"
    FAILED_PERMANENT = "failed_permanent"
    NEEDS_MANUAL = "needs_manual"
    CANCELLED = "cancelled"
    RESOLVED = "resolved"
    # The run's lease expired before it finished and another run took over: its result was dropped.
    LEASE_LOST = "lease_lost"


@dataclass(frozen=True)
class TaskRun:
    """One entry of a task's history: a run, or an operator ending the task."""

    task_id: str
    run_id: str
    trigger: Trigger
    # Who asked: an operator's email or GWMS's ARN for Sync Now, resolve and cancel; None for machines.
    actor: str | None
    started_at: datetime
    ended_at: datetime
    outcome: RunOutcome
    # The task's status once the run was written.
    status: TaskStatus
    summary: str | None
    error: str | None
    # The request-log records this run wrote, oldest first.
    log_ids: tuple[str, ...] = ()
