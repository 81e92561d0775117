"""The proxy-warehouse port: vendor-neutral types and the client protocol.

The task engine, the flows and inventory sync see only this module. Each vendor (HPK first) has an
adapter in `proxyhub.adapters` that translates these types to its wire format and its error codes
to the errors below.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple, Protocol

from proxyhub.errors import (
    TransientVendorError,
    VendorConfigurationError,
    VendorError,
    VendorThrottledError,
)
from proxyhub.request_log import RequestLogSink

InboundType = Literal["purchase", "return"]
InboundStatus = Literal["CREATED", "ARRIVED", "RECEIVING", "COMPLETED", "CANCELLED"]
OutboundType = Literal["drop_shipping", "transfer_staging"]
OutboundStatus = Literal["CREATED", "PICKING", "PACKED", "SHIPPED", "CANCELLING", "CANCELLED", "EXCEPTION"]
CancelStatus = Literal["CANCELLED", "CANCELLING"]
CancelResolution = Literal["CANCELLED", "REJECTED"]
InventoryType = Literal["qualified", "defective"]
RejectionKind = Literal["state", "stock"]


class ProxyError(VendorError):
    """Base of every error a proxy-warehouse client raises."""


class TransientProxyError(ProxyError, TransientVendorError):
    """Worth retrying later: 5xx, rate limits, timeouts, transport errors, malformed replies."""


class ProxyThrottled(TransientProxyError, VendorThrottledError):  # noqa: N818 - the answer it is
    """HPK rate-limited us, or our own guard held the call back: wait, do not count a failure."""


class PermanentProxyError(ProxyError):
    """The vendor rejected this payload; retrying it unchanged cannot succeed."""

    def __init__(self, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or []


class BusinessRejection(ProxyError):  # noqa: N818 - the domain's word; it is not a failure of ours
    """The vendor refuses the operation in the order's current state, or stock is short."""

    def __init__(self, reason: str, kind: RejectionKind) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


class ProxyNotFound(ProxyError):  # noqa: N818 - reads as the answer it is
    pass


class ProxyConfigurationError(ProxyError, VendorConfigurationError):
    """Wrong endpoint or credentials: no retry helps until an operator fixes the proxy system."""


@dataclass(frozen=True)
class ProxyConnection:
    system_code: str
    api_endpoint: str
    account: str
    password: str = field(repr=False)  # kept out of reprs, so tracebacks and logs never show it
    version: str


@dataclass(frozen=True)
class LogContext:
    """Copied into every request-log record, so operators find a call by task, order or warehouse."""

    task_id: str | None = None
    order_no: str | None = None
    warehouse_code: str | None = None


class OrderItem(NamedTuple):
    sku: str
    qty: int


@dataclass(frozen=True)
class ProductPayload:
    """GSKU master data as we have it; incomplete data is sent anyway so the vendor names what is missing."""

    sku: str
    name: str | None
    spec: str | None
    weight_kg: Decimal | None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    barcode: str | None = None
    declared_value: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class InboundRequest:
    reference_no: str
    warehouse_code: str
    inbound_type: InboundType
    customer_code: str | None
    expected_at: datetime | None
    items: tuple[OrderItem, ...]


@dataclass(frozen=True)
class InboundLine:
    sku: str
    planned_qty: int
    qualified_qty: int
    defective_qty: int


@dataclass(frozen=True)
class InboundState:
    inbound_no: str
    reference_no: str
    status: InboundStatus
    completed_at: datetime | None
    items: tuple[InboundLine, ...]


@dataclass(frozen=True)
class Label:
    """A shipping label supplied by the order's owner, for the warehouse to print."""

    format: str
    content_base64: str
    carrier: str | None = None
    tracking_no: str | None = None


@dataclass(frozen=True)
class OutboundRequest:
    reference_no: str
    warehouse_code: str
    order_type: OutboundType
    channel_code: str | None
    recipient: dict[str, Any] | None
    transfer: dict[str, Any] | None
    label: Label | None
    items: tuple[OrderItem, ...]


@dataclass(frozen=True)
class ShippedBatch:
    inbound_no: str
    inbound_at: datetime
    inventory_type: InventoryType
    qty: int


@dataclass(frozen=True)
class OutboundLine:
    sku: str
    qty: int
    shipped_qty: int
    batches: tuple[ShippedBatch, ...]


@dataclass(frozen=True)
class OutboundState:
    outbound_no: str
    reference_no: str
    order_type: OutboundType
    status: OutboundStatus
    exception_reason: str | None
    shipped_at: datetime | None
    carrier: str | None
    tracking_no: str | None
    cancel_result: CancelResolution | None
    items: tuple[OutboundLine, ...]


@dataclass(frozen=True)
class CreateResult:
    proxy_order_no: str
    status: str
    # True when the vendor already had an order with this reference number (an idempotent repeat).
    already_existed: bool


@dataclass(frozen=True)
class CancelResult:
    proxy_order_no: str
    status: CancelStatus


@dataclass(frozen=True)
class InventoryBatch:
    sku: str
    inventory_type: InventoryType
    proxy_inbound_no: str
    local_inbound_no: str | None
    inbound_at: datetime
    available: int
    locked: int

    @property
    def total(self) -> int:
        return self.available + self.locked


class InventoryPage(list[InventoryBatch]):
    """One page of an inventory listing: its batches (it is their list), and how many records the
    whole listing holds when the proxy warehouse says so (a long sync shows "page 120 of ~400")."""

    def __init__(self, batches: Iterable[InventoryBatch] = (), total_records: int | None = None) -> None:
        super().__init__(batches)
        self.total_records = total_records


@dataclass(frozen=True)
class StatusCallback:
    """A proxy warehouse's push saying an order changed: a hint that makes its tasks run now (they still
    read the order's state from the proxy warehouse)."""

    kind: Literal["inbound", "outbound"]
    proxy_order_no: str
    # Our order number, as the proxy warehouse echoes it.
    reference_no: str | None
    event: str


class CallbackSignatureError(Exception):
    """A status callback that is not signed with our callback secret."""


class StatusCallbackReader(Protocol):
    """Verifies and parses a proxy warehouse's status callback (HPK's: `adapters/hpk/callbacks.py`)."""

    def read(self, raw_body: bytes, headers: Mapping[str, str]) -> StatusCallback:
        """Raises CallbackSignatureError for a bad signature, stale timestamp or replayed nonce, and
        InvalidInputError for a malformed body."""
        ...


class ProxyWarehouseClient(Protocol):
    def upsert_product(self, product: ProductPayload, *, context: LogContext | None = None) -> str:
        """Returns the SKU as the proxy warehouse knows it."""
        ...

    def create_inbound(
        self, request: InboundRequest, *, context: LogContext | None = None
    ) -> CreateResult: ...

    def get_inbound(self, inbound_no: str, *, context: LogContext | None = None) -> InboundState: ...

    def cancel_inbound(
        self, inbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult: ...

    def create_outbound(
        self, request: OutboundRequest, *, context: LogContext | None = None
    ) -> CreateResult: ...

    def get_outbound(self, outbound_no: str, *, context: LogContext | None = None) -> OutboundState: ...

    def cancel_outbound(
        self, outbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult: ...

    def iter_inventory(
        self,
        warehouse_code: str,
        page_size: int = 500,
        *,
        first_page: int = 1,
        context: LogContext | None = None,
    ) -> Iterator[InventoryPage]:
        """One list per page, fetched lazily, so a large warehouse never sits in memory at once.

        `first_page` (from 1) resumes a listing that an earlier run stopped part-way through."""
        ...


class ProxyClientFactory(Protocol):
    def __call__(self, connection: ProxyConnection, sink: RequestLogSink) -> ProxyWarehouseClient: ...
