"""What the operations use cases need from outside; `proxyhub.aws` (SQS, SNS, SSM, EventBridge
Scheduler) and `proxyhub.dal.scheduled_tasks` implement them, `tests/fakes/operations.py` fakes them."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from proxyhub.models.config import ProxySystemRecord, WarehouseMapping
from proxyhub.models.tasks import Task, TaskStatus, TaskType


@dataclass(frozen=True)
class InboxMessage:
    body: str
    # What acknowledging the message needs (an SQS receipt handle).
    receipt: str


class AlertInbox(Protocol):
    """Where the manual-handling events wait for the next digest (an SQS queue the EventBridge rule fills)."""

    def waiting(self) -> bool:
        """Whether messages are probably waiting: a quick look, so an empty inbox costs one cheap call
        (a message it misses by a moment waits for the next digest)."""
        ...

    def take(self, limit: int) -> list[InboxMessage]:
        """Up to `limit` waiting messages, hidden from other readers until acknowledged or, if not
        acknowledged in time, handed out again. Fewer than `limit` means the inbox is empty."""
        ...

    def acknowledge(self, messages: Sequence[InboxMessage]) -> None:
        """Removes messages for good, once what they said has been sent."""
        ...


class Notifier(Protocol):
    """The operations topic (SNS): e-mail and whatever else subscribes."""

    def notify(self, subject: str, message: str) -> None: ...


class PublicAddresses(Protocol):
    """Addresses of this deployment that its functions cannot be given directly (CloudFormation would
    see a cycle, or the local stack does not deploy the resource): None when not published."""

    def console_url(self) -> str | None:
        """The operator console, e.g. https://d111.cloudfront.net/console/."""
        ...

    def webhook_base_url(self) -> str | None:
        """Where outside platforms send webhooks: the GWMS HTTP API's address."""
        ...


class ScheduleDirectory(Protocol):
    """Which EventBridge Scheduler schedules exist in the project's schedule group."""

    def scheduled_task_ids(self) -> set[str]:
        """Ids of the tasks that have a one-time schedule."""
        ...

    def mappings_without_schedule(self, mappings: Sequence[WarehouseMapping]) -> list[WarehouseMapping]:
        """The mappings among `mappings` whose recurring inventory-sync schedule does not exist."""
        ...


@dataclass(frozen=True)
class ScheduledTask:
    """A pending or waiting task as the due index has it."""

    task_id: str
    task_type: TaskType
    status: TaskStatus
    due_at: datetime


class ScheduledTasks(Protocol):
    def due_after(self, moment: datetime) -> Iterator[ScheduledTask]:
        """Every pending or waiting task whose next run is after `moment`, soonest first."""
        ...


class TaskReader(Protocol):
    def get(self, task_id: str) -> Task | None: ...


class MappingCatalogue(Protocol):
    """The warehouse mappings, whatever their proxy system (the configuration store)."""

    def list_proxy_systems(self) -> list[ProxySystemRecord]: ...

    def list_warehouse_mappings(self, system_code: str) -> list[WarehouseMapping]: ...

    def find_warehouse_mapping(
        self, system_code: str, proxy_warehouse_code: str
    ) -> WarehouseMapping | None: ...
