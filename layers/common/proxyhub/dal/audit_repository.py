"""The audit trail in the audit table, kept 400 days (TTL on `expires_at`).

Key design (every sort key `<recorded_at>#<event id>`, so each index reads newest first):
- event:           pk=EVENT#<event id>        sk=EVENT
- gsi1 by actor    gsi1pk=ACTOR#<email, or the subject without one>
- gsi2 by target   gsi2pk=TARGET#<target>, e.g. "TARGET#task 7f3c..."
- gsi3 by UTC day  gsi3pk=DAY#<yyyy-mm-dd>
"""

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from proxyhub.clock import Clock, from_iso, to_iso
from proxyhub.dal.paging import IndexQuery, read_page
from proxyhub.dal.tables import bound_to
from proxyhub.errors import InvalidInputError
from proxyhub.models.audit import AuditEvent, AuditSearch, Caller, Door, Role
from proxyhub.models.pages import Page

EVENT_SK = "EVENT"
RETENTION = timedelta(days=400)
DEFAULT_WINDOW = timedelta(days=7)
MAX_UNFILTERED_DAYS = 31
# Sorts after any event id, so "<recorded_to>#~" bounds a time range inclusively.
AFTER_ANY_ID = "~"
_ROLE_NAMES = frozenset(role.value for role in Role)


class _ByActor(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _ByTarget(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _ByDay(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


@bound_to("audit_table_name")
class AuditItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()
    gsi3pk = UnicodeAttribute()
    gsi3sk = UnicodeAttribute()
    by_actor = _ByActor()
    by_target = _ByTarget()
    by_day = _ByDay()

    event_id = UnicodeAttribute()
    recorded_at = UnicodeAttribute()
    door = UnicodeAttribute()
    subject = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    roles = UnicodeAttribute()
    action = UnicodeAttribute()
    method = UnicodeAttribute()
    path = UnicodeAttribute()
    target = UnicodeAttribute()
    request_id = UnicodeAttribute(null=True)
    status = NumberAttribute()
    expires_at = TTLAttribute()


class DynamoAuditLog:
    """The `AuditLog` port on the audit table."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def record(self, event: AuditEvent) -> None:
        sort_key = f"{to_iso(event.recorded_at)}#{event.event_id}"
        caller = event.caller
        AuditItem(
            f"EVENT#{event.event_id}",
            EVENT_SK,
            gsi1pk=f"ACTOR#{caller.name}",
            gsi1sk=sort_key,
            gsi2pk=f"TARGET#{event.target}",
            gsi2sk=sort_key,
            gsi3pk=_day_pk(event.recorded_at),
            gsi3sk=sort_key,
            event_id=event.event_id,
            recorded_at=to_iso(event.recorded_at),
            door=caller.door,
            subject=caller.subject,
            email=caller.email,
            roles=",".join(sorted(role.value for role in caller.roles)),
            action=event.action,
            method=event.method,
            path=event.path,
            target=event.target,
            request_id=event.request_id,
            status=event.status,
            expires_at=event.recorded_at + RETENTION,
        ).save()

    def search(self, search: AuditSearch, limit: int, cursor: str | None) -> Page[AuditEvent]:
        raw_items, next_cursor = read_page(self._query(search), limit, cursor)
        return Page([_to_event(AuditItem.from_raw_data(raw)) for raw in raw_items], next_cursor)

    def _query(self, search: AuditSearch) -> IndexQuery:
        index: GlobalSecondaryIndex[Any]
        if search.actor:
            index, name, partitions = AuditItem.by_actor, "gsi1", [f"ACTOR#{search.actor}"]
        elif search.target:
            index, name, partitions = AuditItem.by_target, "gsi2", [f"TARGET#{search.target}"]
        else:
            search, partitions = self._by_day(search)
            index, name = AuditItem.by_day, "gsi3"
        return IndexQuery(
            index=index,
            key_names=("pk", "sk", f"{name}pk", f"{name}sk"),
            hash_name=f"{name}pk",
            partitions=partitions,
            range_condition=_time_range(getattr(AuditItem, f"{name}sk"), search),
            filter_condition=AuditItem.target == search.target if search.actor and search.target else None,
        )

    def _by_day(self, search: AuditSearch) -> tuple[AuditSearch, list[str]]:
        """Without an actor or a target, one partition per day, newest first, within a bounded range."""
        recorded_to = search.recorded_to or self._clock.now()
        recorded_from = search.recorded_from or recorded_to - DEFAULT_WINDOW
        days = (recorded_to.date() - recorded_from.date()).days + 1
        if days < 1 or days > MAX_UNFILTERED_DAYS:
            raise InvalidInputError(
                f"Without an actor or a target the time range must span 1 to {MAX_UNFILTERED_DAYS} days",
                field="from",
            )
        partitions = [_day_pk(recorded_to - timedelta(days=offset)) for offset in range(days)]
        return replace(search, recorded_from=recorded_from, recorded_to=recorded_to), partitions


def _day_pk(moment: datetime) -> str:
    return f"DAY#{to_iso(moment)[:10]}"


def _time_range(sort_key: UnicodeAttribute, search: AuditSearch) -> Condition | None:
    lower = to_iso(search.recorded_from) if search.recorded_from else None
    upper = f"{to_iso(search.recorded_to)}#{AFTER_ANY_ID}" if search.recorded_to else None
    if lower and upper:
        return sort_key.between(lower, upper)
    if lower:
        return sort_key >= lower
    if upper:
        return sort_key <= upper
    return None


def _to_event(item: AuditItem) -> AuditEvent:
    door: Door = "gwms" if item.door == "gwms" else "operator"
    roles = frozenset(Role(role) for role in item.roles.split(",") if role in _ROLE_NAMES)
    return AuditEvent(
        event_id=item.event_id,
        recorded_at=from_iso(item.recorded_at),
        caller=Caller(door=door, subject=item.subject, email=item.email, roles=roles),
        action=item.action,
        method=item.method,
        path=item.path,
        target=item.target,
        request_id=item.request_id,
        status=int(item.status),
    )
