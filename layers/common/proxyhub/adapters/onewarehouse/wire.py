"""OneWarehouse's wire format, in our model: push bodies, replies, callback payloads and the envelope."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from proxyhub.adapters.http import retry_after_seconds
from proxyhub.input_policy import InputRefused, load_json
from proxyhub.models.upstream import Waybill
from proxyhub.upstream.ports import (
    CancelDecision,
    InboundCancelPush,
    InboundReceipt,
    MalformedPushError,
    OrderAccepted,
    OutboundCancelPush,
    OutboundPush,
    OutboundShipment,
    ProductPush,
    ProductUpserted,
    PurchaseInboundPush,
    Push,
    PushAnswer,
    PushItem,
    PushRefusalKind,
    PushRefused,
    PushTopic,
    ReturnInboundPush,
    TransientUpstreamError,
    UpstreamConfigurationError,
    UpstreamError,
    UpstreamRejection,
)

API_PREFIX = "/openapi/v1/"
INBOUND_CALLBACK_API = "inbound/callback"
WAYBILL_API = "waybill/get"
OUTBOUND_CALLBACK_API = "outbound/callback"

CODE_OK = 0
CODE_MALFORMED = 400
CODE_UNAUTHORIZED = 401
CODE_FORBIDDEN = 403
CODE_TOO_LARGE = 413
CODE_UNSUPPORTED_MEDIA_TYPE = 415
CODE_VALIDATION_FAILED = 40001
CODE_NOT_FOUND = 40401
CODE_BUSY = 40901
CODE_STATE_FORBIDS = 40902
CODE_RATE_LIMITED = 42901
CODE_INTERNAL_ERROR = 50000

DEFAULT_CONNECT_TIMEOUT_SECONDS = 5.0
DEFAULT_READ_TIMEOUT_SECONDS = 20.0

# The path segment of each push endpoint we serve: POST {our API}/onewarehouse/{path}.
TOPIC_PATHS: dict[PushTopic, str] = {
    PushTopic.PRODUCTS: "products",
    PushTopic.PURCHASE_INBOUND: "purchase-inbound",
    PushTopic.RETURN_INBOUND: "return-inbound",
    PushTopic.INBOUND_CANCEL: "inbound-cancel",
    PushTopic.OUTBOUND: "outbound",
    PushTopic.OUTBOUND_CANCEL: "outbound-cancel",
}
_TOPICS_BY_PATH = {path: topic for topic, path in TOPIC_PATHS.items()}


def topic_for_path(path: str) -> PushTopic | None:
    return _TOPICS_BY_PATH.get(path)


# --- push bodies ---------------------------------------------------------------------------------

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_Measure = Annotated[Decimal, Field(ge=0)]


class _WireModel(BaseModel):
    # OneWarehouse may add fields at any time and may send numeric codes; only what we read is checked.
    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class _WireItem(_WireModel):
    sku_id: _Text
    qty: int = Field(gt=0, strict=True)  # strict: JSON `true` must not pass as a quantity of 1


class _WireProduct(_WireModel):
    sku_id: _Text
    sku_code: _Text
    name: _Text
    spec: str | None = None
    weight_kg: _Measure | None = None
    length_cm: _Measure | None = None
    width_cm: _Measure | None = None
    height_cm: _Measure | None = None
    barcode: str | None = None
    declared_value: _Measure | None = None
    currency: str | None = None
    owner_code: _Text


class _WirePurchaseInbound(_WireModel):
    inbound_no: _Text
    warehouse_code: _Text
    owner_code: _Text
    expected_arrival: datetime | None = None
    items: list[_WireItem] = Field(min_length=1)
    remark: str | None = None


class _WireReturnInbound(_WireModel):
    return_no: _Text
    original_outbound_no: str | None = None
    warehouse_code: _Text
    owner_code: _Text
    items: list[_WireItem] = Field(min_length=1)
    reason: str | None = None


class _WireInboundCancel(_WireModel):
    inbound_no: _Text
    reason: str | None = None


class _WireRecipient(_WireModel):
    name: _Text
    phone: str | None = None
    email: str | None = None
    country: _Text
    state: str | None = None
    city: _Text
    postcode: _Text
    address1: _Text
    address2: str | None = None


class _WireLogistics(_WireModel):
    carrier_code: _Text
    service_code: str | None = None


class _WireOutbound(_WireModel):
    outbound_no: _Text
    warehouse_code: _Text
    owner_code: _Text
    recipient: _WireRecipient
    logistics: _WireLogistics
    items: list[_WireItem] = Field(min_length=1)
    remark: str | None = None


class _WireOutboundCancel(_WireModel):
    outbound_no: _Text
    reason: str | None = None


def _items(items: list[_WireItem]) -> tuple[PushItem, ...]:
    return tuple(PushItem(item.sku_id, item.qty) for item in items)


def _utc(moment: datetime | None) -> datetime | None:
    """OneWarehouse's zone for naive times is not documented; we read them as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _product(wire: _WireProduct) -> ProductPush:
    return ProductPush(**wire.model_dump())


def _purchase_inbound(wire: _WirePurchaseInbound) -> PurchaseInboundPush:
    return PurchaseInboundPush(
        inbound_no=wire.inbound_no,
        warehouse_code=wire.warehouse_code,
        owner_code=wire.owner_code,
        expected_arrival=_utc(wire.expected_arrival),
        items=_items(wire.items),
        remark=wire.remark,
    )


def _return_inbound(wire: _WireReturnInbound) -> ReturnInboundPush:
    return ReturnInboundPush(
        return_no=wire.return_no,
        original_outbound_no=wire.original_outbound_no,
        warehouse_code=wire.warehouse_code,
        owner_code=wire.owner_code,
        items=_items(wire.items),
        reason=wire.reason,
    )


def _inbound_cancel(wire: _WireInboundCancel) -> InboundCancelPush:
    return InboundCancelPush(inbound_no=wire.inbound_no, reason=wire.reason)


def _outbound(wire: _WireOutbound) -> OutboundPush:
    return OutboundPush(
        outbound_no=wire.outbound_no,
        warehouse_code=wire.warehouse_code,
        owner_code=wire.owner_code,
        recipient=wire.recipient.model_dump(),
        carrier_code=wire.logistics.carrier_code,
        service_code=wire.logistics.service_code,
        items=_items(wire.items),
        remark=wire.remark,
    )


def _outbound_cancel(wire: _WireOutboundCancel) -> OutboundCancelPush:
    return OutboundCancelPush(outbound_no=wire.outbound_no, reason=wire.reason)


_PUSH_PARSERS: dict[PushTopic, tuple[type[_WireModel], Callable[[Any], Push]]] = {
    PushTopic.PRODUCTS: (_WireProduct, _product),
    PushTopic.PURCHASE_INBOUND: (_WirePurchaseInbound, _purchase_inbound),
    PushTopic.RETURN_INBOUND: (_WireReturnInbound, _return_inbound),
    PushTopic.INBOUND_CANCEL: (_WireInboundCancel, _inbound_cancel),
    PushTopic.OUTBOUND: (_WireOutbound, _outbound),
    PushTopic.OUTBOUND_CANCEL: (_WireOutboundCancel, _outbound_cancel),
}


def parse_push(topic: PushTopic, raw_body: bytes | str) -> Push:
    """The push as a domain type; a body of the wrong shape raises `MalformedPushError` naming the field."""
    wire_model, to_domain = _PUSH_PARSERS[topic]
    try:
        wire = wire_model.model_validate(load_json(raw_body))
    except InputRefused as refused:
        raise MalformedPushError(refused.field, refused.message) from None
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise MalformedPushError(_field_path(first["loc"]), first["msg"]) from None
    return to_domain(wire)


def _field_path(loc: tuple[int | str, ...]) -> str:
    """Pydantic's ("items", 0, "qty") as `items[0].qty`; an error about the whole body as `body`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or "body"


# --- replies to pushes ---------------------------------------------------------------------------


def ok_reply(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"code": CODE_OK, "msg": "success", "data": dict(data)}


def refusal_reply(code: int, msg: str) -> dict[str, Any]:
    """A business refusal: HTTP 200 with a non-zero code and the reason."""
    return {"code": code, "msg": msg, "data": None}


def unauthorized_reply(msg: str) -> dict[str, Any]:
    return {"code": CODE_UNAUTHORIZED, "msg": msg, "data": None}


def forbidden_reply(msg: str) -> dict[str, Any]:
    return {"code": CODE_FORBIDDEN, "msg": msg, "data": None}


def malformed_reply(field: str, msg: str) -> dict[str, Any]:
    return {"code": CODE_MALFORMED, "msg": f"{field}: {msg}", "data": {"field": field}}


def inadmissible_reply(status: int, field: str, msg: str) -> dict[str, Any]:
    """A body refused unread (413, 415): the HTTP status is the code too."""
    return {"code": status, "msg": f"{field}: {msg}", "data": {"field": field}}


_REFUSAL_CODES: dict[PushRefusalKind, int] = {
    "invalid": CODE_VALIDATION_FAILED,
    "not_found": CODE_NOT_FOUND,
    "state": CODE_STATE_FORBIDS,
    "busy": CODE_BUSY,
    "unavailable": CODE_INTERNAL_ERROR,
}


def refused_reply(refusal: PushRefused) -> dict[str, Any]:
    return refusal_reply(_REFUSAL_CODES[refusal.kind], refusal.reason)


_HTTP_STATUS_BY_CODE = {
    CODE_UNAUTHORIZED: 401,
    CODE_FORBIDDEN: 403,
    CODE_MALFORMED: 400,
    CODE_TOO_LARGE: 413,
    CODE_UNSUPPORTED_MEDIA_TYPE: 415,
}


def reply_status(reply: Mapping[str, Any]) -> int:
    """The HTTP status that goes with a reply: 400, 401, 403, 413 and 415 for those codes, else 200
    (refusals too)."""
    code = reply.get("code")
    return _HTTP_STATUS_BY_CODE.get(code, 200) if isinstance(code, int) else 200


def answer_reply(topic: PushTopic, answer: PushAnswer) -> dict[str, Any]:
    """The success reply for a push, with the `data` fields the contract gives each topic."""
    match answer:
        case ProductUpserted(sku_id=sku_id, created=created):
            return ok_reply({"sku_id": sku_id, "status": "created" if created else "updated"})
        case OrderAccepted(order_no=order_no, wms_order_no=wms_order_no):
            return ok_reply({_ORDER_NUMBER_FIELDS[topic]: order_no, "wms_order_no": wms_order_no})
        case CancelDecision(order_no=order_no, granted=granted, reason=reason):
            number_field, verdict_field = _CANCEL_FIELDS[topic]
            return ok_reply({number_field: order_no, verdict_field: granted, "reason": reason})
    raise TypeError(f"no reply for {answer!r}")


_ORDER_NUMBER_FIELDS = {
    PushTopic.PURCHASE_INBOUND: "inbound_no",
    PushTopic.RETURN_INBOUND: "return_no",
    PushTopic.OUTBOUND: "outbound_no",
}
_CANCEL_FIELDS = {
    PushTopic.INBOUND_CANCEL: ("inbound_no", "allowed"),
    PushTopic.OUTBOUND_CANCEL: ("outbound_no", "intercepted"),
}


# --- callback payloads ---------------------------------------------------------------------------


def inbound_receipt_to_wire(receipt: InboundReceipt) -> dict[str, Any]:
    number_field = "inbound_no" if receipt.kind == "purchase" else "return_no"
    return {
        number_field: receipt.order_no,
        "status": "RECEIVED",
        "received_at": _wire_time(receipt.received_at),
        "items": [
            {"sku_id": item.sku_id, "qualified_qty": item.qualified_qty, "defective_qty": item.defective_qty}
            for item in receipt.items
        ],
    }


def outbound_shipment_to_wire(shipment: OutboundShipment) -> dict[str, Any]:
    return {
        "outbound_no": shipment.outbound_no,
        "status": "SHIPPED",
        "shipped_at": _wire_time(shipment.shipped_at),
        "carrier_code": shipment.carrier_code,
        "tracking_no": shipment.tracking_no,
        "packages": [
            {"tracking_no": package.tracking_no, "weight_kg": _number(package.weight_kg)}
            for package in shipment.packages
        ],
    }


def waybill_from_wire(data: Any) -> Waybill:
    label = data["label_base64"]
    if not isinstance(label, str) or not label:
        raise ValueError("label_base64 missing")
    return Waybill(
        carrier_code=str(data["carrier_code"]),
        tracking_no=str(data["tracking_no"]),
        label_format=str(data.get("label_format") or "PDF"),
        label_base64=label,
    )


def _wire_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- the envelope of callback answers -------------------------------------------------------------


@dataclass(frozen=True)
class OneWarehouseEnvelope:
    code: int
    msg: str
    data: Any


def envelope_from_response(
    status_code: int, body: bytes, retry_after: str | None = None
) -> OneWarehouseEnvelope:
    """Turns HTTP-level failures into errors; a well-formed envelope is returned whatever its code."""
    if status_code in (401, 403):
        raise UpstreamConfigurationError(
            f"OneWarehouse refused our signature (HTTP {status_code}), check the app key and callback key"
        )
    if status_code == 404:
        raise UpstreamConfigurationError("no OneWarehouse API at this address (HTTP 404), check api_base_url")
    if status_code == 429:
        raise TransientUpstreamError("OneWarehouse rate limit (HTTP 429)", retry_after_seconds(retry_after))
    if status_code >= 500:
        raise TransientUpstreamError(f"OneWarehouse answered HTTP {status_code}")
    try:
        payload = json.loads(body)
    except ValueError:
        raise TransientUpstreamError("OneWarehouse answered a body that is not JSON") from None
    code = payload.get("code") if isinstance(payload, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        raise TransientUpstreamError("OneWarehouse answered JSON without a numeric envelope code")
    if status_code != 200 and code == CODE_OK:
        # Any other 4xx carrying a success code: we cannot trust it, and repeating will not change it.
        raise UpstreamRejection(f"OneWarehouse answered HTTP {status_code}", kind="other", code=status_code)
    return OneWarehouseEnvelope(code=code, msg=str(payload.get("msg") or ""), data=payload.get("data"))


def error_for_envelope(envelope: OneWarehouseEnvelope) -> UpstreamError:
    """The error for a non-zero envelope code; OneWarehouse's own message is kept for operators."""
    message = envelope.msg or "no message"
    match envelope.code:
        case 401:
            return UpstreamConfigurationError(f"OneWarehouse refused our signature: {message}")
        case 40401:
            return UpstreamRejection(f"OneWarehouse: {message}", kind="not_found", code=envelope.code)
        case 40902:
            return UpstreamRejection(
                message, kind="state", code=envelope.code, message=f"OneWarehouse refused: {message}"
            )
        case 400 | 40001:
            return UpstreamRejection(
                f"OneWarehouse rejected the data: {message}", kind="invalid", code=envelope.code
            )
        case code if code == CODE_RATE_LIMITED or code >= CODE_INTERNAL_ERROR:
            return TransientUpstreamError(f"OneWarehouse temporarily failed ({code}): {message}")
        case code:
            return UpstreamRejection(f"OneWarehouse code {code}: {message}", kind="other", code=code)


def error_for_transport(error: httpx.HTTPError) -> UpstreamError:
    if isinstance(error, httpx.UnsupportedProtocol):
        return UpstreamConfigurationError(f"invalid OneWarehouse api_base_url: {error}")
    if isinstance(error, httpx.TimeoutException):
        return TransientUpstreamError(f"OneWarehouse did not answer in time ({type(error).__name__})")
    return TransientUpstreamError(f"OneWarehouse transport error ({type(error).__name__}): {error}")
