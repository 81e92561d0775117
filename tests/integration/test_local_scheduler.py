"""EventBridge Scheduler emulation on moto, driven by a fake clock: what fires, when, and how often."""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from fakes import FakeClock
from proxyhub_dev.local.scheduler import SchedulerEmulator
from proxyhub_dev.local.timescale import scaled_wait

pytestmark = pytest.mark.integration

GROUP = "proxy-hub-tasks"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:task-runner"
START = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)


class RecordingFunctionInvoker:
    """The local invoker as the scheduler emulation calls it: function ARN and event."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def invoke_async(self, function: str, event: Any) -> None:
        self.calls.append((function, event))


@pytest.fixture
def scheduler_client() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("scheduler", region_name="us-east-1")
        client.create_schedule_group(Name=GROUP)
        yield client


def create_schedule(client: Any, name: str, expression: str, after_completion: str = "DELETE") -> None:
    client.create_schedule(
        Name=name,
        GroupName=GROUP,
        ScheduleExpression=expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion=after_completion,
        Target={"Arn": FUNCTION_ARN, "RoleArn": "arn:aws:iam::123456789012:role/scheduler", "Input": "{}"},
    )


def at(moment: datetime) -> str:
    return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})"


def emulator(
    client: Any, invoker: RecordingFunctionInvoker, clock: FakeClock, time_scale: float = 1
) -> SchedulerEmulator:
    return SchedulerEmulator(invoker, [GROUP], time_scale, clock=clock, client=client)


def schedule_names(client: Any) -> list[str]:
    return [summary["Name"] for summary in client.list_schedules(GroupName=GROUP)["Schedules"]]


def test_an_at_schedule_fires_once_when_due_with_its_input_and_is_then_deleted(scheduler_client: Any) -> None:
    # Given a one-time schedule ten minutes ahead, carrying its task as input
    clock, invoker = FakeClock(START), RecordingFunctionInvoker()
    scheduler_client.create_schedule(
        Name="task-1",
        GroupName=GROUP,
        ScheduleExpression=at(START + timedelta(minutes=10)),
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": FUNCTION_ARN,
            "RoleArn": "arn:aws:iam::1:role/r",
            "Input": json.dumps({"task_id": "t1"}),
        },
    )
    schedules = emulator(scheduler_client, invoker, clock)

    # When the clock passes 9 minutes, then 10
    assert schedules.tick() == []
    clock.advance(minutes=9, seconds=59)
    assert schedules.tick() == []
    clock.advance(seconds=1)
    fired = schedules.tick()

    # Then it fired exactly once, with its input, and was deleted
    assert fired == [f"{GROUP}/task-1"]
    assert invoker.calls == [(FUNCTION_ARN, {"task_id": "t1"})]
    assert schedule_names(scheduler_client) == []
    clock.advance(hours=1)
    assert schedules.tick() == []


def test_an_at_schedule_in_the_past_fires_at_once(scheduler_client: Any) -> None:
    clock, invoker = FakeClock(START), RecordingFunctionInvoker()
    create_schedule(scheduler_client, "overdue", at(START - timedelta(minutes=5)))

    assert emulator(scheduler_client, invoker, clock).tick() == [f"{GROUP}/overdue"]


def test_a_completed_at_schedule_without_delete_is_kept_and_never_fires_again(scheduler_client: Any) -> None:
    clock, invoker = FakeClock(START), RecordingFunctionInvoker()
    create_schedule(scheduler_client, "keep", at(START + timedelta(minutes=1)), after_completion="NONE")
    schedules = emulator(scheduler_client, invoker, clock)

    schedules.tick()
    clock.advance(minutes=1)
    schedules.tick()
    clock.advance(minutes=5)
    schedules.tick()

    assert len(invoker.calls) == 1
    assert schedule_names(scheduler_client) == ["keep"]


def test_moving_an_at_schedule_rearms_it(scheduler_client: Any) -> None:
    # Given a schedule that fired and was kept
    clock, invoker = FakeClock(START), RecordingFunctionInvoker()
    create_schedule(scheduler_client, "poll", at(START), after_completion="NONE")
    schedules = emulator(scheduler_client, invoker, clock)
    schedules.tick()

    # When the application moves it to a later time
    scheduler_client.update_schedule(
        Name="poll",
        GroupName=GROUP,
        ScheduleExpression=at(START + timedelta(minutes=30)),
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": FUNCTION_ARN, "RoleArn": "arn:aws:iam::1:role/r", "Input": "{}"},
    )

    # Then it fires again at the new time, not before
    clock.advance(minutes=29)
    assert schedules.tick() == []
    clock.advance(minutes=1)
    assert schedules.tick() == [f"{GROUP}/poll"]
    assert len(invoker.calls) == 2


def test_a_rate_schedule_fires_once_per_period(scheduler_client: Any) -> None:
    clock, invoker = FakeClock(START), RecordingFunctionInvoker()
    create_schedule(scheduler_client, "sweeper", "rate(5 minutes)", after_completion="NONE")
    schedules = emulator(scheduler_client, invoker, clock)

    fired_per_minute = []
    for _ in range(16):
        fired_per_minute.append(len(schedules.tick()))
        clock.advance(minutes=1)

    assert [minute for minute, count in enumerate(fired_per_minute) if count] == [5, 10, 15]
    assert schedule_names(scheduler_client) == ["sweeper"]


def test_time_scale_compresses_at_and_rate_waits(scheduler_client: Any) -> None:
    # Given a 30-minute wait and an hourly rate at time scale 60
    clock, invoker = FakeClock(START), RecordingFunctionInvoker()
    create_schedule(scheduler_client, "poll", at(START + timedelta(minutes=30)))
    create_schedule(scheduler_client, "hourly", "rate(1 hour)", after_completion="NONE")
    schedules = emulator(scheduler_client, invoker, clock, time_scale=60)
    schedules.tick()

    # Then the wait takes 30 s and the hour takes a minute
    clock.advance(seconds=29)
    assert schedules.tick() == []
    clock.advance(seconds=1)
    assert schedules.tick() == [f"{GROUP}/poll"]
    clock.advance(seconds=30)
    assert schedules.tick() == [f"{GROUP}/hourly"]
    clock.advance(seconds=59)
    assert schedules.tick() == []
    clock.advance(seconds=1)
    assert schedules.tick() == [f"{GROUP}/hourly"]


@pytest.mark.parametrize("expression", ["cron(0 2 * * ? *)", "rate(0 minutes)", "at(tomorrow)"])
def test_expressions_the_emulation_does_not_handle_never_fire(
    scheduler_client: Any, caplog: pytest.LogCaptureFixture, expression: str
) -> None:
    clock, invoker = FakeClock(START), RecordingFunctionInvoker()
    create_schedule(scheduler_client, "unhandled", expression, after_completion="NONE")
    schedules = emulator(scheduler_client, invoker, clock)

    schedules.tick()
    clock.advance(days=2)
    schedules.tick()

    assert invoker.calls == []
    assert "cannot be emulated" in caplog.text


def test_the_background_thread_fires_due_schedules(scheduler_client: Any) -> None:
    invoker = RecordingFunctionInvoker()
    create_schedule(scheduler_client, "now", at(datetime.now(UTC) - timedelta(seconds=1)))
    schedules = SchedulerEmulator(invoker, [GROUP], time_scale=20, client=scheduler_client)

    schedules.start()
    try:
        deadline = time.monotonic() + 5
        while not invoker.calls and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        schedules.stop()

    assert len(invoker.calls) == 1


def test_scaled_wait_divides_a_wait_by_the_time_scale() -> None:
    assert scaled_wait(timedelta(minutes=30), 60) == timedelta(seconds=30)
    assert scaled_wait(timedelta(minutes=30), 1) == timedelta(minutes=30)
    assert scaled_wait(timedelta(minutes=-1), 60) == timedelta()
    with pytest.raises(ValueError, match="positive"):
        scaled_wait(timedelta(minutes=1), 0)
