"""moto's DynamoDB, trimmed where it would measure itself rather than our code: one shared place for
the local stack, the benchmarks and the tests (`apply_moto_trims()`, idempotent).

What moto 5.2 does and DynamoDB does not (measured: `../shared/docs/local-aws-notes.md`, and
`docs/local-aws-notes.md` here):

- **A transaction deep-copies every table it touches, once per item**, as its rollback backup: a
  3-item transaction costs 32 / 156 / 409 ms on a table of 100 / 400 / 1,000 items. Trimmed: the
  backup holds the touched items only; all-or-nothing is kept (a failed transaction restores them).
- **Every item object moto creates is kept** (`instances_tracked`), the copies that answer each read
  included: memory that grows with every request until a reset. Trimmed: nothing is tracked.
- **A query collects and sorts the whole table** before it looks at the partition asked for, then
  walks it from the start to find where the previous page ended. Trimmed: a table query reads its
  partition in key order (sorted once until the partition changes), from just after the start key
  and no longer than the page can be; an index query skips the table-wide sort (its matches are
  sorted by the index's keys anyway).
- **Nothing guards its dictionaries against concurrent requests**: under parallel load moto answers
  some requests with an internal error ("dictionary changed size during iteration"), which botocore
  retries out of sight. Trimmed: DynamoDB requests are served one at a time (they hold the GIL
  anyway), and any internal error left is counted (`internal_errors()`) and logged.

Semantics are moto's own in every other respect; none of this runs in the Lambda layer.
"""

import bisect
import contextvars
import copy
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from moto.dynamodb import models as moto_dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.dynamo_type import Item as MotoItem
from moto.dynamodb.models.table import Table as MotoTable
from moto.dynamodb.responses import DynamoHandler

log = logging.getLogger(__name__)

_applied = False
_apply_guard = threading.Lock()
# One DynamoDB request at a time: moto's tables are plain dicts, iterated and changed by requests.
_dynamodb_requests = threading.RLock()
_errors_guard = threading.Lock()
_internal_errors: list[str] = []
# The partition a query is being answered for, so `all_items` can start from it.
_query_partition: contextvars.ContextVar["_QueryHint | None"] = contextvars.ContextVar(
    "moto_query_partition", default=None
)


def apply_moto_trims() -> None:
    """Patches moto's DynamoDB in this process (moto server threads included); safe to call again.

    `MOTO_TRIMS=off` leaves moto as it is but for the count of its internal errors: the benchmarks'
    way to measure what the trims change."""
    global _applied  # noqa: PLW0603 - patches are per process, applied once
    with _apply_guard:
        if _applied:
            return
        trimmed = os.environ.get("MOTO_TRIMS", "on") != "off"
        if trimmed:
            _stop_tracking_item_copies()
            _back_up_touched_items_only()
            _query_from_the_partition()
        _count_internal_errors(one_at_a_time=trimmed)
        _applied = True


def internal_errors() -> list[str]:
    """moto's internal errors (a 500 to the client) since the process started, newest last."""
    with _errors_guard:
        return list(_internal_errors)


# ---------------------------------------------------------------- item copies


class _NotTracked:
    def append(self, _instance: object) -> None:
        pass

    def __iter__(self) -> Any:
        return iter(())

    def clear(self) -> None:
        pass


def _stop_tracking_item_copies() -> None:
    MotoItem.instances_tracked = _NotTracked()  # type: ignore[attr-defined]


# ---------------------------------------------------------------- transactions


class _CopyAllButTables(ModuleType):
    """Stands in for moto's `copy` module during a transaction: deep copies anything but whole tables."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, MotoTable) else copy.deepcopy(value, memo)


_COPY_ALL_BUT_TABLES = _CopyAllButTables("copy")


def _back_up_touched_items_only() -> None:
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        backups = [_backup_of(self, item) for item in transact_items]
        moto_dynamodb_models.copy = _COPY_ALL_BUT_TABLES
        try:
            original(self, transact_items)
        except Exception:
            for backup in reversed(backups):
                if backup is not None:
                    _restore(*backup)
            raise
        finally:
            moto_dynamodb_models.copy = copy

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _backup_of(
    backend: DynamoDBBackend, transact_item: dict[str, Any]
) -> tuple[MotoTable, Any, Any, Any] | None:
    try:
        operation = next(iter(transact_item.values()))
        table = backend.get_table(operation["TableName"])
        key = operation.get("Key") or {
            name: operation["Item"][name] for name in (table.hash_key_attr, table.range_key_attr) if name
        }
        hash_key, range_key = backend.get_keys_value(table, key)
    except Exception:
        # A malformed item: moto itself refuses the transaction before changing anything.
        return None
    return table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))


def _restore(table: MotoTable, hash_key: Any, range_key: Any, saved: Any) -> None:
    if saved is None:
        if table.get_item(hash_key, range_key) is not None:
            table.delete_item(hash_key, range_key)
        return
    if range_key is not None:
        table.items[hash_key][range_key] = saved
    else:
        table.items[hash_key] = saved
    _partition_changed(table, hash_key)


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class _QueryHint:
    hash_key: DynamoType | None
    on_index: bool
    exclusive_start_key: dict[str, Any] | None
    forward: bool
    # How many items the page can hold at most, when nothing but the limit stops it (no range condition).
    needed: int | None


@dataclass
class _SortedPartition:
    """A partition's range keys in order, kept until the partition changes."""

    partition: dict[Any, MotoItem]
    version: int
    range_keys: list[DynamoType]
    values: list[Any]


_partition_versions: dict[tuple[int, Any], int] = {}
_sorted_partitions: dict[tuple[int, Any], _SortedPartition] = {}
# Beyond this many items a page is over 1 MB anyway (moto stops at its size limit).
_MOST_ITEMS_PER_PAGE = 50_000


def _query_from_the_partition() -> None:
    original_query = MotoTable.query
    original_all_items = MotoTable.all_items
    original_put_item = MotoTable.put_item
    original_delete_item = MotoTable.delete_item

    def query(self: MotoTable, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> Any:
        # moto's positional order: range_comparison, range_objs, limit, exclusive_start_key,
        # scan_index_forward, projection_expressions, index_name, ...
        def argument(position: int, name: str) -> Any:
            return args[position] if len(args) > position else kwargs.get(name)

        limit = argument(2, "limit")
        plain = not argument(0, "range_comparison") and not kwargs.get("range_key_conditions")
        hint = _QueryHint(
            hash_key=hash_key,
            on_index=bool(argument(6, "index_name")),
            exclusive_start_key=argument(3, "exclusive_start_key"),
            forward=argument(4, "scan_index_forward") is not False,
            needed=min(limit or _MOST_ITEMS_PER_PAGE, _MOST_ITEMS_PER_PAGE) + 1 if plain else None,
        )
        token = _query_partition.set(hint)
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            _query_partition.reset(token)

    def all_items(self: MotoTable) -> list[MotoItem]:
        hint = _query_partition.get()
        if hint is None:
            return original_all_items(self)
        if hint.on_index:
            # Every item may be in the index's partition; the caller sorts the matches itself.
            return _items_of(self.items.values(), self.range_key_attr)
        found = self.items.get(hint.hash_key)
        if found is None:
            return []
        if not self.range_key_attr:
            return [found]  # type: ignore[list-item]
        return _page_of(self, hint, found)

    def put_item(self: MotoTable, *args: Any, **kwargs: Any) -> Any:
        item = original_put_item(self, *args, **kwargs)
        _partition_changed(self, item.hash_key)
        return item

    def delete_item(self: MotoTable, hash_key: DynamoType, range_key: DynamoType | None) -> Any:
        try:
            return original_delete_item(self, hash_key, range_key)
        finally:
            _partition_changed(self, hash_key)

    MotoTable.query = query  # type: ignore[method-assign]
    MotoTable.all_items = all_items  # type: ignore[method-assign]
    MotoTable.put_item = put_item  # type: ignore[method-assign]
    MotoTable.delete_item = delete_item  # type: ignore[method-assign]


def _partition_changed(table: MotoTable, hash_key: Any) -> None:
    key = (id(table), hash_key)
    _partition_versions[key] = _partition_versions.get(key, 0) + 1


def _page_of(table: MotoTable, hint: _QueryHint, partition: dict[Any, MotoItem]) -> list[MotoItem]:
    """The partition in range-key order from just after the start key, no longer than the page needs:
    moto then walks (and sorts again) a page's worth of items rather than the whole partition."""
    key = (id(table), hint.hash_key)
    version = _partition_versions.get(key, 0)
    cached = _sorted_partitions.get(key)
    if cached is None or cached.version != version or cached.partition is not partition:
        range_keys = sorted(partition, key=_cast)
        cached = _SortedPartition(partition, version, range_keys, [_cast(k) for k in range_keys])
        _sorted_partitions[key] = cached
    start, stop = 0, len(cached.range_keys)
    start_key = hint.exclusive_start_key
    range_name = table.range_key_attr
    if start_key is not None and range_name and range_name in start_key:
        position = _cast(DynamoType(start_key[range_name]))
        if hint.forward:
            start = bisect.bisect_right(cached.values, position)
        else:
            stop = bisect.bisect_left(cached.values, position)
    if hint.needed is not None:
        if hint.forward:
            stop = min(stop, start + hint.needed)
        else:
            start = max(start, stop - hint.needed)
    return [partition[range_key] for range_key in cached.range_keys[start:stop]]


def _cast(value: DynamoType) -> Any:
    return value.cast_value


def _items_of(partitions: Any, has_range_key: str | None) -> list[MotoItem]:
    if not has_range_key:
        return list(partitions)
    return [item for partition in partitions for item in partition.values()]


# ---------------------------------------------------------------- concurrent requests


def _count_internal_errors(*, one_at_a_time: bool) -> None:
    original: Callable[[DynamoHandler], Any] = DynamoHandler.call_action

    def counted(self: DynamoHandler) -> Any:
        try:
            return original(self)
        except Exception as error:
            _record_internal_error(self, error)
            raise

    def call_action(self: DynamoHandler) -> Any:
        if not one_at_a_time:
            return counted(self)
        with _dynamodb_requests:
            return counted(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


def _record_internal_error(handler: DynamoHandler, error: Exception) -> None:
    try:
        action = handler._get_action()
    except Exception:
        action = "?"
    described = f"{action}: {type(error).__name__}: {error}"
    with _errors_guard:
        _internal_errors.append(described)
    log.warning("moto internal error (the client sees a 500 and retries): %s", described)
