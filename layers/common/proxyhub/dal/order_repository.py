"""Orders in the orders table, stored as one JSON document with the attributes queries need.

- order: pk=ORDER#<kind>#<order no>  sk=ORDER
  - gsi1 by kind              gsi1pk=KIND#<kind>                          gsi1sk=<created_at>#<order no>
  - gsi2 by kind + status     gsi2pk=KIND#<kind>#STATUS#<status>          gsi2sk=<same>
  - gsi3 by kind + warehouse  gsi3pk=KIND#<kind>#WAREHOUSE#<gwms code>    gsi3sk=<same>

The indexes project a list row's attributes (`LIST_ROW_ATTRIBUTES`), so a search reads no document.
Every write of an order, a whole put (`save`) or one update of a stock transaction (`order_update`),
sets all of them from `_indexed_attributes`, so a status change moves the order between gsi2 partitions
in the same write. Every update is conditional on the `version` read, so two runs cannot overwrite
each other.
"""

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from proxyhub.clock import from_iso, to_iso
from proxyhub.dal.config_repository import WarehouseMappingItem, warehouse_mapping_key
from proxyhub.dal.paging import IndexQuery, read_page
from proxyhub.dal.tables import batch_get_across, bound_to, is_condition_failure, transact_write
from proxyhub.dal.task_repository import add_new_task
from proxyhub.errors import ConcurrentUpdateError
from proxyhub.models.config import WarehouseMapping
from proxyhub.models.orders import Order, OrderKind, OrderStatus, OrderSummary, StoredOrder
from proxyhub.models.pages import Page
from proxyhub.models.tasks import Task
from proxyhub.orders.ports import OrderFilter

ORDER_SK = "ORDER"
# Sorts after any order number, so "<created_to>#~" bounds a created-time range inclusively.
AFTER_ANY_ORDER_NO = "~"
LIST_ROW_ATTRIBUTES = [
    "order_no",
    "kind",
    "order_type",
    "status",
    "warehouse_code",
    "proxy_order_no",
    "source",
    "created_at",
    "updated_at",
]


class KindIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi1"
        projection = IncludeProjection(LIST_ROW_ATTRIBUTES)

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class KindStatusIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi2"
        projection = IncludeProjection(LIST_ROW_ATTRIBUTES)

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class KindWarehouseIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi3"
        projection = IncludeProjection(LIST_ROW_ATTRIBUTES)

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


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
    # A list row's fields, copied from the document for the indexes.
    order_no = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    order_type = UnicodeAttribute(null=True)
    warehouse_code = UnicodeAttribute(null=True)
    proxy_order_no = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    by_kind = KindIndex()
    by_kind_status = KindStatusIndex()
    by_kind_warehouse = KindWarehouseIndex()


def _pk(kind: OrderKind, order_no: str) -> str:
    return f"ORDER#{kind.value}#{order_no}"


def _from_item(item: OrderItem) -> StoredOrder:
    return StoredOrder(Order.model_validate_json(item.document), int(item.version), item.fingerprint)


def _kind_pk(kind: OrderKind) -> str:
    return f"KIND#{kind.value}"


def _kind_status_pk(kind: OrderKind, status: OrderStatus) -> str:
    return f"KIND#{kind.value}#STATUS#{status.value}"


def _kind_warehouse_pk(kind: OrderKind, warehouse_code: str) -> str:
    return f"KIND#{kind.value}#WAREHOUSE#{warehouse_code}"


def _indexed_attributes(order: Order) -> dict[str, Any]:
    """Everything the search indexes read, from the order itself: one definition for both write paths."""
    created_key = f"{to_iso(order.created_at)}#{order.order_no}"
    return {
        "status": order.status.value,
        "updated_at": to_iso(order.updated_at),
        "order_no": order.order_no,
        "kind": order.kind.value,
        "order_type": order.order_type,
        "warehouse_code": order.warehouse_code,
        "proxy_order_no": order.proxy_order_no,
        "source": order.source,
        "created_at": to_iso(order.created_at),
        "gsi1pk": _kind_pk(order.kind),
        "gsi1sk": created_key,
        "gsi2pk": _kind_status_pk(order.kind, order.status),
        "gsi2sk": created_key,
        "gsi3pk": _kind_warehouse_pk(order.kind, order.warehouse_code),
        "gsi3sk": created_key,
    }


def _item(order: Order, version: int, fingerprint: str) -> OrderItem:
    return OrderItem(
        _pk(order.kind, order.order_no),
        ORDER_SK,
        version=version,
        fingerprint=fingerprint,
        document=order.model_dump_json(),
        **_indexed_attributes(order),
    )


def order_item(order: Order, fingerprint: str) -> OrderItem:
    """A new order's item as the store writes it, for bulk loads (test and benchmark seeds)."""
    return _item(order, version=1, fingerprint=fingerprint)


def stale_order(order_no: str) -> ConcurrentUpdateError:
    return ConcurrentUpdateError(f"Order {order_no} changed meanwhile")


def order_update(stored: StoredOrder, order: Order) -> tuple[OrderItem, list[Action], Condition]:
    """The same replacement as `DynamoOrderStore.save`, as one update of a larger transaction."""
    item = OrderItem(_pk(order.kind, order.order_no), ORDER_SK)
    actions: list[Action] = [
        OrderItem.version.set(stored.version + 1),
        OrderItem.document.set(order.model_dump_json()),
    ]
    for name, value in _indexed_attributes(order).items():
        attribute = getattr(OrderItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    return item, actions, OrderItem.version == stored.version


class DynamoOrderStore:
    """The `OrderStore` port on the orders table."""

    def find(self, kind: OrderKind, order_no: str) -> StoredOrder | None:
        try:
            return _from_item(OrderItem.get(_pk(kind, order_no), ORDER_SK, consistent_read=True))
        except OrderItem.DoesNotExist:
            return None

    def find_with_mapping(
        self, kind: OrderKind, order_no: str, system_code: str, proxy_warehouse_code: str
    ) -> tuple[StoredOrder | None, WarehouseMapping | None]:
        """One BatchGetItem across the orders and the config table."""
        mapping_key = warehouse_mapping_key(system_code, proxy_warehouse_code)
        found = batch_get_across(
            {OrderItem: [(_pk(kind, order_no), ORDER_SK)], WarehouseMappingItem: [mapping_key]}
        )
        orders, mappings = found[OrderItem], found[WarehouseMappingItem]
        return (
            _from_item(OrderItem.from_raw_data(orders[0])) if orders else None,
            WarehouseMappingItem.from_raw_data(mappings[0]).to_domain() if mappings else None,
        )

    def insert_with_task(self, order: Order, fingerprint: str, task: Task) -> StoredOrder | None:
        """The order, its first task and the task's count: one transaction."""
        try:
            with transact_write() as transaction:
                transaction.save(
                    _item(order, version=1, fingerprint=fingerprint), condition=OrderItem.pk.does_not_exist()
                )
                add_new_task(transaction, task, task.created_at)
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
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

    def search(
        self, kind: OrderKind, order_filter: OrderFilter, limit: int, cursor: str | None
    ) -> Page[OrderSummary]:
        raw_items, next_cursor = read_page(_search_query(kind, order_filter), limit, cursor)
        return Page([_summary(OrderItem.from_raw_data(raw)) for raw in raw_items], next_cursor)


def _search_query(kind: OrderKind, order_filter: OrderFilter) -> IndexQuery:
    """Served from the most selective index: one status, else the warehouse, else the kind alone; the
    other filters run in DynamoDB on what the index reads."""
    statuses = order_filter.statuses
    index: GlobalSecondaryIndex[Any]
    filters: list[Condition] = []
    if len(statuses) == 1:
        index, name, partition = OrderItem.by_kind_status, "gsi2", _kind_status_pk(kind, statuses[0])
    else:
        if statuses:
            filters.append(OrderItem.status.is_in(*(status.value for status in statuses)))
        if order_filter.warehouse_code:
            index, name = OrderItem.by_kind_warehouse, "gsi3"
            partition = _kind_warehouse_pk(kind, order_filter.warehouse_code)
        else:
            index, name, partition = OrderItem.by_kind, "gsi1", _kind_pk(kind)
    if order_filter.warehouse_code and name != "gsi3":
        filters.append(OrderItem.warehouse_code == order_filter.warehouse_code)
    if order_filter.source:
        filters.append(OrderItem.source == order_filter.source)
    combined: Condition | None = None
    for condition in filters:
        combined = condition if combined is None else combined & condition
    return IndexQuery(
        index=index,
        key_names=("pk", "sk", f"{name}pk", f"{name}sk"),
        hash_name=f"{name}pk",
        partitions=(partition,),
        range_condition=_created_range(getattr(OrderItem, f"{name}sk"), order_filter),
        filter_condition=combined,
    )


def _created_range(sort_key: UnicodeAttribute, order_filter: OrderFilter) -> Condition | None:
    lower = to_iso(order_filter.created_from) if order_filter.created_from else None
    upper = f"{to_iso(order_filter.created_to)}#{AFTER_ANY_ORDER_NO}" if order_filter.created_to else None
    if lower and upper:
        return sort_key.between(lower, upper)
    if lower:
        return sort_key >= lower
    if upper:
        return sort_key <= upper
    return None


def _summary(item: OrderItem) -> OrderSummary:
    """A list row from the index's projection (every indexed order carries all of these)."""
    return OrderSummary(
        order_no=item.order_no or "",
        kind=OrderKind(item.kind),
        order_type=item.order_type or "",
        status=OrderStatus(item.status),
        warehouse_code=item.warehouse_code or "",
        proxy_order_no=item.proxy_order_no,
        source=item.source or "gwms",
        created_at=from_iso(item.created_at or item.updated_at),
        updated_at=from_iso(item.updated_at),
    )
