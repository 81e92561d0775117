"""In-memory stand-ins for inventory sync's snapshot store and the SKU mapping store.

`InMemorySnapshotStore` keeps the contract of `proxyhub.dal.snapshot_repository.DynamoSnapshotStore`:
pages are replaced when written again and read back in page order, progress round-trips through JSON,
and a warehouse's active sync is claimed conditionally (the holder must still be the one read, or be
this task already). `InMemorySkuMappingStore` keeps `DynamoSkuMappingStore`'s: one mapping per
(system, GSKU), listed in GSKU order, optionally of one status.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from proxyhub.errors import InvalidInputError
from proxyhub.models.inventory import Correction, SnapshotEntry, SnapshotLine, SnapshotScope
from proxyhub.models.skus import SkuMapping, SkuSyncStatus

if TYPE_CHECKING:
    from fakes.orders import InMemoryStockLedger


@dataclass(frozen=True)
class _Page:
    scope: SnapshotScope
    lines: tuple[SnapshotLine, ...]
    expires_at: datetime


def _cursor(page_no: int, offset: int) -> str:
    return f"{page_no}:{offset}"


def _parse_cursor(cursor: str) -> tuple[int, int]:
    try:
        page_text, offset_text = cursor.split(":")
        page_no, offset = int(page_text), int(offset_text)
    except ValueError as error:
        raise InvalidInputError("Invalid cursor", field="cursor") from error
    if page_no < 1 or offset < 0:
        raise InvalidInputError("Invalid cursor", field="cursor")
    return page_no, offset


class InMemorySnapshotStore:
    """`ledger` is where pages' corrections are applied and recorded (`InMemoryStockLedger.apply_recorded`)."""

    def __init__(self, ledger: "InMemoryStockLedger | None" = None) -> None:
        self.pages: dict[str, dict[int, _Page]] = {}
        self._progress: dict[str, list[str]] = {}
        self.progress_expiry: dict[str, datetime] = {}
        self.active: dict[str, str] = {}
        self.absent_blocks: dict[str, set[int]] = {}
        self._ledger = ledger

    # ------------------------------------------------------------ pages

    def record_page(
        self,
        scope: SnapshotScope,
        page_no: int,
        lines: Sequence[SnapshotLine],
        corrections: Sequence[Correction],
        progress: dict[str, Any],
        expires_at: datetime,
        now: datetime,
    ) -> bool:
        if page_no in self.pages.get(scope.task_id, {}):
            return False
        self._apply(scope.task_id, f"PAGE#{page_no:06d}", corrections)
        self.pages.setdefault(scope.task_id, {})[page_no] = _Page(scope, tuple(lines), expires_at)
        self.save_progress(scope.task_id, progress, expires_at)
        return True

    def record_absent(
        self,
        scope: SnapshotScope,
        block_no: int,
        corrections: Sequence[Correction],
        progress: dict[str, Any],
        expires_at: datetime,
        now: datetime,
    ) -> bool:
        done = self.absent_blocks.setdefault(scope.task_id, set())
        if block_no in done:
            return False
        self._apply(scope.task_id, f"ABSENT#{block_no:06d}", corrections)
        done.add(block_no)
        self.save_progress(scope.task_id, progress, expires_at)
        return True

    def _apply(self, task_id: str, block_id: str, corrections: Sequence[Correction]) -> None:
        if corrections:
            assert self._ledger is not None, "this snapshot store was built without the ledger"
            self._ledger.apply_recorded(task_id, block_id, corrections)

    def drop_pages_after(self, task_id: str, last_page: int) -> None:
        pages = self.pages.get(task_id, {})
        for page_no in [number for number in pages if number > last_page]:
            del pages[page_no]

    def iter_lines(self, task_id: str) -> Iterator[SnapshotLine]:
        for _page_no, page in sorted(self.pages.get(task_id, {}).items()):
            yield from page.lines

    def read_entries(
        self, task_id: str, limit: int, cursor: str | None
    ) -> tuple[list[SnapshotEntry], str | None]:
        page_no, offset = _parse_cursor(cursor) if cursor else (1, 0)
        pages = [
            (number, page)
            for number, page in sorted(self.pages.get(task_id, {}).items())
            if number >= page_no
        ]
        entries: list[SnapshotEntry] = []
        for index, (number, page) in enumerate(pages):
            start = offset if number == page_no else 0
            taken = page.lines[start : start + limit - len(entries)]
            entries.extend(
                SnapshotEntry(
                    line=line,
                    snapshot_at=page.scope.snapshot_at,
                    gwms_warehouse_code=page.scope.gwms_warehouse_code,
                    proxy_warehouse_code=page.scope.proxy_warehouse_code,
                )
                for line in taken
            )
            if len(entries) == limit:
                end = start + len(taken)
                if end < len(page.lines):
                    return entries, _cursor(number, end)
                following = pages[index + 1][0] if index + 1 < len(pages) else None
                return entries, _cursor(following, 0) if following else None
        return entries, None

    # ------------------------------------------------------------ progress

    def load_progress(self, task_id: str) -> dict[str, Any] | None:
        """The furthest saved (the highest step), as the DynamoDB store picks among its copies."""
        saved = [json.loads(text) for text in self._progress.get(task_id, [])]
        if not saved:
            return None
        furthest: dict[str, Any] = max(saved, key=lambda progress: progress.get("step", 0))
        return furthest

    def save_progress(self, task_id: str, progress: dict[str, Any], expires_at: datetime) -> None:
        self._progress.setdefault(task_id, []).append(json.dumps(progress))
        self.progress_expiry[task_id] = expires_at

    def forget_progress_after(self, task_id: str, step: int) -> None:
        """Test setup: a run that died after `step`, its later progress never saved."""
        self._progress[task_id] = [
            text for text in self._progress.get(task_id, []) if json.loads(text).get("step", 0) <= step
        ]

    # ------------------------------------------------------------ one sync per warehouse

    def find_active_sync(self, gwms_warehouse_code: str) -> str | None:
        return self.active.get(gwms_warehouse_code)

    def claim_active_sync(
        self, gwms_warehouse_code: str, task_id: str, expected: str | None, now: datetime
    ) -> bool:
        holder = self.active.get(gwms_warehouse_code)
        if holder != expected and holder != task_id:
            return False
        self.active[gwms_warehouse_code] = task_id
        return True

    # ------------------------------------------------------------ test helpers

    def lines(self, task_id: str) -> list[SnapshotLine]:
        return list(self.iter_lines(task_id))


class InMemorySkuMappingStore:
    def __init__(self) -> None:
        self.mappings: dict[tuple[str, str], SkuMapping] = {}

    def save_sku_mapping(self, mapping: SkuMapping, now: str) -> None:
        self.mappings[(mapping.system_code, mapping.gsku)] = mapping.model_copy()

    def find_sku_mapping(self, system_code: str, gsku: str) -> SkuMapping | None:
        mapping = self.mappings.get((system_code, gsku))
        return mapping.model_copy() if mapping else None

    def list_sku_mappings(self, system_code: str, status: SkuSyncStatus | None = None) -> list[SkuMapping]:
        return [
            mapping.model_copy()
            for (code, _gsku), mapping in sorted(self.mappings.items())
            if code == system_code and (status is None or mapping.status is status)
        ]
