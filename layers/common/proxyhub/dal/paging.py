"""Cursor pagination over GSI partitions with a bound on the reads one request may cost.

A filter expression is applied after DynamoDB has read the items, so a selective filter could read a
whole partition to fill one page. Reads stop after `max_reads` DynamoDB pages: the caller gets fewer
items and a cursor to continue. Without a filter, DynamoDB is asked for exactly the page (`Limit`):
every item read is kept, and a page is one request. A query may span several partitions (e.g. one per day), read in
the given order; the cursor names the partition it resumes in.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from proxyhub.errors import InvalidInputError

type RawItem = dict[str, Any]

ITEMS_PER_READ = 100
DEFAULT_MAX_READS = 10


@dataclass(frozen=True)
class IndexQuery:
    # A GSI, or the table itself (a model class) for a query on the table's own keys.
    index: GlobalSecondaryIndex[Any] | type[Model]
    # Key of an item in this index: the table's keys plus the index's own.
    key_names: tuple[str, ...]
    hash_name: str
    partitions: Sequence[str]
    range_condition: Condition | None = None
    filter_condition: Condition | None = None
    newest_first: bool = True


def read_page(
    query: IndexQuery, limit: int, cursor: str | None, max_reads: int = DEFAULT_MAX_READS
) -> tuple[list[RawItem], str | None]:
    """Up to `limit` raw items and the cursor of the next page (None when there is none)."""
    position, start_key = _decode(cursor, query) if cursor else (0, None)
    items: list[RawItem] = []
    reads = 0
    for index in range(position, len(query.partitions)):
        partition = query.partitions[index]
        pages = query.index.query(
            partition,
            range_key_condition=query.range_condition,
            filter_condition=query.filter_condition,
            scan_index_forward=not query.newest_first,
            last_evaluated_key=start_key,
            page_size=_read_size(query, limit - len(items)),
        ).page_iter
        start_key = None
        for page in pages:
            reads += 1
            for raw in page.get("Items", []):
                items.append(raw)
                if len(items) == limit:
                    return items, _encode(partition, _key_of(raw, query.key_names))
            last_key = page.get("LastEvaluatedKey")
            if last_key is not None and reads >= max_reads:
                return items, _encode(partition, last_key)
    return items, None


def _read_size(query: IndexQuery, wanted: int) -> int:
    """What to ask DynamoDB for: the items still wanted, or (a filter dropping some of what is read)
    at least a full read."""
    return wanted if query.filter_condition is None else max(wanted, ITEMS_PER_READ)


def _key_of(raw: RawItem, key_names: tuple[str, ...]) -> RawItem:
    return {name: raw[name] for name in key_names}


def _encode(partition: str, key: RawItem) -> str:
    return base64.urlsafe_b64encode(json.dumps({"p": partition, "k": key}).encode()).decode()


def _decode(cursor: str, query: IndexQuery) -> tuple[int, RawItem]:
    """Refuses any cursor this query did not hand out, rather than letting DynamoDB fail on it."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        partition, key = decoded["p"], decoded["k"]
        position = list(query.partitions).index(partition)
        valid = set(key) == set(query.key_names) and key[query.hash_name] == {"S": partition}
        valid = valid and all(set(value) == {"S"} and isinstance(value["S"], str) for value in key.values())
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
        raise InvalidInputError("Invalid cursor: it does not belong to this query", field="cursor") from error
    if not valid:
        raise InvalidInputError("Invalid cursor: it does not belong to this query", field="cursor")
    return position, key
