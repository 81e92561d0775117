"""PushService with a push codec of the tests' own format (`fakes.upstream.FakePushCodec`): the active
connection, the IP allow-list, the three verify modes, malformed bodies, pushes becoming orders, refusals
that write nothing, answers given once, cancel answers from the order's real state, and the request log."""

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import SecretStr

from fakes.hub import CUSTOMER, WAREHOUSE, HubKit, hub_kit
from fakes.schedules import RecordingMappingSchedules
from fakes.upstream import (
    HEADER_MAC,
    FakeLambdaContext,
    FakePushCodec,
    InMemoryConnectionStore,
    InMemoryIdempotencyStore,
    InMemoryNonceStore,
    InMemoryUpstreamOrderStore,
    fake_signed_headers,
)
from proxyhub.config.service import ConfigService
from proxyhub.models.orders import OrderKind, OrderStatus
from proxyhub.models.tasks import TaskType, Trigger
from proxyhub.request_log import REDACTED
from proxyhub.upstream.connections import ConnectionInput, ConnectionService, VerifyMode
from proxyhub.upstream.ports import PushReply, PushTopic
from proxyhub.upstream.pushes import IncomingPush, PushService, RememberedAnswers

pytestmark = pytest.mark.unit

APP_KEY = "ow-app-key"
APP_SECRET = "ow-app-secret"
OWNER = "OW-OWNER-1"
OW_WAREHOUSE = "OW-LA"
SOURCE_IP = "198.51.100.7"


@dataclass
class PushKit:
    hub: HubKit
    codec: FakePushCodec
    connection_store: InMemoryConnectionStore
    connections: ConnectionService
    upstream_orders: InMemoryUpstreamOrderStore
    idempotency: InMemoryIdempotencyStore
    nonce_stores: dict[str, InMemoryNonceStore]
    service: PushService
    nonces: Iterator[int]

    def connect(
        self,
        verify_mode: VerifyMode = "enforce",
        *,
        active: bool = True,
        allowed_ips: list[str] | None = None,
        warehouse_map: dict[str, str] | None = None,
    ) -> None:
        self.connections.put(
            "sandbox",
            ConnectionInput(
                app_key=APP_KEY,
                app_secret=SecretStr(APP_SECRET),
                callback_key=SecretStr("ow-callback-key"),
                api_base_url="https://sandbox.onewarehouse.example.test",
                verify_mode=verify_mode,
                allowed_ips=allowed_ips or [],
                owner_map={OWNER: CUSTOMER},
                warehouse_map={OW_WAREHOUSE: WAREHOUSE} if warehouse_map is None else warehouse_map,
                active=active,
            ),
        )

    def send(
        self,
        topic: PushTopic,
        body: dict[str, Any],
        *,
        secret: str = APP_SECRET,
        signed: bool = True,
        nonce: str | None = None,
        source_ip: str = SOURCE_IP,
    ) -> PushReply:
        raw = json.dumps(body).encode()
        headers = (
            fake_signed_headers(APP_KEY, secret, raw, nonce or f"nonce-{next(self.nonces)}")
            if signed
            else {"Content-Type": "application/json"}
        )
        push = IncomingPush(topic, self.codec.push_path(topic), headers, raw, source_ip, request_id="req-42")
        return self.service.handle(push, FakeLambdaContext())

    def assert_nothing_written(self) -> None:
        assert self.hub.orders.writes == []
        assert self.upstream_orders.rows == {}
        assert self.hub.tasks.store.tasks == {}


@pytest.fixture
def kit() -> PushKit:
    hub = hub_kit()
    clock = hub.tasks.clock
    codec = FakePushCodec()
    connection_store = InMemoryConnectionStore()
    connections = ConnectionService(connection_store, hub.secrets, clock, "proxy-hub")
    upstream_orders = InMemoryUpstreamOrderStore()
    idempotency = InMemoryIdempotencyStore()
    nonce_stores: dict[str, InMemoryNonceStore] = {}
    service = PushService(
        connections=connections,
        orders=hub.order_service,
        config=ConfigService(hub.config, hub.secrets, clock, RecordingMappingSchedules(), "proxy-hub"),
        sku_sync=hub.sku_sync,
        upstream_orders=upstream_orders,
        codec=codec,
        answers=RememberedAnswers(idempotency),
        nonce_store_for=lambda scope: nonce_stores.setdefault(scope, InMemoryNonceStore(clock)),
        request_log=hub.service_log,
        clock=clock,
        body_limit=8192,
    )
    return PushKit(
        hub,
        codec,
        connection_store,
        connections,
        upstream_orders,
        idempotency,
        nonce_stores,
        service,
        itertools.count(1),
    )


def purchase_inbound(order_no: str = "OW-IN-1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "inbound_no": order_no,
        "warehouse_code": OW_WAREHOUSE,
        "owner_code": OWNER,
        "items": [{"sku_id": "SKU-1", "qty": 10}],
    }
    return body | overrides


def outbound_push(order_no: str = "OW-OUT-1") -> dict[str, Any]:
    return {
        "outbound_no": order_no,
        "warehouse_code": OW_WAREHOUSE,
        "owner_code": OWNER,
        "carrier_code": "UPS",
        "recipient": {
            "name": "Ada Lovelace",
            "country": "US",
            "city": "Los Angeles",
            "postcode": "90001",
            "address1": "1 Main St",
            "phone": None,
        },
        "items": [{"sku_id": "SKU-1", "qty": 2}],
    }


# ---------------------------------------------------------------- connection, IP, signature


def test_without_an_active_connection_a_push_is_unauthorized_and_nothing_is_written(kit: PushKit) -> None:
    # Given the sandbox connection exists but is not active
    kit.connect(active=False)

    # When OneWarehouse pushes an inbound order
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())

    # Then it is refused as unauthorized, and nothing was written
    assert reply == PushReply(
        401, {"accepted": False, "reason": "No active OneWarehouse connection is configured"}
    )
    kit.assert_nothing_written()


def test_a_push_from_outside_the_allow_list_is_forbidden(kit: PushKit) -> None:
    # Given the connection only admits the platform's network
    kit.connect(allowed_ips=["10.20.0.0/16"])

    # When a push arrives from another address
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())

    # Then it is forbidden before anything else
    assert reply == PushReply(
        403, {"accepted": False, "reason": f"source IP {SOURCE_IP} is not on the allow-list"}
    )
    kit.assert_nothing_written()


def test_a_push_from_inside_the_allow_list_is_carried_out(kit: PushKit) -> None:
    # Given an allow-list that contains the source's network
    kit.connect(allowed_ips=["10.20.0.0/16", "198.51.100.0/24"])

    # When a push arrives from it
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())

    # Then it is carried out
    assert reply.status == 200 and reply.body["accepted"] is True


def test_a_bad_signature_is_refused_in_enforce_mode(kit: PushKit) -> None:
    # Given a connection that enforces signatures
    kit.connect("enforce")

    # When a push signed with the wrong secret arrives
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound(), secret="not-the-secret")

    # Then it is unauthorized, nothing was written, and the log says why
    assert reply == PushReply(401, {"accepted": False, "reason": "signature does not match"})
    kit.assert_nothing_written()
    [logged] = kit.hub.service_log.records
    assert logged.error == "Refused: signature does not match"


def test_a_bad_signature_is_accepted_with_a_note_in_log_mode(kit: PushKit) -> None:
    # Given a connection in log mode (while the platform's signing is being set up)
    kit.connect("log")

    # When a push signed with the wrong secret arrives
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound(), secret="not-the-secret")

    # Then it is carried out, and the request log records the mismatch let through
    assert reply.status == 200 and reply.body["accepted"] is True
    assert kit.hub.order(OrderKind.INBOUND, "OW-IN-1").status is OrderStatus.CREATED
    [logged] = kit.hub.service_log.records
    assert logged.error == "Accepted in verify mode log despite: signature does not match"


def test_verify_mode_off_skips_the_signature(kit: PushKit) -> None:
    # Given a connection with verification off
    kit.connect("off")

    # When an unsigned push arrives
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound(), signed=False)

    # Then it is carried out without a note
    assert reply.status == 200
    assert kit.hub.order(OrderKind.INBOUND, "OW-IN-1").source == "onewarehouse"
    assert kit.hub.service_log.records[0].error is None
    assert kit.nonce_stores == {}


def test_a_replayed_nonce_is_refused(kit: PushKit) -> None:
    # Given a push accepted with nonce n-1
    kit.connect("enforce")
    assert kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound("OW-IN-1"), nonce="n-1").status == 200

    # When another push reuses that nonce
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound("OW-IN-2"), nonce="n-1")

    # Then it is refused as a replay and nothing is created
    assert reply == PushReply(401, {"accepted": False, "reason": "nonce 'n-1' was already used"})
    assert kit.hub.orders.find(OrderKind.INBOUND, "OW-IN-2") is None


# ---------------------------------------------------------------- bodies


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (purchase_inbound(warehouse_code=None), "warehouse_code", "is required"),
        (purchase_inbound(items=[{"sku_id": "SKU-1", "qty": "ten"}]), "items[0].qty", "must be an integer"),
        (
            purchase_inbound(items=[{"sku_id": "SKU-1", "qty": 0}]),
            "items[0].qty",
            "Input should be greater than 0",
        ),
        (
            purchase_inbound(items=[{"sku_id": "S" * 65, "qty": 1}]),
            "items[0].sku_id",
            "String should have at most 64 characters",
        ),
        (
            purchase_inbound(items=[{"sku_id": "SKU-1", "qty": 1}, {"sku_id": "SKU-1", "qty": 2}]),
            "items",
            "each GSKU may appear on one line only",
        ),
    ],
    ids=["missing field", "wrong type", "domain rule", "renamed field", "model rule"],
)
def test_a_malformed_body_is_answered_naming_the_field_as_sent(
    kit: PushKit, body: dict[str, Any], field: str, message: str
) -> None:
    # Given an active connection
    kit.connect()

    # When a push with a malformed body arrives
    reply = kit.send(PushTopic.PURCHASE_INBOUND, body)

    # Then the answer names the field as the platform calls it, and nothing was written
    assert reply == PushReply(400, {"accepted": False, "field": field, "message": message})
    kit.assert_nothing_written()
    assert kit.hub.service_log.records[0].error == f"{field}: {message}"


def test_a_body_that_is_not_json_is_malformed(kit: PushKit) -> None:
    # Given a push whose body is not JSON
    kit.connect("off")
    raw = b"<xml/>"
    push = IncomingPush(PushTopic.OUTBOUND, kit.codec.push_path(PushTopic.OUTBOUND), {}, raw, SOURCE_IP)

    # When it is handled
    reply = kit.service.handle(push)

    # Then the answer names the body
    assert reply == PushReply(400, {"accepted": False, "field": "body", "message": "is not JSON"})


# ---------------------------------------------------------------- pushes become orders


def test_an_inbound_push_becomes_a_onewarehouse_order_linked_to_its_environment(kit: PushKit) -> None:
    # Given the active sandbox connection maps the platform's owner and warehouse
    kit.connect()

    # When OneWarehouse pushes a purchase inbound
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound("OW-IN-1"))

    # Then it is accepted with our order number
    assert reply == PushReply(
        200,
        {
            "accepted": True,
            "topic": "purchase_inbound",
            "answer": {"order_no": "OW-IN-1", "wms_order_no": "OW-IN-1"},
        },
    )
    # And it became a GWMS order of source onewarehouse, for the mapped customer and warehouse
    order = kit.hub.order(OrderKind.INBOUND, "OW-IN-1")
    assert (order.source, order.order_type) == ("onewarehouse", "purchase")
    assert (order.customer_code, order.warehouse_code) == (CUSTOMER, WAREHOUSE)
    # And its callbacks will go to the environment it came from
    upstream = kit.upstream_orders.find_upstream_order(OrderKind.INBOUND, "OW-IN-1")
    assert upstream is not None and (upstream.source, upstream.environment) == ("onewarehouse", "sandbox")
    # And it flows to the proxy warehouse like any order: its create task is asked to run
    [task] = kit.hub.tasks.store.tasks.values()
    assert (task.task_type, task.order_no) == (TaskType.CREATE, "OW-IN-1")
    assert kit.hub.tasks.invoker.calls == [(task.task_id, Trigger.CREATED)]


def test_a_return_push_becomes_a_return_inbound(kit: PushKit) -> None:
    # Given an active connection
    kit.connect()

    # When OneWarehouse pushes a return
    reply = kit.send(
        PushTopic.RETURN_INBOUND,
        {
            "return_no": "OW-RT-1",
            "warehouse_code": OW_WAREHOUSE,
            "owner_code": OWNER,
            "items": [{"sku_id": "SKU-2", "qty": 1}],
        },
    )

    # Then it becomes a return inbound order
    assert reply.body["answer"] == {"order_no": "OW-RT-1", "wms_order_no": "OW-RT-1"}
    assert kit.hub.order(OrderKind.INBOUND, "OW-RT-1").order_type == "return"


def test_an_outbound_push_becomes_a_drop_shipping_order_on_the_carriers_channel(kit: PushKit) -> None:
    # Given an active connection
    kit.connect()

    # When OneWarehouse pushes an outbound
    reply = kit.send(PushTopic.OUTBOUND, outbound_push())

    # Then it becomes a drop-shipping order whose channel is the carrier, mapped to the proxy's channel
    assert reply.status == 200
    order = kit.hub.order(OrderKind.OUTBOUND, "OW-OUT-1")
    assert (order.order_type, order.channel_code, order.proxy_channel_code) == (
        "drop_shipping",
        "UPS",
        "HPK-UPS",
    )
    assert order.recipient is not None and order.recipient.phone is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            purchase_inbound(owner_code="OW-NOBODY"),
            "owner_code OW-NOBODY is not mapped to a GWMS customer (sandbox connection)",
        ),
        (
            purchase_inbound(warehouse_code="OW-NYC"),
            "warehouse_code OW-NYC is not mapped to a GWMS warehouse (sandbox connection)",
        ),
    ],
    ids=["owner", "warehouse"],
)
def test_an_unmapped_owner_or_warehouse_is_refused_and_nothing_is_written(
    kit: PushKit, body: dict[str, Any], reason: str
) -> None:
    # Given an active connection
    kit.connect()

    # When a push names an owner or warehouse the connection does not map
    reply = kit.send(PushTopic.PURCHASE_INBOUND, body)

    # Then it is refused with the reason, nothing is written and no answer is remembered
    assert reply == PushReply(422, {"accepted": False, "refusal": "invalid", "reason": reason})
    kit.assert_nothing_written()
    assert kit.idempotency.records == {}


def test_a_domain_refusal_is_answered_with_its_reason_and_nothing_is_written(kit: PushKit) -> None:
    # Given an active connection
    kit.connect()

    # When a push names a SKU without master data
    reply = kit.send(
        PushTopic.PURCHASE_INBOUND, purchase_inbound(items=[{"sku_id": "NO-SUCH-SKU", "qty": 1}])
    )

    # Then the order service's refusal is answered and nothing is written
    assert reply == PushReply(
        422, {"accepted": False, "refusal": "invalid", "reason": "Unknown GSKU NO-SUCH-SKU"}
    )
    kit.assert_nothing_written()


def test_a_refused_push_passes_once_the_mapping_is_fixed(kit: PushKit) -> None:
    # Given a push refused because its warehouse was not mapped yet
    kit.connect(warehouse_map={})
    assert kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound()).status == 422

    # When the operator maps the warehouse and the platform sends the same push again
    kit.connect(warehouse_map={OW_WAREHOUSE: WAREHOUSE})
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())

    # Then it is carried out: refusals are not remembered
    assert reply.status == 200
    assert kit.hub.order(OrderKind.INBOUND, "OW-IN-1").warehouse_code == WAREHOUSE


def test_an_identical_push_is_answered_once(kit: PushKit) -> None:
    # Given a product push that was carried out: it created the SKU
    kit.connect()
    product = {"sku_id": "OW-SKU-1", "sku_code": "L-OW-1", "name": "Lamp", "owner_code": OWNER}
    first = kit.send(PushTopic.PRODUCTS, product)
    assert first.body["answer"] == {"sku_id": "OW-SKU-1", "created": True}

    # When the platform sends it again, signed afresh
    again = kit.send(PushTopic.PRODUCTS, product)

    # Then the first answer is repeated as it was, though the SKU exists by now
    assert again == first


def test_an_identical_order_push_changes_nothing_and_starts_no_second_task(kit: PushKit) -> None:
    # Given an order push that was carried out
    kit.connect()
    first = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())
    writes = list(kit.hub.orders.writes)

    # When the platform sends it again
    again = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())

    # Then the same answer comes back and nothing more is written or started
    assert again == first
    assert kit.hub.orders.writes == writes
    assert len(kit.hub.tasks.store.tasks) == 1 and len(kit.hub.tasks.invoker.calls) == 1


def test_a_changed_push_of_an_unpushed_order_replaces_it(kit: PushKit) -> None:
    # Given an order push carried out, the order not pushed to the proxy yet
    kit.connect()
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())

    # When the platform sends it changed
    reply = kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound(items=[{"sku_id": "SKU-1", "qty": 7}]))

    # Then the order is replaced under the same create task
    assert reply.status == 200
    assert kit.hub.order(OrderKind.INBOUND, "OW-IN-1").lines[0].qty == 7
    assert len(kit.hub.tasks.store.tasks) == 1


def test_an_order_number_gwms_already_uses_is_refused(kit: PushKit) -> None:
    # Given an order number GWMS already uses
    kit.connect()
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound("IN-SHARED"))
    stored = kit.hub.orders.find(OrderKind.INBOUND, "IN-SHARED")
    assert stored is not None
    kit.hub.orders.save(stored, stored.order.model_copy(update={"source": "gwms"}))
    writes = list(kit.hub.orders.writes)

    # When OneWarehouse pushes an order under it
    reply = kit.send(
        PushTopic.PURCHASE_INBOUND, purchase_inbound("IN-SHARED", items=[{"sku_id": "SKU-1", "qty": 1}])
    )

    # Then it is refused and the GWMS order untouched
    assert reply == PushReply(
        422, {"accepted": False, "refusal": "state", "reason": "Order IN-SHARED already exists from gwms"}
    )
    assert kit.hub.orders.writes == writes


# ---------------------------------------------------------------- cancels answered from the real state


def cancel_answer(kit: PushKit, order_no: str, topic: PushTopic = PushTopic.INBOUND_CANCEL) -> dict[str, Any]:
    number = "inbound_no" if topic is PushTopic.INBOUND_CANCEL else "outbound_no"
    reply = kit.send(topic, {number: order_no, "reason": "Buyer cancelled"})
    assert reply.status == 200, reply
    answer: dict[str, Any] = reply.body["answer"]
    return answer


def push_to_proxy(kit: PushKit, kind: OrderKind, order_no: str) -> str:
    task_id = kit.hub.create_task_of(kind, order_no).task_id
    kit.hub.run(task_id, Trigger.CREATED)
    proxy_no = kit.hub.order(kind, order_no).proxy_order_no
    assert proxy_no is not None
    return proxy_no


def test_a_cancel_of_an_order_not_pushed_yet_is_granted(kit: PushKit) -> None:
    # Given a OneWarehouse inbound not pushed yet
    kit.connect()
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())

    # When OneWarehouse cancels it
    answer = cancel_answer(kit, "OW-IN-1")

    # Then the cancel is granted and the order cancelled with the platform's reason
    assert answer == {"order_no": "OW-IN-1", "granted": True, "reason": "Cancelled before it was pushed"}
    order = kit.hub.order(OrderKind.INBOUND, "OW-IN-1")
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel is not None and order.cancel.reason == "Buyer cancelled"


def test_a_cancel_the_proxy_warehouse_grants_is_granted(kit: PushKit) -> None:
    # Given a OneWarehouse inbound the proxy warehouse has
    kit.connect()
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())
    proxy_no = push_to_proxy(kit, OrderKind.INBOUND, "OW-IN-1")

    # When OneWarehouse cancels it
    answer = cancel_answer(kit, "OW-IN-1")

    # Then the proxy warehouse's grant is the answer
    assert answer == {"order_no": "OW-IN-1", "granted": True, "reason": "Cancelled in the proxy warehouse"}
    assert kit.hub.warehouse.inbound(proxy_no).status == "CANCELLED"


def test_a_cancel_the_proxy_warehouse_rejects_is_not_granted_with_its_reason(kit: PushKit) -> None:
    # Given a OneWarehouse inbound the proxy warehouse is receiving
    kit.connect()
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())
    proxy_no = push_to_proxy(kit, OrderKind.INBOUND, "OW-IN-1")
    kit.hub.warehouse.advance_inbound(proxy_no, "RECEIVING")

    # When OneWarehouse cancels it
    answer = cancel_answer(kit, "OW-IN-1")

    # Then the cancel is not granted, with the proxy's reason, and the order goes on
    assert answer == {
        "order_no": "OW-IN-1",
        "granted": False,
        "reason": f"Cancel rejected by the proxy warehouse: inbound {proxy_no} is RECEIVING, cancellation not allowed",
    }
    assert kit.hub.order(OrderKind.INBOUND, "OW-IN-1").status is OrderStatus.PUSHED


def test_an_outbound_already_pushed_cannot_be_intercepted(kit: PushKit) -> None:
    # Given a OneWarehouse outbound (drop shipping) the proxy warehouse has
    kit.connect()
    kit.send(PushTopic.OUTBOUND, outbound_push())
    push_to_proxy(kit, OrderKind.OUTBOUND, "OW-OUT-1")

    # When OneWarehouse asks to intercept it
    answer = cancel_answer(kit, "OW-OUT-1", PushTopic.OUTBOUND_CANCEL)

    # Then it is not granted, with GWMS's reason
    assert answer == {
        "order_no": "OW-OUT-1",
        "granted": False,
        "reason": "Drop shipping orders cannot be cancelled",
    }
    assert kit.hub.order(OrderKind.OUTBOUND, "OW-OUT-1").status is OrderStatus.PUSHED


def test_a_cancel_of_an_order_already_cancelled_is_granted_again(kit: PushKit) -> None:
    # Given a OneWarehouse inbound already cancelled
    kit.connect()
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound())
    cancel_answer(kit, "OW-IN-1")

    # When OneWarehouse cancels it again, with another reason
    reply = kit.send(PushTopic.INBOUND_CANCEL, {"inbound_no": "OW-IN-1", "reason": "Buyer cancelled twice"})

    # Then the answer is the cancel as it happened
    assert reply.body["answer"] == {
        "order_no": "OW-IN-1",
        "granted": True,
        "reason": "Cancelled before it was pushed",
    }


@pytest.mark.parametrize("source", ["none", "gwms"])
def test_a_cancel_of_an_order_onewarehouse_does_not_own_is_not_found(kit: PushKit, source: str) -> None:
    # Given no order IN-9, or one GWMS owns
    kit.connect()
    if source == "gwms":
        kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound("IN-9"))
        stored = kit.hub.orders.find(OrderKind.INBOUND, "IN-9")
        assert stored is not None
        kit.hub.orders.save(stored, stored.order.model_copy(update={"source": "gwms"}))

    # When OneWarehouse cancels IN-9
    reply = kit.send(PushTopic.INBOUND_CANCEL, {"inbound_no": "IN-9"})

    # Then it is not found, and a GWMS order is left alone
    assert reply == PushReply(
        422, {"accepted": False, "refusal": "not_found", "reason": "Inbound order IN-9 not found"}
    )
    if source == "gwms":
        assert kit.hub.order(OrderKind.INBOUND, "IN-9").status is OrderStatus.CREATED


# ---------------------------------------------------------------- products


def test_a_product_push_saves_the_master_data_for_the_mapped_customer(kit: PushKit) -> None:
    # Given an active connection and a product
    kit.connect()
    product = {
        "sku_id": "OW-SKU-9",
        "sku_code": "LOCAL-9",
        "name": "Lamp",
        "spec": "E27",
        "weight_kg": 1.25,
        "owner_code": OWNER,
    }

    # When OneWarehouse pushes it, then pushes it changed
    created = kit.send(PushTopic.PRODUCTS, product)
    updated = kit.send(PushTopic.PRODUCTS, product | {"name": "Desk lamp"})

    # Then the first created the SKU and the second updated it, for the mapped customer
    assert created.body["answer"] == {"sku_id": "OW-SKU-9", "created": True}
    assert updated.body["answer"] == {"sku_id": "OW-SKU-9", "created": False}
    sku = kit.hub.config.find_sku("OW-SKU-9")
    assert sku is not None
    assert (sku.name, sku.local_sku, sku.customer_code, sku.weight_kg) == (
        "Desk lamp",
        "LOCAL-9",
        CUSTOMER,
        1.25,
    )


# ---------------------------------------------------------------- request log


def test_every_push_is_in_the_request_log_with_the_signature_masked_by_the_codec(kit: PushKit) -> None:
    # Given an active connection, a push carried out and one refused
    kit.connect()
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound("OW-IN-1"), nonce="n-1")
    kit.send(PushTopic.PURCHASE_INBOUND, purchase_inbound("OW-IN-2"), secret="forged", nonce="n-2")

    # Then both are logged raw, with the codec's MAC header masked and the others kept
    accepted, refused = kit.hub.service_log.records
    for record, nonce in ((accepted, "n-1"), (refused, "n-2")):
        assert record.request_headers[HEADER_MAC] == REDACTED
        assert record.request_headers["X-Fake-Nonce"] == nonce
        assert record.request_headers["X-Fake-Key"] == APP_KEY
        assert (record.api_name, record.url, record.method) == (
            "fake-platform/purchase-inbound",
            "/fake-platform/purchase-inbound",
            "POST",
        )
        assert (record.system_code, record.request_id) == ("ONEWAREHOUSE-sandbox", "req-42")
    # And the accepted push is filed under its order and GWMS warehouse; the unverified body was not read
    assert (accepted.order_no, accepted.warehouse_code) == ("OW-IN-1", WAREHOUSE)
    assert (refused.order_no, refused.warehouse_code) == (None, None)
    assert (accepted.response_status, accepted.error) == (200, None)
    assert json.loads(accepted.request_body) == purchase_inbound("OW-IN-1")
    assert json.loads(accepted.response_body)["answer"] == {"order_no": "OW-IN-1", "wms_order_no": "OW-IN-1"}
    assert (refused.response_status, refused.error) == (401, "Refused: signature does not match")
    # And the real MAC appears nowhere in the log
    assert all(
        fake_signed_headers(APP_KEY, APP_SECRET, json.dumps(purchase_inbound("OW-IN-1")).encode(), "n-1")[
            HEADER_MAC
        ]
        not in json.dumps(record.request_headers)
        for record in kit.hub.service_log.records
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sku_id": "OWSP-1 A"}, "sku_id"),
        ({"sku_id": "OW/1"}, "sku_id"),
        ({"weight_kg": 1e-200}, "weight_kg"),
        ({"weight_kg": 1e200}, "weight_kg"),
    ],
)
def test_a_product_push_outside_the_input_policy_is_malformed_and_writes_nothing(
    kit: PushKit, change: dict[str, Any], field: str
) -> None:
    # Given an active connection and a product whose GSKU /v1/skus could not name, or whose weight
    # DynamoDB could not store (issue 14, findings 1 and 2)
    kit.connect()
    product = {"sku_id": "OW-SKU-9", "sku_code": "L9", "name": "Lamp", "owner_code": OWNER} | change

    # When OneWarehouse pushes it
    reply = kit.send(PushTopic.PRODUCTS, product)

    # Then it is refused naming the field, and no SKU was stored
    assert reply.status == 400 and reply.body["field"] == field
    assert kit.hub.config.find_sku(str(product["sku_id"])) is None
