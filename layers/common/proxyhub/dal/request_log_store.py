"""Request-log records (every HTTP exchange with a vendor) in the request logs table, with a TTL.

Key design (`pk`/`sk`, sparse GSIs keyed `gsi{n}pk`/`gsi{n}sk`, every sort key `<recorded_at>#<log_id>`):
- record:            pk=TASK#<task_id> (or LOG#<log_id> outside a task)   sk=<recorded_at>#<log_id>
- gsi1 by order no   gsi1pk=ORDER#<order_no>
- gsi2 by warehouse  gsi2pk=WAREHOUSE#<warehouse_code>
- gsi3 by system     gsi3pk=SYSTEM#<system_code>
- gsi4 by UTC day    gsi4pk=DAY#<yyyy-mm-dd>

The GSIs project only the keys and the filter fields: bodies (up to the body limit each) are stored
once, and a Logs page fetches the bodies of its rows with one BatchGet.
"""

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from proxyhub.clock import Clock, from_iso, to_iso
from proxyhub.dal.paging import IndexQuery, read_page
from proxyhub.dal.tables import bound_to
from proxyhub.errors import InvalidInputError
from proxyhub.request_log import RequestLogRecord, redact_headers
from proxyhub.settings import Settings
from proxyhub.tasks.ports import LogSearch, Page, StoredRequestLog

FILTER_FIELDS = ["system_code", "warehouse_code", "order_no"]
# Sorts after any log id, so "<recorded_to>#~" bounds a time range inclusively.
AFTER_ANY_ID = "~"
DEFAULT_WINDOW = timedelta(hours=24)
MAX_UNFILTERED_DAYS = 31
# Room for render_body's "[truncated N chars]" marker on top of the configured limit.
TRUNCATION_MARKER_ROOM = 64


class OrderIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi1"
        projection = IncludeProjection(FILTER_FIELDS)

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class WarehouseIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi2"
        projection = IncludeProjection(FILTER_FIELDS)

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class SystemIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi3"
        projection = IncludeProjection(FILTER_FIELDS)

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class DayIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi4"
        projection = IncludeProjection(FILTER_FIELDS)

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


@bound_to("request_logs_table_name")
class RequestLogItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute()
    gsi4sk = UnicodeAttribute()
    by_order = OrderIndex()
    by_warehouse = WarehouseIndex()
    by_system = SystemIndex()
    by_day = DayIndex()

    log_id = UnicodeAttribute()
    recorded_at = UnicodeAttribute()
    api_name = UnicodeAttribute()
    method = UnicodeAttribute()
    url = UnicodeAttribute()
    request_headers = JSONAttribute(null=True)
    request_body = UnicodeAttribute(null=True)
    response_status = NumberAttribute(null=True)
    response_body = UnicodeAttribute(null=True)
    duration_ms = NumberAttribute()
    request_id = UnicodeAttribute(null=True)
    system_code = UnicodeAttribute(null=True)
    warehouse_code = UnicodeAttribute(null=True)
    task_id = UnicodeAttribute(null=True)
    order_no = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class DynamoRequestLogStore:
    """The `RequestLogSink` and `RequestLogReader` ports on DynamoDB."""

    def __init__(
        self, settings: Settings, clock: Clock, new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    ):
        self._ttl = timedelta(days=settings.request_log_ttl_days)
        self._body_limit = settings.request_log_body_limit + TRUNCATION_MARKER_ROOM
        self._clock = clock
        self._new_id = new_id

    def record(self, entry: RequestLogRecord) -> None:
        self.item_for(entry).save()

    def item_for(self, entry: RequestLogRecord) -> "RequestLogItem":
        """The item a record is stored as, for a caller that writes it in a transaction of its own
        (a task run's last records, with its result)."""
        now = entry.recorded_at or self._clock.now()
        log_id = entry.log_id or self._new_id()
        sort_key = f"{to_iso(now)}#{log_id}"

        def index_key(prefix: str, value: str | None) -> str | None:
            return f"{prefix}#{value}" if value else None

        return RequestLogItem(
            f"TASK#{entry.task_id}" if entry.task_id else f"LOG#{log_id}",
            sort_key,
            gsi1pk=index_key("ORDER", entry.order_no),
            gsi1sk=sort_key if entry.order_no else None,
            gsi2pk=index_key("WAREHOUSE", entry.warehouse_code),
            gsi2sk=sort_key if entry.warehouse_code else None,
            gsi3pk=index_key("SYSTEM", entry.system_code),
            gsi3sk=sort_key if entry.system_code else None,
            gsi4pk=_day_pk(now),
            gsi4sk=sort_key,
            log_id=log_id,
            recorded_at=to_iso(now),
            api_name=entry.api_name,
            method=entry.method,
            url=entry.url,
            # Adapters redact and cap already; repeating it here keeps a careless caller from storing
            # a secret header or an item beyond DynamoDB's size limit.
            request_headers=redact_headers(entry.request_headers),
            request_body=entry.request_body[: self._body_limit],
            response_status=entry.response_status,
            response_body=entry.response_body[: self._body_limit],
            duration_ms=entry.duration_ms,
            request_id=entry.request_id,
            system_code=entry.system_code,
            warehouse_code=entry.warehouse_code,
            task_id=entry.task_id,
            order_no=entry.order_no,
            error=entry.error,
            expires_at=now + self._ttl,
        )

    def for_task(self, task_id: str, limit: int, cursor: str | None = None) -> Page[StoredRequestLog]:
        query = IndexQuery(
            index=RequestLogItem, key_names=("pk", "sk"), hash_name="pk", partitions=(f"TASK#{task_id}",)
        )
        raw_items, next_cursor = read_page(query, limit, cursor)
        return Page([_to_log(RequestLogItem.from_raw_data(raw)) for raw in raw_items], next_cursor)

    def search(self, search: LogSearch, limit: int, cursor: str | None) -> Page[StoredRequestLog]:
        raw_items, next_cursor = read_page(self._search_query(search), limit, cursor)
        keys = [(raw["pk"]["S"], raw["sk"]["S"]) for raw in raw_items]
        found = {(item.pk, item.sk): item for item in RequestLogItem.batch_get(keys)}
        # BatchGet answers in any order, and a record may have expired in between.
        return Page([_to_log(found[key]) for key in keys if key in found], next_cursor)

    def _search_query(self, search: LogSearch) -> IndexQuery:
        index: GlobalSecondaryIndex[Any]
        if search.order_no:
            index, name, partitions = RequestLogItem.by_order, "gsi1", [f"ORDER#{search.order_no}"]
        elif search.warehouse_code:
            index, name, partitions = (
                RequestLogItem.by_warehouse,
                "gsi2",
                [f"WAREHOUSE#{search.warehouse_code}"],
            )
        elif search.system_code:
            index, name, partitions = RequestLogItem.by_system, "gsi3", [f"SYSTEM#{search.system_code}"]
        else:
            search, partitions = self._by_day(search)
            index, name = RequestLogItem.by_day, "gsi4"
        return IndexQuery(
            index=index,
            key_names=("pk", "sk", f"{name}pk", f"{name}sk"),
            hash_name=f"{name}pk",
            partitions=partitions,
            range_condition=_time_range(getattr(RequestLogItem, f"{name}sk"), search),
            filter_condition=_field_filter(search, skip=name),
        )

    def _by_day(self, search: LogSearch) -> tuple[LogSearch, list[str]]:
        """An unfiltered search reads one partition per day, newest first, so its range is bounded."""
        recorded_to = search.recorded_to or self._clock.now()
        recorded_from = search.recorded_from or recorded_to - DEFAULT_WINDOW
        days = (recorded_to.date() - recorded_from.date()).days + 1
        if days < 1 or days > MAX_UNFILTERED_DAYS:
            raise InvalidInputError(
                f"Without a system, warehouse or order no filter the time range must span 1 to "
                f"{MAX_UNFILTERED_DAYS} days",
                field="recorded_from",
            )
        partitions = [_day_pk(recorded_to - timedelta(days=offset)) for offset in range(days)]
        return replace(search, recorded_from=recorded_from, recorded_to=recorded_to), partitions


def _day_pk(moment: datetime) -> str:
    return f"DAY#{to_iso(moment)[:10]}"


def _time_range(sort_key: UnicodeAttribute, search: LogSearch) -> Condition | None:
    lower = to_iso(search.recorded_from) if search.recorded_from else None
    upper = f"{to_iso(search.recorded_to)}#{AFTER_ANY_ID}" if search.recorded_to else None
    if lower and upper:
        return sort_key.between(lower, upper)
    if lower:
        return sort_key >= lower
    if upper:
        return sort_key <= upper
    return None


def _field_filter(search: LogSearch, skip: str) -> Condition | None:
    """The filters the chosen index does not answer by its key."""
    conditions: list[Condition] = []
    if search.warehouse_code and skip != "gsi2":
        conditions.append(RequestLogItem.warehouse_code == search.warehouse_code)
    if search.system_code and skip != "gsi3":
        conditions.append(RequestLogItem.system_code == search.system_code)
    combined: Condition | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def _to_log(item: RequestLogItem) -> StoredRequestLog:
    return StoredRequestLog(
        log_id=item.log_id,
        recorded_at=from_iso(item.recorded_at),
        api_name=item.api_name,
        method=item.method,
        url=item.url,
        request_headers=dict(item.request_headers or {}),
        request_body=item.request_body or "",
        response_status=int(item.response_status) if item.response_status is not None else None,
        response_body=item.response_body or "",
        duration_ms=int(item.duration_ms),
        request_id=item.request_id,
        system_code=item.system_code,
        warehouse_code=item.warehouse_code,
        task_id=item.task_id,
        order_no=item.order_no,
        error=item.error,
    )
