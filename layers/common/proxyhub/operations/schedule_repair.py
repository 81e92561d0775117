"""Schedules repair themselves: every complete warehouse mapping has its 12-hour inventory-sync schedule
and every waiting task its one-time schedule, whatever deleted them (a person in the AWS console, a
failed call after a run, a restore of the tables).

The schedules are listed before the things they belong to, so a schedule created meanwhile is never
mistaken for missing the wrong way round; each missing one is checked against a fresh read before it
is recreated. Tasks due within `SWEEPER_LEAD` are left to the sweeper, which runs overdue tasks anyway;
a task changed within `settle` (10 minutes) may still be getting its schedule from the run that changed it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aws_lambda_powertools.metrics import MetricUnit

from proxyhub.clock import Clock
from proxyhub.config.ports import MappingSchedules
from proxyhub.models.config import WarehouseMapping
from proxyhub.models.tasks import Task, TaskStatus
from proxyhub.observability import logger, metrics
from proxyhub.operations.ports import MappingCatalogue, ScheduleDirectory, ScheduledTasks, TaskReader
from proxyhub.tasks.policy import TaskPolicy
from proxyhub.tasks.ports import TaskScheduler

TASK_SCHEDULES_REPAIRED_METRIC = "TaskSchedulesRepaired"
MAPPING_SCHEDULES_REPAIRED_METRIC = "MappingSchedulesRepaired"
SWEEPER_LEAD = timedelta(minutes=5)
DEFAULT_SETTLE = timedelta(minutes=10)
SCHEDULED_STATUSES = frozenset({TaskStatus.PENDING, TaskStatus.WAITING})


@dataclass
class RepairReport:
    tasks_checked: int = 0
    task_schedules_recreated: list[str] = field(default_factory=list)
    mappings_checked: int = 0
    mapping_schedules_recreated: list[str] = field(default_factory=list)

    @property
    def repaired(self) -> int:
        return len(self.task_schedules_recreated) + len(self.mapping_schedules_recreated)


class ScheduleRepair:
    def __init__(
        self,
        *,
        directory: ScheduleDirectory,
        scheduled_tasks: ScheduledTasks,
        tasks: TaskReader,
        task_scheduler: TaskScheduler,
        mappings: MappingCatalogue,
        mapping_schedules: MappingSchedules,
        policy: TaskPolicy,
        clock: Clock,
        settle: timedelta = DEFAULT_SETTLE,
    ) -> None:
        self._directory = directory
        self._scheduled_tasks = scheduled_tasks
        self._tasks = tasks
        self._task_scheduler = task_scheduler
        self._mappings = mappings
        self._mapping_schedules = mapping_schedules
        self._policy = policy
        self._clock = clock
        self._settle = settle

    def repair(self) -> RepairReport:
        report = RepairReport()
        self._repair_mapping_schedules(report)
        self._repair_task_schedules(report)
        return report

    # ------------------------------------------------------------ warehouse mappings

    def _repair_mapping_schedules(self, report: RepairReport) -> None:
        complete = [
            mapping
            for system in self._mappings.list_proxy_systems()
            for mapping in self._mappings.list_warehouse_mappings(system.code)
            if mapping.complete
        ]
        report.mappings_checked = len(complete)
        for listed in self._directory.mappings_without_schedule(complete):
            mapping = self._mappings.find_warehouse_mapping(listed.system_code, listed.proxy_warehouse_code)
            if mapping is None or not mapping.complete:
                continue  # deleted or made incomplete since: no schedule is right
            self._mapping_schedules.mapping_saved(mapping)
            report.mapping_schedules_recreated.append(f"{mapping.system_code}/{mapping.proxy_warehouse_code}")
            _announce_mapping_repair(mapping)

    # ------------------------------------------------------------ tasks

    def _repair_task_schedules(self, report: RepairReport) -> None:
        scheduled_ids = self._directory.scheduled_task_ids()
        now = self._clock.now()
        for listed in self._scheduled_tasks.due_after(now + SWEEPER_LEAD):
            if self._policy.rule(listed.task_type).driven_by_state_machine:
                continue  # its waits live in a state machine execution, not in a schedule
            report.tasks_checked += 1
            if listed.task_id in scheduled_ids:
                continue
            task = self._tasks.get(listed.task_id)
            if task is None or not self._needs_schedule(task, now):
                continue
            assert task.next_execution_at is not None
            self._task_scheduler.schedule_next_run(task.task_id, task.next_execution_at)
            report.task_schedules_recreated.append(task.task_id)
            _announce_task_repair(task)

    def _needs_schedule(self, task: Task, now: datetime) -> bool:
        return (
            task.status in SCHEDULED_STATUSES
            and task.next_execution_at is not None
            and task.next_execution_at > now + SWEEPER_LEAD
            and (task.updated_at is None or task.updated_at <= now - self._settle)
        )


def _announce_task_repair(task: Task) -> None:
    metrics.add_metric(name=TASK_SCHEDULES_REPAIRED_METRIC, unit=MetricUnit.Count, value=1)
    logger.warning(
        "Schedule repaired: task schedule recreated",
        extra={
            "task_id": task.task_id,
            "task_type": task.task_type.value,
            "order_no": task.order_no,
            "next_execution_at": task.next_execution_at.isoformat() if task.next_execution_at else None,
        },
    )


def _announce_mapping_repair(mapping: WarehouseMapping) -> None:
    metrics.add_metric(name=MAPPING_SCHEDULES_REPAIRED_METRIC, unit=MetricUnit.Count, value=1)
    logger.warning(
        "Schedule repaired: inventory sync schedule recreated",
        extra={
            "system_code": mapping.system_code,
            "proxy_warehouse_code": mapping.proxy_warehouse_code,
            "gwms_warehouse_code": mapping.gwms_warehouse_code,
        },
    )
