"""Sync Now on many tasks: by id or by the page's filter, each submitted or skipped with its reason."""

from dataclasses import replace
from datetime import timedelta

import pytest

from fakes import ROUTE, EngineKit, engine_kit, sync_tasks_service
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType, Trigger
from proxyhub.tasks.outcomes import NotYet
from proxyhub.tasks.ports import TaskFilter
from proxyhub.tasks.sync_tasks import BULK_LIMIT, NOT_FOUND, NOT_SUBMITTED, Skipped, SyncTasksService

pytestmark = pytest.mark.unit

OPERATOR = "operator@example.com"


@pytest.fixture
def kit() -> EngineKit:
    return engine_kit()


@pytest.fixture
def service(kit: EngineKit) -> SyncTasksService:
    return sync_tasks_service(kit)


def task_in(kit: EngineKit, status: TaskStatus, *, leased: bool = False, warehouse: str = "GW01") -> Task:
    kit.clock.advance(seconds=1)
    route = replace(ROUTE, gwms_warehouse_code=warehouse)
    task = kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, route)
    lease = kit.clock.now() + timedelta(minutes=5) if leased else None
    kit.store.put(replace(kit.task(task.task_id), status=status, lease_expires_at=lease))
    return kit.task(task.task_id)


def test_a_filter_mixing_eligible_running_and_finished_tasks(
    kit: EngineKit, service: SyncTasksService
) -> None:
    waiting = task_in(kit, TaskStatus.WAITING)
    manual = task_in(kit, TaskStatus.MANUAL)
    running = task_in(kit, TaskStatus.RUNNING, leased=True)
    finished = task_in(kit, TaskStatus.SUCCESS)
    elsewhere = task_in(kit, TaskStatus.WAITING, warehouse="GW02")

    submission = service.sync_now_matching(TaskFilter(warehouse_code="GW01"), OPERATOR)

    assert submission.submitted == [manual.task_id, waiting.task_id]
    assert submission.skipped == [
        Skipped(finished.task_id, "Task is already success"),
        Skipped(running.task_id, "Task is already running"),
    ]
    assert not submission.capped
    assert kit.invoker.calls == [
        (manual.task_id, Trigger.BULK_SYNC_NOW),
        (waiting.task_id, Trigger.BULK_SYNC_NOW),
    ]
    assert kit.invoker.actors == [OPERATOR, OPERATOR]
    assert elsewhere.task_id not in submission.submitted


def test_by_id_an_unknown_task_and_a_failed_invocation_are_skipped(
    kit: EngineKit, service: SyncTasksService
) -> None:
    first, second = task_in(kit, TaskStatus.WAITING), task_in(kit, TaskStatus.PENDING)
    kit.invoker.failing.add(second.task_id)

    submission = service.sync_now_tasks(
        [first.task_id, "no-such-task", second.task_id, first.task_id], OPERATOR
    )

    assert submission.submitted == [first.task_id]
    assert submission.skipped == [Skipped("no-such-task", NOT_FOUND), Skipped(second.task_id, NOT_SUBMITTED)]
    assert kit.task(second.task_id).status is TaskStatus.PENDING


def test_a_filter_beyond_the_cap_takes_the_newest_and_says_so(
    kit: EngineKit, service: SyncTasksService
) -> None:
    tasks = [task_in(kit, TaskStatus.WAITING) for _ in range(BULK_LIMIT + 1)]

    submission = service.sync_now_matching(TaskFilter(statuses=(TaskStatus.WAITING,)), OPERATOR)

    assert len(submission.submitted) == BULK_LIMIT and submission.capped
    assert tasks[0].task_id not in submission.submitted, "the oldest waits for the next submission"


def test_a_manual_task_rerun_in_bulk_starts_a_fresh_phase(kit: EngineKit) -> None:
    manual = task_in(kit, TaskStatus.MANUAL)
    kit.store.put(replace(manual, phase_attempts=3, consecutive_failures=5))
    kit.executor(NotYet("HPK status RECEIVING"))

    kit.engine.run_task(manual.task_id, Trigger.BULK_SYNC_NOW, actor=OPERATOR)

    rerun = kit.task(manual.task_id)
    assert (
        rerun.status is TaskStatus.WAITING and rerun.phase_attempts == 1 and rerun.consecutive_failures == 0
    )
