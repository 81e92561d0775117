"""HPK v5's wire format: the envelope and its codes, and our types to and from HPK's JSON."""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, get_args

import httpx

from proxyhub.adapters.http import retry_after_seconds
from proxyhub.clock import from_iso, to_iso
from proxyhub.errors import InvalidInputError
from proxyhub.input_policy import InputRefused, load_json
from proxyhub.models.input_rules import CODE_RULE, is_code
from proxyhub.proxy.ports import (
    BusinessRejection,
    CancelResolution,
    CancelResult,
    CancelStatus,
    CreateResult,
    InboundLine,
    InboundRequest,
    InboundState,
    InboundStatus,
    InboundType,
    InventoryBatch,
    InventoryType,
    OutboundLine,
    OutboundRequest,
    OutboundState,
    OutboundStatus,
    OutboundType,
    PermanentProxyError,
    ProductPayload,
    ProxyConfigurationError,
    ProxyError,
    ProxyNotFound,
    ProxyThrottled,
    ShippedBatch,
    StatusCallback,
    TransientProxyError,
)

API_PREFIX = "/api/v5/"
LOGIN_API = "auth/token"
MAX_PAGE_SIZE = 500
# Refresh before expiry so a token never dies between our check and HPK's.
TOKEN_REFRESH_MARGIN = timedelta(seconds=60)

CODE_OK = 0
CODE_VALIDATION_FAILED = 40001
CODE_TOKEN_INVALID = 40101
CODE_NOT_FOUND = 40401
CODE_DUPLICATE_REFERENCE = 40901
CODE_STATE_FORBIDS = 40902
CODE_INSUFFICIENT_STOCK = 40903
CODE_RATE_LIMITED = 42901
CODE_INTERNAL_ERROR = 50000

_INBOUND_TYPES_TO_WIRE: dict[InboundType, str] = {"purchase": "PURCHASE", "return": "RETURN"}
_OUTBOUND_TYPES_TO_WIRE: dict[OutboundType, str] = {
    "drop_shipping": "DROPSHIP",
    "transfer_staging": "TRANSFER",
}
_OUTBOUND_TYPES_FROM_WIRE: dict[str, OutboundType] = {
    wire: ours for ours, wire in _OUTBOUND_TYPES_TO_WIRE.items()
}
_INVENTORY_TYPES_FROM_WIRE: dict[str, InventoryType] = {"QUALIFIED": "qualified", "DEFECTIVE": "defective"}
_INBOUND_STATUSES: dict[str, InboundStatus] = {status: status for status in get_args(InboundStatus)}
_OUTBOUND_STATUSES: dict[str, OutboundStatus] = {status: status for status in get_args(OutboundStatus)}
_CANCEL_STATUSES: dict[str, CancelStatus] = {status: status for status in get_args(CancelStatus)}
_CANCEL_RESOLUTIONS: dict[str, CancelResolution] = {status: status for status in get_args(CancelResolution)}

CallbackKind = Literal["inbound", "outbound"]
_CALLBACK_EVENTS: dict[str, CallbackKind] = {
    "INBOUND_COMPLETED": "inbound",
    "INBOUND_CANCELLED": "inbound",
    "OUTBOUND_SHIPPED": "outbound",
    "OUTBOUND_CANCELLED": "outbound",
    "OUTBOUND_EXCEPTION": "outbound",
}
_FIELD_NAME = re.compile(r"[A-Za-z_][\w.\[\]]*")


# --- envelope and errors -------------------------------------------------------------------------


@dataclass(frozen=True)
class HpkEnvelope:
    code: int
    message: str
    request_id: str | None
    data: Any


def envelope_from_response(
    status_code: int, body: bytes, *, url: str, retry_after: str | None = None
) -> HpkEnvelope:
    """Turns HTTP-level failures into errors; a well-formed envelope is returned whatever its code."""
    if status_code == 404:
        raise ProxyConfigurationError(f"no HPK API at {url} (HTTP 404), check the API endpoint")
    if status_code in (401, 403):
        raise ProxyConfigurationError(f"HPK refused access to {url} (HTTP {status_code})")
    if status_code == 429:
        raise ProxyThrottled(
            "HPK rate limit (HTTP 429)", retry_after_seconds=retry_after_seconds(retry_after)
        )
    if status_code != 200:
        raise TransientProxyError(f"HPK answered HTTP {status_code}")
    try:
        payload = json.loads(body)
    except ValueError:
        raise TransientProxyError("HPK answered a body that is not JSON") from None
    code = payload.get("code") if isinstance(payload, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        raise TransientProxyError("HPK answered JSON without a numeric envelope code")
    request_id = payload.get("request_id")
    return HpkEnvelope(
        code=code,
        message=str(payload.get("message") or ""),
        request_id=str(request_id) if request_id is not None else None,
        data=payload.get("data"),
    )


def error_for_envelope(envelope: HpkEnvelope) -> ProxyError:
    """The error for a non-zero envelope code; HPK's own message is kept for operators."""
    message = envelope.message or "no message"
    match envelope.code:
        case 40001:
            return PermanentProxyError(f"HPK rejected the data: {message}", fields=fields_named_in(message))
        case 40401:
            return ProxyNotFound(f"HPK: {message}")
        case 40902:
            return BusinessRejection(message, kind="state")
        case 40903:
            return BusinessRejection(message, kind="stock")
        case 40101:
            return TransientProxyError(f"HPK rejected a freshly issued access token: {message}")
        case 42901:
            return ProxyThrottled(f"HPK rate limit ({CODE_RATE_LIMITED}): {message}")
        case code if is_transient_code(code):
            return TransientProxyError(f"HPK temporarily failed ({code}): {message}")
        case code:
            return PermanentProxyError(f"HPK code {code}: {message}")


def error_for_transport(error: httpx.HTTPError, endpoint: str) -> ProxyError:
    if isinstance(error, httpx.TimeoutException):
        return TransientProxyError(f"HPK did not answer in time ({type(error).__name__})")
    if isinstance(error, httpx.ConnectError | httpx.UnsupportedProtocol):
        return ProxyConfigurationError(f"cannot reach HPK API endpoint {endpoint}: {error}")
    return TransientProxyError(f"HPK transport error ({type(error).__name__}): {error}")


def fields_named_in(message: str) -> list[str]:
    """HPK's 40001 message lists the failing fields after a colon: "validation failed: name, spec"."""
    _, colon, listed = message.partition(":")
    if not colon:
        return []
    matches = (_FIELD_NAME.match(part.strip()) for part in listed.split(","))
    return [match.group() for match in matches if match]


def is_transient_code(code: int) -> bool:
    return code == CODE_RATE_LIMITED or code >= CODE_INTERNAL_ERROR


def raise_for(envelope: HpkEnvelope) -> None:
    if envelope.code != CODE_OK:
        raise error_for_envelope(envelope)


# --- payload mapping -----------------------------------------------------------------------------


def product_to_wire(product: ProductPayload) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "spec": product.spec,
        "weight_kg": _number(product.weight_kg),
        "length_cm": _number(product.length_cm),
        "width_cm": _number(product.width_cm),
        "height_cm": _number(product.height_cm),
        "barcode": product.barcode,
        "declared_value": _number(product.declared_value),
        "currency": product.currency,
    }


def inbound_request_to_wire(request: InboundRequest) -> dict[str, Any]:
    return {
        "reference_no": request.reference_no,
        "warehouse_code": request.warehouse_code,
        "inbound_type": _INBOUND_TYPES_TO_WIRE[request.inbound_type],
        "customer_code": request.customer_code,
        "expected_at": to_iso(request.expected_at) if request.expected_at else None,
        "items": [{"sku": item.sku, "qty": item.qty} for item in request.items],
    }


def outbound_request_to_wire(request: OutboundRequest) -> dict[str, Any]:
    label = request.label
    return {
        "reference_no": request.reference_no,
        "warehouse_code": request.warehouse_code,
        "order_type": _OUTBOUND_TYPES_TO_WIRE[request.order_type],
        "channel_code": request.channel_code,
        "recipient": request.recipient,
        "transfer": request.transfer,
        "label": None
        if label is None
        else {
            "format": label.format,
            "content_base64": label.content_base64,
            "carrier": label.carrier,
            "tracking_no": label.tracking_no,
        },
        "items": [{"sku": item.sku, "qty": item.qty} for item in request.items],
    }


def create_result_from_wire(
    data: Mapping[str, Any], number_field: str, already_existed: bool
) -> CreateResult:
    return CreateResult(
        proxy_order_no=str(data[number_field]), status=str(data["status"]), already_existed=already_existed
    )


def cancel_result_from_wire(data: Mapping[str, Any], number_field: str) -> CancelResult:
    return CancelResult(proxy_order_no=str(data[number_field]), status=_CANCEL_STATUSES[data["status"]])


def inbound_state_from_wire(data: Mapping[str, Any]) -> InboundState:
    return InboundState(
        inbound_no=str(data["inbound_no"]),
        reference_no=str(data["reference_no"]),
        status=_INBOUND_STATUSES[data["status"]],
        completed_at=_optional_time(data.get("completed_at")),
        items=tuple(
            InboundLine(
                sku=str(item["sku"]),
                planned_qty=int(item["planned_qty"]),
                qualified_qty=int(item.get("qualified_qty") or 0),
                defective_qty=int(item.get("defective_qty") or 0),
            )
            for item in data["items"]
        ),
    )


def outbound_state_from_wire(data: Mapping[str, Any]) -> OutboundState:
    cancel_result = data.get("cancel_result")
    return OutboundState(
        outbound_no=str(data["outbound_no"]),
        reference_no=str(data["reference_no"]),
        order_type=_OUTBOUND_TYPES_FROM_WIRE[data["order_type"]],
        status=_OUTBOUND_STATUSES[data["status"]],
        exception_reason=data.get("exception_reason"),
        shipped_at=_optional_time(data.get("shipped_at")),
        carrier=data.get("carrier"),
        tracking_no=data.get("tracking_no"),
        cancel_result=_CANCEL_RESOLUTIONS[cancel_result] if cancel_result else None,
        items=tuple(_outbound_line_from_wire(item) for item in data["items"]),
    )


def inventory_page_from_wire(data: Mapping[str, Any]) -> tuple[int, list[InventoryBatch]]:
    """(total number of records across all pages, this page's batches)."""
    return int(data["total"]), [inventory_batch_from_wire(record) for record in data["records"]]


def inventory_batch_from_wire(record: Mapping[str, Any]) -> InventoryBatch:
    return InventoryBatch(
        sku=str(record["sku"]),
        inventory_type=_INVENTORY_TYPES_FROM_WIRE[record["inventory_type"]],
        proxy_inbound_no=str(record["inbound_no"]),
        local_inbound_no=record.get("reference_no"),
        inbound_at=from_iso(record["inbound_at"]),
        available=int(record["available_qty"]),
        locked=int(record["locked_qty"]),
    )


def _outbound_line_from_wire(item: Mapping[str, Any]) -> OutboundLine:
    return OutboundLine(
        sku=str(item["sku"]),
        qty=int(item["qty"]),
        shipped_qty=int(item.get("shipped_qty") or 0),
        batches=tuple(
            ShippedBatch(
                inbound_no=str(batch["inbound_no"]),
                inbound_at=from_iso(batch["inbound_at"]),
                inventory_type=_INVENTORY_TYPES_FROM_WIRE[batch["inventory_type"]],
                qty=int(batch["qty"]),
            )
            for batch in item.get("batches") or ()
        ),
    )


def token_from_wire(data: Mapping[str, Any]) -> tuple[str, int]:
    token = data["access_token"]
    if not isinstance(token, str) or not token:
        raise ValueError("access_token missing")
    return token, int(data["expires_in"])


def decode[T](parse: Callable[..., T], data: Any, *args: Any) -> T:
    """Runs a wire parser; an answer of the wrong shape is HPK's fault and may heal, so transient."""
    try:
        return parse(data, *args)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TransientProxyError(f"HPK answered data of an unexpected shape ({error!r})") from error


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _optional_time(value: Any) -> datetime | None:
    return from_iso(value) if value else None


# --- status callbacks ----------------------------------------------------------------------------


def status_callback_from_wire(raw_body: bytes) -> StatusCallback:
    """A callback body: which order changed and how; InvalidInputError names what is malformed."""
    try:
        payload = load_json(raw_body)
    except InputRefused as refused:
        raise InvalidInputError(f"Malformed HPK callback: {refused}", field=refused.field) from None
    if not isinstance(payload, dict):
        raise InvalidInputError("Malformed HPK callback: the body must be a JSON object", field="body")
    event = payload.get("event")
    kind = _CALLBACK_EVENTS.get(event) if isinstance(event, str) else None
    if kind is None or not isinstance(event, str):
        raise InvalidInputError(
            f"Malformed HPK callback: event must be one of {', '.join(_CALLBACK_EVENTS)}", field="event"
        )
    number_field = f"{kind}_no"
    order_no = payload.get(number_field)
    if not isinstance(order_no, str) or not is_code(order_no):
        raise InvalidInputError(f"Malformed HPK callback: {number_field} must be {CODE_RULE}", number_field)
    reference_no = payload.get("reference_no")
    if reference_no is not None and not (isinstance(reference_no, str) and is_code(reference_no)):
        raise InvalidInputError(f"Malformed HPK callback: reference_no must be {CODE_RULE}", "reference_no")
    return StatusCallback(
        kind=kind,
        proxy_order_no=order_no,
        reference_no=reference_no or None,
        event=event,
    )
