"""Orders in the orders table, stored as one JSON document with the attributes queries need.

- order: pk=ORDER#<kind>#<order no>  sk=ORDER

Every update is conditional on the `version` read, so two runs cannot overwrite each other.
"""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from proxyhub.clock import to_iso
from proxyhub.dal.tables import bound_to, is_condition_failure
from proxyhub.errors import ConcurrentUpdateError
from proxyhub.models.orders import Order, OrderKind, StoredOrder

ORDER_SK = "ORDER"


@bound_to("orders_table_name")
class OrderItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute()
    version = NumberAttribute()
    fingerprint = UnicodeAttribute()
    document = UnicodeAttribute()
    updated_at = UnicodeAttribute()


def _pk(kind: OrderKind, order_no: str) -> str:
    return f"ORDER#{kind.value}#{order_no}"


def _from_item(item: OrderItem) -> StoredOrder:
    return StoredOrder(Order.model_validate_json(item.document), int(item.version), item.fingerprint)


def _item(order: Order, version: int, fingerprint: str) -> OrderItem:
    return OrderItem(
        _pk(order.kind, order.order_no),
        ORDER_SK,
        status=order.status.value,
        version=version,
        fingerprint=fingerprint,
        document=order.model_dump_json(),
        updated_at=to_iso(order.updated_at),
    )


def stale_order(order_no: str) -> ConcurrentUpdateError:
    return ConcurrentUpdateError(f"Order {order_no} changed meanwhile")


def order_update(stored: StoredOrder, order: Order) -> tuple[OrderItem, list[Action], Condition]:
    """The same replacement as `DynamoOrderStore.save`, as one update of a larger transaction."""
    item = OrderItem(_pk(order.kind, order.order_no), ORDER_SK)
    actions: list[Action] = [
        OrderItem.status.set(order.status.value),
        OrderItem.version.set(stored.version + 1),
        OrderItem.document.set(order.model_dump_json()),
        OrderItem.updated_at.set(to_iso(order.updated_at)),
    ]
    return item, actions, OrderItem.version == stored.version


class DynamoOrderStore:
    """The `OrderStore` port on the orders table."""

    def find(self, kind: OrderKind, order_no: str) -> StoredOrder | None:
        try:
            return _from_item(OrderItem.get(_pk(kind, order_no), ORDER_SK, consistent_read=True))
        except OrderItem.DoesNotExist:
            return None

    def insert(self, order: Order, fingerprint: str) -> StoredOrder | None:
        try:
            _item(order, version=1, fingerprint=fingerprint).save(condition=OrderItem.pk.does_not_exist())
        except PutError as error:
            if is_condition_failure(error):
                return None
            raise
        return StoredOrder(order, 1, fingerprint)

    def save(self, stored: StoredOrder, order: Order, fingerprint: str | None = None) -> StoredOrder:
        kept = fingerprint or stored.fingerprint
        try:
            _item(order, stored.version + 1, kept).save(condition=OrderItem.version == stored.version)
        except PutError as error:
            if is_condition_failure(error):
                raise stale_order(order.order_no) from error
            raise
        return StoredOrder(order, stored.version + 1, kept)

    def delete(self, kind: OrderKind, order_no: str) -> None:
        OrderItem(_pk(kind, order_no), ORDER_SK).delete()
