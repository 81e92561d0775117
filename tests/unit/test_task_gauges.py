"""The task gauges the sweeper publishes: the overview's numbers, by status and by task type."""

import json

import pytest

from fakes import ROUTE, engine_kit
from fakes.task_lookups import InMemoryTaskLookups
from proxyhub.models.tasks import BusinessType, TaskStatus, TaskType, Trigger
from proxyhub.operations.task_gauges import TaskGauges
from proxyhub.tasks.outcomes import NeedsManual, NotYet

pytestmark = pytest.mark.unit


def test_gauges_count_by_status_and_type_and_age_the_oldest_backlog_task(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a waiting create task, a manual one, and a pending inventory sync, two hours on
    kit = engine_kit()
    kit.executor(NotYet("RECEIVING"), NeedsManual("Customer account not open, cannot receive"))
    waiting = kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-1")
    manual = kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-2")
    kit.clock.advance(minutes=30)
    kit.engine.run_task(waiting.task_id, Trigger.SCHEDULE)
    kit.engine.run_task(manual.task_id, Trigger.SCHEDULE)
    kit.engine.create_task(TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, ROUTE)
    kit.clock.advance(minutes=90)
    gauges = TaskGauges(InMemoryTaskLookups(kit.store), kit.clock, kit.engine.overdue_cutoff)

    # When they are published
    reading = gauges.publish()

    # Then the numbers are the overview's, and each went out as an EMF metric
    assert reading.manual == 1
    assert reading.by_status[TaskStatus.WAITING] == 1 and reading.by_status[TaskStatus.PENDING] == 1
    assert reading.by_type[(TaskType.CREATE, TaskStatus.MANUAL)] == 1
    assert reading.by_type[(TaskType.INVENTORY_SYNC, TaskStatus.PENDING)] == 1
    assert reading.by_type[(TaskType.CANCEL, TaskStatus.WAITING)] == 0
    assert reading.oldest_backlog_age_hours == 2.0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    names = {
        metric["Name"] for record in records for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    }
    assert names == {
        "TasksByStatus",
        "TasksByType",
        "ManualHandlingBacklog",
        "OverdueTasks",
        "OldestBacklogTaskAgeHours",
    }
    backlog = next(record for record in records if "ManualHandlingBacklog" in record)
    assert backlog["ManualHandlingBacklog"] == [1.0] and backlog["service"] == "proxy-hub"
    assert backlog["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]


def test_gauges_are_read_at_most_once_a_minute() -> None:
    kit = engine_kit()
    gauges = TaskGauges(InMemoryTaskLookups(kit.store), kit.clock, kit.engine.overdue_cutoff)

    first, too_soon = gauges.publish_if_due(), gauges.publish_if_due()
    kit.clock.advance(seconds=60)

    assert first is not None and too_soon is None and gauges.publish_if_due() is not None
