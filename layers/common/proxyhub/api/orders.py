from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from proxyhub.api.paths import CodePath
from proxyhub.models.orders import CancelRequest, InboundOrderCreate, Order, OrderKind, OutboundOrderCreate
from proxyhub.wiring import container

router = Router()


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
