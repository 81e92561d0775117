"""One EventBridge Scheduler one-time schedule per waiting task, in the project's schedule group.

Moto stores schedules without validating them, so the expressions are checked here, in pure
functions, before they reach the API.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3

from proxyhub.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

SCHEDULE_NAME = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\(([^()]+)\)$")
CRON_FIELDS = 6
AT_FORMAT = "%Y-%m-%dT%H:%M:%S"
# A missed invocation is retried for an hour, then dead-lettered; the sweeper is the last resort.
RETRY_POLICY = {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600}


class InvalidScheduleExpressionError(ValueError):
    pass


def at_expression(moment: datetime) -> str:
    """`at(...)` in UTC, rounded up to the second so the schedule never fires before `moment`."""
    if moment.tzinfo is None:
        raise InvalidScheduleExpressionError("A schedule time must be timezone-aware")
    utc = moment.astimezone(UTC)
    whole_second = utc.replace(microsecond=0)
    if whole_second < utc:
        whole_second += timedelta(seconds=1)
    return validate_schedule_expression(f"at({whole_second.strftime(AT_FORMAT)})")


def validate_schedule_expression(expression: str) -> str:
    """Returns the expression if EventBridge Scheduler would accept it, else raises."""
    if match := _AT.match(expression):
        _check_at(match.group(1))
    elif match := _RATE.match(expression):
        _check_rate(int(match.group(1)), match.group(2))
    elif match := _CRON.match(expression):
        _check_cron(match.group(1).split(" "))
    else:
        raise InvalidScheduleExpressionError(f"Not an at(), rate() or cron() expression: {expression!r}")
    return expression


def _check_at(timestamp: str) -> None:
    try:
        datetime.strptime(timestamp, AT_FORMAT)
    except ValueError as error:
        raise InvalidScheduleExpressionError(f"Not a valid at() time: {timestamp!r}") from error


def _check_rate(value: int, unit: str) -> None:
    if value < 1:
        raise InvalidScheduleExpressionError("A rate must be at least 1")
    # AWS insists on "rate(1 hour)" but "rate(2 hours)".
    if (value == 1) != (not unit.endswith("s")):
        raise InvalidScheduleExpressionError(f"rate({value} {unit}): use the singular unit only for 1")


def _check_cron(fields: list[str]) -> None:
    if len(fields) != CRON_FIELDS or any(not field for field in fields):
        raise InvalidScheduleExpressionError("cron() takes six fields separated by single spaces")
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise InvalidScheduleExpressionError(
            "cron(): exactly one of day-of-month and day-of-week must be '?'"
        )


def schedule_name(task_id: str) -> str:
    name = f"task-{task_id}"
    if not SCHEDULE_NAME.match(name):
        raise InvalidScheduleExpressionError(f"Task id {task_id!r} cannot name a schedule")
    return name


class EventBridgeTaskScheduler:
    """The `TaskScheduler` port: the schedule invokes the task runner with `{"task_id": ...}`."""

    def __init__(self, settings: Settings, client: "EventBridgeSchedulerClient | None" = None) -> None:
        self._settings = settings
        self._client = client or boto3.client("scheduler", region_name=settings.aws_region)

    def schedule_next_run(self, task_id: str, at: datetime, *, replace_existing: bool = False) -> None:
        """One call when the caller guessed right; a wrong guess costs one more (create after a 404,
        update after a 409), never an error."""
        request = self._request(task_id, at)
        if replace_existing:
            self._replace(request)
        else:
            self._create(request)

    def _create(self, request: dict[str, Any]) -> None:
        try:
            self._client.create_schedule(**request)
        except self._client.exceptions.ConflictException:
            self._update(request)

    def _replace(self, request: dict[str, Any]) -> None:
        try:
            self._client.update_schedule(**request)
        except self._client.exceptions.ResourceNotFoundException:
            # It fired and deleted itself since: create it afresh.
            self._create(request)

    def _update(self, request: dict[str, Any]) -> None:
        try:
            self._client.update_schedule(**request)
        except self._client.exceptions.ResourceNotFoundException:
            # It fired and deleted itself between our create and update: create it afresh.
            self._client.create_schedule(**request)

    def cancel_schedule(self, task_id: str) -> None:
        try:
            self._client.delete_schedule(
                Name=schedule_name(task_id), GroupName=self._settings.schedule_group_name
            )
        except self._client.exceptions.ResourceNotFoundException:
            return

    def _request(self, task_id: str, at: datetime) -> dict[str, Any]:
        settings = self._settings
        return {
            "Name": schedule_name(task_id),
            "GroupName": settings.schedule_group_name,
            "ScheduleExpression": at_expression(at),
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "State": "ENABLED",
            "Description": f"Next run of sync task {task_id}",
            "Target": {
                "Arn": settings.task_runner_arn,
                "RoleArn": settings.scheduler_role_arn,
                "Input": json.dumps({"task_id": task_id}),
                "RetryPolicy": RETRY_POLICY,
                "DeadLetterConfig": {"Arn": settings.schedule_dlq_arn},
            },
        }
