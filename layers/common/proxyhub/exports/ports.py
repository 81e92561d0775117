"""What exports need from outside: somewhere to write the file, and the listings they read page by page.

AWS adapters: `proxyhub.aws.export_bucket` (the file), the DynamoDB repositories and the Sync Tasks
use cases (the listings). Tests use in-memory fakes or moto.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from proxyhub.models.inventory import Correction, SnapshotEntry
from proxyhub.models.pages import Page
from proxyhub.models.tasks import Task
from proxyhub.tasks.ports import StoredRequestLog, TaskFilter


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: datetime
    # How many pieces the file was uploaded in (a multipart upload's parts).
    parts: int


class ExportUpload(Protocol):
    """One file being written: bytes in order, then completed (or aborted, leaving nothing)."""

    def write(self, data: bytes) -> None:
        """Appends `data`; the adapter holds at most one upload part in memory."""
        ...

    def complete(self) -> DownloadLink: ...

    def abort(self) -> None: ...


class ExportSink(Protocol):
    def open(self, filename: str) -> ExportUpload:
        """A new private file that downloads as `filename`."""
        ...


class TaskLister(Protocol):
    """The Sync Tasks list, as its page reads it (the same filters and order)."""

    def list_tasks(
        self, task_filter: TaskFilter, limit: int, cursor: str | None, *, overdue_only: bool = False
    ) -> Page[Task]: ...


class TaskReader(Protocol):
    def get(self, task_id: str) -> Task | None: ...


class TaskRequestLogs(Protocol):
    def for_task(self, task_id: str, limit: int, cursor: str | None = None) -> Page[StoredRequestLog]:
        """Newest first."""
        ...


class SnapshotReader(Protocol):
    def read_entries(
        self, task_id: str, limit: int, cursor: str | None
    ) -> tuple[list[SnapshotEntry], str | None]: ...


class AdjustmentReader(Protocol):
    def corrections_of(self, task_id: str) -> Iterator[Correction]:
        """Every correction an inventory sync made, read block by block."""
        ...
