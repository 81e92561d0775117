"""Orders in the orders table, stored as one JSON document with the attributes queries need.

- order: pk=ORDER#<kind>#<order no>  sk=ORDER
  gsi1pk=PROXY#<system>#<proxy order no>  gsi1sk=<kind>   (HPK callbacks name HPK's number)

Every update is conditional on the `version` read, so two runs cannot overwrite each other.
"""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from proxyhub.clock import to_iso
from proxyhub.dal.config_repository import is_condition_failure
from proxyhub.dal.ledger_repository import FinalWrite
from proxyhub.dal.tables import bound_to
from proxyhub.errors import ConcurrentUpdateError
from proxyhub.orders.models import Order, OrderKind


class OrderByProxyNo(GlobalSecondaryIndex["OrderItem"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


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
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_proxy_no = OrderByProxyNo()


class StaleOrderError(ConcurrentUpdateError):
    """Someone else changed the order since it was read; read it again and retry."""


def _pk(kind: OrderKind, order_no: str) -> str:
    return f"ORDER#{kind.value}#{order_no}"


def _proxy_pk(system_code: str, proxy_order_no: str) -> str:
    return f"PROXY#{system_code}#{proxy_order_no}"


class StoredOrder:
    """An order with the version and fingerprint it was stored with."""

    def __init__(self, order: Order, version: int, fingerprint: str) -> None:
        self.order = order
        self.version = version
        self.fingerprint = fingerprint


def _from_item(item: OrderItem) -> StoredOrder:
    return StoredOrder(Order.model_validate_json(item.document), int(item.version), item.fingerprint)


def insert_order(order: Order, fingerprint: str) -> StoredOrder | None:
    """Returns None when an order with this number already exists (nothing is written then)."""
    try:
        _item(order, version=1, fingerprint=fingerprint).save(condition=OrderItem.pk.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            return None
        raise
    return StoredOrder(order, 1, fingerprint)


def delete_order(kind: OrderKind, order_no: str) -> None:
    OrderItem(_pk(kind, order_no), "ORDER").delete()


def find_order(kind: OrderKind, order_no: str) -> StoredOrder | None:
    try:
        return _from_item(OrderItem.get(_pk(kind, order_no), "ORDER", consistent_read=True))
    except OrderItem.DoesNotExist:
        return None


def find_order_by_proxy_no(system_code: str, proxy_order_no: str) -> StoredOrder | None:
    for item in OrderItem.by_proxy_no.query(_proxy_pk(system_code, proxy_order_no), limit=1):
        return find_order(OrderKind(item.gsi1sk), Order.model_validate_json(item.document).order_no)
    return None


def save_order(stored: StoredOrder, order: Order) -> StoredOrder:
    """Replaces the document if nobody changed it since `stored` was read."""
    try:
        _item(order, stored.version + 1, stored.fingerprint).save(
            condition=OrderItem.version == stored.version
        )
    except PutError as error:
        if is_condition_failure(error):
            raise StaleOrderError(f"Order {order.order_no} changed meanwhile") from error
        raise
    return StoredOrder(order, stored.version + 1, stored.fingerprint)


def order_update_write(stored: StoredOrder, order: Order) -> FinalWrite:
    """The same replacement as `save_order`, as the last write of a stock-change transaction."""
    item = OrderItem(_pk(order.kind, order.order_no), "ORDER")
    actions = [
        OrderItem.status.set(order.status.value),
        OrderItem.version.set(stored.version + 1),
        OrderItem.document.set(order.model_dump_json()),
        OrderItem.updated_at.set(to_iso(order.updated_at)),
    ]
    if order.proxy_order_no:
        actions += [
            OrderItem.gsi1pk.set(_proxy_pk(order.system_code, order.proxy_order_no)),
            OrderItem.gsi1sk.set(order.kind.value),
        ]
    return FinalWrite(item, actions, OrderItem.version == stored.version)


def _item(order: Order, version: int, fingerprint: str) -> OrderItem:
    return OrderItem(
        _pk(order.kind, order.order_no),
        "ORDER",
        status=order.status.value,
        version=version,
        fingerprint=fingerprint,
        document=order.model_dump_json(),
        updated_at=to_iso(order.updated_at),
        gsi1pk=_proxy_pk(order.system_code, order.proxy_order_no) if order.proxy_order_no else None,
        gsi1sk=order.kind.value if order.proxy_order_no else None,
    )
