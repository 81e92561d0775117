"""Long work in several invocations: the `Continue` outcome, the run's deadline from the invocation's
remaining time, and the one scheduler call per reschedule (update a schedule that exists, create one
that does not)."""

from datetime import timedelta
from typing import Any

import pytest

from fakes import ROUTE, START, EngineKit, engine_kit
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType, Trigger
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Continue, Done, NotYet, Outcome

pytestmark = pytest.mark.unit


@pytest.fixture
def kit() -> EngineKit:
    return engine_kit()


def inventory_sync(kit: EngineKit, **options: Any) -> Task:
    return kit.engine.create_task(TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, ROUTE, **options)


def test_a_run_that_continues_is_due_at_once_and_invokes_the_next_run(kit: EngineKit) -> None:
    # Given a sync whose run ran out of time with its progress saved
    kit.executor(
        Continue("Continues: 120 of ~400 pages read", progress="page 120 of ~400"),
        task_type=TaskType.INVENTORY_SYNC,
        business_type=BusinessType.INVENTORY,
    )
    task = inventory_sync(kit, run_now=True)
    kit.invoker.calls.clear()

    # When it runs
    result = kit.engine.run_task(task.task_id, Trigger.CREATED)

    # Then it waits, due now, with its progress shown, and the next run is invoked at once
    stored = kit.task(task.task_id)
    assert result.status is TaskStatus.WAITING
    assert stored.next_execution_at == START
    assert (stored.execution_summary, stored.progress) == (
        "Continues: 120 of ~400 pages read",
        "page 120 of ~400",
    )
    assert kit.invoker.calls == [(task.task_id, Trigger.CONTINUATION)]
    # And no schedule is made: the invocation (or, if it is lost, the sweeper) runs it
    assert kit.scheduler.requests == []


def test_continuing_runs_do_not_count_towards_the_run_limit(kit: EngineKit) -> None:
    # Given a sync that needs ten runs (its rule allows three retries)
    steps: list[Outcome] = [Continue(f"run {n}", progress=f"page {n} of ~10") for n in range(1, 10)]
    kit.executor(
        *steps, Done("10 pages"), task_type=TaskType.INVENTORY_SYNC, business_type=BusinessType.INVENTORY
    )
    task = inventory_sync(kit, run_now=True)

    # When each continuation runs
    for _ in range(10):
        kit.engine.run_task(task.task_id, Trigger.CONTINUATION)

    # Then the pass completes, and a finished task shows no progress any more
    done = kit.task(task.task_id)
    assert (done.status, done.execution_summary, done.progress) == (TaskStatus.SUCCESS, "10 pages", None)
    assert done.attempts == 10 and done.phase_attempts == 1


def test_a_lost_continuation_invoke_leaves_the_task_due_for_the_sweeper(kit: EngineKit) -> None:
    kit.executor(Continue("more"), task_type=TaskType.INVENTORY_SYNC, business_type=BusinessType.INVENTORY)
    task = inventory_sync(kit, run_now=True)

    kit.invoker.failing.add(task.task_id)
    kit.engine.run_task(task.task_id, Trigger.CREATED)

    kit.clock.advance(minutes=6)
    assert kit.engine.due_task_ids(10) == [task.task_id]


def test_the_executor_gets_the_invocations_deadline(kit: EngineKit) -> None:
    seen: list[ExecutionContext] = []

    def look(_task: Task, context: ExecutionContext) -> Outcome:
        seen.append(context)
        kit.clock.advance(seconds=100)
        return Done("done")

    kit.executor(look, look)
    task = kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-1")

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE, remaining_ms=lambda: 900_000)

    [context] = seen
    assert context.deadline == START + timedelta(seconds=900)
    assert context.time_left() == timedelta(seconds=800)


def test_no_deadline_outside_an_invocation(kit: EngineKit) -> None:
    seen: list[ExecutionContext] = []

    def look(_task: Task, context: ExecutionContext) -> Outcome:
        seen.append(context)
        return Done("done")

    kit.executor(look)
    task = kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-1")

    kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)

    assert seen[0].deadline is None and seen[0].time_left() is None


@pytest.mark.parametrize(
    ("trigger", "replaces"),
    [
        # A fired schedule deletes itself; a task created to run at once never had one.
        (Trigger.SCHEDULE, False),
        (Trigger.CREATED, False),
        # Anything else ran the task before its schedule fired: that schedule is replaced.
        (Trigger.SYNC_NOW, True),
        (Trigger.CALLBACK, True),
        (Trigger.SWEEPER, True),
        (Trigger.DIRECT, True),
    ],
)
def test_the_next_schedule_is_updated_only_where_one_exists(
    kit: EngineKit, trigger: Trigger, replaces: bool
) -> None:
    kit.executor(NotYet("HPK still receiving"))
    task = kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-1", run_now=True)
    kit.clock.advance(minutes=10)

    kit.engine.run_task(task.task_id, trigger)

    assert kit.scheduler.requests == [(task.task_id, replaces)]
