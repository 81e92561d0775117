"""EventBridge Scheduler schedules, the task runner and the sweeper on moto."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from tasks_moto_kit import START, LambdaContext, MotoKit, fakes, load_handler, moto_kit, patch_wiring

from proxyhub import wiring
from proxyhub.aws.lambda_invoker import LambdaTaskInvoker
from proxyhub.aws.scheduler import EventBridgeTaskScheduler
from proxyhub.models.tasks import BusinessType, TaskType, Trigger
from proxyhub.settings import Settings
from proxyhub.tasks.outcomes import Done, FailedTransient, NotYet

pytestmark = pytest.mark.integration


@pytest.fixture
def scheduler_client(aws: Settings) -> Any:
    client = boto3.client("scheduler", region_name=aws.aws_region)
    client.create_schedule_group(Name=aws.schedule_group_name)
    return client


@pytest.fixture
def kit(aws: Settings, scheduler_client: Any) -> MotoKit:
    return moto_kit(aws, scheduler=EventBridgeTaskScheduler(aws, scheduler_client))


@dataclass
class RecordingLambda:
    invoker: LambdaTaskInvoker
    calls: list[dict[str, Any]]


@pytest.fixture
def recording_lambda(aws: Settings) -> Iterator[RecordingLambda]:
    """The real invoker on moto's Docker-free Lambda backend, recording each request it sends."""
    with mock_aws(config={"lambda": {"use_docker": False}}):
        client = boto3.client("lambda", region_name=aws.aws_region)
        calls: list[dict[str, Any]] = []
        client.meta.events.register(
            "provide-client-params.lambda.Invoke", lambda params, **_: calls.append(params)
        )
        yield RecordingLambda(LambdaTaskInvoker(aws, client), calls)


def schedule_of(client: Any, settings: Settings, task_id: str) -> dict[str, Any]:
    return client.get_schedule(Name=f"task-{task_id}", GroupName=settings.schedule_group_name)


def has_schedule(client: Any, settings: Settings, task_id: str) -> bool:
    names = [s["Name"] for s in client.list_schedules(GroupName=settings.schedule_group_name)["Schedules"]]
    return f"task-{task_id}" in names


def test_a_new_task_gets_a_one_time_schedule_in_the_group(
    kit: MotoKit, aws: Settings, scheduler_client: Any
) -> None:
    task = kit.create()

    schedule = schedule_of(scheduler_client, aws, task.task_id)

    assert schedule["GroupName"] == aws.schedule_group_name
    assert schedule["ScheduleExpression"] == "at(2026-06-04T08:30:00)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["ActionAfterCompletion"] == "DELETE"
    target = schedule["Target"]
    assert target["Arn"] == aws.task_runner_arn and target["RoleArn"] == aws.scheduler_role_arn
    assert json.loads(target["Input"]) == {"task_id": task.task_id}
    assert target["DeadLetterConfig"] == {"Arn": aws.schedule_dlq_arn}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1


def test_each_run_replaces_the_schedule_and_a_finished_task_has_none(
    kit: MotoKit, aws: Settings, scheduler_client: Any
) -> None:
    kit.executor(NotYet("RECEIVING"), FailedTransient("503"), Done("Put away"))
    task = kit.create()

    kit.clock.advance(minutes=30)
    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert schedule_of(scheduler_client, aws, task.task_id)["ScheduleExpression"] == "at(2026-06-04T09:00:00)"

    # The schedule fired and, with ActionAfterCompletion DELETE, removed itself.
    scheduler_client.delete_schedule(Name=f"task-{task.task_id}", GroupName=aws.schedule_group_name)
    kit.clock.advance(minutes=30, seconds=2, microseconds=500)
    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert schedule_of(scheduler_client, aws, task.task_id)["ScheduleExpression"] == "at(2026-06-04T09:30:03)"

    kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)
    assert not has_schedule(scheduler_client, aws, task.task_id)


def test_cancel_tasks_are_left_to_the_state_machine(
    kit: MotoKit, aws: Settings, scheduler_client: Any
) -> None:
    kit.executor(NotYet("CANCELLING"), task_type=TaskType.CANCEL)
    task = kit.create(TaskType.CANCEL)

    result = kit.engine.run_task(task.task_id, Trigger.STATE_MACHINE).as_dict()

    assert not has_schedule(scheduler_client, aws, task.task_id)
    assert result["continue_polling"] is True and result["wait_seconds"] == 20 * 60


def test_deleting_a_schedule_that_is_gone_is_fine(aws: Settings, scheduler_client: Any) -> None:
    EventBridgeTaskScheduler(aws, scheduler_client).cancel_schedule("never-scheduled")


def test_the_task_runner_handler_runs_a_task_and_returns_its_state(
    aws: Settings, scheduler_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = fakes.FakeClock()
    patch_wiring(monkeypatch, clock=clock, task_scheduler=EventBridgeTaskScheduler(aws, scheduler_client))
    executor = fakes.ScriptedExecutor(NotYet("CANCELLING"), Done("Cancelled by HPK"))
    wiring.container().executor_registry.register(TaskType.CANCEL, BusinessType.INBOUND, executor)
    task = wiring.container().task_engine.create_task(
        TaskType.CANCEL, BusinessType.INBOUND, fakes.ROUTE, order_no="IN-1"
    )
    handler = load_handler("task_runner")

    # The cancel state machine's loop: run, wait what the result says, until polling stops.
    results: list[dict[str, Any]] = []
    while not results or results[-1]["continue_polling"]:
        results.append(handler({"task_id": task.task_id, "trigger": "state_machine"}, LambdaContext()))
        clock.advance(seconds=results[-1]["wait_seconds"] or 0)

    assert [r["status"] for r in results] == ["waiting", "success"]
    assert results[-1]["terminal"] is True and results[-1]["attempts"] == 2
    stored = wiring.container().task_repository.get(task.task_id)
    assert stored is not None and stored.request_id == LambdaContext().aws_request_id
    assert stored.last_executed_at == START + timedelta(minutes=20)


def test_a_schedule_event_carries_only_the_task_id(aws: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    patch_wiring(monkeypatch, clock=fakes.FakeClock())
    handler = load_handler("task_runner")

    result = handler({"task_id": "no-such-task"}, LambdaContext())

    assert result["skipped"] == "Task not found" and result["continue_polling"] is False


def test_the_sweeper_hands_overdue_tasks_to_the_runner(
    aws: Settings, recording_lambda: RecordingLambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = fakes.FakeClock()
    scheduler = fakes.RecordingScheduler()
    patch_wiring(monkeypatch, clock=clock, task_scheduler=scheduler, task_invoker=recording_lambda.invoker)
    engine = wiring.container().task_engine
    overdue = engine.create_task(TaskType.CREATE, BusinessType.INBOUND, fakes.ROUTE, order_no="A")
    clock.advance(minutes=30)
    engine.create_task(TaskType.CREATE, BusinessType.INBOUND, fakes.ROUTE, order_no="B")
    clock.advance(minutes=6)

    result = load_handler("sweeper")({}, LambdaContext(function_name="sweeper"))

    assert result == {"swept": 1, "task_ids": [overdue.task_id]}
    [call] = recording_lambda.calls
    assert call["FunctionName"] == aws.task_runner_function_name and call["InvocationType"] == "Event"
    assert json.loads(call["Payload"]) == {"task_id": overdue.task_id, "trigger": "sweeper"}
