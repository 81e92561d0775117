from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import BaseModel

from proxyhub.api.paths import CodePath
from proxyhub.api.queries import CursorQuery, TimeQuery, moment
from proxyhub.clock import to_iso
from proxyhub.errors import InvalidInputError
from proxyhub.models.orders import (
    CancelRequest,
    InboundOrderCreate,
    Order,
    OrderKind,
    OrderStatus,
    OrderSummary,
    OutboundOrderCreate,
)
from proxyhub.orders.ports import OrderFilter
from proxyhub.wiring import container

router = Router()

OrderStatusQuery = Annotated[
    str | None, Query(max_length=200, description="A status, or several joined by commas: created,pushed")
]
WarehouseQuery = Annotated[str | None, Query(min_length=1, max_length=64, description="GWMS warehouse code")]
SourceQuery = Annotated[
    Literal["gwms", "onewarehouse"] | None, Query(description="Where the order came from")
]
LimitQuery = Annotated[int, Query(ge=1, le=100)]


class OrderListItem(BaseModel):
    order_no: str
    kind: OrderKind
    # purchase or return (inbound); drop_shipping or transfer_staging (outbound)
    order_type: str
    status: OrderStatus
    warehouse_code: str
    proxy_order_no: str | None
    source: str
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, summary: OrderSummary) -> "OrderListItem":
        return cls(
            **{
                **vars(summary),
                "created_at": to_iso(summary.created_at),
                "updated_at": to_iso(summary.updated_at),
            }
        )


class OrderPage(BaseModel):
    items: list[OrderListItem]
    next_cursor: str | None


def _order_filter(
    status: str | None,
    warehouse_code: str | None,
    created_from: str | None,
    created_to: str | None,
    source: str | None,
) -> OrderFilter:
    return OrderFilter(
        statuses=_statuses(status),
        warehouse_code=warehouse_code,
        created_from=moment(created_from, "created_from", end_of_day=False),
        created_to=moment(created_to, "created_to", end_of_day=True),
        source=source,
    )


def _page(kind: OrderKind, order_filter: OrderFilter, limit: int, cursor: str | None) -> OrderPage:
    page = container().order_search.search(kind, order_filter, limit, cursor)
    return OrderPage(items=[OrderListItem.of(row) for row in page.items], next_cursor=page.next_cursor)


def _statuses(text: str | None) -> tuple[OrderStatus, ...]:
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    try:
        return tuple(dict.fromkeys(OrderStatus(name) for name in names))
    except ValueError as error:
        allowed = ", ".join(status.value for status in OrderStatus)
        raise InvalidInputError(f"status must be among: {allowed}", field="status") from error


def _created_or_repeat(order: Order, created: bool) -> tuple[dict[str, Any], int]:
    status = HTTPStatus.CREATED if created else HTTPStatus.OK
    return order.model_dump(mode="json"), status.value


@router.post("/v1/inbound-orders", tags=["Orders"])
def create_inbound_order(data: Annotated[InboundOrderCreate, Body()]) -> tuple[dict[str, Any], int]:
    return _created_or_repeat(*container().order_service.create_inbound(data))


@router.get("/v1/inbound-orders/<order_no>", tags=["Orders"])
def get_inbound_order(order_no: CodePath) -> Order:
    return container().order_service.get(OrderKind.INBOUND, order_no)


@router.post("/v1/inbound-orders/<order_no>/cancel", tags=["Orders"])
def cancel_inbound_order(order_no: CodePath, data: Annotated[CancelRequest | None, Body()] = None) -> Order:
    reason = (data or CancelRequest()).reason
    return container().order_service.cancel(OrderKind.INBOUND, order_no, reason)


@router.post("/v1/outbound-orders", tags=["Orders"])
def create_outbound_order(data: Annotated[OutboundOrderCreate, Body()]) -> tuple[dict[str, Any], int]:
    return _created_or_repeat(*container().order_service.create_outbound(data))


@router.get("/v1/outbound-orders/<order_no>", tags=["Orders"])
def get_outbound_order(order_no: CodePath) -> Order:
    return container().order_service.get(OrderKind.OUTBOUND, order_no)


@router.post("/v1/outbound-orders/<order_no>/cancel", tags=["Orders"])
def cancel_outbound_order(order_no: CodePath, data: Annotated[CancelRequest | None, Body()] = None) -> Order:
    reason = (data or CancelRequest()).reason
    return container().order_service.cancel(OrderKind.OUTBOUND, order_no, reason)


# Declared after the creates so the OpenAPI document keeps its order; Powertools matches by method.
@router.get("/v1/inbound-orders", tags=["Orders"])
def search_inbound_orders(
    status: OrderStatusQuery = None,
    warehouse_code: WarehouseQuery = None,
    created_from: TimeQuery = None,
    created_to: TimeQuery = None,
    source: SourceQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> OrderPage:
    """Inbound orders, newest first; a date alone covers its whole UTC day.

    Served from an index (one status, else the warehouse, else every inbound order) that the other
    filters narrow, so a page may hold fewer than `limit` orders while `next_cursor` is set: follow
    it. An order's tasks (ids, types, statuses) are `GET /v1/tasks?order_no=<order_no>`; the whole
    order with its lines is `GET /v1/inbound-orders/{order_no}`."""
    order_filter = _order_filter(status, warehouse_code, created_from, created_to, source)
    return _page(OrderKind.INBOUND, order_filter, limit, cursor)


@router.get("/v1/outbound-orders", tags=["Orders"])
def search_outbound_orders(
    status: OrderStatusQuery = None,
    warehouse_code: WarehouseQuery = None,
    created_from: TimeQuery = None,
    created_to: TimeQuery = None,
    source: SourceQuery = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> OrderPage:
    """Outbound orders, newest first; a date alone covers its whole UTC day.

    Served from an index (one status, else the warehouse, else every outbound order) that the other
    filters narrow, so a page may hold fewer than `limit` orders while `next_cursor` is set: follow
    it. An order's tasks (ids, types, statuses) are `GET /v1/tasks?order_no=<order_no>`; the whole
    order with its lines is `GET /v1/outbound-orders/{order_no}`."""
    order_filter = _order_filter(status, warehouse_code, created_from, created_to, source)
    return _page(OrderKind.OUTBOUND, order_filter, limit, cursor)
