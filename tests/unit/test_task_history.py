"""Run history and ending a task by hand, on the engine with in-memory ports."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from fakes import ROUTE, START, EngineKit, engine_kit
from proxyhub.errors import ConflictError
from proxyhub.models.tasks import BusinessType, RunOutcome, Task, TaskStatus, TaskType, Trigger
from proxyhub.request_log import RequestLogRecord
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Done, FailedPermanent, FailedTransient, NotYet, Outcome

pytestmark = pytest.mark.unit

OPERATOR = "operator@example.com"


@pytest.fixture
def kit() -> EngineKit:
    return engine_kit()


def create(kit: EngineKit, **options: Any) -> Task:
    return kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-1", **options)


def calling_hpk(api_name: str, outcome: Outcome) -> Any:
    """An executor step that makes one logged request, then reports `outcome`."""

    def step(task: Task, context: ExecutionContext) -> Outcome:
        context.request_log.record(RequestLogRecord(api_name, "http://hpk", "POST", "{}", 200, "{}", 12))
        return outcome

    return step


def manual_task(kit: EngineKit) -> Task:
    kit.executor(FailedPermanent("Customer account not open, cannot receive"))
    task = create(kit)
    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    assert kit.task(task.task_id).status is TaskStatus.MANUAL
    return kit.task(task.task_id)


def history(kit: EngineKit, task_id: str) -> list[tuple[Trigger, str | None, RunOutcome, TaskStatus]]:
    """Oldest first, as the runs happened."""
    runs = reversed(kit.store.runs_of(task_id, 100, None).items)
    return [(run.trigger, run.actor, run.outcome, run.status) for run in runs]


def test_each_run_keeps_its_trigger_actor_times_outcome_and_request_logs(kit: EngineKit) -> None:
    kit.executor(
        calling_hpk("inbound/get", NotYet("HPK status RECEIVING")),
        calling_hpk("inbound/get", FailedTransient("HPK timed out")),
        calling_hpk("inbound/get", Done("Put away 10")),
    )
    task = create(kit)

    kit.clock.advance(minutes=30)
    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    kit.clock.advance(minutes=5)
    kit.engine.run_task(task.task_id, Trigger.SYNC_NOW, actor=OPERATOR)
    kit.clock.advance(minutes=5)
    kit.engine.run_task(task.task_id, Trigger.CALLBACK)

    assert history(kit, task.task_id) == [
        (Trigger.SCHEDULE, None, RunOutcome.NOT_YET, TaskStatus.WAITING),
        (Trigger.SYNC_NOW, OPERATOR, RunOutcome.FAILED_TRANSIENT, TaskStatus.WAITING),
        (Trigger.CALLBACK, None, RunOutcome.DONE, TaskStatus.SUCCESS),
    ]
    newest, failed, first = kit.store.runs_of(task.task_id, 100, None).items
    assert (first.started_at, first.summary, first.error) == (
        START + timedelta(minutes=30),
        "HPK status RECEIVING",
        None,
    )
    assert (failed.summary, failed.error) == ("HPK timed out", "HPK timed out")
    assert newest.summary == "Put away 10"
    # And each run names its own request-log records, which the store received under those ids
    stored_ids = [record.log_id for record in kit.request_log.records]
    assert [run.log_ids for run in (first, failed, newest)] == [(log_id,) for log_id in stored_ids]
    assert len(set(stored_ids)) == 3


def test_a_run_whose_lease_was_taken_over_says_so_in_its_history(kit: EngineKit) -> None:
    def taken_over(task: Task, context: ExecutionContext) -> Outcome:
        # Another writer moves the task on while this run is still busy.
        current = kit.task(task.task_id)
        kit.store.put(replace(current, version=current.version + 1))
        return Done("Put away 10")

    kit.executor(taken_over)
    task = create(kit)

    result = kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    assert result.skipped == "Lease lost"
    assert [entry[2] for entry in history(kit, task.task_id)] == [RunOutcome.LEASE_LOST]


def test_a_resolved_manual_task_is_cancelled_with_the_reason_and_the_operator(kit: EngineKit) -> None:
    task = manual_task(kit)

    resolved = kit.engine.resolve_task(task.task_id, "Received by hand in GWMS", actor=OPERATOR)

    assert resolved.status is TaskStatus.CANCELLED
    assert (
        resolved.execution_summary == f"Resolved outside the system by {OPERATOR}: Received by hand in GWMS"
    )
    assert history(kit, task.task_id)[-1] == (
        Trigger.RESOLVE,
        OPERATOR,
        RunOutcome.RESOLVED,
        TaskStatus.CANCELLED,
    )
    assert task.task_id not in kit.scheduler.schedules


@pytest.mark.parametrize("status", [TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.SUCCESS])
def test_only_a_manual_task_can_be_resolved(kit: EngineKit, status: TaskStatus) -> None:
    task = create(kit)
    kit.store.put(replace(kit.task(task.task_id), status=status))

    with pytest.raises(ConflictError, match=f"this one is {status.value}"):
        kit.engine.resolve_task(task.task_id, "done by hand", actor=OPERATOR)

    assert kit.task(task.task_id).status is status
    assert history(kit, task.task_id) == []


def test_a_cancelled_task_names_the_operator_and_is_never_run_again(kit: EngineKit) -> None:
    task = create(kit)

    cancelled = kit.engine.cancel_task(task.task_id, "Order was withdrawn", actor=OPERATOR)

    assert cancelled.status is TaskStatus.CANCELLED
    assert cancelled.execution_summary == f"Cancelled by {OPERATOR}: Order was withdrawn"
    assert history(kit, task.task_id) == [
        (Trigger.CANCEL, OPERATOR, RunOutcome.CANCELLED, TaskStatus.CANCELLED)
    ]
    assert task.task_id not in kit.scheduler.schedules
    assert kit.engine.run_task(task.task_id, Trigger.SCHEDULE).skipped == "Task is already cancelled"


def test_a_finished_or_running_task_cannot_be_cancelled_or_resolved(kit: EngineKit) -> None:
    finished = create(kit)
    kit.store.put(replace(kit.task(finished.task_id), status=TaskStatus.SUCCESS))
    running = manual_task(kit)
    kit.store.put(replace(running, lease_expires_at=kit.clock.now() + timedelta(minutes=5)))

    with pytest.raises(ConflictError, match="already success"):
        kit.engine.cancel_task(finished.task_id, "not needed", actor=OPERATOR)
    with pytest.raises(ConflictError, match="already running"):
        kit.engine.cancel_task(running.task_id, "not needed", actor=OPERATOR)
    with pytest.raises(ConflictError, match="already running"):
        kit.engine.resolve_task(running.task_id, "done by hand", actor=OPERATOR)


def test_sync_now_hands_the_operator_to_the_run(kit: EngineKit) -> None:
    task = create(kit)

    kit.engine.sync_now(task.task_id, actor=OPERATOR)

    assert kit.invoker.calls == [(task.task_id, Trigger.SYNC_NOW)]
    assert kit.invoker.actors == [OPERATOR]
