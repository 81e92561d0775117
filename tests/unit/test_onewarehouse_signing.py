"""OneWarehouse adapter without the network: signatures, replay, IP allow-list, push parsing, replies."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from fakes import FakeClock, ListRequestLogSink
from proxyhub.adapters.onewarehouse import signing, wire
from proxyhub.adapters.onewarehouse.client import OneWarehouseClient
from proxyhub.adapters.onewarehouse.signing import redacted_push_headers, sign, signed_headers, verify_push
from proxyhub.adapters.onewarehouse.wire import (
    answer_reply,
    malformed_reply,
    parse_push,
    reply_status,
    topic_for_path,
)
from proxyhub.settings import Settings
from proxyhub.upstream.ports import (
    CancelDecision,
    InboundCancelPush,
    MalformedPushError,
    OrderAccepted,
    OutboundCancelPush,
    OutboundPush,
    ProductPush,
    ProductUpserted,
    PurchaseInboundPush,
    PushItem,
    PushTopic,
    ReturnInboundPush,
    TransientUpstreamError,
    UpstreamConfigurationError,
    UpstreamConnection,
    UpstreamRejection,
)
from proxyhub.upstream.pushes import ip_allowed
from proxyhub_dev.simulators.nonces import InMemoryNonceStore

pytestmark = pytest.mark.unit

APP_KEY = "ow-app-key"
APP_SECRET = "ow-app-secret"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BODY = b'{"sku_id":"S1"}'


def verify(
    headers: dict[str, str],
    *,
    now: datetime = NOW,
    body: bytes = BODY,
    store: InMemoryNonceStore | None = None,
) -> Any:
    store = store or InMemoryNonceStore(FakeClock(now))
    return verify_push(headers, body, APP_KEY, APP_SECRET, now, store)


# --- signing and verification --------------------------------------------------------------------


def test_sign_is_lowercase_hex_hmac_sha256_of_timestamp_nonce_and_raw_body() -> None:
    # Given the contract's message layout
    expected = hmac.new(b"secret", b"1700000000.n1." + BODY, hashlib.sha256).hexdigest()

    # When / Then
    assert sign("secret", "1700000000", "n1", BODY) == expected
    assert expected == expected.lower()


def test_signed_headers_verify() -> None:
    # Given a push signed with the app secret
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW)

    # When it is verified
    result = verify(headers)

    # Then it passes and carries the four headers
    assert result.ok, result.reason
    assert set(headers) == {"X-OW-App-Key", "X-OW-Timestamp", "X-OW-Nonce", "X-OW-Sign"}
    assert headers["X-OW-Timestamp"] == str(int(NOW.timestamp()))


def test_header_names_are_case_insensitive_and_the_signature_hex_case_does_not_matter() -> None:
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW)
    lowered = {name.lower(): value for name, value in headers.items()}
    lowered["x-ow-sign"] = lowered["x-ow-sign"].upper()

    assert verify(lowered).ok


@pytest.mark.parametrize(
    ("skew_seconds", "outcome"), [(-301, "stale"), (-300, "ok"), (0, "ok"), (300, "ok"), (301, "stale")]
)
def test_timestamp_window_is_300_seconds_either_way(skew_seconds: int, outcome: str) -> None:
    # Given a push signed at NOW + skew (a sender clock ahead or behind)
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW + timedelta(seconds=skew_seconds))

    # When / Then
    assert verify(headers).outcome == outcome


def test_a_nonce_is_accepted_once() -> None:
    # Given one store and one signed push
    store = InMemoryNonceStore(FakeClock(NOW))
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW, nonce="fixed")

    # When it arrives twice
    first = verify(headers, store=store)
    second = verify(headers, store=store)

    # Then the second is a replay
    assert first.ok
    assert second.outcome == "replayed"
    assert "fixed" in second.reason


def test_a_badly_signed_push_does_not_burn_its_nonce() -> None:
    store = InMemoryNonceStore(FakeClock(NOW))
    forged = signed_headers(APP_KEY, "wrong-secret", BODY, NOW, nonce="n-1")
    genuine = signed_headers(APP_KEY, APP_SECRET, BODY, NOW, nonce="n-1")

    assert verify(forged, store=store).outcome == "mismatch"
    assert verify(genuine, store=store).ok


def test_a_tampered_body_is_a_mismatch() -> None:
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW)

    result = verify(headers, body=b'{"sku_id":"S2"}')

    assert result.outcome == "mismatch"
    assert result.reason == "signature does not match"


def test_a_wrong_app_key_is_reported() -> None:
    headers = signed_headers("someone-else", APP_SECRET, BODY, NOW)

    result = verify(headers)

    assert result.outcome == "mismatch"
    assert "someone-else" in result.reason


@pytest.mark.parametrize("missing", ["X-OW-App-Key", "X-OW-Timestamp", "X-OW-Nonce", "X-OW-Sign"])
def test_a_missing_header_is_named(missing: str) -> None:
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW)
    del headers[missing]

    result = verify(headers)

    assert result.outcome == "mismatch"
    assert missing in result.reason


def test_a_timestamp_that_is_not_unix_seconds_is_a_mismatch() -> None:
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW) | {"X-OW-Timestamp": "2025-03-01T12:00:00Z"}

    assert verify(headers).outcome == "mismatch"


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a spy on hmac.compare_digest
    compared: list[tuple[bytes, bytes]] = []
    real_compare = hmac.compare_digest

    def spy(left: bytes, right: bytes) -> bool:
        compared.append((left, right))
        return real_compare(left, right)

    monkeypatch.setattr(signing.hmac, "compare_digest", spy)
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW)

    # When a push is verified
    assert verify(headers).ok

    # Then the signature went through it
    assert (headers["X-OW-Sign"].encode(), headers["X-OW-Sign"].encode()) in compared


def test_the_in_memory_nonce_store_forgets_a_nonce_after_it_expires() -> None:
    clock = FakeClock(NOW)
    store = InMemoryNonceStore(clock)

    assert store.remember("n", NOW + timedelta(seconds=300))
    assert not store.remember("n", NOW + timedelta(seconds=300))
    later = clock.advance(seconds=301)
    assert store.remember("n", later + timedelta(seconds=300))


# --- IP allow-list -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_ip", "allowed", "expected"),
    [
        ("203.0.113.7", [], True),
        ("203.0.113.7", ["203.0.113.7"], True),
        ("203.0.113.8", ["203.0.113.7"], False),
        ("203.0.113.200", ["203.0.113.0/24"], True),
        ("203.0.114.1", ["203.0.113.0/24"], False),
        ("2001:db8::5", ["2001:db8::/32"], True),
        ("203.0.113.7", ["not-an-ip", "203.0.113.0/28"], True),
        ("203.0.113.7", ["not-an-ip"], False),
        ("not-an-ip", ["0.0.0.0/0"], False),
    ],
)
def test_ip_allow_list(source_ip: str, allowed: list[str], expected: bool) -> None:
    assert ip_allowed(source_ip, allowed) is expected


# --- push parsing --------------------------------------------------------------------------------

ITEMS = [{"sku_id": "SKU-1", "qty": 5}, {"sku_id": "SKU-2", "qty": 1}]
VALID_PUSHES: dict[PushTopic, dict[str, Any]] = {
    PushTopic.PRODUCTS: {
        "sku_id": "SKU-1",
        "sku_code": "TSHIRT-RED-M",
        "name": "T-shirt",
        "spec": "red / M",
        "weight_kg": 0.25,
        "length_cm": 30,
        "width_cm": 20,
        "height_cm": 2,
        "barcode": "8850000000001",
        "declared_value": 9.9,
        "currency": "USD",
        "owner_code": "OWNER-1",
    },
    PushTopic.PURCHASE_INBOUND: {
        "inbound_no": "PI-1",
        "warehouse_code": "OW-BKK",
        "owner_code": "OWNER-1",
        "expected_arrival": "2025-03-05T09:00:00+07:00",
        "items": ITEMS,
        "remark": "first batch",
    },
    PushTopic.RETURN_INBOUND: {
        "return_no": "RI-1",
        "original_outbound_no": "OB-1",
        "warehouse_code": "OW-BKK",
        "owner_code": "OWNER-1",
        "items": ITEMS[:1],
        "reason": "damaged",
    },
    PushTopic.INBOUND_CANCEL: {"inbound_no": "PI-1", "reason": "supplier cancelled"},
    PushTopic.OUTBOUND: {
        "outbound_no": "OB-1",
        "warehouse_code": "OW-BKK",
        "owner_code": "OWNER-1",
        "recipient": {
            "name": "Somchai",
            "phone": "+66800000000",
            "email": "s@example.com",
            "country": "TH",
            "state": "Bangkok",
            "city": "Bangkok",
            "postcode": "10110",
            "address1": "1 Sukhumvit Rd",
            "address2": None,
        },
        "logistics": {"carrier_code": "KERRY", "service_code": "STD"},
        "items": ITEMS,
        "remark": None,
    },
    PushTopic.OUTBOUND_CANCEL: {"outbound_no": "OB-1", "reason": "customer changed mind"},
}


def test_parse_products() -> None:
    push = parse_push(PushTopic.PRODUCTS, json.dumps(VALID_PUSHES[PushTopic.PRODUCTS]).encode())

    assert push == ProductPush(
        sku_id="SKU-1",
        sku_code="TSHIRT-RED-M",
        name="T-shirt",
        spec="red / M",
        weight_kg=Decimal("0.25"),
        length_cm=Decimal(30),
        width_cm=Decimal(20),
        height_cm=Decimal(2),
        barcode="8850000000001",
        declared_value=Decimal("9.9"),
        currency="USD",
        owner_code="OWNER-1",
    )


def test_parse_purchase_inbound_reads_the_arrival_as_utc() -> None:
    push = parse_push(PushTopic.PURCHASE_INBOUND, json.dumps(VALID_PUSHES[PushTopic.PURCHASE_INBOUND]))

    assert push == PurchaseInboundPush(
        inbound_no="PI-1",
        warehouse_code="OW-BKK",
        owner_code="OWNER-1",
        expected_arrival=datetime(2025, 3, 5, 2, 0, tzinfo=UTC),
        items=(PushItem("SKU-1", 5), PushItem("SKU-2", 1)),
        remark="first batch",
    )


def test_parse_return_inbound() -> None:
    push = parse_push(PushTopic.RETURN_INBOUND, json.dumps(VALID_PUSHES[PushTopic.RETURN_INBOUND]))

    assert push == ReturnInboundPush(
        return_no="RI-1",
        original_outbound_no="OB-1",
        warehouse_code="OW-BKK",
        owner_code="OWNER-1",
        items=(PushItem("SKU-1", 5),),
        reason="damaged",
    )


def test_parse_cancels() -> None:
    inbound = parse_push(PushTopic.INBOUND_CANCEL, json.dumps(VALID_PUSHES[PushTopic.INBOUND_CANCEL]))
    outbound = parse_push(PushTopic.OUTBOUND_CANCEL, json.dumps(VALID_PUSHES[PushTopic.OUTBOUND_CANCEL]))

    assert inbound == InboundCancelPush(inbound_no="PI-1", reason="supplier cancelled")
    assert outbound == OutboundCancelPush(outbound_no="OB-1", reason="customer changed mind")


def test_parse_outbound_keeps_the_recipient_in_gwms_keys() -> None:
    push = parse_push(PushTopic.OUTBOUND, json.dumps(VALID_PUSHES[PushTopic.OUTBOUND]))

    assert isinstance(push, OutboundPush)
    assert (push.outbound_no, push.carrier_code, push.service_code) == ("OB-1", "KERRY", "STD")
    assert push.recipient == VALID_PUSHES[PushTopic.OUTBOUND]["recipient"]
    assert push.items == (PushItem("SKU-1", 5), PushItem("SKU-2", 1))


def test_unknown_fields_are_ignored_and_numeric_codes_read_as_text() -> None:
    body = VALID_PUSHES[PushTopic.INBOUND_CANCEL] | {"inbound_no": 10042, "operator": "ops-7"}

    push = parse_push(PushTopic.INBOUND_CANCEL, json.dumps(body))

    assert push == InboundCancelPush(inbound_no="10042", reason="supplier cancelled")


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != key}


def _with_items(body: dict[str, Any], items: Any) -> dict[str, Any]:
    return body | {"items": items}


MALFORMED_PUSHES: list[tuple[PushTopic, Any, str]] = [
    (PushTopic.PRODUCTS, _without(VALID_PUSHES[PushTopic.PRODUCTS], "sku_id"), "sku_id"),
    (PushTopic.PRODUCTS, VALID_PUSHES[PushTopic.PRODUCTS] | {"weight_kg": -1}, "weight_kg"),
    (PushTopic.PRODUCTS, VALID_PUSHES[PushTopic.PRODUCTS] | {"name": "  "}, "name"),
    (
        PushTopic.PURCHASE_INBOUND,
        _with_items(VALID_PUSHES[PushTopic.PURCHASE_INBOUND], [{"sku_id": "A", "qty": 0}]),
        "items[0].qty",
    ),
    (
        PushTopic.PURCHASE_INBOUND,
        _with_items(VALID_PUSHES[PushTopic.PURCHASE_INBOUND], [ITEMS[0], {"sku_id": "B", "qty": True}]),
        "items[1].qty",
    ),
    (PushTopic.PURCHASE_INBOUND, _with_items(VALID_PUSHES[PushTopic.PURCHASE_INBOUND], []), "items"),
    (
        PushTopic.PURCHASE_INBOUND,
        VALID_PUSHES[PushTopic.PURCHASE_INBOUND] | {"expected_arrival": "next week"},
        "expected_arrival",
    ),
    (
        PushTopic.RETURN_INBOUND,
        _without(VALID_PUSHES[PushTopic.RETURN_INBOUND], "warehouse_code"),
        "warehouse_code",
    ),
    (
        PushTopic.RETURN_INBOUND,
        _with_items(VALID_PUSHES[PushTopic.RETURN_INBOUND], [{"qty": 1}]),
        "items[0].sku_id",
    ),
    (PushTopic.INBOUND_CANCEL, {"reason": "x"}, "inbound_no"),
    (
        PushTopic.OUTBOUND,
        VALID_PUSHES[PushTopic.OUTBOUND]
        | {"recipient": _without(VALID_PUSHES[PushTopic.OUTBOUND]["recipient"], "postcode")},
        "recipient.postcode",
    ),
    (PushTopic.OUTBOUND, VALID_PUSHES[PushTopic.OUTBOUND] | {"logistics": {}}, "logistics.carrier_code"),
    (PushTopic.OUTBOUND_CANCEL, {"outbound_no": ""}, "outbound_no"),
    (PushTopic.OUTBOUND_CANCEL, [VALID_PUSHES[PushTopic.OUTBOUND_CANCEL]], "body"),
]


@pytest.mark.parametrize(("topic", "body", "field"), MALFORMED_PUSHES)
def test_a_malformed_push_names_the_field(topic: PushTopic, body: Any, field: str) -> None:
    with pytest.raises(MalformedPushError) as raised:
        parse_push(topic, json.dumps(body).encode())

    assert raised.value.field == field
    assert raised.value.message


def test_a_body_that_is_not_json_is_malformed_as_a_whole() -> None:
    with pytest.raises(MalformedPushError) as raised:
        parse_push(PushTopic.PRODUCTS, b"sku_id=1")

    assert raised.value.field == "body"


def test_topic_paths() -> None:
    assert topic_for_path("purchase-inbound") is PushTopic.PURCHASE_INBOUND
    assert topic_for_path("outbound-cancel") is PushTopic.OUTBOUND_CANCEL
    assert topic_for_path("purchase_inbound") is None


# --- replies and request-log headers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "answer", "data"),
    [
        (
            PushTopic.PRODUCTS,
            ProductUpserted("SKU-1", created=True),
            {"sku_id": "SKU-1", "status": "created"},
        ),
        (
            PushTopic.PRODUCTS,
            ProductUpserted("SKU-1", created=False),
            {"sku_id": "SKU-1", "status": "updated"},
        ),
        (
            PushTopic.PURCHASE_INBOUND,
            OrderAccepted("PI-1", "IN-0001"),
            {"inbound_no": "PI-1", "wms_order_no": "IN-0001"},
        ),
        (
            PushTopic.RETURN_INBOUND,
            OrderAccepted("RI-1", "IN-0002"),
            {"return_no": "RI-1", "wms_order_no": "IN-0002"},
        ),
        (
            PushTopic.OUTBOUND,
            OrderAccepted("OB-1", "OUT-0001"),
            {"outbound_no": "OB-1", "wms_order_no": "OUT-0001"},
        ),
        (
            PushTopic.INBOUND_CANCEL,
            CancelDecision("PI-1", granted=False, reason="received"),
            {"inbound_no": "PI-1", "allowed": False, "reason": "received"},
        ),
        (
            PushTopic.OUTBOUND_CANCEL,
            CancelDecision("OB-1", granted=False, reason="interception in progress"),
            {"outbound_no": "OB-1", "intercepted": False, "reason": "interception in progress"},
        ),
    ],
)
def test_answer_replies_use_the_contract_fields(topic: PushTopic, answer: Any, data: dict[str, Any]) -> None:
    reply = answer_reply(topic, answer)

    assert reply == {"code": 0, "msg": "success", "data": data}
    assert reply_status(reply) == 200


def test_reply_statuses() -> None:
    assert reply_status(wire.unauthorized_reply("signature does not match")) == 401
    assert reply_status(malformed_reply("items[0].qty", "must be > 0")) == 400
    assert reply_status(wire.refusal_reply(40902, "already pushed")) == 200
    assert malformed_reply("items[0].qty", "must be > 0")["msg"] == "items[0].qty: must be > 0"


def test_push_headers_for_the_request_log_hide_the_signature() -> None:
    headers = signed_headers(APP_KEY, APP_SECRET, BODY, NOW) | {
        "authorization": "Bearer t",
        "x-forwarded-for": "1.2.3.4",
    }

    redacted = redacted_push_headers(headers)

    assert redacted["X-OW-Sign"] == "***"
    assert redacted["authorization"] == "***"
    assert redacted["X-OW-Nonce"] == headers["X-OW-Nonce"]
    assert redacted["X-OW-Timestamp"] == headers["X-OW-Timestamp"]
    assert redacted["x-forwarded-for"] == "1.2.3.4"


# --- callback client error mapping (an in-memory transport, no sockets) ---------------------------

CONNECTION = UpstreamConnection(
    system_code="ONEWAREHOUSE", api_base_url="https://ow.test", app_key=APP_KEY, callback_key="cb-key"
)


def client_answering(handler: Any) -> OneWarehouseClient:
    return OneWarehouseClient(
        CONNECTION,
        ListRequestLogSink(),
        transport=httpx.MockTransport(handler),
        settings=Settings(),
    )


@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (500, b"oops", TransientUpstreamError),
        (503, b"", TransientUpstreamError),
        (429, b"", TransientUpstreamError),
        (200, b"<html>", TransientUpstreamError),
        (200, b'{"code": 50001, "msg": "busy"}', TransientUpstreamError),
        (401, b'{"code": 401, "msg": "bad sign"}', UpstreamConfigurationError),
        (404, b"", UpstreamConfigurationError),
        (200, b'{"code": 401, "msg": "bad sign"}', UpstreamConfigurationError),
        (200, b'{"code": 40902, "msg": "shipped"}', UpstreamRejection),
        (200, b'{"code": 40401, "msg": "unknown order"}', UpstreamRejection),
        (200, b'{"code": 40001, "msg": "validation failed: items"}', UpstreamRejection),
    ],
)
def test_answers_map_to_upstream_errors(status: int, body: bytes, error_type: type[Exception]) -> None:
    client = client_answering(lambda _request: httpx.Response(status, content=body))

    with pytest.raises(error_type):
        client.get_waybill("OB-1")


def test_rejections_carry_their_kind_and_code() -> None:
    client = client_answering(lambda _request: httpx.Response(200, json={"code": 40902, "msg": "shipped"}))

    with pytest.raises(UpstreamRejection) as raised:
        client.get_waybill("OB-1")

    assert (raised.value.kind, raised.value.code, raised.value.reason) == ("state", 40902, "shipped")


def test_timeouts_and_transport_errors_are_transient() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    for handler in (time_out, refuse):
        with pytest.raises(TransientUpstreamError):
            client_answering(handler).get_waybill("OB-1")


def test_a_waybill_without_a_label_is_transient() -> None:
    data = {"carrier_code": "KERRY", "tracking_no": "T1", "label_format": "PDF"}
    client = client_answering(lambda _request: httpx.Response(200, json={"code": 0, "msg": "", "data": data}))

    with pytest.raises(TransientUpstreamError):
        client.get_waybill("OB-1")
