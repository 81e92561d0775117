"""Order use cases from GWMS (and OneWarehouse): create, read, cancel.

Every refusal happens before anything is written. Creating is idempotent on the order number: the
same push returns the same order; a different payload under the same number is a conflict.
"""

import hashlib
from datetime import datetime

from proxyhub.clock import Clock
from proxyhub.config.ports import OrderRouting
from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.errors import ConflictError, InvalidInputError, NotFoundError
from proxyhub.models.config import Sku, WarehouseMapping
from proxyhub.models.orders import (
    CancelState,
    InboundOrderCreate,
    Order,
    OrderKind,
    OrderLine,
    OrderLineInput,
    OrderStatus,
    OutboundOrderCreate,
    StoredOrder,
)
from proxyhub.orders.cancellation import OrderCancellation
from proxyhub.orders.ports import OrderConfig, OrderStore, OrderTasks
from proxyhub.proxy.ports import BusinessRejection, LogContext
from proxyhub.request_log import RequestLogSink

CANCELLABLE_AT_PROXY = (OrderStatus.PUSHED, OrderStatus.EXCEPTION)
DROP_SHIPPING_NOT_CANCELLABLE = "Drop shipping orders cannot be cancelled"


def fingerprint(request: InboundOrderCreate | OutboundOrderCreate) -> str:
    return hashlib.sha256(request.model_dump_json().encode()).hexdigest()


class OrderService:
    def __init__(
        self,
        *,
        clients: ProxyClientProvider,
        config: OrderConfig,
        orders: OrderStore,
        tasks: OrderTasks,
        cancellation: OrderCancellation,
        request_log: RequestLogSink,
        clock: Clock,
    ) -> None:
        self._clients = clients
        self._config = config
        self._orders = orders
        self._tasks = tasks
        self._cancellation = cancellation
        self._request_log = request_log
        self._clock = clock

    # ------------------------------------------------------------ create

    def create_inbound(self, request: InboundOrderCreate, source: str = "gwms") -> tuple[Order, bool]:
        """Returns the order and whether this call created it (False: an identical earlier push)."""
        repeat = self._repeat_of(OrderKind.INBOUND, request)
        if repeat is not None:
            return repeat, False
        routing = self._routing_for(request)
        mapping = self._usable_mapping(routing, request.warehouse_code)
        self._require_known_gskus(request.items, routing.skus)
        now = self._clock.now()
        order = Order(
            order_no=request.order_no,
            kind=OrderKind.INBOUND,
            order_type=request.inbound_type,
            status=OrderStatus.CREATED,
            warehouse_code=request.warehouse_code,
            proxy_warehouse_code=mapping.proxy_warehouse_code,
            system_code=mapping.system_code,
            customer_code=request.customer_code,
            expected_at=request.expected_at,
            lines=[OrderLine(gsku=item.gsku, qty=item.qty) for item in request.items],
            source=source,
            created_at=now,
            updated_at=now,
        )
        return self._insert_with_task(order, request)

    def create_outbound(self, request: OutboundOrderCreate, source: str = "gwms") -> tuple[Order, bool]:
        repeat = self._repeat_of(OrderKind.OUTBOUND, request)
        if repeat is not None:
            return repeat, False
        routing = self._routing_for(request)
        mapping = self._usable_mapping(routing, request.warehouse_code)
        self._require_known_gskus(request.items, routing.skus)
        proxy_channel = self._proxy_channel(mapping.system_code, request, routing)
        now = self._clock.now()
        order = Order(
            order_no=request.order_no,
            kind=OrderKind.OUTBOUND,
            order_type=request.outbound_type,
            status=OrderStatus.CREATED,
            warehouse_code=request.warehouse_code,
            proxy_warehouse_code=mapping.proxy_warehouse_code,
            system_code=mapping.system_code,
            customer_code=request.customer_code,
            channel_code=request.channel_code,
            proxy_channel_code=proxy_channel,
            recipient=request.recipient,
            transfer=request.transfer,
            lines=[OrderLine(gsku=item.gsku, qty=item.qty) for item in request.items],
            source=source,
            created_at=now,
            updated_at=now,
        )
        return self._insert_with_task(order, request)

    def _repeat_of(self, kind: OrderKind, request: InboundOrderCreate | OutboundOrderCreate) -> Order | None:
        stored = self._orders.find(kind, request.order_no)
        if stored is None:
            return None
        if stored.fingerprint != fingerprint(request):
            raise ConflictError(f"Order {request.order_no} already exists with different content")
        return self._with_tasks(stored.order)

    def _routing_for(self, request: InboundOrderCreate | OutboundOrderCreate) -> OrderRouting:
        """The order's configuration in one batched read, rather than a read per item."""
        channel = request.channel_code if isinstance(request, OutboundOrderCreate) else None
        return self._config.order_routing(
            request.warehouse_code, [item.gsku for item in request.items], channel
        )

    def _usable_mapping(self, routing: OrderRouting, warehouse_code: str) -> WarehouseMapping:
        mapping = routing.mapping
        if mapping is None:
            raise InvalidInputError(
                f"Warehouse {warehouse_code} is not mapped to a proxy warehouse", field="warehouse_code"
            )
        self._clients.require_usable(mapping.system_code, routing.system)
        return mapping

    def _require_known_gskus(self, items: list[OrderLineInput], known: dict[str, Sku] | None = None) -> None:
        for index, item in enumerate(items):
            found = known.get(item.gsku) if known is not None else self._config.find_sku(item.gsku)
            if found is None:
                raise InvalidInputError(f"Unknown GSKU {item.gsku}", field=f"items[{index}].gsku")

    def _proxy_channel(
        self, system_code: str, request: OutboundOrderCreate, routing: OrderRouting | None = None
    ) -> str | None:
        if request.channel_code is None:
            return None
        channel = (
            routing.channel
            if routing is not None
            else self._config.find_channel_mapping(system_code, request.channel_code)
        )
        if channel is None:
            if request.outbound_type == "drop_shipping":
                raise InvalidInputError(
                    f"Channel {request.channel_code} has no channel mapping for proxy system {system_code}",
                    field="channel_code",
                )
            return None
        return channel.proxy_channel_code

    def _insert_with_task(
        self, order: Order, request: InboundOrderCreate | OutboundOrderCreate
    ) -> tuple[Order, bool]:
        # The order and its create task are written together, the task id already on the order: no
        # run can start before the order names its task, and a failed write leaves neither behind.
        task = self._tasks.new_create_task(order)
        order = order.model_copy(update={"create_task_id": task.task_id})
        stored = self._orders.insert_with_task(order, fingerprint(request), task)
        if stored is None:
            # Another identical push won the race: answer like a repeat.
            repeat = self._repeat_of(order.kind, request)
            if repeat is None:
                raise ConflictError(f"Order {order.order_no} is being created; try again")
            return repeat, False
        started = self._tasks.create_task_stored(task)
        return stored.order.model_copy(update={"tasks": [started]}), True

    # ------------------------------------------------------------ read

    def get(self, kind: OrderKind, order_no: str) -> Order:
        return self._with_tasks(self._require(kind, order_no).order)

    def _require(self, kind: OrderKind, order_no: str) -> StoredOrder:
        stored = self._orders.find(kind, order_no)
        if stored is None:
            raise NotFoundError(f"{kind.value.capitalize()} order {order_no} not found")
        return stored

    def _with_tasks(self, order: Order) -> Order:
        return order.model_copy(update={"tasks": self._tasks.tasks_of(order.order_no)})

    # ------------------------------------------------------------ cancel

    def cancel(self, kind: OrderKind, order_no: str, reason: str) -> Order:
        stored = self._require(kind, order_no)
        order = stored.order
        if order.kind is OrderKind.OUTBOUND and order.order_type == "drop_shipping":
            raise ConflictError(DROP_SHIPPING_NOT_CANCELLABLE)
        if order.status in (OrderStatus.CANCELLED, OrderStatus.CANCELLING):
            return self._with_tasks(order)
        if order.status is OrderStatus.CREATED:
            return self._with_tasks(self._cancel_before_push(stored, reason))
        if order.status not in CANCELLABLE_AT_PROXY:
            raise ConflictError(f"Order {order_no} is already {order.status.value}; it cannot be cancelled")
        return self._with_tasks(self._cancel_at_proxy(stored, reason))

    def _cancel_before_push(self, stored: StoredOrder, reason: str) -> Order:
        task_id = stored.order.create_task_id
        if task_id and self._tasks.is_running(task_id):
            raise ConflictError(
                f"Order {stored.order.order_no} is being pushed to the proxy warehouse; try again shortly"
            )
        return self._cancellation.confirm(stored, reason, "Cancelled before it was pushed", self._now())

    def _cancel_at_proxy(self, stored: StoredOrder, reason: str) -> Order:
        order = stored.order
        assert order.proxy_order_no is not None
        client = self._clients.client_for(order.system_code, self._request_log)
        log = LogContext(order_no=order.order_no, warehouse_code=order.warehouse_code)
        cancel = client.cancel_inbound if order.kind is OrderKind.INBOUND else client.cancel_outbound
        try:
            result = cancel(order.proxy_order_no, reason, context=log)
        except BusinessRejection as rejection:
            rejected = CancelState(status="rejected", reason=reason, result=rejection.reason)
            self._orders.save(
                stored, order.model_copy(update={"cancel": rejected, "updated_at": self._now()})
            )
            raise ConflictError(f"Cancel rejected by the proxy warehouse: {rejection.reason}") from rejection
        if result.status == "CANCELLED":
            return self._cancellation.confirm(stored, reason, "Cancelled in the proxy warehouse", self._now())
        cancelling = order.model_copy(
            update={
                "status": OrderStatus.CANCELLING,
                "cancel": CancelState(status="cancelling", reason=reason),
                "updated_at": self._now(),
            }
        )
        saved = self._orders.save(stored, cancelling)
        self._tasks.start_cancel_task(saved.order, reason)
        return saved.order

    # ------------------------------------------------------------ upstream platforms (OneWarehouse)
    # A platform re-sends an order when it changes, and may stop one up to the push, whatever its type.

    def replace_unpushed(self, request: InboundOrderCreate | OutboundOrderCreate, source: str) -> Order:
        """A changed repeat of `source`'s order replaces it while the proxy warehouse has not got it."""
        kind = OrderKind.INBOUND if isinstance(request, InboundOrderCreate) else OrderKind.OUTBOUND
        stored = self._require(kind, request.order_no)
        new_fingerprint = fingerprint(request)
        if stored.fingerprint == new_fingerprint:
            return self._with_tasks(stored.order)
        self._require_replaceable(stored.order, request.warehouse_code, source)
        self._require_known_gskus(request.items)
        order = stored.order
        changes: dict[str, object] = {
            "customer_code": request.customer_code,
            "lines": [OrderLine(gsku=item.gsku, qty=item.qty) for item in request.items],
            "updated_at": self._now(),
        }
        if isinstance(request, InboundOrderCreate):
            changes |= {"order_type": request.inbound_type, "expected_at": request.expected_at}
        else:
            changes |= {
                "order_type": request.outbound_type,
                "channel_code": request.channel_code,
                "proxy_channel_code": self._proxy_channel(order.system_code, request),
                "recipient": request.recipient,
                "transfer": request.transfer,
            }
        # Saved under the new fingerprint, so the changed push repeated is a plain repeat.
        saved = self._orders.save(stored, order.model_copy(update=changes), new_fingerprint)
        return self._with_tasks(saved.order)

    def cancel_unpushed(self, kind: OrderKind, order_no: str, reason: str) -> Order:
        """Cancels an order of any type that the proxy warehouse has not got yet."""
        stored = self._require(kind, order_no)
        if stored.order.status is not OrderStatus.CREATED:
            raise ConflictError(f"Order {order_no} is already {stored.order.status.value}")
        return self._with_tasks(self._cancel_before_push(stored, reason))

    def _require_replaceable(self, order: Order, warehouse_code: str, source: str) -> None:
        if order.source != source:
            raise ConflictError(f"Order {order.order_no} already exists from {order.source}")
        if order.warehouse_code != warehouse_code:
            raise ConflictError(f"Order {order.order_no}: the warehouse of an order cannot change")
        if order.status is not OrderStatus.CREATED:
            raise ConflictError(f"Order {order.order_no} is already {order.status.value}; changes refused")
        task_id = order.create_task_id
        if task_id and self._tasks.is_running(task_id):
            raise ConflictError(f"Order {order.order_no} is being pushed to the proxy warehouse; try again")

    def _now(self) -> datetime:
        return self._clock.now()
