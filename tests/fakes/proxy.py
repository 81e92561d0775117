"""A stateful proxy warehouse behind the `ProxyWarehouseClient` port, driven by hand in tests.

`FakeProxyWarehouse` holds what a proxy warehouse knows: products, inbound and outbound orders with
statuses tests advance, and a paged inventory. It behaves as the HPK simulator does where the domain
relies on it: creating an order again with the same reference number answers the existing order
(`already_existed`), an inbound cancel is decided at once (refused once receiving), an outbound cancel
is immediate before picking and pending (CANCELLING) while picking or packed.

`FakeProxyClientFactory` is a `ProxyClientFactory` for `ProxyClientProvider`: each client it builds
talks to the one warehouse and logs every call to its own request-log sink, as a real client does.
"""

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from proxyhub.clock import Clock
from proxyhub.proxy.ports import (
    BusinessRejection,
    CancelResolution,
    CancelResult,
    CreateResult,
    InboundLine,
    InboundRequest,
    InboundState,
    InboundStatus,
    InventoryBatch,
    InventoryPage,
    LogContext,
    OutboundLine,
    OutboundRequest,
    OutboundState,
    OutboundStatus,
    ProductPayload,
    ProxyConnection,
    ProxyNotFound,
    ShippedBatch,
)
from proxyhub.request_log import RequestLogRecord, RequestLogSink


@dataclass
class FakeInbound:
    inbound_no: str
    request: InboundRequest
    status: InboundStatus = "CREATED"
    completed_at: datetime | None = None
    received: dict[str, tuple[int, int]] = field(default_factory=dict)

    def state(self) -> InboundState:
        planned = {item.sku: item.qty for item in self.request.items}
        return InboundState(
            inbound_no=self.inbound_no,
            reference_no=self.request.reference_no,
            status=self.status,
            completed_at=self.completed_at,
            items=tuple(
                InboundLine(sku, planned.get(sku, 0), *self.received.get(sku, (0, 0)))
                for sku in dict.fromkeys([*planned, *self.received])
            ),
        )


@dataclass
class FakeOutbound:
    outbound_no: str
    request: OutboundRequest
    status: OutboundStatus = "CREATED"
    status_before_cancel: OutboundStatus | None = None
    cancel_result: CancelResolution | None = None
    exception_reason: str | None = None
    shipped_at: datetime | None = None
    carrier: str | None = None
    tracking_no: str | None = None
    shipped: dict[str, tuple[ShippedBatch, ...]] = field(default_factory=dict)

    def state(self) -> OutboundState:
        ordered = {item.sku: item.qty for item in self.request.items}
        return OutboundState(
            outbound_no=self.outbound_no,
            reference_no=self.request.reference_no,
            order_type=self.request.order_type,
            status=self.status,
            exception_reason=self.exception_reason,
            shipped_at=self.shipped_at,
            carrier=self.carrier,
            tracking_no=self.tracking_no,
            cancel_result=self.cancel_result,
            items=tuple(
                OutboundLine(
                    sku=sku,
                    qty=qty,
                    shipped_qty=sum(batch.qty for batch in self.shipped.get(sku, ())),
                    batches=self.shipped.get(sku, ()),
                )
                for sku, qty in ordered.items()
            ),
        )


type CallHook = Callable[[str, Any], object]


class FakeProxyWarehouse:
    """One proxy warehouse's state; the `ProxyWarehouseClient` methods take an optional request-log sink."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.products: dict[str, ProductPayload] = {}
        # A product stored under another SKU than ours (the proxy renames it on upsert).
        self.renamed_skus: dict[str, str] = {}
        self.inbounds: dict[str, FakeInbound] = {}
        self.outbounds: dict[str, FakeOutbound] = {}
        self.inventory: dict[str, list[InventoryBatch]] = {}
        # Every call as (name, main argument), in order; `pages_served` lists (warehouse, page no).
        self.calls: list[tuple[str, Any]] = []
        self.pages_served: list[tuple[str, int]] = []
        self._failures: dict[str, list[Exception]] = {}
        self._hooks: dict[str, list[CallHook]] = {}
        self._numbers = iter(range(1, 1_000_000))

    # ------------------------------------------------------------ scripting

    def fail_next(self, call: str, error: Exception, times: int = 1) -> None:
        """The next `times` calls of `call` (e.g. "create_inbound") raise `error` before doing anything."""
        self._failures.setdefault(call, []).extend([error] * times)

    def on_call(self, call: str, hook: CallHook) -> None:
        """Runs `hook(call, argument)` at the start of every `call`, e.g. to move the clock."""
        self._hooks.setdefault(call, []).append(hook)

    def call_names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def _enter(self, name: str, argument: Any) -> None:
        self.calls.append((name, argument))
        for hook in self._hooks.get(name, []):
            hook(name, argument)
        queued = self._failures.get(name)
        if queued:
            raise queued.pop(0)

    def _number(self, prefix: str) -> str:
        return f"{prefix}{next(self._numbers):04d}"

    # ------------------------------------------------------------ the proxy warehouse's own progress

    def inbound(self, inbound_no: str) -> FakeInbound:
        if inbound_no not in self.inbounds:
            raise ProxyNotFound(f"inbound {inbound_no} not found")
        return self.inbounds[inbound_no]

    def outbound(self, outbound_no: str) -> FakeOutbound:
        if outbound_no not in self.outbounds:
            raise ProxyNotFound(f"outbound {outbound_no} not found")
        return self.outbounds[outbound_no]

    def inbound_for(self, reference_no: str) -> FakeInbound:
        return next(i for i in self.inbounds.values() if i.request.reference_no == reference_no)

    def outbound_for(self, reference_no: str) -> FakeOutbound:
        return next(o for o in self.outbounds.values() if o.request.reference_no == reference_no)

    def advance_inbound(self, inbound_no: str, status: InboundStatus) -> None:
        self.inbound(inbound_no).status = status

    def complete_inbound(
        self,
        inbound_no: str,
        received: Mapping[str, tuple[int, int]] | None = None,
        completed_at: datetime | None = None,
    ) -> None:
        """Received quantities per SKU as (qualified, defective); by default all planned, qualified."""
        inbound = self.inbound(inbound_no)
        inbound.received = dict(received or {item.sku: (item.qty, 0) for item in inbound.request.items})
        inbound.status = "COMPLETED"
        inbound.completed_at = completed_at or self._clock.now()

    def advance_outbound(self, outbound_no: str, status: OutboundStatus) -> None:
        self.outbound(outbound_no).status = status

    def ship_outbound(
        self,
        outbound_no: str,
        shipped: Mapping[str, Sequence[ShippedBatch]],
        carrier: str = "UPS",
        tracking_no: str = "1Z999AA10123456784",
    ) -> None:
        outbound = self.outbound(outbound_no)
        outbound.shipped = {sku: tuple(batches) for sku, batches in shipped.items()}
        outbound.status = "SHIPPED"
        outbound.shipped_at = self._clock.now()
        outbound.carrier, outbound.tracking_no = carrier, tracking_no

    def report_exception(self, outbound_no: str, reason: str) -> None:
        outbound = self.outbound(outbound_no)
        outbound.status, outbound.exception_reason = "EXCEPTION", reason

    def cancel_on_proxy_side(self, outbound_no: str) -> None:
        outbound = self.outbound(outbound_no)
        outbound.status, outbound.cancel_result = "CANCELLED", "CANCELLED"

    def resolve_cancel(self, outbound_no: str, result: CancelResolution) -> None:
        outbound = self.outbound(outbound_no)
        assert outbound.status == "CANCELLING", f"outbound {outbound_no} is {outbound.status}"
        if result == "CANCELLED":
            outbound.status, outbound.cancel_result = "CANCELLED", "CANCELLED"
        else:
            outbound.status = outbound.status_before_cancel or "CREATED"
            outbound.cancel_result = "REJECTED"

    # ------------------------------------------------------------ ProxyWarehouseClient

    def upsert_product(self, product: ProductPayload, *, context: LogContext | None = None) -> str:
        self._enter("upsert_product", product)
        self.products[product.sku] = product
        return self.renamed_skus.get(product.sku, product.sku)

    def create_inbound(self, request: InboundRequest, *, context: LogContext | None = None) -> CreateResult:
        self._enter("create_inbound", request)
        existing = next(
            (i for i in self.inbounds.values() if i.request.reference_no == request.reference_no), None
        )
        if existing is not None:
            return CreateResult(existing.inbound_no, existing.status, already_existed=True)
        inbound = FakeInbound(self._number("HPK-IN-"), request)
        self.inbounds[inbound.inbound_no] = inbound
        return CreateResult(inbound.inbound_no, inbound.status, already_existed=False)

    def get_inbound(self, inbound_no: str, *, context: LogContext | None = None) -> InboundState:
        self._enter("get_inbound", inbound_no)
        return self.inbound(inbound_no).state()

    def cancel_inbound(
        self, inbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        self._enter("cancel_inbound", inbound_no)
        inbound = self.inbound(inbound_no)
        if inbound.status in ("RECEIVING", "COMPLETED"):
            raise BusinessRejection(
                f"inbound {inbound_no} is {inbound.status}, cancellation not allowed", "state"
            )
        inbound.status = "CANCELLED"
        return CancelResult(inbound_no, "CANCELLED")

    def create_outbound(self, request: OutboundRequest, *, context: LogContext | None = None) -> CreateResult:
        self._enter("create_outbound", request)
        existing = next(
            (o for o in self.outbounds.values() if o.request.reference_no == request.reference_no), None
        )
        if existing is not None:
            return CreateResult(existing.outbound_no, existing.status, already_existed=True)
        outbound = FakeOutbound(self._number("HPK-OUT-"), request)
        self.outbounds[outbound.outbound_no] = outbound
        return CreateResult(outbound.outbound_no, outbound.status, already_existed=False)

    def get_outbound(self, outbound_no: str, *, context: LogContext | None = None) -> OutboundState:
        self._enter("get_outbound", outbound_no)
        return self.outbound(outbound_no).state()

    def cancel_outbound(
        self, outbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        self._enter("cancel_outbound", outbound_no)
        outbound = self.outbound(outbound_no)
        if outbound.status == "CREATED":
            outbound.status, outbound.cancel_result = "CANCELLED", "CANCELLED"
        elif outbound.status in ("PICKING", "PACKED"):
            outbound.status_before_cancel, outbound.status = outbound.status, "CANCELLING"
        elif outbound.status not in ("CANCELLING", "CANCELLED"):
            raise BusinessRejection(
                f"outbound {outbound_no} is {outbound.status}, cancellation not allowed", "state"
            )
        return CancelResult(outbound_no, "CANCELLED" if outbound.status == "CANCELLED" else "CANCELLING")

    def iter_inventory(
        self,
        warehouse_code: str,
        page_size: int = 500,
        *,
        first_page: int = 1,
        context: LogContext | None = None,
    ) -> Iterator[InventoryPage]:
        """Lazily, one page per "call", like the HPK client: every non-empty page is yielded, and the
        listing ends with the last page (an empty listing is one call that yields nothing)."""
        batches = self.inventory.get(warehouse_code, [])
        page_no = first_page
        while True:
            self._enter("inventory_page", (warehouse_code, page_no))
            self.pages_served.append((warehouse_code, page_no))
            page = InventoryPage(batches[(page_no - 1) * page_size : page_no * page_size], len(batches))
            if page:
                yield page
            if not page or page_no * page_size >= len(batches):
                return
            page_no += 1


class LoggedProxyClient:
    """A client of the fake warehouse that logs each call to its sink, as a vendor client does."""

    def __init__(self, warehouse: FakeProxyWarehouse, connection: ProxyConnection, sink: RequestLogSink):
        self._warehouse = warehouse
        self._connection = connection
        self._sink = sink

    def _log(self, api_name: str, request: Any, context: LogContext | None, response: Any = None) -> None:
        context = context or LogContext()
        self._sink.record(
            RequestLogRecord(
                api_name=api_name,
                url=f"{self._connection.api_endpoint}/{api_name}",
                method="POST",
                request_body=json.dumps(request, default=str),
                response_status=200,
                response_body=json.dumps(response, default=str),
                duration_ms=1,
                system_code=self._connection.system_code,
                warehouse_code=context.warehouse_code,
                task_id=context.task_id,
                order_no=context.order_no,
            )
        )

    def upsert_product(self, product: ProductPayload, *, context: LogContext | None = None) -> str:
        self._log("products/upsert", product.sku, context)
        return self._warehouse.upsert_product(product, context=context)

    def create_inbound(self, request: InboundRequest, *, context: LogContext | None = None) -> CreateResult:
        self._log("inbound/create", request.reference_no, context)
        return self._warehouse.create_inbound(request, context=context)

    def get_inbound(self, inbound_no: str, *, context: LogContext | None = None) -> InboundState:
        self._log("inbound/get", inbound_no, context)
        return self._warehouse.get_inbound(inbound_no, context=context)

    def cancel_inbound(
        self, inbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        self._log("inbound/cancel", inbound_no, context)
        return self._warehouse.cancel_inbound(inbound_no, reason, context=context)

    def create_outbound(self, request: OutboundRequest, *, context: LogContext | None = None) -> CreateResult:
        self._log("outbound/create", request.reference_no, context)
        return self._warehouse.create_outbound(request, context=context)

    def get_outbound(self, outbound_no: str, *, context: LogContext | None = None) -> OutboundState:
        self._log("outbound/get", outbound_no, context)
        return self._warehouse.get_outbound(outbound_no, context=context)

    def cancel_outbound(
        self, outbound_no: str, reason: str, *, context: LogContext | None = None
    ) -> CancelResult:
        self._log("outbound/cancel", outbound_no, context)
        return self._warehouse.cancel_outbound(outbound_no, reason, context=context)

    def iter_inventory(
        self,
        warehouse_code: str,
        page_size: int = 500,
        *,
        first_page: int = 1,
        context: LogContext | None = None,
    ) -> Iterator[InventoryPage]:
        for page in self._warehouse.iter_inventory(
            warehouse_code, page_size, first_page=first_page, context=context
        ):
            self._log("inventory/page", warehouse_code, context, len(page))
            yield page


class FakeProxyClientFactory:
    """A `ProxyClientFactory`: one client per call, each on the same warehouse; records connections."""

    def __init__(self, warehouse: FakeProxyWarehouse) -> None:
        self.warehouse = warehouse
        self.connections: list[ProxyConnection] = []

    def __call__(self, connection: ProxyConnection, sink: RequestLogSink) -> LoggedProxyClient:
        self.connections.append(connection)
        return LoggedProxyClient(self.warehouse, connection, sink)


def inventory_batch(
    sku: str,
    inbound_at: datetime,
    *,
    available: int,
    locked: int = 0,
    inventory_type: str = "qualified",
    proxy_inbound_no: str = "HPK-IN-0001",
    local_inbound_no: str | None = None,
) -> InventoryBatch:
    return InventoryBatch(
        sku=sku,
        inventory_type="defective" if inventory_type == "defective" else "qualified",
        proxy_inbound_no=proxy_inbound_no,
        local_inbound_no=local_inbound_no,
        inbound_at=inbound_at,
        available=available,
        locked=locked,
    )
