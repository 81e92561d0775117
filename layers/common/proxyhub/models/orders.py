"""Orders as the API and the flows see them."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from proxyhub.models.input_rules import MAX_LINES_PER_ORDER, Code, Quantity


class OrderKind(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class OrderStatus(StrEnum):
    CREATED = "created"  # accepted here; the push to the proxy warehouse is pending
    PUSHED = "pushed"  # the proxy warehouse has it
    RECEIVED = "received"  # inbound: receipt recorded, putaway still to do
    PUT_AWAY = "put_away"  # inbound: on the dedicated locations (final)
    SHIPPED = "shipped"  # outbound: left the proxy warehouse (final)
    EXCEPTION = "exception"  # outbound: the proxy warehouse reported a problem
    CANCELLING = "cancelling"  # the proxy warehouse is still deciding
    CANCELLED = "cancelled"  # final


class OrderLineInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gsku: Code
    qty: Quantity


class InboundOrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_no: Code
    inbound_type: Literal["purchase", "return"]
    warehouse_code: Code
    customer_code: Code
    expected_at: datetime | None = None
    items: list[OrderLineInput] = Field(min_length=1, max_length=MAX_LINES_PER_ORDER)

    @model_validator(mode="after")
    def _one_line_per_gsku(self) -> "InboundOrderCreate":
        _require_unique_gskus(self.items)
        return self


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=128)
    country: str = Field(min_length=2, max_length=2)
    state: str | None = Field(default=None, max_length=64)
    city: str = Field(min_length=1, max_length=64)
    postcode: str = Field(min_length=1, max_length=16)
    address1: str = Field(min_length=1, max_length=256)
    address2: str | None = Field(default=None, max_length=256)
    company: str | None = Field(default=None, max_length=128)


class Transfer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    destination_code: Code
    fba_shipment_id: str | None = Field(default=None, max_length=64)


class OutboundOrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_no: Code
    outbound_type: Literal["drop_shipping", "transfer_staging"]
    warehouse_code: Code
    customer_code: Code
    channel_code: Code | None = None
    recipient: Recipient | None = None
    transfer: Transfer | None = None
    items: list[OrderLineInput] = Field(min_length=1, max_length=MAX_LINES_PER_ORDER)

    @model_validator(mode="after")
    def _type_needs_its_details(self) -> "OutboundOrderCreate":
        if self.outbound_type == "drop_shipping":
            if self.recipient is None:
                raise ValueError("recipient: drop shipping needs a recipient")
            if not self.channel_code:
                raise ValueError("channel_code: drop shipping needs a logistics channel")
        elif self.transfer is None:
            raise ValueError("transfer: transfer staging needs a destination")
        _require_unique_gskus(self.items)
        return self


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="Cancelled by GWMS", min_length=1, max_length=256)


def _require_unique_gskus(items: list[OrderLineInput]) -> None:
    gskus = [item.gsku for item in items]
    if len(gskus) != len(set(gskus)):
        raise ValueError("items: each GSKU may appear on one line only")


class OrderLine(BaseModel):
    gsku: str
    qty: int


class ReceiptLine(BaseModel):
    gsku: str
    qualified_qty: int
    defective_qty: int


class Receipt(BaseModel):
    received_at: datetime
    proxy_inbound_no: str
    lines: list[ReceiptLine]


class ShippedBatchLine(BaseModel):
    gsku: str
    inventory_type: Literal["qualified", "defective"]
    proxy_inbound_no: str
    local_inbound_no: str | None
    inbound_at: datetime
    qty: int


class Shipment(BaseModel):
    shipped_at: datetime | None
    carrier: str | None
    tracking_no: str | None
    batches: list[ShippedBatchLine]


class CancelState(BaseModel):
    status: Literal["requested", "cancelling", "cancelled", "rejected"]
    reason: str
    result: str | None = None


class TaskRef(BaseModel):
    task_id: str
    task_type: str
    status: str


class Order(BaseModel):
    order_no: str
    kind: OrderKind
    order_type: str
    status: OrderStatus
    warehouse_code: str
    proxy_warehouse_code: str
    system_code: str
    customer_code: str
    proxy_order_no: str | None = None
    channel_code: str | None = None
    proxy_channel_code: str | None = None
    expected_at: datetime | None = None
    recipient: Recipient | None = None
    transfer: Transfer | None = None
    lines: list[OrderLine]
    receipt: Receipt | None = None
    shipment: Shipment | None = None
    cancel: CancelState | None = None
    exception_reason: str | None = None
    create_task_id: str | None = None
    source: str = "gwms"
    created_at: datetime
    updated_at: datetime
    tasks: list[TaskRef] = Field(default_factory=list)


@dataclass(frozen=True)
class StoredOrder:
    """An order with the version and fingerprint it was stored with: a save is conditional on both."""

    order: Order
    version: int
    fingerprint: str


@dataclass(frozen=True)
class OrderSummary:
    """An order as a search lists it: what the order list's row shows, without lines or parties."""

    order_no: str
    kind: OrderKind
    order_type: str
    status: OrderStatus
    warehouse_code: str
    proxy_order_no: str | None
    source: str
    created_at: datetime
    updated_at: datetime
