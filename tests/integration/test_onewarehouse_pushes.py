"""OneWarehouse's six pushes, signed and sent by its simulator, through the template's webhook routes
to the real webhook function on moto: what OneWarehouse is answered and what changed in the hub."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from onewarehouse_kit import (
    CUSTOMER,
    GSKU,
    GWMS_WAREHOUSE,
    Hub,
    outbound_body,
    product_body,
    purchase_body,
    request_logs,
    return_body,
)

from fakes import ListRequestLogSink
from proxyhub import wiring
from proxyhub.errors import NotFoundError
from proxyhub.models.orders import InboundOrderCreate, OrderKind, OrderLineInput
from proxyhub.models.tasks import TaskType
from proxyhub_dev.simulators.onewarehouse import DEFAULT_APP_SECRET, DEFAULT_CALLBACK_KEY

pytestmark = pytest.mark.integration
pytest_plugins = ["onewarehouse_kit"]


def order_state(kind: OrderKind, order_no: str) -> Callable[[Hub], Any]:
    def state(hub: Hub) -> Any:
        try:
            return hub.order(kind, order_no).model_dump()
        except NotFoundError:
            return None

    return state


def sku_state(gsku: str) -> Callable[[Hub], Any]:
    return lambda hub: wiring.container().config_store.find_sku(gsku)


def no_setup(hub: Hub) -> None:
    return None


def pushed(topic: str, body: dict[str, Any]) -> Callable[[Hub], None]:
    def setup(hub: Hub) -> None:
        assert hub.push(topic, body)[0] == 200

    return setup


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != name}


@dataclass(frozen=True)
class TopicCase:
    body: dict[str, Any]
    data: dict[str, Any]
    state: Callable[[Hub], Any]
    malformed: tuple[dict[str, Any], str]
    setup: Callable[[Hub], None] = no_setup
    effect: dict[str, Any] = field(default_factory=dict)  # fields of the state after a valid push


CASES = {
    "products": TopicCase(
        body=product_body("GSKU-NEW"),
        data={"sku_id": "GSKU-NEW", "status": "created"},
        state=sku_state("GSKU-NEW"),
        malformed=(product_body("GSKU-NEW", name=""), "name"),
        effect={"name": "Travel mug", "customer_code": CUSTOMER, "local_sku": "ACME-NEW"},
    ),
    "purchase-inbound": TopicCase(
        body=purchase_body("OW-PI-1"),
        data={"inbound_no": "OW-PI-1", "wms_order_no": "OW-PI-1"},
        state=order_state(OrderKind.INBOUND, "OW-PI-1"),
        malformed=(purchase_body("OW-PI-1", items=[{"sku_id": GSKU, "qty": 0}]), "items[0].qty"),
        effect={"source": "onewarehouse", "status": "created", "order_type": "purchase"},
    ),
    "return-inbound": TopicCase(
        body=return_body("OW-RI-1"),
        data={"return_no": "OW-RI-1", "wms_order_no": "OW-RI-1"},
        state=order_state(OrderKind.INBOUND, "OW-RI-1"),
        malformed=(without(return_body("OW-RI-1"), "return_no"), "return_no"),
        effect={"source": "onewarehouse", "status": "created", "order_type": "return"},
    ),
    "inbound-cancel": TopicCase(
        setup=pushed("purchase-inbound", purchase_body("OW-PI-1")),
        body={"inbound_no": "OW-PI-1", "reason": "supplier cancelled"},
        data={"inbound_no": "OW-PI-1", "allowed": True, "reason": "Cancelled before it was pushed"},
        state=order_state(OrderKind.INBOUND, "OW-PI-1"),
        malformed=({"reason": "no number"}, "inbound_no"),
        effect={"status": "cancelled"},
    ),
    "outbound": TopicCase(
        body=outbound_body("OW-OB-1"),
        data={"outbound_no": "OW-OB-1", "wms_order_no": "OW-OB-1"},
        state=order_state(OrderKind.OUTBOUND, "OW-OB-1"),
        malformed=(
            outbound_body("OW-OB-1", recipient=without(outbound_body()["recipient"], "country")),
            "recipient.country",
        ),
        effect={"source": "onewarehouse", "status": "created", "order_type": "drop_shipping"},
    ),
    "outbound-cancel": TopicCase(
        setup=pushed("outbound", outbound_body("OW-OB-1")),
        body={"outbound_no": "OW-OB-1", "reason": "customer changed mind"},
        data={"outbound_no": "OW-OB-1", "intercepted": True, "reason": "Cancelled before it was pushed"},
        state=order_state(OrderKind.OUTBOUND, "OW-OB-1"),
        malformed=({"outbound_no": ""}, "outbound_no"),
        effect={"status": "cancelled"},
    ),
}
TOPICS = list(CASES)


def assert_effect(case: TopicCase, hub: Hub) -> None:
    state = case.state(hub)
    assert state is not None
    fields = state if isinstance(state, dict) else state.model_dump()
    assert {name: fields[name] for name in case.effect} == case.effect


def last_log(topic: str) -> Any:
    return next(log for log in request_logs() if log.api_name == f"onewarehouse/{topic}")


# ---------------------------------------------------------------- each topic, each way in


@pytest.mark.parametrize("topic", TOPICS)
def test_a_valid_push_is_answered_and_carried_out(hub: Hub, topic: str) -> None:
    case = CASES[topic]
    case.setup(hub)

    status, reply = hub.push(topic, case.body)

    assert (status, reply) == (200, {"code": 0, "msg": "success", "data": case.data})
    assert_effect(case, hub)


@pytest.mark.parametrize("topic", TOPICS)
def test_a_bad_signature_is_refused_in_enforce_mode_and_changes_nothing(hub: Hub, topic: str) -> None:
    case = CASES[topic]
    case.setup(hub)
    before = case.state(hub)

    status, reply = hub.push(topic, case.body, bad_signature=True)

    assert (status, reply["code"], reply["msg"]) == (401, 401, "signature does not match")
    assert case.state(hub) == before
    log = last_log(topic)
    assert (log.response_status, log.error) == (401, "Refused: signature does not match")


@pytest.mark.parametrize("topic", TOPICS)
def test_a_bad_signature_is_accepted_and_recorded_in_log_mode(hub: Hub, topic: str) -> None:
    # Given verification in log mode, as while the real scheme is being confirmed on the sandbox
    hub.connect(verify_mode="log")
    case = CASES[topic]
    case.setup(hub)

    # When a push arrives with a signature that does not match
    status, reply = hub.push(topic, case.body, bad_signature=True)

    # Then it is carried out, and the mismatch is on the push's request log
    assert (status, reply["code"], reply["data"]) == (200, 0, case.data)
    assert_effect(case, hub)
    log = last_log(topic)
    assert log.error == "Accepted in verify mode log despite: signature does not match"


@pytest.mark.parametrize("topic", TOPICS)
def test_a_stale_timestamp_is_refused(hub: Hub, topic: str) -> None:
    case = CASES[topic]
    case.setup(hub)
    before = case.state(hub)

    status, reply = hub.push(topic, case.body, timestamp_offset=-1000)

    assert (status, reply["code"]) == (401, 401)
    assert "(window 300 s)" in reply["msg"]
    assert case.state(hub) == before


@pytest.mark.parametrize("topic", TOPICS)
def test_a_replayed_nonce_is_refused(hub: Hub, topic: str) -> None:
    case = CASES[topic]
    case.setup(hub)
    assert hub.push(topic, case.body, nonce=f"nonce-{topic}")[0] == 200
    after_first = case.state(hub)

    status, reply = hub.push(topic, case.body, nonce=f"nonce-{topic}")

    assert (status, reply["msg"]) == (401, f"nonce 'nonce-{topic}' was already used")
    assert case.state(hub) == after_first


@pytest.mark.parametrize("topic", TOPICS)
def test_a_malformed_body_is_a_400_naming_the_field(hub: Hub, topic: str) -> None:
    case = CASES[topic]
    case.setup(hub)
    before = case.state(hub)
    body, field_name = case.malformed

    status, reply = hub.push(topic, body)

    assert (status, reply["code"], reply["data"]) == (400, 400, {"field": field_name})
    assert reply["msg"].startswith(f"{field_name}: ")
    assert case.state(hub) == before


@pytest.mark.parametrize("topic", TOPICS)
def test_a_duplicate_push_gets_the_same_answer_and_changes_nothing(hub: Hub, topic: str) -> None:
    case = CASES[topic]
    case.setup(hub)
    first = hub.push(topic, case.body)
    after_first = case.state(hub)

    # OneWarehouse retries: the same body, signed afresh
    again = hub.push(topic, case.body)

    assert again == first
    assert case.state(hub) == after_first


# ---------------------------------------------------------------- what the topics mean


def test_a_duplicate_order_push_creates_one_create_task(hub: Hub) -> None:
    hub.push("purchase-inbound", purchase_body("OW-PI-1"))
    hub.push("purchase-inbound", purchase_body("OW-PI-1"))

    tasks = hub.tasks_of("OW-PI-1")
    assert [task.task_type for task in tasks] == [TaskType.CREATE]


@pytest.mark.parametrize(
    ("topic", "body", "field_name"),
    [
        ("purchase-inbound", purchase_body(items=[{"sku_id": GSKU, "qty": 1}] * 2), "items"),
        ("purchase-inbound", purchase_body(inbound_no="OW/PI/1"), "inbound_no"),
        (
            "outbound",
            outbound_body(recipient={**outbound_body()["recipient"], "country": "THA"}),
            "recipient.country",
        ),
        ("products", product_body("G" * 65), "sku_id"),
        ("products", product_body(weight_kg=0), "weight_kg"),
    ],
)
def test_our_own_rules_name_the_field_as_onewarehouse_sent_it(
    hub: Hub, topic: str, body: dict[str, Any], field_name: str
) -> None:
    status, reply = hub.push(topic, body)

    assert (status, reply["data"]) == (400, {"field": field_name}), reply


def test_a_changed_repeat_updates_an_unpushed_order_and_is_refused_once_pushed(hub: Hub) -> None:
    # Given a purchase inbound not yet pushed to HPK
    hub.push("purchase-inbound", purchase_body("OW-PI-1", qty=10))

    # When OneWarehouse sends it again with another quantity
    status, reply = hub.push("purchase-inbound", purchase_body("OW-PI-1", qty=12))

    # Then the order takes the change, still with one create task
    assert (status, reply["code"]) == (200, 0)
    order = hub.order(OrderKind.INBOUND, "OW-PI-1")
    assert [(line.gsku, line.qty) for line in order.lines] == [(GSKU, 12)]
    assert len(hub.tasks_of("OW-PI-1")) == 1

    # And once the order is pushed to HPK, a further change is refused and nothing changes
    hub.run_tasks_of("OW-PI-1")
    assert hub.order(OrderKind.INBOUND, "OW-PI-1").status.value == "pushed"
    status, reply = hub.push("purchase-inbound", purchase_body("OW-PI-1", qty=15))
    assert (status, reply["code"]) == (200, 40902)
    assert reply["msg"] == "Order OW-PI-1 is already pushed; changes refused"
    assert [line.qty for line in hub.order(OrderKind.INBOUND, "OW-PI-1").lines] == [12]


def test_an_order_number_gwms_already_uses_is_refused(hub: Hub) -> None:
    gwms_order = InboundOrderCreate(
        order_no="OW-PI-1",
        inbound_type="purchase",
        warehouse_code=GWMS_WAREHOUSE,
        customer_code=CUSTOMER,
        items=[OrderLineInput(gsku=GSKU, qty=1)],
    )
    wiring.container().order_service.create_inbound(gwms_order)

    status, reply = hub.push("purchase-inbound", purchase_body("OW-PI-1"))

    assert (status, reply["code"], reply["msg"]) == (200, 40902, "Order OW-PI-1 already exists from gwms")
    assert hub.order(OrderKind.INBOUND, "OW-PI-1").source == "gwms"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            purchase_body(owner_code="OWNER-UNKNOWN"),
            "owner_code OWNER-UNKNOWN is not mapped to a GWMS customer (sandbox connection)",
        ),
        (
            purchase_body(warehouse_code="OW-NOWHERE"),
            "warehouse_code OW-NOWHERE is not mapped to a GWMS warehouse (sandbox connection)",
        ),
        (purchase_body(items=[{"sku_id": "GSKU-UNKNOWN", "qty": 1}]), "Unknown GSKU GSKU-UNKNOWN"),
    ],
)
def test_business_refusals_answer_a_non_zero_code_with_the_reason(
    hub: Hub, body: dict[str, Any], message: str
) -> None:
    status, reply = hub.push("purchase-inbound", body)

    assert (status, reply) == (200, {"code": 40001, "msg": message, "data": None})
    assert hub.tasks_of("OW-PI-1") == []


def test_a_refused_push_passes_once_the_mapping_is_fixed(hub: Hub) -> None:
    hub.connect(owner_map={})
    assert hub.push("purchase-inbound", purchase_body("OW-PI-1"))[1]["code"] == 40001

    hub.connect()
    status, reply = hub.push("purchase-inbound", purchase_body("OW-PI-1"))

    assert (status, reply["code"]) == (200, 0)


def test_a_cancel_of_an_unknown_order_is_refused(hub: Hub) -> None:
    status, reply = hub.push("inbound-cancel", {"inbound_no": "OW-PI-404"})

    assert (status, reply["code"], reply["msg"]) == (200, 40401, "Inbound order OW-PI-404 not found")


def test_a_push_from_outside_the_allow_list_is_refused(hub: Hub) -> None:
    hub.connect(allowed_ips=["203.0.113.0/24"])

    status, reply = hub.push("purchase-inbound", purchase_body("OW-PI-1"))

    assert (status, reply["code"]) == (403, 403)
    assert reply["msg"] == "source IP 127.0.0.1 is not on the allow-list"
    assert hub.tasks_of("OW-PI-1") == []


def test_verify_mode_off_skips_the_signature(hub: Hub) -> None:
    hub.connect(verify_mode="off")

    status, reply = hub.push("purchase-inbound", purchase_body("OW-PI-1"), bad_signature=True)

    assert (status, reply["code"]) == (200, 0)
    assert last_log("purchase-inbound").error is None


def test_without_an_active_connection_pushes_are_refused(hub: Hub) -> None:
    hub.connect(active=False)

    status, reply = hub.push("purchase-inbound", purchase_body("OW-PI-1"))

    assert (status, reply["msg"]) == (401, "No active OneWarehouse connection is configured")


def test_every_push_is_in_the_request_log_raw_with_secrets_masked(hub: Hub) -> None:
    hub.push("purchase-inbound", purchase_body("OW-PI-1"))

    logs = request_logs(order_no="OW-PI-1")

    assert len(logs) == 1
    log = logs[0]
    assert (log.api_name, log.method, log.url) == (
        "onewarehouse/purchase-inbound",
        "POST",
        "/onewarehouse/purchase-inbound",
    )
    assert (log.system_code, log.warehouse_code, log.response_status) == (
        "ONEWAREHOUSE-sandbox",
        GWMS_WAREHOUSE,
        200,
    )
    assert '"inbound_no": "OW-PI-1"' in log.request_body
    assert '"wms_order_no": "OW-PI-1"' in log.response_body
    assert log.request_headers["x-ow-sign"] == "***"
    assert log.request_headers["x-ow-nonce"]
    everything = repr(log)
    assert DEFAULT_APP_SECRET not in everything
    assert DEFAULT_CALLBACK_KEY not in everything


def test_a_products_push_resyncs_proxy_systems_that_already_have_the_sku(hub: Hub) -> None:
    # Given GSKU-MUG already synced to HPK
    wiring.container().sku_sync.ensure_synced("HPK01", [GSKU], ListRequestLogSink())

    # When OneWarehouse pushes new master data for it
    body = product_body(GSKU, name="Ceramic mug v2", spec="350 ml, blue", weight_kg=0.45)
    status, reply = hub.push("products", body)

    # Then it is answered as updated, and HPK has the new data
    assert (status, reply["data"]) == (200, {"sku_id": GSKU, "status": "updated"})
    hpk_product = hub.hpk.control.state()["products"][GSKU]
    assert (hpk_product["name"], hpk_product["spec"]) == ("Ceramic mug v2", "350 ml, blue")
