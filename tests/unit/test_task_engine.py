"""The engine with in-memory ports: runs, leases, scheduling, Sync Now, manual handling."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from fakes import ROUTE, START, EngineKit, engine_kit
from proxyhub.errors import ConflictError, NotFoundError, SystemConfigurationError
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType, Trigger
from proxyhub.proxy.ports import TransientProxyError
from proxyhub.request_log import RequestLogRecord
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Done, FailedTransient, NeedsManual, NotYet, Outcome

pytestmark = pytest.mark.unit

MIN = timedelta(minutes=1)


@pytest.fixture
def kit() -> EngineKit:
    return engine_kit()


def create(kit: EngineKit, task_type: TaskType = TaskType.CREATE, **options: Any) -> Task:
    return kit.engine.create_task(task_type, BusinessType.INBOUND, ROUTE, order_no="IN-1", **options)


def test_a_new_task_is_pending_and_scheduled_after_its_first_interval(kit: EngineKit) -> None:
    task = create(kit)

    assert task.status is TaskStatus.PENDING and task.attempts == 0
    assert task.next_execution_at == START + 30 * MIN
    assert kit.scheduler.schedules == {task.task_id: START + 30 * MIN}
    assert kit.invoker.calls == []


def test_run_now_invokes_the_runner_instead_of_scheduling(kit: EngineKit) -> None:
    task = create(kit, run_now=True)

    assert kit.invoker.calls == [(task.task_id, Trigger.CREATED)]
    assert kit.scheduler.schedules == {}
    assert task.next_execution_at == START


def test_a_state_machine_task_gets_no_schedule(kit: EngineKit) -> None:
    task = create(kit, TaskType.CANCEL)

    assert kit.scheduler.schedules == {}
    assert task.next_execution_at == START + 10 * MIN


def test_not_yet_waits_and_replaces_the_schedule(kit: EngineKit) -> None:
    kit.executor(NotYet("HPK status RECEIVING"))
    task = create(kit)
    kit.clock.advance(minutes=30)

    result = kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.WAITING and stored.attempts == 1
    assert stored.execution_summary == "HPK status RECEIVING"
    assert stored.last_executed_at == START + 30 * MIN
    assert stored.lease_owner is None and stored.lease_expires_at is None
    assert kit.scheduler.schedules == {task.task_id: START + 60 * MIN}
    assert result.as_dict() == {
        "task_id": task.task_id,
        "status": "waiting",
        "terminal": False,
        "continue_polling": True,
        "attempts": 1,
        "next_execution_at": "2026-06-04T09:00:00.000000Z",
        "wait_seconds": 1800,
        "skipped": None,
    }


def test_done_succeeds_and_deletes_the_schedule(kit: EngineKit) -> None:
    kit.executor(Done("Put away 10 qualified, 0 defective"))
    task = create(kit)

    result = kit.engine.run_task(task.task_id, Trigger.SCHEDULE).as_dict()

    assert kit.task(task.task_id).status is TaskStatus.SUCCESS
    assert kit.scheduler.schedules == {}
    assert (
        result["terminal"] is True and result["continue_polling"] is False and result["wait_seconds"] is None
    )


def test_the_executor_sees_the_claimed_task_and_its_logs_are_stamped_with_it(kit: EngineKit) -> None:
    def call_proxy(task: Task, context: ExecutionContext) -> Outcome:
        context.request_log.record(
            RequestLogRecord("inbound/get", "http://hpk/inbound/get", "POST", "{}", 200, "{}", 5)
        )
        return NotYet("not yet")

    executor = kit.executor(call_proxy)
    task = create(kit)

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    assert executor.seen[0].status is TaskStatus.RUNNING and executor.seen[0].lease_owner is not None
    [entry] = kit.request_log.records
    assert (entry.task_id, entry.order_no, entry.warehouse_code, entry.system_code) == (
        task.task_id,
        "IN-1",
        "GW01",
        "HPK01",
    )


def test_five_consecutive_failures_need_manual_handling(kit: EngineKit) -> None:
    kit.executor(*[FailedTransient("HPK timed out")] * 5)
    task = create(kit)

    statuses = []
    for _ in range(5):
        kit.clock.advance(minutes=30)
        kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
        statuses.append(kit.task(task.task_id).status)

    assert statuses == [TaskStatus.WAITING] * 4 + [TaskStatus.MANUAL]
    stored = kit.task(task.task_id)
    assert stored.consecutive_failures == 5 and stored.error_message == "HPK timed out"
    assert stored.next_execution_at is None and kit.scheduler.schedules == {}


def test_a_task_settling_in_manual_tells_gwms(kit: EngineKit) -> None:
    kit.executor(NotYet("HPK status CREATED"), NeedsManual("Virtual putaway location not configured"))
    task = create(kit, third_party_order_no="HPK-IN-1")
    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert kit.events.published == []

    kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)

    assert kit.events.published == [
        (
            "TaskNeedsManualHandling",
            {
                "task_id": task.task_id,
                "task_type": "create",
                "business_type": "inbound",
                "order_no": "IN-1",
                "third_party_order_no": "HPK-IN-1",
                "gwms_warehouse_code": "GW01",
                "proxy_warehouse_code": "HPK-WH1",
                "system_code": "HPK01",
                "reason": "Virtual putaway location not configured",
            },
        )
    ]


def test_a_failing_event_bus_does_not_fail_the_run(kit: EngineKit) -> None:
    kit.executor(NeedsManual("SKU not mapped"))
    task = create(kit)
    kit.events.fail = True

    result = kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    assert result.status is TaskStatus.MANUAL and kit.task(task.task_id).status is TaskStatus.MANUAL
    assert kit.scheduler.schedules == {}


def test_a_manual_task_runs_only_by_sync_now_and_can_then_succeed(kit: EngineKit) -> None:
    executor = kit.executor(NeedsManual("Virtual putaway location not configured"), Done("Put away"))
    task = create(kit)
    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert kit.task(task.task_id).status is TaskStatus.MANUAL

    skipped = kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert skipped.skipped == "Task needs manual handling; use Sync Now once the cause is fixed"
    assert len(executor.seen) == 1

    kit.engine.sync_now(task.task_id)
    assert kit.invoker.calls == [(task.task_id, Trigger.SYNC_NOW)]
    kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)

    assert kit.task(task.task_id).status is TaskStatus.SUCCESS


def test_sync_now_on_a_manual_task_restarts_its_retry_budget(kit: EngineKit) -> None:
    kit.executor(*[FailedTransient("503")] * 5, FailedTransient("503 again"), task_type=TaskType.CANCEL)
    task = create(kit, TaskType.CANCEL)
    for _ in range(5):
        kit.engine.run_task(task.task_id, Trigger.STATE_MACHINE)
    assert kit.task(task.task_id).status is TaskStatus.MANUAL

    kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)

    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.WAITING and stored.consecutive_failures == 1
    assert stored.phase_attempts == 1 and stored.attempts == 6
    assert stored.next_execution_at == START + 20 * MIN


@pytest.mark.parametrize("status", [TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.MANUAL])
def test_sync_now_submits_a_run_for_unfinished_tasks(kit: EngineKit, status: TaskStatus) -> None:
    task = create(kit)
    kit.store.put(replace(kit.task(task.task_id), status=status))

    kit.engine.sync_now(task.task_id)

    assert kit.invoker.calls == [(task.task_id, Trigger.SYNC_NOW)]


@pytest.mark.parametrize(
    ("status", "message"),
    [(TaskStatus.SUCCESS, "Task is already success"), (TaskStatus.CANCELLED, "Task is already cancelled")],
)
def test_sync_now_refuses_finished_tasks(kit: EngineKit, status: TaskStatus, message: str) -> None:
    task = create(kit)
    kit.store.put(replace(kit.task(task.task_id), status=status))

    with pytest.raises(ConflictError, match=message):
        kit.engine.sync_now(task.task_id)
    assert kit.invoker.calls == []


def test_sync_now_refuses_a_running_task_until_its_lease_expires(kit: EngineKit) -> None:
    task = create(kit)
    leased = replace(
        kit.task(task.task_id),
        status=TaskStatus.RUNNING,
        lease_owner="run-1",
        lease_expires_at=START + 15 * MIN,
    )
    kit.store.put(leased)

    with pytest.raises(ConflictError, match="Task is already running"):
        kit.engine.sync_now(task.task_id)

    kit.clock.advance(minutes=16)
    kit.engine.sync_now(task.task_id)
    assert kit.invoker.calls == [(task.task_id, Trigger.SYNC_NOW)]


def test_sync_now_of_an_unknown_task_is_not_found(kit: EngineKit) -> None:
    with pytest.raises(NotFoundError):
        kit.engine.sync_now("nope")


def test_a_second_trigger_while_leased_is_a_no_op_that_says_so(kit: EngineKit) -> None:
    def second_trigger_meanwhile(task: Task, context: ExecutionContext) -> Outcome:
        nested = kit.engine.run_task(task.task_id, Trigger.SYNC_NOW).as_dict()
        assert nested["skipped"] == "Task is already running" and nested["status"] == "running"
        return Done("done once")

    executor = kit.executor(second_trigger_meanwhile)
    task = create(kit)

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    assert len(executor.seen) == 1
    assert kit.task(task.task_id).status is TaskStatus.SUCCESS and kit.task(task.task_id).attempts == 1


def test_a_run_that_died_is_retried_after_its_lease_expires(kit: EngineKit) -> None:
    executor = kit.executor(Done("recovered"))
    task = create(kit)
    died = replace(
        kit.task(task.task_id),
        status=TaskStatus.RUNNING,
        attempts=1,
        lease_owner="dead-run",
        lease_expires_at=START + 15 * MIN,
    )
    kit.store.put(died)

    assert kit.engine.run_task(task.task_id, Trigger.SWEEPER).skipped == "Task is already running"
    kit.clock.advance(minutes=21)
    assert kit.engine.due_task_ids(limit=10) == [task.task_id]
    kit.engine.run_task(task.task_id, Trigger.SWEEPER)

    assert len(executor.seen) == 1
    assert kit.task(task.task_id).status is TaskStatus.SUCCESS and kit.task(task.task_id).attempts == 2


def test_a_run_that_outlives_its_lease_loses_to_the_run_that_took_over(kit: EngineKit) -> None:
    def slow_run(task: Task, context: ExecutionContext) -> Outcome:
        kit.clock.advance(minutes=20)
        kit.engine.run_task(task.task_id, Trigger.SWEEPER)
        return NotYet("stale view")

    kit.executor(slow_run, Done("the newer run's result"))
    task = create(kit)

    result = kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    assert result.skipped == "Lease lost"
    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.SUCCESS and stored.execution_summary == "the newer run's result"


def test_the_sweeper_invokes_only_overdue_automatic_tasks(kit: EngineKit) -> None:
    overdue = create(kit)
    kit.clock.advance(minutes=10)
    not_yet_due = create(kit)
    manual = create(kit)
    kit.store.put(replace(kit.task(manual.task_id), status=TaskStatus.MANUAL, next_execution_at=None))
    finished = create(kit)
    kit.store.put(replace(kit.task(finished.task_id), status=TaskStatus.SUCCESS, next_execution_at=None))
    # Grace is 5 minutes: the first task was due at 08:30 and it is now 08:36.
    kit.clock.advance(minutes=26)

    swept = kit.engine.sweep(limit=50)

    assert swept == [overdue.task_id]
    assert kit.invoker.calls == [(overdue.task_id, Trigger.SWEEPER)]
    assert not_yet_due.task_id not in swept


def test_executor_errors_become_outcomes(kit: EngineKit) -> None:
    def raise_(error: Exception) -> object:
        def step(task: Task, context: ExecutionContext) -> Outcome:
            raise error

        return step

    kit.executor(
        raise_(TransientProxyError("HPK answered 503")),
        raise_(SystemConfigurationError("wrong password")),
    )
    task = create(kit)

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert kit.task(task.task_id).status is TaskStatus.WAITING
    assert kit.task(task.task_id).error_message == "HPK answered 503"

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert kit.task(task.task_id).status is TaskStatus.MANUAL
    assert kit.task(task.task_id).error_message == "System configuration error: wrong password"


def test_an_unexpected_error_shows_its_type_but_not_its_message(kit: EngineKit) -> None:
    def leak(task: Task, context: ExecutionContext) -> Outcome:
        raise KeyError("password=hunter2")

    kit.executor(leak)
    task = create(kit)

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.WAITING
    assert stored.error_message == "Unexpected error (KeyError); see the task runner logs"


def test_a_task_without_an_executor_goes_manual(kit: EngineKit) -> None:
    task = create(kit)

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.MANUAL
    assert stored.error_message == "No executor for create inbound tasks in this deployment"


def test_a_failing_scheduler_does_not_fail_the_run(kit: EngineKit) -> None:
    kit.executor(NotYet("later"))
    task = create(kit)
    kit.scheduler.fail = True

    result = kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    assert result.status is TaskStatus.WAITING
    assert kit.task(task.task_id).next_execution_at == START + 30 * MIN


def test_cancel_task_ends_an_idle_task_but_not_a_running_one(kit: EngineKit) -> None:
    idle, busy = create(kit), create(kit)
    kit.store.put(replace(kit.task(busy.task_id), lease_owner="run", lease_expires_at=START + MIN))

    cancelled = kit.engine.cancel_task(idle.task_id, "Order cancelled")

    assert cancelled.status is TaskStatus.CANCELLED and cancelled.execution_summary == "Order cancelled"
    assert idle.task_id not in kit.scheduler.schedules
    with pytest.raises(ConflictError, match="already running"):
        kit.engine.cancel_task(busy.task_id, "Order cancelled")


def test_an_unknown_task_run_is_skipped(kit: EngineKit) -> None:
    result = kit.engine.run_task("gone", Trigger.SCHEDULE).as_dict()

    assert result["skipped"] == "Task not found" and result["terminal"] is True


def test_an_executor_kind_registers_once(kit: EngineKit) -> None:
    kit.executor(Done("x"))

    with pytest.raises(ValueError, match="already have an executor"):
        kit.executor(Done("y"))
