"""The recurring inventory sync of every complete warehouse mapping: one EventBridge Scheduler schedule.

`rate(12 hours)` — the task policy's interval for inventory sync — in the project's schedule group,
invoking the inventory-sync function with the mapping's codes. A mapping without both dedicated
locations has no schedule, since its sync would only be refused.
"""

import hashlib
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import boto3

from proxyhub.aws.scheduler import RETRY_POLICY, validate_schedule_expression
from proxyhub.models.config import WarehouseMapping
from proxyhub.models.tasks import TaskType
from proxyhub.settings import Settings
from proxyhub.tasks.policy import POLLING_RULES

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

INVENTORY_SYNC_INTERVAL = POLLING_RULES[TaskType.INVENTORY_SYNC].intervals[0]
NAME_PREFIX = "inventory-sync-"
_READABLE_PART = 30
_DIGEST_CHARS = 16
# Coarsest first; every whole number of minutes ends at "minute".
_UNITS = (("day", 24 * 60), ("hour", 60), ("minute", 1))


def rate_expression(interval: timedelta) -> str:
    """The coarsest whole unit: `rate(12 hours)`, `rate(1 day)`, `rate(90 minutes)`."""
    minutes = int(interval.total_seconds() // 60)
    if minutes < 1 or interval != timedelta(minutes=minutes):
        raise ValueError(f"A schedule rate must be whole minutes, not {interval}")
    unit, size = next((unit, size) for unit, size in _UNITS if minutes % size == 0)
    count = minutes // size
    return validate_schedule_expression(f"rate({count} {unit}{'' if count == 1 else 's'})")


def inventory_schedule_name(system_code: str, proxy_warehouse_code: str) -> str:
    """Readable, at most 64 characters, and unique: codes may contain the separator, so a digest of the
    exact pair tells "A-B"/"C" from "A"/"B-C"."""
    digest = hashlib.sha256(f"{system_code}\n{proxy_warehouse_code}".encode()).hexdigest()[:_DIGEST_CHARS]
    readable = f"{system_code}.{proxy_warehouse_code}"[:_READABLE_PART]
    return f"{NAME_PREFIX}{readable}-{digest}"


class EventBridgeInventorySchedules:
    """Keeps a mapping's schedule in step with the mapping (the config service's `MappingSchedules`)."""

    def __init__(self, settings: Settings, client: "EventBridgeSchedulerClient | None" = None) -> None:
        self._settings = settings
        self._client = client or boto3.client("scheduler", region_name=settings.aws_region)

    def mapping_saved(self, mapping: WarehouseMapping) -> None:
        if mapping.complete:
            self._put(mapping)
        else:
            self._delete(mapping)

    def mapping_deleted(self, mapping: WarehouseMapping) -> None:
        self._delete(mapping)

    def _put(self, mapping: WarehouseMapping) -> None:
        request = self._request(mapping)
        try:
            self._client.create_schedule(**request)
        except self._client.exceptions.ConflictException:
            self._client.update_schedule(**request)

    def _delete(self, mapping: WarehouseMapping) -> None:
        try:
            self._client.delete_schedule(
                Name=inventory_schedule_name(mapping.system_code, mapping.proxy_warehouse_code),
                GroupName=self._settings.schedule_group_name,
            )
        except self._client.exceptions.ResourceNotFoundException:
            return

    def _request(self, mapping: WarehouseMapping) -> dict[str, Any]:
        settings = self._settings
        codes = {"system_code": mapping.system_code, "proxy_warehouse_code": mapping.proxy_warehouse_code}
        return {
            "Name": inventory_schedule_name(mapping.system_code, mapping.proxy_warehouse_code),
            "GroupName": settings.schedule_group_name,
            "ScheduleExpression": rate_expression(INVENTORY_SYNC_INTERVAL),
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Description": (
                f"Inventory sync of {mapping.system_code}/{mapping.proxy_warehouse_code} "
                f"(GWMS warehouse {mapping.gwms_warehouse_code})"
            ),
            "Target": {
                "Arn": settings.inventory_sync_function_arn,
                "RoleArn": settings.inventory_sync_scheduler_role_arn,
                "Input": json.dumps(codes),
                "RetryPolicy": RETRY_POLICY,
                "DeadLetterConfig": {"Arn": settings.schedule_dlq_arn},
            },
        }
