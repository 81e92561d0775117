"""Order search (the Orders page) through the real API handler on moto: every filter, the cursor, and
the indexes kept right by both write paths (a whole save and the stock ledger's transaction)."""

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.client import BaseClient

from proxyhub import wiring
from proxyhub.dal.order_repository import order_item
from proxyhub.models.inventory import BatchKey, StockDelta
from proxyhub.models.orders import Order, OrderKind, OrderLine, OrderStatus
from proxyhub.settings import Settings

pytestmark = pytest.mark.integration

ApiCall = Callable[..., tuple[int, Any]]
INBOUND, OUTBOUND = "/v1/inbound-orders", "/v1/outbound-orders"


def _order(
    order_no: str,
    kind: OrderKind,
    status: OrderStatus,
    warehouse: str,
    created: str,
    *,
    source: str = "gwms",
    proxy_order_no: str | None = None,
) -> Order:
    created_at = datetime.fromisoformat(created).replace(tzinfo=UTC)
    return Order(
        order_no=order_no,
        kind=kind,
        order_type="purchase" if kind is OrderKind.INBOUND else "drop_shipping",
        status=status,
        warehouse_code=warehouse,
        proxy_warehouse_code=f"P-{warehouse}",
        system_code="HPK01",
        customer_code="CUST01",
        proxy_order_no=proxy_order_no,
        lines=[OrderLine(gsku="GSKU-1", qty=3)],
        source=source,
        created_at=created_at,
        updated_at=created_at,
    )


# Inbound orders over two days and two warehouses, from both sources; two outbound ones beside them.
SEED = [
    _order(
        "IN-1", OrderKind.INBOUND, OrderStatus.PUT_AWAY, "GW01", "2026-06-03T09:00:00", proxy_order_no="H1"
    ),
    _order("IN-2", OrderKind.INBOUND, OrderStatus.PUSHED, "GW01", "2026-06-03T23:59:59", proxy_order_no="H2"),
    _order("IN-3", OrderKind.INBOUND, OrderStatus.CREATED, "GW02", "2026-06-04T00:00:00"),
    _order(
        "IN-4",
        OrderKind.INBOUND,
        OrderStatus.PUSHED,
        "GW02",
        "2026-06-04T08:30:00",
        source="onewarehouse",
        proxy_order_no="H4",
    ),
    _order("IN-5", OrderKind.INBOUND, OrderStatus.CANCELLED, "GW01", "2026-06-04T10:00:00"),
    _order(
        "IN-6", OrderKind.INBOUND, OrderStatus.PUSHED, "GW01", "2026-06-04T12:00:00", source="onewarehouse"
    ),
    _order("OUT-1", OrderKind.OUTBOUND, OrderStatus.PUSHED, "GW01", "2026-06-04T09:00:00"),
    _order("OUT-2", OrderKind.OUTBOUND, OrderStatus.EXCEPTION, "GW02", "2026-06-04T11:00:00"),
]


@pytest.fixture
def orders(aws: Settings) -> list[Order]:
    for order in SEED:
        order_item(order, fingerprint=f"fp-{order.order_no}").save()
    return SEED


def numbers(api: ApiCall, path: str = INBOUND, **query: str) -> list[str]:
    status, body = api("GET", path, query=query)
    assert status == 200, body
    return [item["order_no"] for item in body["items"]]


def test_inbound_and_outbound_orders_are_listed_newest_first_each_in_its_own_list(
    api: ApiCall, orders: list[Order]
) -> None:
    assert numbers(api) == ["IN-6", "IN-5", "IN-4", "IN-3", "IN-2", "IN-1"]
    assert numbers(api, OUTBOUND) == ["OUT-2", "OUT-1"]


def test_a_list_row_shows_what_the_orders_page_needs(api: ApiCall, orders: list[Order]) -> None:
    status, body = api("GET", INBOUND, query={"source": "onewarehouse", "warehouse_code": "GW02"})
    assert status == 200, body
    assert body == {
        "items": [
            {
                "order_no": "IN-4",
                "kind": "inbound",
                "order_type": "purchase",
                "status": "pushed",
                "warehouse_code": "GW02",
                "proxy_order_no": "H4",
                "source": "onewarehouse",
                "created_at": "2026-06-04T08:30:00.000000Z",
                "updated_at": "2026-06-04T08:30:00.000000Z",
            }
        ],
        "next_cursor": None,
    }


def test_every_filter_and_their_combinations(api: ApiCall, orders: list[Order]) -> None:
    assert numbers(api, status="pushed") == ["IN-6", "IN-4", "IN-2"]
    assert numbers(api, status="pushed,created") == ["IN-6", "IN-4", "IN-3", "IN-2"]
    assert numbers(api, status="shipped") == []
    assert numbers(api, OUTBOUND, status="exception") == ["OUT-2"]
    assert numbers(api, warehouse_code="GW02") == ["IN-4", "IN-3"]
    assert numbers(api, warehouse_code="GW01", status="pushed") == ["IN-6", "IN-2"]
    assert numbers(api, warehouse_code="GW01", status="pushed,cancelled") == ["IN-6", "IN-5", "IN-2"]
    assert numbers(api, source="onewarehouse") == ["IN-6", "IN-4"]
    assert numbers(api, source="gwms", status="pushed") == ["IN-2"]
    assert numbers(api, source="onewarehouse", warehouse_code="GW01") == ["IN-6"]
    assert numbers(api, warehouse_code="GW09") == []


def test_created_range_a_date_alone_covers_its_whole_utc_day(api: ApiCall, orders: list[Order]) -> None:
    assert numbers(api, created_from="2026-06-04") == ["IN-6", "IN-5", "IN-4", "IN-3"]
    assert numbers(api, created_to="2026-06-03") == ["IN-2", "IN-1"], "23:59:59 belongs to its day"
    assert numbers(api, created_from="2026-06-03", created_to="2026-06-03") == ["IN-2", "IN-1"]
    assert numbers(api, created_from="2026-06-04T08:30:00Z", created_to="2026-06-04T10:00:00") == [
        "IN-5",
        "IN-4",
    ], "both ends of a time range are included; no zone means UTC"
    assert numbers(api, created_from="2026-06-04T10:30:00+02:00") == ["IN-6", "IN-5", "IN-4"]
    assert numbers(api, created_from="2026-06-04", status="pushed", warehouse_code="GW02") == ["IN-4"]
    assert numbers(api, created_from="2026-06-05") == []


def test_the_cursor_walks_every_page_once(api: ApiCall, orders: list[Order]) -> None:
    seen: list[str] = []
    query = {"limit": "2"}
    while True:
        status, body = api("GET", INBOUND, query=query)
        assert status == 200, body
        assert len(body["items"]) <= 2
        seen += [item["order_no"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        query = {"limit": "2", "cursor": body["next_cursor"]}
    assert seen == ["IN-6", "IN-5", "IN-4", "IN-3", "IN-2", "IN-1"]

    status, body = api("GET", INBOUND, query={"status": "pushed", "limit": "1"})
    first, cursor = body["items"][0]["order_no"], body["next_cursor"]
    _, rest = api("GET", INBOUND, query={"status": "pushed", "limit": "5", "cursor": cursor})
    assert [first, *(item["order_no"] for item in rest["items"])] == ["IN-6", "IN-4", "IN-2"]


def test_a_cursor_of_another_search_or_garbage_is_refused_by_name(api: ApiCall, orders: list[Order]) -> None:
    _, body = api("GET", INBOUND, query={"status": "pushed", "limit": "1"})
    for query in (
        {"warehouse_code": "GW01", "cursor": body["next_cursor"]},
        {"status": "created", "cursor": body["next_cursor"]},
        {"cursor": "not-a-cursor"},
    ):
        status, refused = api("GET", INBOUND, query=query)
        assert status == 422, (query, refused)
        assert refused["errors"][0]["field"] == "cursor"


def test_bad_filters_are_refused_naming_the_field(api: ApiCall, orders: list[Order]) -> None:
    cases = [
        ({"status": "pushed,lost"}, "status"),
        ({"source": "amazon"}, "source"),
        ({"created_from": "yesterday"}, "created_from"),
        ({"created_from": "2026-06-05", "created_to": "2026-06-04"}, "created_from"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
    ]
    for query, field in cases:
        status, body = api("GET", INBOUND, query=query)
        assert status == 422, (query, body)
        assert field in str(body), (query, body)


@contextlib.contextmanager
def dynamodb_operations() -> Iterator[Counter[str]]:
    seen: Counter[str] = Counter()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            seen[operation] += 1
        return original(client, operation, params)

    BaseClient._make_api_call = recording  # type: ignore[attr-defined]
    try:
        yield seen
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]


def test_searches_query_an_index_and_never_scan_or_fetch_documents(api: ApiCall, orders: list[Order]) -> None:
    with dynamodb_operations() as operations:
        for query in ({}, {"status": "pushed"}, {"warehouse_code": "GW01", "source": "gwms"}):
            numbers(api, **query)
    assert operations["Scan"] == 0
    assert operations["Query"] == 3
    assert set(operations) == {"Query"}, "a list row comes from the index alone"


def test_a_status_change_through_the_stock_ledger_moves_the_order_between_status_searches(
    api: ApiCall, orders: list[Order]
) -> None:
    container = wiring.container()
    stored = container.order_store.find(OrderKind.INBOUND, "IN-3")
    assert stored is not None
    later = datetime(2026, 6, 5, 7, 0, tzinfo=UTC)
    received = stored.order.model_copy(
        update={"status": OrderStatus.PUT_AWAY, "proxy_order_no": "H3", "updated_at": later}
    )
    key = BatchKey("GW02", "GSKU-1", "qualified", "H3", "IN-3", later)
    delta = StockDelta(key=key, location="VPA", delta=3)
    assert container.stock_ledger.apply_with_order("putaway-IN-3", [delta], later, stored, received)

    assert numbers(api, status="created") == []
    assert numbers(api, status="put_away") == ["IN-3", "IN-1"]
    _, body = api("GET", INBOUND, query={"status": "put_away", "warehouse_code": "GW02"})
    assert [(row["order_no"], row["proxy_order_no"], row["updated_at"]) for row in body["items"]] == [
        ("IN-3", "H3", "2026-06-05T07:00:00.000000Z")
    ]


def test_a_whole_save_moves_the_order_too_even_to_another_warehouse(
    api: ApiCall, orders: list[Order]
) -> None:
    store = wiring.container().order_store
    stored = store.find(OrderKind.INBOUND, "IN-3")
    assert stored is not None
    store.save(
        stored, stored.order.model_copy(update={"warehouse_code": "GW01", "status": OrderStatus.PUSHED})
    )
    assert numbers(api, warehouse_code="GW02") == ["IN-4"]
    assert numbers(api, warehouse_code="GW01", status="pushed") == ["IN-6", "IN-3", "IN-2"]


def test_viewers_may_search(
    api_handler: Callable[[dict[str, Any]], dict[str, Any]], make_http_event: Any
) -> None:
    event = make_http_event("GET", INBOUND)
    claims = {
        "sub": "viewer-sub",
        "email": "viewer@example.com",
        "cognito:groups": "[viewer]",
        "token_use": "id",
    }
    event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    assert api_handler(event)["statusCode"] == 200
