"""Which schedules exist in the project's schedule group, by the names the two adapters give them."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import boto3

from proxyhub.aws.inventory_schedules import NAME_PREFIX as INVENTORY_PREFIX
from proxyhub.aws.inventory_schedules import inventory_schedule_name
from proxyhub.aws.scheduler import schedule_name
from proxyhub.models.config import WarehouseMapping
from proxyhub.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

TASK_PREFIX = schedule_name("x")[: -len("x")]


class EventBridgeScheduleDirectory:
    def __init__(self, settings: Settings, client: "EventBridgeSchedulerClient | None" = None) -> None:
        self._group = settings.schedule_group_name
        self._client = client or boto3.client("scheduler", region_name=settings.aws_region)

    def scheduled_task_ids(self) -> set[str]:
        return {name[len(TASK_PREFIX) :] for name in self._names(TASK_PREFIX)}

    def mappings_without_schedule(self, mappings: Sequence[WarehouseMapping]) -> list[WarehouseMapping]:
        existing = self._names(INVENTORY_PREFIX)
        return [
            mapping
            for mapping in mappings
            if inventory_schedule_name(mapping.system_code, mapping.proxy_warehouse_code) not in existing
        ]

    def _names(self, prefix: str) -> set[str]:
        pages = self._client.get_paginator("list_schedules").paginate(
            GroupName=self._group, NamePrefix=prefix
        )
        return {summary["Name"] for page in pages for summary in page["Schedules"]}
