"""Executors do the work of one run of one kind of task; the engine picks one per (task type, business type).

A later issue plugs in its executors by registering them:

    def install_executors(registry: ExecutorRegistry) -> None:
        registry.register(TaskType.CREATE, BusinessType.INBOUND, InboundCreateExecutor(...))

and naming its module in `proxyhub.tasks.wiring.EXECUTOR_MODULES`.
"""

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from proxyhub.clock import Clock
from proxyhub.models.tasks import BusinessType, Task, TaskType, Trigger
from proxyhub.request_log import RequestLogRecord, RequestLogSink
from proxyhub.settings import Settings
from proxyhub.tasks.outcomes import Outcome

# How long a run waits for the executors being registered in another thread (cold start, local stack).
INSTALL_WAIT_SECONDS = 60
# A run's request-log records wait to be stored with its result, at most this many at a time.
HELD_AT_MOST = 20


class TaskRequestLogSink:
    """Stamps every request-log record of a run with its task, so the details dialog finds it, and
    names each record, so the run's history entry can list them.

    Records are held, with the time of their exchange, and stored with the run's result, in its
    final transaction (`held`); a run that makes many stores them as it goes, `HELD_AT_MOST` at a
    time, so no more than that many wait in memory (or are lost if the process dies mid-run)."""

    def __init__(self, inner: RequestLogSink, task: Task, clock: Clock | None = None) -> None:
        self._inner = inner
        self._task = task
        self._clock = clock
        self._log_ids: list[str] = []
        self._held: list[RequestLogRecord] = []

    @property
    def log_ids(self) -> list[str]:
        return list(self._log_ids)

    def record(self, entry: RequestLogRecord) -> None:
        stamped = replace(
            entry,
            task_id=entry.task_id or self._task.task_id,
            order_no=entry.order_no or self._task.order_no,
            warehouse_code=entry.warehouse_code or self._task.gwms_warehouse_code,
            system_code=entry.system_code or self._task.system_code,
            log_id=entry.log_id or uuid.uuid4().hex,
        )
        assert stamped.log_id is not None
        self._log_ids.append(stamped.log_id)
        if self._clock is None:
            self._inner.record(stamped)
            return
        self._held.append(replace(stamped, recorded_at=entry.recorded_at or self._clock.now()))
        if len(self._held) >= HELD_AT_MOST:
            self.store_held()

    def held(self) -> list[RequestLogRecord]:
        """The records not stored yet; the caller stores them (with the run's result) or calls
        `store_held`."""
        return list(self._held)

    def store_held(self) -> None:
        held, self._held = self._held, []
        for entry in held:
            self._inner.record(entry)


@dataclass(frozen=True)
class ExecutionContext:
    clock: Clock
    request_log: RequestLogSink
    settings: Settings
    trigger: Trigger
    # When the invocation running this task ends (Lambda's remaining time at the start of the run);
    # None outside Lambda, where nothing cuts a run short.
    deadline: datetime | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def time_left(self) -> timedelta | None:
        return None if self.deadline is None else self.deadline - self.clock.now()


class Executor(Protocol):
    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        """One run. Raising is allowed: proxy and domain errors become failure outcomes."""
        ...


class ExecutorRegistry:
    def __init__(self) -> None:
        self._executors: dict[tuple[TaskType, BusinessType], Executor] = {}
        self._complete = threading.Event()
        self._complete.set()

    def register(self, task_type: TaskType, business_type: BusinessType, executor: Executor) -> None:
        key = (task_type, business_type)
        if key in self._executors:
            raise ValueError(f"{task_type.value} {business_type.value} tasks already have an executor")
        self._executors[key] = executor

    @contextmanager
    def installing(self) -> Iterator[None]:
        """While executors are being registered, `find` waits for them (threads sharing one engine)."""
        self._complete.clear()
        try:
            yield
        finally:
            self._complete.set()

    def find(self, task_type: TaskType, business_type: BusinessType) -> Executor | None:
        self._complete.wait(timeout=INSTALL_WAIT_SECONDS)
        return self._executors.get((task_type, business_type))
