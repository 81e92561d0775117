"""Schedules repair themselves: the repair on in-memory ports recreates what was deleted behind the
system's back, and leaves alone what is right, what the sweeper handles and what is still settling."""

from dataclasses import replace
from datetime import timedelta

import pytest

from fakes import (
    ROUTE,
    EngineKit,
    InMemoryConfigStore,
    RecordingMappingSchedules,
    engine_kit,
    proxy_system_record,
)
from fakes.operations import RecordedScheduleDirectory, StoreScheduledTasks
from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType, Trigger
from proxyhub.operations.schedule_repair import ScheduleRepair
from proxyhub.tasks.outcomes import NeedsManual, NotYet
from proxyhub.tasks.policy import TaskPolicy

pytestmark = pytest.mark.unit


class Kit:
    def __init__(self) -> None:
        self.engine_kit: EngineKit = engine_kit()
        self.config = InMemoryConfigStore()
        self.mapping_schedules = RecordingMappingSchedules()
        self.config.insert_proxy_system(proxy_system_record("HPK01"))
        for warehouse, putaway in (("HPK-LA1", "VPA"), ("HPK-NY1", "VPA"), ("HPK-TX1", None)):
            mapping = self.config.save_warehouse_mapping(
                "HPK01", warehouse, f"GW-{warehouse}", putaway, "DEF", "2026-06-01T00:00:00Z"
            )
            self.mapping_schedules.mapping_saved(mapping)
        self.repair = ScheduleRepair(
            directory=RecordedScheduleDirectory(self.engine_kit.scheduler, self.mapping_schedules),
            scheduled_tasks=StoreScheduledTasks(self.engine_kit.store),
            tasks=self.engine_kit.store,
            task_scheduler=self.engine_kit.scheduler,
            mappings=self.config,
            mapping_schedules=self.mapping_schedules,
            policy=TaskPolicy.from_settings(self.engine_kit.settings),
            clock=self.engine_kit.clock,
        )

    def waiting_task(self, task_type: TaskType = TaskType.CREATE) -> Task:
        """A task that ran once, waits for its next poll, and has had time to settle."""
        kit = self.engine_kit
        kit.executor(NotYet("HPK status RECEIVING"), task_type=task_type)
        task = kit.engine.create_task(task_type, BusinessType.INBOUND, ROUTE, order_no="IN-1")
        kit.clock.advance(minutes=30)
        kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
        kit.clock.advance(minutes=11)
        return kit.task(task.task_id)


@pytest.fixture
def kit() -> Kit:
    return Kit()


def test_nothing_missing_repairs_nothing(kit: Kit) -> None:
    task = kit.waiting_task()

    report = kit.repair.repair()

    assert report.repaired == 0
    assert report.mappings_checked == 2 and report.tasks_checked == 1
    assert kit.engine_kit.scheduler.schedules == {task.task_id: task.next_execution_at}


def test_a_deleted_task_schedule_is_recreated_for_the_stored_next_run(kit: Kit) -> None:
    # Given a waiting task whose schedule someone deleted
    task = kit.waiting_task()
    kit.engine_kit.scheduler.cancel_schedule(task.task_id)

    # When the repair runs
    report = kit.repair.repair()

    # Then the schedule is back, at the task's next execution time
    assert report.task_schedules_recreated == [task.task_id]
    assert kit.engine_kit.scheduler.schedules == {task.task_id: task.next_execution_at}


def test_a_deleted_mapping_schedule_is_recreated_and_an_incomplete_mapping_gets_none(kit: Kit) -> None:
    # Given a complete mapping whose 12-hour schedule someone deleted
    kit.mapping_schedules.scheduled.pop(("HPK01", "HPK-LA1"))

    report = kit.repair.repair()

    # Then it has one again, and the incomplete HPK-TX1 still has none
    assert report.mapping_schedules_recreated == ["HPK01/HPK-LA1"]
    assert set(kit.mapping_schedules.scheduled) == {("HPK01", "HPK-LA1"), ("HPK01", "HPK-NY1")}


def test_a_task_due_within_minutes_is_left_to_the_sweeper(kit: Kit) -> None:
    task = kit.waiting_task()
    kit.engine_kit.scheduler.cancel_schedule(task.task_id)
    assert task.next_execution_at is not None
    kit.engine_kit.clock.advance(
        seconds=(task.next_execution_at - kit.engine_kit.clock.now()).total_seconds() - 60
    )

    assert kit.repair.repair().task_schedules_recreated == []


def test_a_task_that_just_changed_is_still_settling(kit: Kit) -> None:
    task = kit.waiting_task()
    kit.engine_kit.scheduler.cancel_schedule(task.task_id)
    kit.engine_kit.store.put(replace(task, updated_at=kit.engine_kit.clock.now() - timedelta(minutes=2)))

    assert kit.repair.repair().task_schedules_recreated == []


def test_manual_tasks_and_state_machine_tasks_need_no_schedule(kit: Kit) -> None:
    engine = kit.engine_kit
    engine.executor(NeedsManual("Customer account not open, cannot receive"))
    manual = engine.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-2")
    engine.clock.advance(minutes=30)
    engine.engine.run_task(manual.task_id, Trigger.SCHEDULE)
    cancel = engine.engine.create_task(TaskType.CANCEL, BusinessType.INBOUND, ROUTE, order_no="IN-3")
    engine.clock.advance(minutes=15)

    report = kit.repair.repair()

    assert engine.task(manual.task_id).status is TaskStatus.MANUAL
    assert report.task_schedules_recreated == [] and report.tasks_checked == 0
    assert engine.scheduler.schedules == {} and cancel.task_id not in engine.scheduler.schedules
