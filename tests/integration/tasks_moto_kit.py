"""The task engine on moto: the real DynamoDB adapters with the unit tests' fake clock and recorders."""

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fakes
from proxyhub import wiring
from proxyhub.dal.request_log_store import DynamoRequestLogStore
from proxyhub.dal.task_repository import DynamoTaskRepository
from proxyhub.models.tasks import BusinessType, Route, Task, TaskType
from proxyhub.request_log import RequestLogRecord
from proxyhub.settings import Settings
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.executors import ExecutorRegistry
from proxyhub.tasks.policy import TaskPolicy
from proxyhub.tasks.ports import DomainEvents, TaskInvoker, TaskScheduler

START = fakes.START


@dataclass
class MotoKit:
    engine: TaskEngine
    repository: DynamoTaskRepository
    logs: DynamoRequestLogStore
    clock: Any
    scheduler: Any
    invoker: Any
    events: Any
    registry: ExecutorRegistry

    def create(
        self,
        task_type: TaskType = TaskType.CREATE,
        business_type: BusinessType = BusinessType.INBOUND,
        warehouse: str = "GW01",
        order_no: str | None = "IN-1",
    ) -> Task:
        route = Route(warehouse, f"P-{warehouse}", "HPK01")
        return self.engine.create_task(task_type, business_type, route, order_no=order_no)

    def executor(
        self,
        *steps: Any,
        task_type: TaskType = TaskType.CREATE,
        business_type: BusinessType = BusinessType.INBOUND,
    ) -> Any:
        executor = fakes.ScriptedExecutor(*steps)
        self.registry.register(task_type, business_type, executor)
        return executor


def moto_kit(
    settings: Settings,
    scheduler: TaskScheduler | None = None,
    invoker: TaskInvoker | None = None,
    events: DomainEvents | None = None,
) -> MotoKit:
    clock = fakes.FakeClock()
    repository = DynamoTaskRepository(settings, clock)
    logs = DynamoRequestLogStore(settings, clock)
    registry = ExecutorRegistry()
    scheduler = scheduler or fakes.RecordingScheduler()
    invoker = invoker or fakes.RecordingInvoker()
    events = events or fakes.RecordingEvents()
    engine = TaskEngine(
        store=repository,
        scheduler=scheduler,
        invoker=invoker,
        events=events,
        clock=clock,
        request_log=logs,
        executors=registry,
        policy=TaskPolicy.from_settings(settings),
        settings=settings,
    )
    return MotoKit(engine, repository, logs, clock, scheduler, invoker, events, registry)


def log_record(**fields: Any) -> RequestLogRecord:
    base: dict[str, Any] = {
        "api_name": "inbound/get",
        "url": "http://hpk.test/api/inbound/get",
        "method": "POST",
        "request_body": '{"inbound_no": "HPK-IN-1"}',
        "response_status": 200,
        "response_body": '{"code": 0}',
        "duration_ms": 42,
        "system_code": "HPK01",
        "warehouse_code": "GW01",
    }
    return RequestLogRecord(**{**base, **fields})


def load_handler(function_dir: str) -> Any:
    """functions/<dir>/app.py's `lambda_handler`, imported under a unique name as Lambda would."""
    path = Path(__file__).resolve().parents[2] / "functions" / function_dir / "app.py"
    spec = importlib.util.spec_from_file_location(f"tasks_kit_{function_dir}_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler


@dataclass
class LambdaContext:
    function_name: str = "task-runner"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:task-runner"
    aws_request_id: str = "req-0001"
    log_group_name: str = "/aws/lambda/test"
    log_stream_name: str = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def patch_wiring(monkeypatch: Any, **components: Any) -> None:
    """Replaces components of the production composition root (`clock=`, `task_invoker=`, ...).
    The engine starts with no executors: tests register their own scripted ones; events are recorded
    unless a test passes its own `domain_events=`."""
    wiring.reset()
    monkeypatch.setattr(wiring.Container, "install_production_executors", False)
    wiring.override(**{"domain_events": fakes.RecordingEvents(), **components})
