"""How far one inventory sync pass got: saved after every step, so a run that stops is continued."""

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from proxyhub.clock import from_iso, to_iso


class Phase(StrEnum):
    OPEN_TASKS = "open_tasks"
    LISTING = "listing"
    ABSENT = "absent"
    FINISH = "finish"


@dataclass(frozen=True)
class SyncProgress:
    """Saved after every step, so the next run of the task resumes instead of starting over."""

    snapshot_at: datetime
    page_size: int
    phase: Phase = Phase.OPEN_TASKS
    next_page: int = 1
    lines_read: int = 0
    batches_compared: int = 0
    unmatched_skus: tuple[str, ...] = ()
    unfinished_tasks: tuple[str, ...] = ()
    # Step 3 walks the ledger in key order: the last batch checked, and the blocks done so far.
    absent_after: str | None = None
    absent_blocks: int = 0
    event_published: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "snapshot_at": to_iso(self.snapshot_at), "phase": self.phase.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SyncProgress":
        return cls(
            **{
                **data,
                "snapshot_at": from_iso(data["snapshot_at"]),
                "phase": Phase(data["phase"]),
                "unmatched_skus": tuple(data["unmatched_skus"]),
                "unfinished_tasks": tuple(data["unfinished_tasks"]),
            }
        )
