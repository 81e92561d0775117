"""HPK (Hipacking) v5 adapter: the only module that knows HPK's paths, envelope, codes and field names.

The contract we build against is /work/shared/docs/hpk-v5-contract.md. When HPK's real document
arrives, this module and the simulator change; the port (`proxyhub.proxy.ports`) does not.
"""

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, get_args

import httpx

from proxyhub.clock import Clock, SystemClock, from_iso, to_iso
from proxyhub.errors import InvalidInputError
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
    LogContext,
    OutboundLine,
    OutboundRequest,
    OutboundState,
    OutboundStatus,
    OutboundType,
    PermanentProxyError,
    ProductPayload,
    ProxyConfigurationError,
    ProxyConnection,
    ProxyError,
    ProxyNotFound,
    ShippedBatch,
    TransientProxyError,
)
from proxyhub.request_log import RequestLogSink
from proxyhub.settings import Settings, get_settings
from proxyhub.vendor_http import Answer, VendorHttpClient, retry_after_seconds

API_PREFIX = "/api/v5/"
LOGIN_API = "auth/token"
SIGNATURE_HEADER = "X-HPK-Signature"
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
        raise TransientProxyError(
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
        case code if _is_transient_code(code):
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


def _is_transient_code(code: int) -> bool:
    return code == CODE_RATE_LIMITED or code >= CODE_INTERNAL_ERROR


def _raise_for(envelope: HpkEnvelope) -> None:
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


def _token_from_wire(data: Mapping[str, Any]) -> tuple[str, int]:
    token = data["access_token"]
    if not isinstance(token, str) or not token:
        raise ValueError("access_token missing")
    return token, int(data["expires_in"])


def _decode[T](parse: Callable[..., T], data: Any, *args: Any) -> T:
    """Runs a wire parser; an answer of the wrong shape is HPK's fault and may heal, so transient."""
    try:
        return parse(data, *args)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TransientProxyError(f"HPK answered data of an unexpected shape ({error!r})") from error


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _optional_time(value: Any) -> datetime | None:
    return from_iso(value) if value else None


# --- token cache ---------------------------------------------------------------------------------

_TokenKey = tuple[str, str, str]


class _TokenCache:
    """Tokens per proxy system, shared by every client in the process, so a warm Lambda reuses them."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._tokens: dict[_TokenKey, tuple[str, datetime]] = {}
        self._login_locks: dict[_TokenKey, threading.Lock] = {}

    def login_lock(self, key: _TokenKey) -> threading.Lock:
        """Serialises logins per system, so concurrent calls share one fresh token."""
        with self._guard:
            return self._login_locks.setdefault(key, threading.Lock())

    def get(self, key: _TokenKey, now: datetime) -> str | None:
        with self._guard:
            entry = self._tokens.get(key)
        if entry is None or now >= entry[1]:
            return None
        return entry[0]

    def put(self, key: _TokenKey, token: str, refresh_at: datetime) -> None:
        with self._guard:
            self._tokens[key] = (token, refresh_at)

    def forget(self, key: _TokenKey, token: str) -> None:
        """Drops `token` only if still cached, so a newer token from a concurrent login survives."""
        with self._guard:
            if key in self._tokens and self._tokens[key][0] == token:
                del self._tokens[key]

    def clear(self) -> None:
        with self._guard:
            self._tokens.clear()


_token_cache = _TokenCache()


def forget_cached_tokens() -> None:
    """Empties the process-wide token cache (tests, or after an operator changes credentials)."""
    _token_cache.clear()


# --- client --------------------------------------------------------------------------------------


class HpkClient(VendorHttpClient):
    """The proxy-warehouse port over HPK v5; every HTTP exchange is handed to the request-log sink."""

    _port_errors = ProxyError

    def __init__(
        self,
        connection: ProxyConnection,
        sink: RequestLogSink,
        *,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        settings: Settings | None = None,
    ) -> None:
        settings = settings or get_settings()
        self._connection = connection
        self._clock = clock or SystemClock()
        self._token_key: _TokenKey = (connection.system_code, connection.api_endpoint, connection.account)
        timeout = httpx.Timeout(
            settings.hpk_read_timeout_seconds if read_timeout is None else read_timeout,
            connect=settings.hpk_connect_timeout_seconds if connect_timeout is None else connect_timeout,
        )
        super().__init__(
            connection.api_endpoint,
            sink,
            system_code=connection.system_code,
            timeout=timeout,
            transport=transport,
            body_limit=settings.request_log_body_limit,
        )

    def _invalid_base_url(self, base_url: str) -> Exception:
        return ProxyConfigurationError(f"invalid HPK API endpoint {base_url!r}")

    def _transport_error(self, error: httpx.HTTPError) -> Exception:
        return error_for_transport(error, self._connection.api_endpoint)

    def upsert_product(self, product: ProductPayload, *, context: LogContext | None = None) -> str:
        data = self._call("products/upsert", product_to_wire(product), context)
        return _decode(lambda answer: str(answer["sku"]), data)

    def create_inbound(self, request: InboundRequest, *, context: LogContext | None = None) -> CreateResult:
        return self._create("inbound/create", inbound_request_to_wire(request), "inbound_no", context)

    def get_inbound(self, inbound_no: str, *, context: LogContext | None = None) -> InboundState:
        return _decode(
            inbound_state_from_wire, self._call("inbound/get", {"inbound_no": inbound_no}, context)
        )

    def cancel_inbound(
        self, inbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        data = self._call("inbound/cancel", {"inbound_no": inbound_no, "reason": reason}, context)
        return _decode(cancel_result_from_wire, data, "inbound_no")

    def create_outbound(self, request: OutboundRequest, *, context: LogContext | None = None) -> CreateResult:
        return self._create("outbound/create", outbound_request_to_wire(request), "outbound_no", context)

    def get_outbound(self, outbound_no: str, *, context: LogContext | None = None) -> OutboundState:
        data = self._call("outbound/get", {"outbound_no": outbound_no}, context)
        return _decode(outbound_state_from_wire, data)

    def cancel_outbound(
        self, outbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        data = self._call("outbound/cancel", {"outbound_no": outbound_no, "reason": reason}, context)
        return _decode(cancel_result_from_wire, data, "outbound_no")

    def iter_inventory(
        self,
        warehouse_code: str,
        page_size: int = MAX_PAGE_SIZE,
        *,
        first_page: int = 1,
        context: LogContext | None = None,
    ) -> Iterator[list[InventoryBatch]]:
        """Yields each non-empty page as it arrives; stops when `page_no * page_size >= total`."""
        page_no = first_page
        while True:
            body = {"warehouse_code": warehouse_code, "page_no": page_no, "page_size": page_size}
            total, batches = _decode(inventory_page_from_wire, self._call("inventory/page", body, context))
            if batches:
                yield batches
            # An empty page ends the loop even if `total` claims more, so a miscount cannot spin forever.
            if not batches or page_no * page_size >= total:
                return
            page_no += 1

    def _create(
        self, api_name: str, body: dict[str, Any], number_field: str, context: LogContext | None
    ) -> CreateResult:
        envelope = self._authorized_exchange(api_name, body, context)
        already_existed = envelope.code == CODE_DUPLICATE_REFERENCE
        if not already_existed:
            _raise_for(envelope)
        return _decode(create_result_from_wire, envelope.data, number_field, already_existed)

    def _call(self, api_name: str, body: dict[str, Any], context: LogContext | None) -> Any:
        envelope = self._authorized_exchange(api_name, body, context)
        _raise_for(envelope)
        return envelope.data

    def _authorized_exchange(
        self, api_name: str, body: dict[str, Any], context: LogContext | None
    ) -> HpkEnvelope:
        token = self._token(context)
        envelope = self._exchange(api_name, body, context, token=token)
        if envelope.code != CODE_TOKEN_INVALID:
            return envelope
        # HPK may drop a token before its announced expiry: log in again once and repeat once.
        _token_cache.forget(self._token_key, token)
        return self._exchange(api_name, body, context, token=self._token(context))

    def _token(self, context: LogContext | None) -> str:
        with _token_cache.login_lock(self._token_key):
            return _token_cache.get(self._token_key, self._clock.now()) or self._login(context)

    def _login(self, context: LogContext | None) -> str:
        connection = self._connection
        body = {"account": connection.account, "password": connection.password, "version": connection.version}
        envelope = self._exchange(LOGIN_API, body, context, token=None)
        if envelope.code != CODE_OK:
            if _is_transient_code(envelope.code):
                raise error_for_envelope(envelope)
            raise ProxyConfigurationError(
                f"HPK login refused for account {connection.account!r} ({envelope.code}): {envelope.message}"
            )
        token, expires_in = _decode(_token_from_wire, envelope.data)
        _token_cache.put(
            self._token_key, token, self._clock.now() + timedelta(seconds=expires_in) - TOKEN_REFRESH_MARGIN
        )
        return token

    def _exchange(
        self, api_name: str, body: dict[str, Any], context: LogContext | None, *, token: str | None
    ) -> HpkEnvelope:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = self._http.build_request("POST", API_PREFIX + api_name, json=body, headers=headers)
        known_secrets = (self._connection.password, token or "")
        return self._send_logged(api_name, request, context, _read_envelope, known_secrets=known_secrets)


def _read_envelope(response: httpx.Response) -> Answer[HpkEnvelope]:
    """The envelope, whatever its code; a non-zero code is logged as HPK's refusal."""
    envelope = envelope_from_response(
        response.status_code,
        response.content,
        url=str(response.request.url),
        retry_after=response.headers.get("Retry-After"),
    )
    refusal = f"HPK code {envelope.code}: {envelope.message}" if envelope.code != CODE_OK else None
    return Answer(envelope, request_id=envelope.request_id, error=refusal)


def hpk_client_factory(connection: ProxyConnection, sink: RequestLogSink) -> HpkClient:
    """The `ProxyClientFactory` for system type HPK."""
    return HpkClient(connection, sink)


# --- status callbacks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HpkCallbackEvent:
    """A push from HPK: a hint that makes the related task run now (the task still reads `get`)."""

    kind: CallbackKind
    proxy_order_no: str
    reference_no: str | None
    event: str


def sign_hpk_callback(secret: str, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def verify_hpk_callback(secret: str, raw_body: bytes, signature_header: str | None) -> bool:
    """True when `X-HPK-Signature` is the hex HMAC-SHA256 of the raw body under our callback secret."""
    if not secret or not signature_header:
        return False
    expected = sign_hpk_callback(secret, raw_body).encode()
    return hmac.compare_digest(expected, signature_header.strip().lower().encode())


def parse_hpk_callback(raw_body: bytes) -> HpkCallbackEvent:
    try:
        payload = json.loads(raw_body)
        event = payload["event"]
        kind = _CALLBACK_EVENTS[event]
        order_no = payload[f"{kind}_no"]
        if not isinstance(order_no, str) or not order_no:
            raise ValueError(f"{kind}_no missing")
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInputError(f"Malformed HPK callback ({error!r})", field="body") from error
    reference_no = payload.get("reference_no")
    return HpkCallbackEvent(
        kind=kind,
        proxy_order_no=order_no,
        reference_no=str(reference_no) if reference_no else None,
        event=event,
    )
