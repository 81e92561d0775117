"""The HPK v5 client: token login cached per proxy system, one logged exchange per call."""

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from proxyhub.adapters.hpk.wire import (
    API_PREFIX,
    CODE_DUPLICATE_REFERENCE,
    CODE_OK,
    CODE_TOKEN_INVALID,
    LOGIN_API,
    MAX_PAGE_SIZE,
    TOKEN_REFRESH_MARGIN,
    HpkEnvelope,
    cancel_result_from_wire,
    create_result_from_wire,
    decode,
    envelope_from_response,
    error_for_envelope,
    error_for_transport,
    inbound_request_to_wire,
    inbound_state_from_wire,
    inventory_page_from_wire,
    is_transient_code,
    outbound_request_to_wire,
    outbound_state_from_wire,
    product_to_wire,
    raise_for,
    token_from_wire,
)
from proxyhub.adapters.http import Answer, VendorHttpClient
from proxyhub.adapters.outbound_guard import HeldBack, OutboundGuard, OutboundGuards
from proxyhub.clock import Clock, SystemClock
from proxyhub.proxy.ports import (
    CancelResult,
    CreateResult,
    InboundRequest,
    InboundState,
    InventoryPage,
    LogContext,
    OutboundRequest,
    OutboundState,
    ProductPayload,
    ProxyConfigurationError,
    ProxyConnection,
    ProxyError,
    ProxyThrottled,
)
from proxyhub.request_log import RequestLogSink
from proxyhub.settings import Settings

_TokenKey = tuple[str, str, str]


class TokenCache:
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
        tokens: TokenCache | None = None,
        guard: OutboundGuard | None = None,
    ) -> None:
        settings = settings or Settings()
        self._connection = connection
        self._tokens = tokens or TokenCache()
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
            guard=guard,
        )

    def _held_back_error(self, held: HeldBack) -> Exception:
        return ProxyThrottled(
            f"HPK call not sent: {held.reason}", retry_after_seconds=held.retry_after_seconds
        )

    def _invalid_base_url(self, base_url: str) -> Exception:
        return ProxyConfigurationError(f"invalid HPK API endpoint {base_url!r}")

    def _transport_error(self, error: httpx.HTTPError) -> Exception:
        return error_for_transport(error, self._connection.api_endpoint)

    def upsert_product(self, product: ProductPayload, *, context: LogContext | None = None) -> str:
        data = self._call("products/upsert", product_to_wire(product), context)
        return decode(lambda answer: str(answer["sku"]), data)

    def create_inbound(self, request: InboundRequest, *, context: LogContext | None = None) -> CreateResult:
        return self._create("inbound/create", inbound_request_to_wire(request), "inbound_no", context)

    def get_inbound(self, inbound_no: str, *, context: LogContext | None = None) -> InboundState:
        return decode(inbound_state_from_wire, self._call("inbound/get", {"inbound_no": inbound_no}, context))

    def cancel_inbound(
        self, inbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        data = self._call("inbound/cancel", {"inbound_no": inbound_no, "reason": reason}, context)
        return decode(cancel_result_from_wire, data, "inbound_no")

    def create_outbound(self, request: OutboundRequest, *, context: LogContext | None = None) -> CreateResult:
        return self._create("outbound/create", outbound_request_to_wire(request), "outbound_no", context)

    def get_outbound(self, outbound_no: str, *, context: LogContext | None = None) -> OutboundState:
        data = self._call("outbound/get", {"outbound_no": outbound_no}, context)
        return decode(outbound_state_from_wire, data)

    def cancel_outbound(
        self, outbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        data = self._call("outbound/cancel", {"outbound_no": outbound_no, "reason": reason}, context)
        return decode(cancel_result_from_wire, data, "outbound_no")

    def iter_inventory(
        self,
        warehouse_code: str,
        page_size: int = MAX_PAGE_SIZE,
        *,
        first_page: int = 1,
        context: LogContext | None = None,
    ) -> Iterator[InventoryPage]:
        """Yields each non-empty page as it arrives; stops when `page_no * page_size >= total`."""
        page_no = first_page
        while True:
            body = {"warehouse_code": warehouse_code, "page_no": page_no, "page_size": page_size}
            total, batches = decode(inventory_page_from_wire, self._call("inventory/page", body, context))
            if batches:
                yield InventoryPage(batches, total_records=total)
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
            raise_for(envelope)
        return decode(create_result_from_wire, envelope.data, number_field, already_existed)

    def _call(self, api_name: str, body: dict[str, Any], context: LogContext | None) -> Any:
        envelope = self._authorized_exchange(api_name, body, context)
        raise_for(envelope)
        return envelope.data

    def _authorized_exchange(
        self, api_name: str, body: dict[str, Any], context: LogContext | None
    ) -> HpkEnvelope:
        token = self._token(context)
        envelope = self._exchange(api_name, body, context, token=token)
        if envelope.code != CODE_TOKEN_INVALID:
            return envelope
        # HPK may drop a token before its announced expiry: log in again once and repeat once.
        self._tokens.forget(self._token_key, token)
        return self._exchange(api_name, body, context, token=self._token(context))

    def _token(self, context: LogContext | None) -> str:
        with self._tokens.login_lock(self._token_key):
            return self._tokens.get(self._token_key, self._clock.now()) or self._login(context)

    def _login(self, context: LogContext | None) -> str:
        connection = self._connection
        body = {"account": connection.account, "password": connection.password, "version": connection.version}
        envelope = self._exchange(LOGIN_API, body, context, token=None)
        if envelope.code != CODE_OK:
            if is_transient_code(envelope.code):
                raise error_for_envelope(envelope)
            raise ProxyConfigurationError(
                f"HPK login refused for account {connection.account!r} ({envelope.code}): {envelope.message}"
            )
        token, expires_in = decode(token_from_wire, envelope.data)
        self._tokens.put(
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


class HpkClientFactory:
    """The `ProxyClientFactory` for system type HPK; its clients share one token cache, so a warm
    Lambda logs in once per proxy system, and one outbound guard per system (rate limit, circuit)."""

    def __init__(self, settings: Settings, guards: OutboundGuards | None = None) -> None:
        self._settings = settings
        self._tokens = TokenCache()
        # One rate limit and circuit per proxy system, shared like the tokens.
        self._guards = guards or OutboundGuards()

    def __call__(self, connection: ProxyConnection, sink: RequestLogSink) -> HpkClient:
        guard = self._guards.for_system(connection.system_code)
        return HpkClient(connection, sink, settings=self._settings, tokens=self._tokens, guard=guard)
