"""How far one inventory sync pass got: saved with every step's writes, so a run that stops is continued.

Each saved progress counts its `step`; the store keeps it in several places (the last snapshot page,
the last block of zeroed batches, the progress item of a phase change) and the highest step wins.
"""

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
    # The listing's size as the proxy warehouse gave it (for "page 120 of ~400"), when it did.
    total_records: int | None = None
    # The corrections made so far, tallied as they are made.
    corrected: int = 0
    units_added: int = 0
    units_removed: int = 0
    step: int = 0

    @property
    def pages_read(self) -> int:
        return self.next_page - 1

    @property
    def pages_expected(self) -> int | None:
        if self.total_records is None:
            return None
        return max(self.pages_read, -(-self.total_records // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "snapshot_at": to_iso(self.snapshot_at), "phase": self.phase.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SyncProgress":
        known = {name for name in cls.__dataclass_fields__}
        return cls(
            **{
                # A progress saved by an older version may lack the newer fields, which then start at 0.
                **{name: value for name, value in data.items() if name in known},
                "snapshot_at": from_iso(data["snapshot_at"]),
                "phase": Phase(data["phase"]),
                "unmatched_skus": tuple(data["unmatched_skus"]),
                "unfinished_tasks": tuple(data["unfinished_tasks"]),
            }
        )
