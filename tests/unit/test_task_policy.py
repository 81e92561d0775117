"""The status rules and the polling table, table-driven, with no engine and no storage."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType, Trigger
from proxyhub.settings import Settings
from proxyhub.tasks.outcomes import (
    Cancelled,
    Done,
    FailedPermanent,
    FailedTransient,
    NeedsManual,
    NotYet,
    Outcome,
)
from proxyhub.tasks.policy import POLLING_RULES, TaskPolicy

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 4, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
POLICY = TaskPolicy(max_consecutive_failures=5)
NEEDS_SYNC_NOW = "Task needs manual handling; use Sync Now once the cause is fixed"


def running_task(task_type: TaskType = TaskType.CREATE, **fields: Any) -> Task:
    """A task as the engine hands it to the rules: claimed, the current run already counted."""
    task = Task(
        task_id="t1",
        task_type=task_type,
        business_type=BusinessType.INBOUND,
        status=TaskStatus.RUNNING,
        gwms_warehouse_code="GW01",
        proxy_warehouse_code="HPK-WH1",
        system_code="HPK01",
        created_at=NOW - HOUR,
        started_at=NOW - HOUR,
        attempts=1,
        phase_attempts=1,
    )
    return replace(task, **fields)


@pytest.mark.parametrize(
    ("task_type", "waits"),
    [
        (TaskType.CREATE, [30 * MIN] * 5),
        (TaskType.QUERY, [24 * HOUR] * 3),
        (TaskType.INVENTORY_SYNC, [12 * HOUR] * 3),
        (TaskType.CANCEL, [10 * MIN, 20 * MIN, HOUR, 4 * HOUR, 4 * HOUR, 4 * HOUR]),
        (TaskType.NOTIFY, [MIN, 5 * MIN, 30 * MIN, 2 * HOUR, 2 * HOUR]),
    ],
)
def test_the_polling_table_gives_each_task_type_its_rhythm(
    task_type: TaskType, waits: list[timedelta]
) -> None:
    # The n-th wait of a phase follows the n-th run (the 0th is the wait before the first run).
    assert [POLICY.wait(task_type, runs_done) for runs_done in range(len(waits))] == waits


def test_every_task_type_has_a_polling_rule() -> None:
    assert set(POLLING_RULES) == set(TaskType)


@pytest.mark.parametrize(
    ("outcome", "task_fields", "status", "summary", "error", "failures", "next_wait"),
    [
        (Done("Put away 10"), {}, TaskStatus.SUCCESS, "Put away 10", None, 0, None),
        (Done("ok"), {"consecutive_failures": 3}, TaskStatus.SUCCESS, "ok", None, 0, None),
        (Cancelled("Order cancelled"), {}, TaskStatus.CANCELLED, "Order cancelled", None, 0, None),
        (NotYet("HPK status RECEIVING"), {}, TaskStatus.WAITING, "HPK status RECEIVING", None, 0, 30 * MIN),
        (NotYet("still"), {"consecutive_failures": 2}, TaskStatus.WAITING, "still", None, 0, 30 * MIN),
        (FailedTransient("timeout"), {}, TaskStatus.WAITING, "timeout", "timeout", 1, 30 * MIN),
        (
            FailedTransient("timeout"),
            {"consecutive_failures": 4},
            TaskStatus.MANUAL,
            "5 consecutive failures, last: timeout",
            "timeout",
            5,
            None,
        ),
        (FailedPermanent("bad SKU"), {}, TaskStatus.MANUAL, "bad SKU", "bad SKU", 1, None),
        (
            NeedsManual("Customer account not open, cannot receive"),
            {},
            TaskStatus.MANUAL,
            "Customer account not open, cannot receive",
            "Customer account not open, cannot receive",
            0,
            None,
        ),
    ],
)
def test_status_rules(
    outcome: Outcome,
    task_fields: dict[str, Any],
    status: TaskStatus,
    summary: str,
    error: str | None,
    failures: int,
    next_wait: timedelta | None,
) -> None:
    after = POLICY.decide(running_task(**task_fields), outcome, NOW)

    assert after.status is status
    assert after.execution_summary == summary
    assert after.error_message == error
    assert after.consecutive_failures == failures
    assert after.next_execution_at == (NOW + next_wait if next_wait else None)


def test_the_consecutive_failure_limit_comes_from_settings() -> None:
    strict = TaskPolicy(max_consecutive_failures=2)

    after = strict.decide(running_task(consecutive_failures=1), FailedTransient("503"), NOW)

    assert after.status is TaskStatus.MANUAL


def test_cancel_checks_back_off_and_go_manual_when_retries_are_exhausted() -> None:
    limit = POLLING_RULES[TaskType.CANCEL].max_runs
    assert limit is not None
    waits = [
        POLICY.decide(
            running_task(TaskType.CANCEL, phase_attempts=n), NotYet("CANCELLING"), NOW
        ).next_execution_at
        for n in (1, 2, 3, 4)
    ]
    assert waits == [NOW + 20 * MIN, NOW + HOUR, NOW + 4 * HOUR, NOW + 4 * HOUR]

    exhausted = POLICY.decide(running_task(TaskType.CANCEL, phase_attempts=limit), NotYet("CANCELLING"), NOW)

    assert exhausted.status is TaskStatus.MANUAL
    assert exhausted.execution_summary == f"Retries exhausted after {limit} runs, last: CANCELLING"


def test_a_query_task_goes_manual_after_sixty_days() -> None:
    old = running_task(TaskType.QUERY, started_at=NOW - timedelta(days=60))

    assert POLICY.decide(old, NotYet("IN_TRANSIT"), NOW).status is TaskStatus.MANUAL
    young = replace(old, started_at=NOW - timedelta(days=59))
    assert POLICY.decide(young, NotYet("IN_TRANSIT"), NOW).status is TaskStatus.WAITING


def test_the_query_task_age_limit_comes_from_settings() -> None:
    policy = TaskPolicy.from_settings(Settings(query_task_max_age_days=30))
    task = running_task(TaskType.QUERY, started_at=NOW - timedelta(days=30))

    assert policy.decide(task, NotYet("IN_TRANSIT"), NOW).status is TaskStatus.MANUAL
    assert TaskPolicy.from_settings(Settings()).rule(TaskType.QUERY) == POLLING_RULES[TaskType.QUERY]
    assert policy.rule(TaskType.QUERY).intervals == POLLING_RULES[TaskType.QUERY].intervals


def test_a_create_task_polling_for_a_day_continues_as_a_query_task() -> None:
    task = running_task(TaskType.CREATE, started_at=NOW - 24 * HOUR, phase_attempts=48)

    after = POLICY.decide(task, NotYet("HPK status CREATED"), NOW)

    assert after.task_type is TaskType.QUERY and after.status is TaskStatus.WAITING
    assert after.started_at == NOW and after.phase_attempts == 0
    assert after.next_execution_at == NOW + 24 * HOUR
    assert after.execution_summary == "HPK status CREATED (continues as a query task)"


def test_an_executor_may_hand_over_explicitly() -> None:
    after = POLICY.decide(running_task(), NotYet("shipped by sea", hand_over_to=TaskType.QUERY), NOW)

    assert after.task_type is TaskType.QUERY


def test_an_outcome_records_the_third_party_order_number() -> None:
    after = POLICY.decide(running_task(), NotYet("pushed", third_party_order_no="HPK-IN-1"), NOW)

    assert after.third_party_order_no == "HPK-IN-1"


@pytest.mark.parametrize(
    ("status", "trigger", "refusal"),
    [
        (TaskStatus.SUCCESS, Trigger.SYNC_NOW, "Task is already success"),
        (TaskStatus.CANCELLED, Trigger.SCHEDULE, "Task is already cancelled"),
        (
            TaskStatus.MANUAL,
            Trigger.SCHEDULE,
            "Task needs manual handling; use Sync Now once the cause is fixed",
        ),
        (
            TaskStatus.MANUAL,
            Trigger.STATE_MACHINE,
            "Task needs manual handling; use Sync Now once the cause is fixed",
        ),
        (TaskStatus.MANUAL, Trigger.SYNC_NOW, None),
        (TaskStatus.PENDING, Trigger.CREATED, None),
        (TaskStatus.WAITING, Trigger.SCHEDULE, None),
        (TaskStatus.WAITING, Trigger.CALLBACK, None),
        (TaskStatus.WAITING, Trigger.SWEEPER, None),
    ],
)
def test_who_may_run_a_task_in_each_status(status: TaskStatus, trigger: Trigger, refusal: str | None) -> None:
    task = running_task(status=status, next_execution_at=NOW - MIN)

    assert POLICY.refusal(task, trigger, NOW) == refusal


def test_a_live_lease_refuses_every_trigger_and_an_expired_one_none() -> None:
    leased = running_task(lease_owner="run-1", lease_expires_at=NOW + MIN)

    assert POLICY.refusal(leased, Trigger.SYNC_NOW, NOW) == "Task is already running"
    assert POLICY.refusal(leased, Trigger.SYNC_NOW, NOW + 2 * MIN) is None
    # A run that died: the sweeper finds the task due once its lease has expired.
    assert POLICY.refusal(leased, Trigger.SWEEPER, NOW + 2 * MIN) is None


def test_the_sweeper_skips_a_task_that_is_no_longer_due() -> None:
    rescheduled = running_task(status=TaskStatus.WAITING, next_execution_at=NOW + MIN)

    assert POLICY.refusal(rescheduled, Trigger.SWEEPER, NOW) == "Task is not due"
    assert POLICY.refusal(rescheduled, Trigger.SCHEDULE, NOW) is None
