"""OneWarehouse pushes: checked, logged raw, answered once, and carried out by the /v1 domain operations.

One push: the active connection → the source IP allow-list → the signature under the connection's
verify mode (`enforce` refuses, `log` accepts and records the mismatch, `off` skips) → the body
(400 naming the field) → the same OrderService / ConfigService operation as the /v1 API, run at most
once per identical push → the reply in OneWarehouse's envelope. Every push, whatever its fate, goes to
the request log with its headers and body, secrets masked.

"Identical" is the same topic and JSON body from the same environment, whatever its nonce and
timestamp: OneWarehouse retrying a push signs it afresh. The first successful answer is remembered
(Powertools idempotency) and repeated; refusals are not remembered, since they changed nothing and a
fixed mapping should let the same push through.
"""

import ipaddress
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any, assert_never

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from pydantic import BaseModel, ValidationError

from proxyhub.clock import Clock
from proxyhub.config.service import ConfigService
from proxyhub.errors import ConflictError, DomainError, InvalidInputError, NotFoundError, VendorError
from proxyhub.input_policy import InputRefused, admit_body, load_json
from proxyhub.models.config import SkuInput
from proxyhub.models.input_rules import CODE_RULE, is_code
from proxyhub.models.orders import InboundOrderCreate, Order, OrderKind, OrderStatus, OutboundOrderCreate
from proxyhub.orders.service import OrderService
from proxyhub.request_log import RequestLogRecord, RequestLogSink, render_body
from proxyhub.skus.sync import SkuSyncService
from proxyhub.upstream.connections import ORDER_SOURCE, ConnectionService, ConnectionSettings
from proxyhub.upstream.ports import (
    CancelDecision,
    InboundCancelPush,
    MalformedPushError,
    NonceStore,
    OrderAccepted,
    OutboundCancelPush,
    OutboundPush,
    ProductPush,
    ProductUpserted,
    PurchaseInboundPush,
    Push,
    PushAnswer,
    PushCodec,
    PushItem,
    PushRefusalKind,
    PushRefused,
    PushReply,
    PushTopic,
    PushVerification,
    ReturnInboundPush,
    UpstreamOrderStore,
)
from proxyhub.webhook_metrics import WebhookOutcome, WebhookSource, count_webhook

WEBHOOK_SOURCE: WebhookSource = "onewarehouse"
# OneWarehouse retries within hours; a day covers its retries without keeping answers for ever.
ANSWER_TTL_SECONDS = 24 * 3600
NO_ACTIVE_CONNECTION = "No active OneWarehouse connection is configured"
INTERCEPTION_IN_PROGRESS = "interception in progress"
DEFAULT_CANCEL_REASON = "Cancelled by OneWarehouse"
INTERNAL_ERROR_NOTE = "Internal error ({error_type}); the reply was a 500, see the request id in the logs"

# Domain field names as OneWarehouse calls them, so a 400 names the field it sent.
_PUSH_FIELD_NAMES = {
    "gsku": "sku_id",
    "customer_code": "owner_code",
    "expected_at": "expected_arrival",
    "channel_code": "logistics.carrier_code",
    "local_sku": "sku_code",
}


@dataclass(frozen=True)
class IncomingPush:
    topic: PushTopic
    path: str
    headers: Mapping[str, str]
    raw_body: bytes
    source_ip: str
    request_id: str | None = None


@dataclass(frozen=True)
class _Handled:
    reply: PushReply
    note: str | None = None  # what operators should know: why refused, or a mismatch let through
    push: Push | None = None
    outcome: WebhookOutcome = "accepted"
    # The sender failed the IP, signature, timestamp or nonce check (even if its verify mode let it in).
    verification_failed: bool = False


class RememberedAnswers:
    """Powertools idempotency: the first answer to a push is stored and repeated for identical pushes."""

    def __init__(self, persistence: BasePersistenceLayer, expires_after_seconds: int = ANSWER_TTL_SECONDS):
        self._config = IdempotencyConfig(expires_after_seconds=expires_after_seconds)
        self._answer_once = idempotent_function(
            data_keyword_argument="push",
            persistence_store=persistence,
            config=self._config,
            key_prefix="onewarehouse-push",
        )(_compute_answer)

    def answer(
        self, push: dict[str, Any], compute: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> dict[str, Any]:
        if lambda_context is not None:
            # Lets a record left "in progress" by a timed-out invocation expire with that invocation.
            self._config.register_lambda_context(lambda_context)
        try:
            answer: dict[str, Any] = self._answer_once(push=push, compute=compute)
        except IdempotencyAlreadyInProgressError:
            raise PushRefused("The same push is being handled; send it again shortly", "busy") from None
        return answer


def _compute_answer(push: dict[str, Any], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Only `push` is hashed into the idempotency key; `compute` carries the work."""
    return compute()


class PushService:
    def __init__(
        self,
        *,
        connections: ConnectionService,
        orders: OrderService,
        config: ConfigService,
        sku_sync: SkuSyncService,
        upstream_orders: UpstreamOrderStore,
        codec: PushCodec,
        answers: RememberedAnswers,
        nonce_store_for: Callable[[str], NonceStore],
        request_log: RequestLogSink,
        clock: Clock,
        body_limit: int,
    ) -> None:
        self._connections = connections
        self._orders = orders
        self._config = config
        self._sku_sync = sku_sync
        self._upstream_orders = upstream_orders
        self._codec = codec
        self._answers = answers
        self._nonce_store_for = nonce_store_for
        self._request_log = request_log
        self._clock = clock
        self._body_limit = body_limit

    def topic_at(self, path: str) -> PushTopic | None:
        """The topic whose push is received at `path`."""
        return next((topic for topic in PushTopic if self._codec.push_path(topic) == path), None)

    def push_urls(self, base_url: str) -> dict[PushTopic, str]:
        """The address of each push, to hand to the platform."""
        return {topic: f"{base_url.rstrip('/')}{self._codec.push_path(topic)}" for topic in PushTopic}

    def handle(self, push: IncomingPush, lambda_context: Any = None) -> PushReply:
        started = time.perf_counter()
        connection: ConnectionSettings | None = None
        try:
            connection = self._connections.active()
            handled = self._handle(push, connection, lambda_context)
        except Exception as error:
            # The sender gets a 500 (and retries); operators still find the push on the Logs page.
            note = INTERNAL_ERROR_NOTE.format(error_type=type(error).__name__)
            failed = _Handled(
                PushReply(500, {"message": "Internal error", "request_id": push.request_id}),
                note,
                outcome="failed",
            )
            self._log(push, connection, failed, started)
            count_webhook(WEBHOOK_SOURCE, "failed", verification_failed=False)
            raise
        self._log(push, connection, handled, started)
        count_webhook(WEBHOOK_SOURCE, handled.outcome, verification_failed=handled.verification_failed)
        return handled.reply

    # ------------------------------------------------------------ checks, then the domain

    def _handle(
        self, push: IncomingPush, connection: ConnectionSettings | None, lambda_context: Any
    ) -> _Handled:
        try:
            admit_body(_content_type(push.headers), push.raw_body)
        except InputRefused as refused:
            reply = self._codec.inadmissible(refused.status.value, refused.field, refused.message)
            return _Handled(reply, f"Refused unread: {refused}", outcome="refused")
        if connection is None:
            reply = self._codec.unauthorized(NO_ACTIVE_CONNECTION)
            return _Handled(reply, NO_ACTIVE_CONNECTION, outcome="refused")
        verification = self._verify(push, connection)
        if verification.outcome == "ip_refused":
            reply = self._codec.forbidden(verification.reason)
            return _Handled(reply, verification.reason, outcome="refused", verification_failed=True)
        if verification.ok:
            return self._carry_out(push, connection, None, lambda_context)
        if connection.verify_mode == "enforce":
            reply = self._codec.unauthorized(verification.reason)
            note = f"Refused: {verification.reason}"
            return _Handled(reply, note, outcome="refused", verification_failed=True)
        note = f"Accepted in verify mode {connection.verify_mode} despite: {verification.reason}"
        return replace(self._carry_out(push, connection, note, lambda_context), verification_failed=True)

    def _carry_out(
        self, push: IncomingPush, connection: ConnectionSettings, note: str | None, lambda_context: Any
    ) -> _Handled:
        parsed: Push | None = None
        try:
            parsed = self._codec.parse(push.topic, push.raw_body)
            action = self._action_for(parsed, connection)
            # Remembered as plain JSON: a repeat gets back what the first push was answered.
            remembered = self._answers.answer(
                _answer_key(push, connection),
                lambda: asdict(self._codec.answered(push.topic, _refusing(action))),
                lambda_context,
            )
            reply = PushReply(**remembered)
        except MalformedPushError as error:
            reply = self._codec.malformed(error.field, error.message)
            return _Handled(reply, _joined(note, str(error)), parsed, outcome="refused")
        except PushRefused as refusal:
            reply = self._codec.refused(refusal)
            return _Handled(reply, _joined(note, refusal.reason), parsed, outcome="rejected")
        return _Handled(reply, note, parsed)

    def _verify(self, push: IncomingPush, connection: ConnectionSettings) -> PushVerification:
        if not ip_allowed(push.source_ip, connection.allowed_ips):
            return PushVerification.ip_refused(push.source_ip)
        if connection.verify_mode == "off":
            return PushVerification.accepted()
        return self._codec.verify(
            push.headers,
            push.raw_body,
            connection.app_key,
            self._connections.app_secret(connection),
            self._clock.now(),
            self._nonce_store_for(connection.app_key),
        )

    def _action_for(self, push: Push, connection: ConnectionSettings) -> Callable[[], PushAnswer]:
        """Validates and maps the push up front (refusals change nothing); returns the work to do once."""
        match push:
            case ProductPush():
                gsku, data = _sku_input(push, connection)
                return lambda: self._upsert_product(gsku, data)
            case PurchaseInboundPush() | ReturnInboundPush():
                inbound = _inbound_order(push, connection)
                return lambda: self._accept_order(inbound, connection)
            case OutboundPush():
                outbound = _outbound_order(push, connection)
                return lambda: self._accept_order(outbound, connection)
            case InboundCancelPush(inbound_no=order_no, reason=reason):
                return lambda: self._cancel(OrderKind.INBOUND, order_no, reason)
            case OutboundCancelPush(outbound_no=order_no, reason=reason):
                return lambda: self._cancel(OrderKind.OUTBOUND, order_no, reason)
        assert_never(push)

    # ------------------------------------------------------------ the domain operations

    def _upsert_product(self, gsku: str, data: SkuInput) -> ProductUpserted:
        created = self._config.find_sku(gsku) is None
        self._config.put_sku(gsku, data)
        self._resync_where_mapped(gsku)
        return ProductUpserted(gsku, created)

    def _resync_where_mapped(self, gsku: str) -> None:
        """Proxy systems that already have the SKU get the new master data; resync records its own
        failures on the SKU mapping, where operators see them and resync again."""
        for system in self._config.list_proxy_systems():
            if self._sku_sync.is_mapped(system.code, gsku):
                self._sku_sync.resync(system.code, gsku, self._request_log)

    def _accept_order(
        self, request: InboundOrderCreate | OutboundOrderCreate, connection: ConnectionSettings
    ) -> OrderAccepted:
        order = self._create_or_replace(request)
        if order.source != ORDER_SOURCE:
            raise PushRefused(f"Order number {order.order_no} is already used by another source", "state")
        self._upstream_orders.link_order(
            order.kind, order.order_no, ORDER_SOURCE, connection.environment, self._clock.now()
        )
        return OrderAccepted(order_no=order.order_no, wms_order_no=order.order_no)

    def _create_or_replace(self, request: InboundOrderCreate | OutboundOrderCreate) -> Order:
        try:
            if isinstance(request, InboundOrderCreate):
                return self._orders.create_inbound(request, source=ORDER_SOURCE)[0]
            return self._orders.create_outbound(request, source=ORDER_SOURCE)[0]
        except ConflictError:
            # Same number, other content: OneWarehouse changed the order, allowed until it is pushed.
            return self._orders.replace_unpushed(request, ORDER_SOURCE)

    def _cancel(self, kind: OrderKind, order_no: str, reason: str | None) -> CancelDecision:
        order = self._orders.get(kind, order_no)
        if order.source != ORDER_SOURCE:
            raise NotFoundError(f"{kind.value.capitalize()} order {order_no} not found")
        if order.status is OrderStatus.CANCELLED:
            return CancelDecision(order_no, True, _cancel_result(order))
        reason = reason or DEFAULT_CANCEL_REASON
        try:
            if order.status is OrderStatus.CREATED:
                cancelled = self._orders.cancel_unpushed(kind, order_no, reason)
            else:
                cancelled = self._orders.cancel(kind, order_no, reason)
        except ConflictError as refused:
            if order.status is OrderStatus.CREATED:
                # The push to the proxy warehouse is under way: asked again, the answer will be final.
                raise PushRefused(refused.message, "busy") from refused
            return CancelDecision(order_no, False, refused.message)
        if cancelled.status is OrderStatus.CANCELLING:
            return CancelDecision(order_no, False, INTERCEPTION_IN_PROGRESS)
        return CancelDecision(order_no, True, _cancel_result(cancelled))

    # ------------------------------------------------------------ request log

    def _log(
        self, push: IncomingPush, connection: ConnectionSettings | None, handled: _Handled, started: float
    ) -> None:
        self._request_log.record(
            RequestLogRecord(
                api_name=self._codec.push_path(push.topic).lstrip("/"),
                url=push.path,
                method="POST",
                request_body=render_body(push.raw_body, self._body_limit),
                response_status=handled.reply.status,
                response_body=render_body(handled.reply.body, self._body_limit),
                duration_ms=round((time.perf_counter() - started) * 1000),
                request_id=push.request_id,
                system_code=connection.system_code if connection else "ONEWAREHOUSE",
                warehouse_code=_gwms_warehouse(handled.push, connection),
                order_no=_order_no(handled.push),
                error=handled.note,
                request_headers=self._codec.logged_headers(push.headers),
            )
        )


# ---------------------------------------------------------------- pushes → domain requests


def _sku_input(push: ProductPush, connection: ConnectionSettings) -> tuple[str, SkuInput]:
    # The GSKU is OneWarehouse's sku_id as it is, so it must be a code that /v1/skus/{gsku} can name.
    if not is_code(push.sku_id):
        raise MalformedPushError("sku_id", CODE_RULE)
    data = {
        "name": push.name,
        "spec": push.spec,
        "weight_kg": _measure(push.weight_kg),
        "length_cm": _measure(push.length_cm),
        "width_cm": _measure(push.width_cm),
        "height_cm": _measure(push.height_cm),
        "barcode": push.barcode,
        "customer_code": _customer(push.owner_code, connection),
        "local_sku": push.sku_code,
    }
    return push.sku_id, _validated(SkuInput, data)


def _inbound_order(
    push: PurchaseInboundPush | ReturnInboundPush, connection: ConnectionSettings
) -> InboundOrderCreate:
    if isinstance(push, PurchaseInboundPush):
        number_field, order_no, expected_at = "inbound_no", push.inbound_no, push.expected_arrival
    else:
        number_field, order_no, expected_at = "return_no", push.return_no, None
    data = {
        "order_no": order_no,
        "inbound_type": "purchase" if isinstance(push, PurchaseInboundPush) else "return",
        "warehouse_code": _gwms_warehouse_for(push.warehouse_code, connection),
        "customer_code": _customer(push.owner_code, connection),
        "expected_at": expected_at,
        "items": _lines(push.items),
    }
    return _validated(InboundOrderCreate, data, {"order_no": number_field})


def _outbound_order(push: OutboundPush, connection: ConnectionSettings) -> OutboundOrderCreate:
    data = {
        "order_no": push.outbound_no,
        # OneWarehouse orders go to a consumer with OneWarehouse's own label: drop shipping, whose
        # GWMS channel is the carrier code (a channel mapping per carrier names the proxy channel).
        "outbound_type": "drop_shipping",
        "warehouse_code": _gwms_warehouse_for(push.warehouse_code, connection),
        "customer_code": _customer(push.owner_code, connection),
        "channel_code": push.carrier_code,
        "recipient": {key: value for key, value in push.recipient.items() if value is not None},
        "items": _lines(push.items),
    }
    return _validated(OutboundOrderCreate, data, {"order_no": "outbound_no"})


def _lines(items: tuple[PushItem, ...]) -> list[dict[str, Any]]:
    return [{"gsku": item.sku_id, "qty": item.qty} for item in items]


def _customer(owner_code: str, connection: ConnectionSettings) -> str:
    customer = connection.owner_map.get(owner_code)
    if customer is None:
        raise PushRefused(
            f"owner_code {owner_code} is not mapped to a GWMS customer ({connection.environment} connection)",
            "invalid",
        )
    return customer


def _gwms_warehouse_for(warehouse_code: str, connection: ConnectionSettings) -> str:
    gwms_warehouse = connection.warehouse_map.get(warehouse_code)
    if gwms_warehouse is None:
        raise PushRefused(
            f"warehouse_code {warehouse_code} is not mapped to a GWMS warehouse "
            f"({connection.environment} connection)",
            "invalid",
        )
    return gwms_warehouse


def _validated[M: BaseModel](
    model: type[M], data: dict[str, Any], renames: Mapping[str, str] | None = None
) -> M:
    """The domain request, or a MalformedPushError naming the field as OneWarehouse sent it."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        field = _push_field(first["loc"], {**_PUSH_FIELD_NAMES, **(renames or {})})
        if field == "body" and ":" in message:
            # Model-level rules name their field themselves: "items: each GSKU may appear ...".
            field, message = (part.strip() for part in message.split(":", 1))
        raise MalformedPushError(field, message) from None


def _push_field(loc: tuple[int | str, ...], renames: Mapping[str, str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = renames.get(part, part)
            path += f".{name}" if path else name
    return path or "body"


# ---------------------------------------------------------------- small helpers


def _refusing(action: Callable[[], PushAnswer]) -> PushAnswer:
    """Domain refusals become business refusals of the push (nothing was written)."""
    try:
        return action()
    except (DomainError, VendorError) as error:
        raise PushRefused(error.message, _refusal_kind(error)) from error


def _refusal_kind(error: DomainError | VendorError) -> PushRefusalKind:
    match error:
        case InvalidInputError():
            return "invalid"
        case NotFoundError():
            return "not_found"
        case ConflictError():
            return "state"
    # A disabled proxy system, or the proxy warehouse unreachable during a cancel: may pass later.
    return "unavailable"


def _answer_key(push: IncomingPush, connection: ConnectionSettings) -> dict[str, Any]:
    return {
        "environment": connection.environment,
        "topic": push.topic.value,
        # Parsed (by the same strict reader) before this is asked: the push is well-formed.
        "body": load_json(push.raw_body),
    }


def _content_type(headers: Mapping[str, str]) -> str | None:
    return next((value for name, value in headers.items() if name.lower() == "content-type"), None)


def _measure(value: Decimal | None) -> float | None:
    """OneWarehouse's decimals as the domain's numbers, whose own bounds then apply."""
    return None if value is None else float(value)


def _cancel_result(order: Order) -> str:
    result = order.cancel.result if order.cancel else None
    return result or "Cancelled"


def _joined(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _order_no(push: Push | None) -> str | None:
    match push:
        case PurchaseInboundPush() | InboundCancelPush():
            return push.inbound_no
        case ReturnInboundPush():
            return push.return_no
        case OutboundPush() | OutboundCancelPush():
            return push.outbound_no
    return None


def _gwms_warehouse(push: Push | None, connection: ConnectionSettings | None) -> str | None:
    if connection is None or not isinstance(push, PurchaseInboundPush | ReturnInboundPush | OutboundPush):
        return None
    return connection.warehouse_map.get(push.warehouse_code)


def ip_allowed(source_ip: str, allowed_ips: Iterable[str]) -> bool:
    """True when the allow-list is empty or one entry (an address or a CIDR block) contains the IP."""
    allowed = list(allowed_ips)
    if not allowed:
        return True
    try:
        address = ipaddress.ip_address(source_ip.strip())
    except ValueError:
        return False
    return any(address in network for network in _networks(allowed))


def _networks(entries: Iterable[str]) -> Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    for entry in entries:
        try:
            yield ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            continue  # a bad entry must not open the door; configuration validation reports it
