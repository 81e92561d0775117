"""In-memory stand-ins for the task engine's ports: a store, scheduler, invoker and scripted executors."""

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from fakes.clock import FakeClock
from fakes.events import RecordingEvents
from fakes.request_logs import ListRequestLogSink
from proxyhub.models.pages import Page
from proxyhub.models.tasks import BusinessType, Route, Task, TaskRun, TaskType, Trigger
from proxyhub.request_log import RequestLogRecord, RequestLogSink
from proxyhub.settings import Settings
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.executors import ExecutionContext, ExecutorRegistry
from proxyhub.tasks.outcomes import Outcome
from proxyhub.tasks.policy import TaskPolicy

ROUTE = Route(gwms_warehouse_code="GW01", proxy_warehouse_code="HPK-WH1", system_code="HPK01")


class InMemoryTaskStore:
    """Same contract as the DynamoDB repository: versioned, lease-aware conditional writes."""

    def __init__(self, request_log: RequestLogSink | None = None) -> None:
        self.tasks: dict[str, Task] = {}
        # History entries in the order they were written.
        self.runs: list[TaskRun] = []
        # Where a run's last request-log records go, written with its result (as the repository does).
        self.request_log = request_log
        self._lock = threading.Lock()

    def save_new(self, task: Task) -> Task:
        with self._lock:
            assert task.task_id not in self.tasks
            stored = replace(task, version=1)
            self.tasks[task.task_id] = stored
            return stored

    def get(self, task_id: str) -> Task | None:
        return self.tasks.get(task_id)

    def get_many(self, task_ids: Sequence[str]) -> dict[str, Task]:
        return {task_id: self.tasks[task_id] for task_id in task_ids if task_id in self.tasks}

    def transition(
        self,
        before: Task,
        after: Task,
        *,
        lease_free_at: datetime | None = None,
        run: TaskRun | None = None,
        request_logs: Sequence[RequestLogRecord] = (),
    ) -> Task | None:
        with self._lock:
            current = self.tasks[before.task_id]
            if current.version != before.version:
                return None
            if lease_free_at is not None and current.is_leased(lease_free_at):
                return None
            stored = replace(after, version=before.version + 1)
            self.tasks[before.task_id] = stored
            if run is not None:
                self.runs.append(run)
            if request_logs:
                assert self.request_log is not None, "this task store was built without a request log"
                for entry in request_logs:
                    self.request_log.record(entry)
            return stored

    def add_run(self, run: TaskRun) -> None:
        self.runs.append(run)

    def runs_of(self, task_id: str, limit: int, cursor: str | None) -> Page[TaskRun]:
        """Newest first; the cursor is the offset of the next page."""
        # Written later sorts later at the same moment, as the run ids of one clock tick would not.
        ordered = sorted(
            enumerate(self.runs), key=lambda entry: (entry[1].started_at, entry[0]), reverse=True
        )
        runs = [run for _, run in ordered if run.task_id == task_id]
        start = int(cursor) if cursor else 0
        end = start + limit
        return Page(runs[start:end], str(end) if end < len(runs) else None)

    def find_due(self, before: datetime, limit: int) -> list[str]:
        due = sorted((task.due_at, task.task_id) for task in self.tasks.values() if task.due_at is not None)
        return [task_id for moment, task_id in due if moment < before][:limit]

    def put(self, task: Task) -> None:
        """Test setup: a task in any state, e.g. one whose run died while holding its lease."""
        self.tasks[task.task_id] = task


class RecordingScheduler:
    def __init__(self) -> None:
        self.schedules: dict[str, datetime] = {}
        # (task id, whether the engine asked to replace an existing schedule), in call order.
        self.requests: list[tuple[str, bool]] = []
        self.fail = False

    def schedule_next_run(self, task_id: str, at: datetime, *, replace_existing: bool = False) -> None:
        if self.fail:
            raise RuntimeError("scheduler throttled")
        self.requests.append((task_id, replace_existing))
        self.schedules[task_id] = at

    def cancel_schedule(self, task_id: str) -> None:
        self.schedules.pop(task_id, None)


class RecordingInvoker:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Trigger]] = []
        # Who asked for each call, in the same order.
        self.actors: list[str | None] = []
        # Task ids whose invocation fails, as a throttled Lambda would.
        self.failing: set[str] = set()

    def run_async(self, task_id: str, trigger: Trigger, *, actor: str | None = None) -> None:
        if task_id in self.failing:
            raise RuntimeError("Lambda throttled the invocation")
        self.calls.append((task_id, trigger))
        self.actors.append(actor)


class ScriptedExecutor:
    """Returns the queued outcomes in order (or runs queued callables, which may raise)."""

    def __init__(self, *steps: Outcome | Callable[[Task, ExecutionContext], Outcome]) -> None:
        self.steps = list(steps)
        self.seen: list[Task] = []

    def execute(self, task: Task, context: ExecutionContext) -> Outcome:
        self.seen.append(task)
        step = self.steps.pop(0)
        return step(task, context) if callable(step) else step


@dataclass
class EngineKit:
    engine: TaskEngine
    clock: FakeClock
    store: InMemoryTaskStore
    scheduler: RecordingScheduler
    invoker: RecordingInvoker
    events: RecordingEvents
    registry: ExecutorRegistry
    request_log: ListRequestLogSink
    settings: Settings

    def executor(
        self,
        *steps: Any,
        task_type: TaskType = TaskType.CREATE,
        business_type: BusinessType = BusinessType.INBOUND,
    ) -> ScriptedExecutor:
        executor = ScriptedExecutor(*steps)
        self.registry.register(task_type, business_type, executor)
        return executor

    def task(self, task_id: str) -> Task:
        return self.store.tasks[task_id]


def engine_kit(**settings_overrides: Any) -> EngineKit:
    clock = FakeClock()
    registry, request_log = ExecutorRegistry(), ListRequestLogSink()
    store, scheduler, invoker = InMemoryTaskStore(request_log), RecordingScheduler(), RecordingInvoker()
    events = RecordingEvents()
    settings = Settings(**settings_overrides)
    counter = iter(range(1, 1_000_000))
    engine = TaskEngine(
        store=store,
        scheduler=scheduler,
        invoker=invoker,
        events=events,
        clock=clock,
        request_log=request_log,
        executors=registry,
        policy=TaskPolicy.from_settings(settings),
        settings=settings,
        new_id=lambda: f"id{next(counter):04d}",
    )
    return EngineKit(engine, clock, store, scheduler, invoker, events, registry, request_log, settings)
