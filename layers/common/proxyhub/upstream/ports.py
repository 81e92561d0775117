"""The upstream-platform port: vendor-neutral types for pushes we receive and callbacks we send.

The webhook flows and the notify tasks see only this module. Each platform (OneWarehouse first) has an
adapter in `proxyhub.adapters` that parses its pushes into these types, verifies its signatures, and
maps its callback API and error codes to the errors below.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, NamedTuple, Protocol

from proxyhub.errors import TransientVendorError, VendorConfigurationError, VendorError
from proxyhub.models.orders import OrderKind
from proxyhub.models.upstream import StoredConnection, UpstreamOrder, Waybill
from proxyhub.proxy.ports import LogContext
from proxyhub.request_log import RequestLogSink

InboundKind = Literal["purchase", "return"]
VerificationOutcome = Literal["ok", "mismatch", "stale", "replayed", "ip_refused"]
UpstreamRejectionKind = Literal["state", "not_found", "invalid", "other"]
PushRefusalKind = Literal["invalid", "not_found", "state", "busy", "unavailable"]


class PushTopic(StrEnum):
    PRODUCTS = "products"
    PURCHASE_INBOUND = "purchase_inbound"
    RETURN_INBOUND = "return_inbound"
    INBOUND_CANCEL = "inbound_cancel"
    OUTBOUND = "outbound"
    OUTBOUND_CANCEL = "outbound_cancel"


# --- pushes, after parsing -----------------------------------------------------------------------


class PushItem(NamedTuple):
    sku_id: str
    qty: int


@dataclass(frozen=True)
class ProductPush:
    sku_id: str
    sku_code: str
    name: str
    spec: str | None
    weight_kg: Decimal | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None
    barcode: str | None
    declared_value: Decimal | None
    currency: str | None
    owner_code: str


@dataclass(frozen=True)
class PurchaseInboundPush:
    inbound_no: str
    warehouse_code: str
    owner_code: str
    expected_arrival: datetime | None
    items: tuple[PushItem, ...]
    remark: str | None


@dataclass(frozen=True)
class ReturnInboundPush:
    return_no: str
    original_outbound_no: str | None
    warehouse_code: str
    owner_code: str
    items: tuple[PushItem, ...]
    reason: str | None


@dataclass(frozen=True)
class InboundCancelPush:
    inbound_no: str
    reason: str | None


@dataclass(frozen=True)
class OutboundPush:
    outbound_no: str
    warehouse_code: str
    owner_code: str
    # Keys as GWMS's Recipient has them (name, phone, email, country, state, city, postcode, address1,
    # address2), so the flow hands it to the same domain operation as the /v1 API.
    recipient: dict[str, Any]
    carrier_code: str
    service_code: str | None
    items: tuple[PushItem, ...]
    remark: str | None


@dataclass(frozen=True)
class OutboundCancelPush:
    outbound_no: str
    reason: str | None


Push = (
    ProductPush
    | PurchaseInboundPush
    | ReturnInboundPush
    | InboundCancelPush
    | OutboundPush
    | OutboundCancelPush
)


class MalformedPushError(Exception):
    """A push body of the wrong shape; `field` names the culprit, e.g. `items[0].qty` or `body`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- answers to pushes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductUpserted:
    sku_id: str
    created: bool


@dataclass(frozen=True)
class OrderAccepted:
    """An inbound, return or outbound push that became (or already was) a GWMS order."""

    order_no: str
    wms_order_no: str


@dataclass(frozen=True)
class CancelDecision:
    """Whether a cancel (inbound) or an interception (outbound) is granted, and why not."""

    order_no: str
    granted: bool
    reason: str


PushAnswer = ProductUpserted | OrderAccepted | CancelDecision


class PushRefused(Exception):  # noqa: N818 - an answer to the platform, not a failure of ours
    """A business refusal of a push, e.g. an unmapped warehouse: nothing changed, the reason is answered.

    `busy` and `unavailable` may pass if the platform sends the push again later."""

    def __init__(self, reason: str, kind: PushRefusalKind) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


# --- push verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PushVerification:
    outcome: VerificationOutcome
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @classmethod
    def accepted(cls) -> "PushVerification":
        return cls("ok")

    @classmethod
    def mismatch(cls, reason: str) -> "PushVerification":
        return cls("mismatch", reason)

    @classmethod
    def stale(cls, reason: str) -> "PushVerification":
        return cls("stale", reason)

    @classmethod
    def replayed(cls, reason: str) -> "PushVerification":
        return cls("replayed", reason)

    @classmethod
    def ip_refused(cls, source_ip: str) -> "PushVerification":
        return cls("ip_refused", f"source IP {source_ip} is not on the allow-list")


@dataclass(frozen=True)
class PushReply:
    """The HTTP answer to a push, in the platform's envelope."""

    status: int
    body: dict[str, Any]


class NonceStore(Protocol):
    def remember(self, nonce: str, expires_at: datetime) -> bool:
        """Records the nonce until `expires_at`; False when it is already remembered (a replay)."""
        ...


class PushCodec(Protocol):
    """A platform's push format as the push use case sees it: its signature, its bodies, its replies."""

    def push_path(self, topic: PushTopic) -> str:
        """Where the platform sends a push of this topic, under our webhook address."""
        ...

    def verify(
        self,
        headers: Mapping[str, str],
        raw_body: bytes,
        app_key: str,
        app_secret: str,
        now: datetime,
        nonces: NonceStore,
    ) -> PushVerification: ...

    def parse(self, topic: PushTopic, raw_body: bytes) -> Push:
        """Raises MalformedPushError naming the field as the platform sent it."""
        ...

    def answered(self, topic: PushTopic, answer: PushAnswer) -> PushReply: ...

    def refused(self, refusal: PushRefused) -> PushReply: ...

    def malformed(self, field: str, message: str) -> PushReply: ...

    def inadmissible(self, status: int, field: str, message: str) -> PushReply:
        """A body refused before it is read: not JSON (415) or too large (413)."""
        ...

    def unauthorized(self, reason: str) -> PushReply: ...

    def forbidden(self, reason: str) -> PushReply: ...

    def logged_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """The push's headers for the request log, the signature and other secrets masked."""
        ...


# --- callbacks -----------------------------------------------------------------------------------


class UpstreamError(VendorError):
    """Base of every error an upstream callback client raises."""


class TransientUpstreamError(UpstreamError, TransientVendorError):
    """Worth retrying later: 5xx, rate limits, timeouts, transport errors, malformed replies."""


class UpstreamRejection(UpstreamError):  # noqa: N818 - the platform's answer, not a failure of ours
    """The platform refuses this call, e.g. the waybill of an order already shipped; a retry cannot help.
    `reason` is the platform's own text; `message` (by default the reason) says who refused."""

    def __init__(
        self, reason: str, kind: UpstreamRejectionKind, code: int | None = None, *, message: str | None = None
    ) -> None:
        super().__init__(message or reason)
        self.reason = reason
        self.kind = kind
        self.code = code


class UpstreamConfigurationError(UpstreamError, VendorConfigurationError):
    """Wrong base URL or keys: no retry helps until an operator fixes the connection."""


@dataclass(frozen=True)
class UpstreamConnection:
    """What a callback client needs; `system_code` files its exchanges in the request log."""

    system_code: str
    api_base_url: str
    app_key: str
    callback_key: str


class ReceivedItem(NamedTuple):
    sku_id: str
    qualified_qty: int
    defective_qty: int


@dataclass(frozen=True)
class InboundReceipt:
    order_no: str  # the platform's inbound_no (purchase) or return_no (return)
    kind: InboundKind
    received_at: datetime
    items: tuple[ReceivedItem, ...]


class ShippedPackage(NamedTuple):
    tracking_no: str
    weight_kg: Decimal | None


@dataclass(frozen=True)
class OutboundShipment:
    outbound_no: str
    shipped_at: datetime
    carrier_code: str
    tracking_no: str
    packages: tuple[ShippedPackage, ...]


class UpstreamCallbackClient(Protocol):
    def send_inbound_callback(
        self, receipt: InboundReceipt, *, context: LogContext | None = None
    ) -> None: ...

    def get_waybill(self, outbound_no: str, *, context: LogContext | None = None) -> Waybill:
        """Refused (`UpstreamRejection`, kind "state") once the outbound callback marked it shipped."""
        ...

    def send_outbound_callback(
        self, shipment: OutboundShipment, *, context: LogContext | None = None
    ) -> None: ...

    def check_access(self) -> None:
        """One harmless signed call: returns when the platform accepted our keys, raises the error
        its answer means otherwise (`UpstreamConfigurationError` for a refused signature)."""
        ...

    def close(self) -> None: ...


class UpstreamClientFactory(Protocol):
    def __call__(self, connection: UpstreamConnection, sink: RequestLogSink) -> UpstreamCallbackClient: ...


# --- storage -------------------------------------------------------------------------------------


class UpstreamOrderStore(Protocol):
    """What we keep per order for the platform that pushed it: its environment, waybill and callback."""

    def find_upstream_order(self, kind: OrderKind, order_no: str) -> UpstreamOrder | None: ...

    def link_order(
        self, kind: OrderKind, order_no: str, source: str, environment: str, now: datetime
    ) -> None:
        """Records which platform and environment the order came from (its callbacks go there)."""
        ...

    def save_waybill(self, kind: OrderKind, order_no: str, waybill: Waybill, now: datetime) -> Waybill:
        """Keeps the first waybill fetched; returns the one kept, so every run hands on the same label."""
        ...

    def claim_callback(self, kind: OrderKind, order_no: str, task_id: str, now: datetime) -> str:
        """Makes `task_id` the order's callback task unless one is already; returns the callback task's id."""
        ...

    def mark_callback_sent(self, kind: OrderKind, order_no: str, now: datetime) -> None: ...


class ConnectionStore(Protocol):
    """The platform's connections, one per environment, and which one is active (at most one)."""

    def find(self, environment: str) -> StoredConnection | None: ...

    def active_environment(self) -> str | None: ...

    def save(self, connection: StoredConnection, active: bool) -> None:
        """Saves the connection and points at it (or stops pointing at it) in the same write."""
        ...
