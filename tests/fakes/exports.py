"""An in-memory `ExportSink`: files kept as bytes with the writes that built them, for unit tests."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from proxyhub.clock import Clock
from proxyhub.exports.ports import DownloadLink

LINK_LIFETIME = timedelta(minutes=15)


@dataclass
class InMemoryUpload:
    filename: str
    expires_at: datetime
    writes: list[bytes] = field(default_factory=list)
    completed: bool = False
    aborted: bool = False

    @property
    def content(self) -> bytes:
        return b"".join(self.writes)

    def write(self, data: bytes) -> None:
        assert not (self.completed or self.aborted), "written after it was finished"
        self.writes.append(data)

    def complete(self) -> DownloadLink:
        assert not self.aborted, "completed after it was aborted"
        self.completed = True
        return DownloadLink(url=f"memory://{self.filename}", expires_at=self.expires_at, parts=1)

    def abort(self) -> None:
        self.aborted = True


class InMemoryExportSink:
    """Every file opened, finished or not; a link expires 15 minutes after the clock's now."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.uploads: list[InMemoryUpload] = []

    def open(self, filename: str) -> InMemoryUpload:
        upload = InMemoryUpload(filename, self._clock.now() + LINK_LIFETIME)
        self.uploads.append(upload)
        return upload
