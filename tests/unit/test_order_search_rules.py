"""The order search use case on the in-memory store: its rule on ranges, and the fake's contract."""

from datetime import timedelta

import pytest

from fakes.clock import START
from fakes.orders import InMemoryOrderStore
from proxyhub.errors import InvalidInputError
from proxyhub.models.orders import Order, OrderKind, OrderLine, OrderStatus
from proxyhub.orders.ports import OrderFilter
from proxyhub.orders.search import OrderSearch

pytestmark = pytest.mark.unit


def _order(number: int, status: OrderStatus) -> Order:
    at = START + timedelta(hours=number)
    return Order(
        order_no=f"IN-{number}",
        kind=OrderKind.INBOUND,
        order_type="purchase",
        status=status,
        warehouse_code="GW01",
        proxy_warehouse_code="HPK-LA1",
        system_code="HPK01",
        customer_code="C1",
        lines=[OrderLine(gsku="G1", qty=1)],
        created_at=at,
        updated_at=at,
    )


def test_a_range_that_ends_before_it_starts_is_refused_by_its_start() -> None:
    search = OrderSearch(InMemoryOrderStore())
    backwards = OrderFilter(created_from=START, created_to=START - timedelta(seconds=1))
    with pytest.raises(InvalidInputError) as refused:
        search.search(OrderKind.INBOUND, backwards, 20, None)
    assert refused.value.field == "created_from"


def test_the_search_pages_newest_first_with_the_filters_applied() -> None:
    store = InMemoryOrderStore()
    statuses = [OrderStatus.PUSHED, OrderStatus.CREATED, OrderStatus.PUSHED, OrderStatus.PUSHED]
    for number, status in enumerate(statuses):
        store.put(_order(number, status))
    search = OrderSearch(store)
    first = search.search(OrderKind.INBOUND, OrderFilter(statuses=(OrderStatus.PUSHED,)), 2, None)
    assert [row.order_no for row in first.items] == ["IN-3", "IN-2"]
    rest = search.search(OrderKind.INBOUND, OrderFilter(statuses=(OrderStatus.PUSHED,)), 2, first.next_cursor)
    assert [row.order_no for row in rest.items] == ["IN-0"]
    assert rest.next_cursor is None
    assert search.search(OrderKind.OUTBOUND, OrderFilter(), 20, None).items == []
