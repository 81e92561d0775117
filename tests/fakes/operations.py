"""In-memory stand-ins for the operations ports: the manual-handling inbox, the notifier, the public
addresses, the schedule directory and the due index."""

from collections.abc import Iterator, Sequence
from datetime import datetime

from fakes.schedules import RecordingMappingSchedules
from fakes.tasks import InMemoryTaskStore, RecordingScheduler
from proxyhub.models.config import WarehouseMapping
from proxyhub.models.tasks import TaskStatus
from proxyhub.operations.ports import InboxMessage, ScheduledTask


class ListAlertInbox:
    """A queue: taken messages are hidden until acknowledged, or handed out again by `redeliver()`."""

    def __init__(self) -> None:
        self.waiting_messages: list[InboxMessage] = []
        self.in_flight: list[InboxMessage] = []
        self.acknowledged: list[InboxMessage] = []
        self.takes = 0

    def put(self, body: str) -> None:
        self.waiting_messages.append(
            InboxMessage(body=body, receipt=f"r{len(self.waiting_messages) + len(self.in_flight)}")
        )

    def waiting(self) -> bool:
        return bool(self.waiting_messages or self.in_flight)

    def take(self, limit: int) -> list[InboxMessage]:
        self.takes += 1
        batch, self.waiting_messages = self.waiting_messages[:limit], self.waiting_messages[limit:]
        self.in_flight += batch
        return batch

    def acknowledge(self, messages: Sequence[InboxMessage]) -> None:
        for message in messages:
            self.in_flight.remove(message)
            self.acknowledged.append(message)

    def redeliver(self) -> None:
        """Their visibility timeout passed."""
        self.waiting_messages, self.in_flight = self.in_flight + self.waiting_messages, []


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = False

    def notify(self, subject: str, message: str) -> None:
        if self.fail:
            raise RuntimeError("SNS is unavailable")
        self.sent.append((subject, message))


class FixedAddresses:
    def __init__(self, console_url: str | None = None, webhook_base_url: str | None = None) -> None:
        self._console_url = console_url
        self._webhook_base_url = webhook_base_url

    def console_url(self) -> str | None:
        return self._console_url

    def webhook_base_url(self) -> str | None:
        return self._webhook_base_url


class RecordedScheduleDirectory:
    """Lists what the recording task scheduler and mapping schedules hold, as the group's listing would."""

    def __init__(self, tasks: RecordingScheduler, mappings: RecordingMappingSchedules) -> None:
        self._tasks = tasks
        self._mappings = mappings

    def scheduled_task_ids(self) -> set[str]:
        return set(self._tasks.schedules)

    def mappings_without_schedule(self, mappings: Sequence[WarehouseMapping]) -> list[WarehouseMapping]:
        have = self._mappings.scheduled
        return [m for m in mappings if (m.system_code, m.proxy_warehouse_code) not in have]


class StoreScheduledTasks:
    """The due index of the in-memory store: pending and waiting tasks by next run."""

    def __init__(self, store: InMemoryTaskStore) -> None:
        self._store = store

    def due_after(self, moment: datetime) -> Iterator[ScheduledTask]:
        listed = [
            ScheduledTask(task.task_id, task.task_type, task.status, task.next_execution_at)
            for task in self._store.tasks.values()
            if task.status in (TaskStatus.PENDING, TaskStatus.WAITING)
            and task.next_execution_at is not None
            and task.next_execution_at > moment
        ]
        yield from sorted(listed, key=lambda scheduled: scheduled.due_at)
