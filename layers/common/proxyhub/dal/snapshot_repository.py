"""What an inventory sync keeps in the inventory table, next to the ledger.

- snapshot page: pk=SNAPSHOT#<task id>      sk=PAGE#<page no, 6 digits>   one proxy page, zlib JSON, with the
                 corrections it caused and the progress after it; TTL
- absent block:  pk=SNAPSHOT#<task id>      sk=ABSENT#<block no>           our batches the listing lacked, zeroed:
                 the corrections and the progress after them; TTL
- progress:      pk=SNAPSHOT#<task id>      sk=PROGRESS                    a phase change; TTL
- active sync:   pk=INVENTORY_SYNC#<gwms>   sk=ACTIVE                      the one sync a warehouse may run

A page (or block) and the stock corrections it causes are one transaction, the page's conditional put
being the marker that they were applied: a retried run finds it and corrects nothing twice, and the
sync writes no item besides the corrected batches but one per page (`load_progress` takes the furthest
of the progress saved with the last page, the last block and the last phase change).

A 200,000-batch warehouse is 400 snapshot items rather than 200,000: lines are stored per page of the
proxy's listing, compactly encoded, so writing and expiring a snapshot stays cheap.
"""

import base64
import binascii
import contextlib
import json
import zlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from pynamodb.attributes import BinaryAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.models import Model

from proxyhub.clock import from_iso, to_iso
from proxyhub.dal.ledger_repository import (
    correction_update,
    decode_corrections,
    effect_marker,
    encode_corrections,
)
from proxyhub.dal.tables import bound_to, is_condition_failure, transact_write
from proxyhub.errors import InvalidInputError
from proxyhub.inventory.ports import LedgerChangedError
from proxyhub.models.inventory import Correction, SnapshotEntry, SnapshotLine, SnapshotScope

PAGE_PREFIX = "PAGE#"
LAST_PAGE_SK = f"{PAGE_PREFIX}999999"
PROGRESS_SK = "PROGRESS"
ABSENT_PREFIX = "ABSENT#"
LAST_ABSENT_SK = f"{ABSENT_PREFIX}999999"
# One transaction holds 100 items: the page (or a chunk's marker) and 99 corrected batches.
CORRECTIONS_PER_TRANSACTION = 99
ACTIVE_SK = "ACTIVE"
# A listing page is small (tens of kB compressed): reading two at a time serves an API page cheaply.
PAGES_PER_READ = 2


@bound_to("inventory_table_name")
class SnapshotPageItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    page_no = NumberAttribute()
    snapshot_at = UnicodeAttribute()
    gwms_warehouse_code = UnicodeAttribute()
    proxy_warehouse_code = UnicodeAttribute()
    line_count = NumberAttribute()
    lines = BinaryAttribute(legacy_encoding=False)
    # The corrections this page caused (zlib JSON) and the pass's progress once it was taken.
    corrections = BinaryAttribute(legacy_encoding=False, null=True)
    progress = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


@bound_to("inventory_table_name")
class AbsentBlockItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gwms_warehouse_code = UnicodeAttribute()
    corrections = BinaryAttribute(legacy_encoding=False, null=True)
    progress = UnicodeAttribute()
    expires_at = TTLAttribute()


@bound_to("inventory_table_name")
class SyncProgressItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    progress = UnicodeAttribute()
    expires_at = TTLAttribute()


@bound_to("inventory_table_name")
class ActiveSyncItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    task_id = UnicodeAttribute()
    claimed_at = UnicodeAttribute()


def _snapshot_pk(task_id: str) -> str:
    return f"SNAPSHOT#{task_id}"


def _page_sk(page_no: int) -> str:
    return f"{PAGE_PREFIX}{page_no:06d}"


def _absent_sk(block_no: int) -> str:
    return f"{ABSENT_PREFIX}{block_no:06d}"


# ---------------------------------------------------------------- snapshot lines


def _pages_from(task_id: str, page_no: int) -> Iterator[SnapshotPageItem]:
    """Lazily, a few pages per request: an API page needs only a page or two of the listing."""
    return iter(
        SnapshotPageItem.query(
            _snapshot_pk(task_id),
            SnapshotPageItem.sk.between(_page_sk(page_no), LAST_PAGE_SK),
            page_size=PAGES_PER_READ,
        )
    )


def _entry(item: SnapshotPageItem, line: SnapshotLine) -> SnapshotEntry:
    return SnapshotEntry(
        line=line,
        snapshot_at=from_iso(item.snapshot_at),
        gwms_warehouse_code=item.gwms_warehouse_code,
        proxy_warehouse_code=item.proxy_warehouse_code,
    )


def _encode_lines(lines: Sequence[SnapshotLine]) -> bytes:
    rows = [
        [
            line.proxy_sku,
            line.gsku,
            line.local_sku,
            line.inventory_type,
            line.proxy_inbound_no,
            line.local_inbound_no,
            to_iso(line.inbound_at),
            line.available,
            line.locked,
        ]
        for line in lines
    ]
    return zlib.compress(json.dumps(rows, separators=(",", ":")).encode())


def _decode_lines(blob: bytes) -> list[SnapshotLine]:
    return [
        SnapshotLine(
            proxy_sku=proxy_sku,
            gsku=gsku,
            local_sku=local_sku,
            inventory_type="defective" if inventory_type == "defective" else "qualified",
            proxy_inbound_no=proxy_inbound_no,
            local_inbound_no=local_inbound_no,
            inbound_at=from_iso(inbound_at),
            available=available,
            locked=locked,
        )
        for (
            proxy_sku,
            gsku,
            local_sku,
            inventory_type,
            proxy_inbound_no,
            local_inbound_no,
            inbound_at,
            available,
            locked,
        ) in json.loads(zlib.decompress(blob))
    ]


def _encode_cursor(page_no: int, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"p": page_no, "o": offset}).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        page_no, offset = decoded["p"], decoded["o"]
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise InvalidInputError("Invalid cursor", field="cursor") from error
    valid = all(type(value) is int for value in (page_no, offset)) and page_no >= 1 and offset >= 0
    if not valid:
        raise InvalidInputError("Invalid cursor", field="cursor")
    return page_no, offset


# ---------------------------------------------------------------- progress of a run


# ---------------------------------------------------------------- one sync per warehouse


def _active_pk(gwms_warehouse_code: str) -> str:
    return f"INVENTORY_SYNC#{gwms_warehouse_code}"


class DynamoSnapshotStore:
    """Inventory sync's snapshot store on the inventory table: pages, progress and the active sync."""

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
        """The page, its corrections and the progress after it: one conditional put, or (with
        corrections) one transaction; beyond 99 corrections the first ones go in transactions of their
        own, each with a marker, and the page joins the last."""
        page = SnapshotPageItem(
            _snapshot_pk(scope.task_id),
            _page_sk(page_no),
            page_no=page_no,
            snapshot_at=to_iso(scope.snapshot_at),
            gwms_warehouse_code=scope.gwms_warehouse_code,
            proxy_warehouse_code=scope.proxy_warehouse_code,
            line_count=len(lines),
            lines=_encode_lines(lines),
            corrections=encode_corrections(corrections),
            progress=json.dumps(progress),
            expires_at=expires_at,
        )
        return _record_with_corrections(page, SnapshotPageItem, corrections, now, expires_at)

    def record_absent(
        self,
        scope: SnapshotScope,
        block_no: int,
        corrections: Sequence[Correction],
        progress: dict[str, Any],
        expires_at: datetime,
        now: datetime,
    ) -> bool:
        block = AbsentBlockItem(
            _snapshot_pk(scope.task_id),
            _absent_sk(block_no),
            gwms_warehouse_code=scope.gwms_warehouse_code,
            corrections=encode_corrections(corrections),
            progress=json.dumps(progress),
            expires_at=expires_at,
        )
        return _record_with_corrections(block, AbsentBlockItem, corrections, now, expires_at)

    def drop_pages_after(self, task_id: str, last_page: int) -> None:
        """Pages beyond the listing's end, left by an earlier run when the proxy's listing was longer."""
        stale = SnapshotPageItem.query(
            _snapshot_pk(task_id), SnapshotPageItem.sk.between(_page_sk(last_page + 1), LAST_PAGE_SK)
        )
        for item in stale:
            item.delete()

    def iter_lines(self, task_id: str) -> Iterator[SnapshotLine]:
        """Every line of a snapshot, decoding one stored page at a time."""
        items = SnapshotPageItem.query(
            _snapshot_pk(task_id),
            SnapshotPageItem.sk.between(_page_sk(0), LAST_PAGE_SK),
            attributes_to_get=["pk", "sk", "lines"],
        )
        for item in items:
            yield from _decode_lines(item.lines)

    def read_entries(
        self, task_id: str, limit: int, cursor: str | None
    ) -> tuple[list[SnapshotEntry], str | None]:
        """Up to `limit` lines in listing order and the cursor of the next page (None at the end)."""
        page_no, offset = _decode_cursor(cursor) if cursor else (1, 0)
        entries: list[SnapshotEntry] = []
        pages = _pages_from(task_id, page_no)
        for item in pages:
            lines = _decode_lines(item.lines)
            start = offset if int(item.page_no) == page_no else 0
            taken = lines[start : start + limit - len(entries)]
            entries.extend(_entry(item, line) for line in taken)
            if len(entries) == limit:
                end = start + len(taken)
                if end < len(lines):
                    return entries, _encode_cursor(int(item.page_no), end)
                following = next(pages, None)
                return entries, _encode_cursor(int(following.page_no), 0) if following else None
        return entries, None

    def load_progress(self, task_id: str) -> dict[str, Any] | None:
        """The furthest of the progress saved with the last page, the last absent block and the last
        phase change (three reads, at the start of a run)."""
        pk = _snapshot_pk(task_id)
        saved: list[str] = []
        with contextlib.suppress(SyncProgressItem.DoesNotExist):
            saved.append(SyncProgressItem.get(pk, PROGRESS_SK, consistent_read=True).progress)
        for model, condition in (
            (SnapshotPageItem, SnapshotPageItem.sk.between(_page_sk(0), LAST_PAGE_SK)),
            (AbsentBlockItem, AbsentBlockItem.sk.between(_absent_sk(0), LAST_ABSENT_SK)),
        ):
            for item in model.query(
                pk,
                condition,
                scan_index_forward=False,
                limit=1,
                consistent_read=True,
                attributes_to_get=["pk", "sk", "progress"],
            ):
                if item.progress:
                    saved.append(item.progress)
        if not saved:
            return None
        furthest: dict[str, Any] = max((json.loads(text) for text in saved), key=lambda p: p.get("step", 0))
        return furthest

    def save_progress(self, task_id: str, progress: dict[str, Any], expires_at: datetime) -> None:
        SyncProgressItem(
            _snapshot_pk(task_id), PROGRESS_SK, progress=json.dumps(progress), expires_at=expires_at
        ).save()

    def find_active_sync(self, gwms_warehouse_code: str) -> str | None:
        """The task id that last claimed the warehouse; it may have finished since."""
        try:
            return ActiveSyncItem.get(
                _active_pk(gwms_warehouse_code), ACTIVE_SK, consistent_read=True
            ).task_id
        except ActiveSyncItem.DoesNotExist:
            return None

    def claim_active_sync(
        self, gwms_warehouse_code: str, task_id: str, expected: str | None, now: datetime
    ) -> bool:
        """Names `task_id` the warehouse's sync if the holder is still `expected` (or already this task)."""
        holder_unchanged = (
            ActiveSyncItem.pk.does_not_exist() if expected is None else ActiveSyncItem.task_id == expected
        )
        item = ActiveSyncItem(
            _active_pk(gwms_warehouse_code), ACTIVE_SK, task_id=task_id, claimed_at=to_iso(now)
        )
        try:
            item.save(condition=holder_unchanged | (ActiveSyncItem.task_id == task_id))
        except PutError as error:
            if is_condition_failure(error):
                return False
            raise
        return True


# ---------------------------------------------------------------- corrections with their page


def _record_with_corrections(
    record: Model, model: type[Model], corrections: Sequence[Correction], now: datetime, expires_at: datetime
) -> bool:
    """Writes `record` (a page or an absent block) if it is not there yet, with the stock corrections
    it holds; False when it was there (nothing is written then)."""
    size = CORRECTIONS_PER_TRANSACTION
    chunks = [corrections[start : start + size] for start in range(0, len(corrections), size)]
    if not chunks:
        try:
            record.save(condition=model.pk.does_not_exist())  # type: ignore[attr-defined]
        except PutError as error:
            if is_condition_failure(error):
                return False
            raise
        return True
    stamp = to_iso(now)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        # The first chunks of a large page carry a marker each; the last carries the page itself.
        marker = record if last else effect_marker(f"{record.pk}#{record.sk}#{index:02d}", stamp, expires_at)  # type: ignore[attr-defined]
        try:
            with transact_write() as transaction:
                transaction.save(marker, condition=type(marker).pk.does_not_exist())  # type: ignore[attr-defined]
                for correction in chunk:
                    correction_update(transaction, correction, stamp)
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            codes = [reason.code if reason is not None else None for reason in reasons]
            if codes and codes[0] == "ConditionalCheckFailed":
                # Applied before: a page recorded already, or one of its first chunks.
                if last:
                    return False
                continue
            if "ConditionalCheckFailed" in codes:
                raise LedgerChangedError(f"{record.pk}#{record.sk}") from error  # type: ignore[attr-defined]
            raise
    return True


def is_recorded_block(block_id: str) -> bool:
    """Whether a block id names a page or an absent block (rather than an older adjustment record)."""
    return block_id.startswith((PAGE_PREFIX, ABSENT_PREFIX))


def corrections_recorded(task_id: str, start: str | None = None) -> Iterator[tuple[str, list[Correction]]]:
    """(block id, its corrections) of a sync task's pages, then its absent blocks, from `start` on;
    only the corrections are read, not the pages' lines."""
    pk = _snapshot_pk(task_id)
    wanted = ["pk", "sk", "gwms_warehouse_code", "corrections"]
    sources: list[tuple[type[Model], Any]] = []
    if start is None or start.startswith(PAGE_PREFIX):
        sources.append((SnapshotPageItem, SnapshotPageItem.sk.between(start or _page_sk(0), LAST_PAGE_SK)))
        start = None
    sources.append(
        (
            AbsentBlockItem,
            AbsentBlockItem.sk.between(start or _absent_sk(0), LAST_ABSENT_SK),
        )
    )
    for model, condition in sources:
        for item in model.query(pk, condition, attributes_to_get=wanted):
            if item.corrections:  # type: ignore[attr-defined]
                yield item.sk, decode_corrections(item.corrections, item.gwms_warehouse_code)  # type: ignore[attr-defined]
