"""What we keep about an order for the platform that pushed it (OneWarehouse), in the orders table.

- upstream order: pk=UPSTREAM#<kind>#<order no>  sk=LINK

Kept apart from the order document on purpose: the order flows update that document under optimistic
versioning, and a label fetched in the middle of a push must not make the push's own save stale.
Every write is a single conditional update, so repeated or concurrent runs agree on one waybill and
one callback task.
"""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.models import Model

from proxyhub.clock import to_iso
from proxyhub.dal.tables import bound_to
from proxyhub.models.orders import OrderKind
from proxyhub.models.upstream import UpstreamOrder, Waybill

LINK_SK = "LINK"


@bound_to("orders_table_name")
class UpstreamOrderItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    source = UnicodeAttribute(null=True)
    environment = UnicodeAttribute(null=True)
    waybill = JSONAttribute(null=True)
    waybill_fetched_at = UnicodeAttribute(null=True)
    callback_task_id = UnicodeAttribute(null=True)
    callback_sent_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def _item(kind: OrderKind, order_no: str) -> UpstreamOrderItem:
    return UpstreamOrderItem(f"UPSTREAM#{kind.value}#{order_no}", LINK_SK)


def _waybill(stored: dict[str, Any] | None) -> Waybill | None:
    return Waybill(**stored) if stored else None


class DynamoUpstreamOrderStore:
    """What we keep per order for the platform that pushed it, on the orders table."""

    def find_upstream_order(self, kind: OrderKind, order_no: str) -> UpstreamOrder | None:
        try:
            item = UpstreamOrderItem.get(f"UPSTREAM#{kind.value}#{order_no}", LINK_SK, consistent_read=True)
        except UpstreamOrderItem.DoesNotExist:
            return None
        return UpstreamOrder(
            source=item.source,
            environment=item.environment,
            waybill=_waybill(item.waybill),
            callback_task_id=item.callback_task_id,
            callback_sent_at=item.callback_sent_at,
        )

    def link_order(
        self, kind: OrderKind, order_no: str, source: str, environment: str, now: datetime
    ) -> None:
        """Records which platform and environment the order came from (its callbacks go there)."""
        _item(kind, order_no).update(
            actions=[
                UpstreamOrderItem.source.set(source),
                UpstreamOrderItem.environment.set(environment),
                UpstreamOrderItem.updated_at.set(to_iso(now)),
            ]
        )

    def save_waybill(self, kind: OrderKind, order_no: str, waybill: Waybill, now: datetime) -> Waybill:
        """Keeps the first waybill fetched; returns the one kept, so every run hands on the same label."""
        item = _item(kind, order_no)
        item.update(
            actions=[
                UpstreamOrderItem.waybill.set(UpstreamOrderItem.waybill | asdict(waybill)),
                UpstreamOrderItem.waybill_fetched_at.set(UpstreamOrderItem.waybill_fetched_at | to_iso(now)),
                UpstreamOrderItem.updated_at.set(to_iso(now)),
            ]
        )
        return _waybill(item.waybill) or waybill

    def claim_callback(self, kind: OrderKind, order_no: str, task_id: str, now: datetime) -> str:
        """Makes `task_id` the order's callback task unless one is already; returns the callback task's id."""
        item = _item(kind, order_no)
        item.update(
            actions=[
                UpstreamOrderItem.callback_task_id.set(UpstreamOrderItem.callback_task_id | task_id),
                UpstreamOrderItem.updated_at.set(to_iso(now)),
            ]
        )
        return str(item.callback_task_id)

    def mark_callback_sent(self, kind: OrderKind, order_no: str, now: datetime) -> None:
        _item(kind, order_no).update(
            actions=[
                UpstreamOrderItem.callback_sent_at.set(to_iso(now)),
                UpstreamOrderItem.updated_at.set(to_iso(now)),
            ]
        )
