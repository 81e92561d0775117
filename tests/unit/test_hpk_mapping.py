"""HPK wire mapping without a network: envelopes to errors, payloads both ways, callback signatures."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from fakes import ListRequestLogSink
from proxyhub.adapters.hpk.client import HpkClient, HpkClientFactory
from proxyhub.adapters.hpk.signing import signed_callback_headers, verify_hpk_callback
from proxyhub.adapters.hpk.wire import (
    HpkEnvelope,
    create_result_from_wire,
    envelope_from_response,
    error_for_envelope,
    fields_named_in,
    inbound_request_to_wire,
    inbound_state_from_wire,
    inventory_page_from_wire,
    outbound_request_to_wire,
    outbound_state_from_wire,
    product_to_wire,
    status_callback_from_wire,
)
from proxyhub.errors import InvalidInputError
from proxyhub.proxy.ports import (
    BusinessRejection,
    InboundRequest,
    InventoryBatch,
    Label,
    OrderItem,
    OutboundRequest,
    PermanentProxyError,
    ProductPayload,
    ProxyClientFactory,
    ProxyConfigurationError,
    ProxyConnection,
    ProxyError,
    ProxyNotFound,
    ProxyThrottled,
    TransientProxyError,
)
from proxyhub.settings import Settings

pytestmark = pytest.mark.unit

URL = "https://test.hipacking.cn/api/v5/inbound/get"


def envelope(code: int, message: str = "ok", data: Any = None) -> HpkEnvelope:
    return HpkEnvelope(code=code, message=message, request_id="req-1", data=data)


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


# --- envelope and errors -------------------------------------------------------------------------


def test_well_formed_envelope_is_returned_whatever_its_code() -> None:
    raw = body({"code": 40901, "message": "duplicate", "request_id": "r-9", "data": {"inbound_no": "I1"}})

    parsed = envelope_from_response(200, raw, url=URL)

    assert parsed == HpkEnvelope(code=40901, message="duplicate", request_id="r-9", data={"inbound_no": "I1"})


@pytest.mark.parametrize(
    ("status", "raw", "error_type"),
    [
        (404, b"not found", ProxyConfigurationError),
        (401, b"", ProxyConfigurationError),
        (403, b"", ProxyConfigurationError),
        (500, body({"code": 50000, "message": "boom"}), TransientProxyError),
        (502, b"<html>bad gateway</html>", TransientProxyError),
        (503, b"", TransientProxyError),
        (200, b"<html>oops</html>", TransientProxyError),
        (200, body(["not", "an", "envelope"]), TransientProxyError),
        (200, body({"message": "no code"}), TransientProxyError),
        (200, body({"code": True}), TransientProxyError),
        (200, body({"code": "0"}), TransientProxyError),
    ],
)
def test_http_failures_and_malformed_bodies_become_errors(
    status: int, raw: bytes, error_type: type[ProxyError]
) -> None:
    with pytest.raises(error_type):
        envelope_from_response(status, raw, url=URL)


def test_http_404_reads_as_a_configuration_error_naming_the_url() -> None:
    with pytest.raises(ProxyConfigurationError) as failed:
        envelope_from_response(404, b"", url=URL)

    assert (
        failed.value.message
        == f"System configuration error: no HPK API at {URL} (HTTP 404), check the API endpoint"
    )


@pytest.mark.parametrize(
    ("retry_after", "seconds"), [("3", 3.0), (None, None), ("Wed, 21 Oct 2025 07:28:00 GMT", None)]
)
def test_http_429_is_transient_with_the_advised_delay(retry_after: str | None, seconds: float | None) -> None:
    with pytest.raises(TransientProxyError) as failed:
        envelope_from_response(429, body({"code": 42901}), url=URL, retry_after=retry_after)

    assert failed.value.retry_after_seconds == seconds


def test_validation_failure_is_permanent_and_names_the_fields() -> None:
    error = error_for_envelope(envelope(40001, "validation failed: name, spec, weight_kg"))

    assert isinstance(error, PermanentProxyError)
    assert error.fields == ["name", "spec", "weight_kg"]
    assert error.message == "HPK rejected the data: validation failed: name, spec, weight_kg"


@pytest.mark.parametrize(
    ("code", "kind"),
    [(40902, "state"), (40903, "stock")],
)
def test_state_and_stock_refusals_keep_hpks_own_message(code: int, kind: str) -> None:
    error = error_for_envelope(envelope(code, "cancellation not supported"))

    assert isinstance(error, BusinessRejection)
    assert (error.kind, error.reason, error.message) == (
        kind,
        "cancellation not supported",
        "cancellation not supported",
    )


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        (40401, ProxyNotFound),
        (40101, TransientProxyError),
        # A rate limit is a wait, not a failure: the task is deferred (it still is transient).
        (42901, ProxyThrottled),
        (50000, TransientProxyError),
        (50301, TransientProxyError),
        (40999, PermanentProxyError),
    ],
)
def test_other_codes_map_to_the_error_kind_the_contract_asks_for(
    code: int, error_type: type[ProxyError]
) -> None:
    error = error_for_envelope(envelope(code, "something"))

    assert type(error) is error_type
    assert "something" in error.message


@pytest.mark.parametrize(
    ("message", "fields"),
    [
        ("validation failed: name, spec, weight_kg", ["name", "spec", "weight_kg"]),
        ("validation failed: items[1].sku unknown sku 'SKU-9'", ["items[1].sku"]),
        ("validation failed: page_size must be at most 500", ["page_size"]),
        ("validation failed", []),
        ("validation failed: ", []),
    ],
)
def test_fields_are_read_from_the_validation_message(message: str, fields: list[str]) -> None:
    assert fields_named_in(message) == fields


# --- payloads to HPK -----------------------------------------------------------------------------


def test_product_numbers_are_sent_as_json_numbers_and_gaps_as_null() -> None:
    payload = ProductPayload(
        sku="SKU-1",
        name="Case",
        spec="black",
        weight_kg=Decimal("0.25"),
        length_cm=Decimal(10),
        declared_value=Decimal("9.90"),
        currency="USD",
    )

    wire = product_to_wire(payload)

    assert json.loads(json.dumps(wire)) == {
        "sku": "SKU-1",
        "name": "Case",
        "spec": "black",
        "weight_kg": 0.25,
        "length_cm": 10.0,
        "width_cm": None,
        "height_cm": None,
        "barcode": None,
        "declared_value": 9.9,
        "currency": "USD",
    }


@pytest.mark.parametrize(("ours", "hpks"), [("purchase", "PURCHASE"), ("return", "RETURN")])
def test_inbound_request_uses_hpks_names(ours: Any, hpks: str) -> None:
    request = InboundRequest(
        reference_no="IB-1",
        warehouse_code="LAX",
        inbound_type=ours,
        customer_code="C1",
        expected_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        items=(OrderItem("SKU-1", 5), OrderItem("SKU-2", 1)),
    )

    assert inbound_request_to_wire(request) == {
        "reference_no": "IB-1",
        "warehouse_code": "LAX",
        "inbound_type": hpks,
        "customer_code": "C1",
        "expected_at": "2025-03-01T09:30:00.000000Z",
        "items": [{"sku": "SKU-1", "qty": 5}, {"sku": "SKU-2", "qty": 1}],
    }


def test_drop_shipping_request_carries_recipient_channel_and_label() -> None:
    request = OutboundRequest(
        reference_no="OB-1",
        warehouse_code="LAX",
        order_type="drop_shipping",
        channel_code="UPS-GROUND",
        recipient={"name": "Ann", "country": "US"},
        transfer=None,
        label=Label(format="PDF", content_base64="JVBERi0x", carrier="UPS", tracking_no="1Z1"),
        items=(OrderItem("SKU-1", 2),),
    )

    wire = outbound_request_to_wire(request)

    assert (wire["order_type"], wire["channel_code"], wire["recipient"]) == (
        "DROPSHIP",
        "UPS-GROUND",
        {"name": "Ann", "country": "US"},
    )
    assert wire["label"] == {
        "format": "PDF",
        "content_base64": "JVBERi0x",
        "carrier": "UPS",
        "tracking_no": "1Z1",
    }
    assert wire["items"] == [{"sku": "SKU-1", "qty": 2}]


def test_transfer_request_carries_its_destination_and_no_label() -> None:
    request = OutboundRequest(
        reference_no="OB-2",
        warehouse_code="LAX",
        order_type="transfer_staging",
        channel_code=None,
        recipient=None,
        transfer={"destination_code": "ONT8", "fba_shipment_id": "FBA1"},
        label=None,
        items=(OrderItem("SKU-1", 2),),
    )

    wire = outbound_request_to_wire(request)

    assert (wire["order_type"], wire["transfer"], wire["label"]) == (
        "TRANSFER",
        {"destination_code": "ONT8", "fba_shipment_id": "FBA1"},
        None,
    )


# --- answers from HPK ----------------------------------------------------------------------------


def test_duplicate_create_answer_is_an_existing_order() -> None:
    result = create_result_from_wire({"outbound_no": "HPKO1", "status": "PICKING"}, "outbound_no", True)

    assert (result.proxy_order_no, result.status, result.already_existed) == ("HPKO1", "PICKING", True)


def test_completed_inbound_answer_maps_to_domain_state() -> None:
    state = inbound_state_from_wire(
        {
            "inbound_no": "HPKI1",
            "reference_no": "IB-1",
            "warehouse_code": "LAX",
            "status": "COMPLETED",
            "completed_at": "2025-03-02T10:00:00Z",
            "items": [{"sku": "SKU-1", "planned_qty": 10, "qualified_qty": 8, "defective_qty": 2}],
        }
    )

    assert (state.status, state.completed_at) == ("COMPLETED", datetime(2025, 3, 2, 10, tzinfo=UTC))
    assert [(i.sku, i.planned_qty, i.qualified_qty, i.defective_qty) for i in state.items] == [
        ("SKU-1", 10, 8, 2)
    ]


def test_shipped_outbound_answer_maps_batches_and_types() -> None:
    state = outbound_state_from_wire(
        {
            "outbound_no": "HPKO1",
            "reference_no": "OB-1",
            "order_type": "TRANSFER",
            "status": "SHIPPED",
            "exception_reason": None,
            "shipped_at": "2025-03-03T12:00:00Z",
            "carrier": "UPS",
            "tracking_no": "1Z999",
            "cancel_result": "REJECTED",
            "items": [
                {
                    "sku": "SKU-1",
                    "qty": 3,
                    "shipped_qty": 3,
                    "batches": [
                        {
                            "inbound_no": "HPKI1",
                            "inbound_at": "2025-03-02T10:00:00Z",
                            "inventory_type": "QUALIFIED",
                            "qty": 3,
                        }
                    ],
                }
            ],
        }
    )

    assert (state.order_type, state.status, state.cancel_result, state.carrier, state.tracking_no) == (
        "transfer_staging",
        "SHIPPED",
        "REJECTED",
        "UPS",
        "1Z999",
    )
    (batch,) = state.items[0].batches
    assert (batch.inbound_no, batch.inbound_at, batch.inventory_type, batch.qty) == (
        "HPKI1",
        datetime(2025, 3, 2, 10, tzinfo=UTC),
        "qualified",
        3,
    )


def test_inventory_page_maps_batches_with_total_of_available_and_locked() -> None:
    total, batches = inventory_page_from_wire(
        {
            "total": 1201,
            "page_no": 3,
            "page_size": 500,
            "records": [
                {
                    "sku": "SKU-1",
                    "inventory_type": "DEFECTIVE",
                    "inbound_no": "HPKI1",
                    "reference_no": "IB-1",
                    "inbound_at": "2025-03-02T10:00:00Z",
                    "available_qty": 4,
                    "locked_qty": 2,
                }
            ],
        }
    )

    assert total == 1201
    assert batches == [
        InventoryBatch("SKU-1", "defective", "HPKI1", "IB-1", datetime(2025, 3, 2, 10, tzinfo=UTC), 4, 2)
    ]
    assert batches[0].total == 6


def test_unknown_status_in_an_answer_is_refused() -> None:
    with pytest.raises(KeyError):
        inbound_state_from_wire({"inbound_no": "I", "reference_no": "R", "status": "LOST", "items": []})


# --- client construction -------------------------------------------------------------------------


def test_factory_builds_an_hpk_client_without_calling_hpk() -> None:
    factory: ProxyClientFactory = HpkClientFactory(Settings())
    connection = ProxyConnection("HPK1", "https://test.hipacking.cn", "demo", "demo-secret", "5")

    client = factory(connection, ListRequestLogSink())

    assert isinstance(client, HpkClient)


def test_connection_repr_hides_the_password() -> None:
    connection = ProxyConnection("HPK1", "https://test.hipacking.cn", "demo", "demo-secret", "5")

    assert "demo-secret" not in repr(connection)
    assert "demo-secret" not in str(connection)


def test_unparseable_endpoint_is_a_configuration_error() -> None:
    connection = ProxyConnection("HPK1", "http://[::1", "demo", "demo-secret", "5")

    with pytest.raises(ProxyConfigurationError, match="invalid HPK API endpoint"):
        HpkClient(connection, ListRequestLogSink())


# --- callbacks -----------------------------------------------------------------------------------

SECRET = "callback-secret"
CALLBACK = body(
    {"event": "OUTBOUND_SHIPPED", "outbound_no": "HPKO1", "reference_no": "OB-1", "occurred_at": "x"}
)
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TIMESTAMP = str(int(NOW.timestamp()))
SIGNATURE = hmac.new(SECRET.encode(), f"{TIMESTAMP}.n-1.".encode() + CALLBACK, hashlib.sha256).hexdigest()


class MemoryNonces:
    def __init__(self) -> None:
        self.seen: set[str] = set()

    def remember(self, nonce: str, expires_at: datetime) -> bool:
        if nonce in self.seen:
            return False
        self.seen.add(nonce)
        return True


def headers(signature: str | None, timestamp: str = TIMESTAMP, nonce: str = "n-1") -> dict[str, str]:
    named = {"X-HPK-Timestamp": timestamp, "X-HPK-Nonce": nonce}
    return named | ({"X-HPK-Signature": signature} if signature is not None else {})


@pytest.mark.parametrize(
    ("secret", "raw", "signature", "valid"),
    [
        (SECRET, CALLBACK, SIGNATURE, True),
        (SECRET, CALLBACK, SIGNATURE.upper(), True),
        (SECRET, CALLBACK, f" {SIGNATURE}\n", True),
        (SECRET, CALLBACK + b" ", SIGNATURE, False),
        ("other", CALLBACK, SIGNATURE, False),
        (SECRET, CALLBACK, None, False),
        (SECRET, CALLBACK, "", False),
        (SECRET, CALLBACK, "zz-not-hex-é", False),
        ("", CALLBACK, hmac.new(b"", CALLBACK, hashlib.sha256).hexdigest(), False),
    ],
)
def test_callback_signature_is_hex_hmac_sha256_of_timestamp_nonce_and_raw_body(
    secret: str, raw: bytes, signature: str | None, valid: bool
) -> None:
    verdict = verify_hpk_callback(secret, raw, headers(signature), NOW, MemoryNonces())
    assert verdict.accepted is valid


@pytest.mark.parametrize("skew_seconds", [-301, 301, 86_400])
def test_a_callback_outside_the_300_second_window_is_refused(skew_seconds: int) -> None:
    signed = signed_callback_headers(SECRET, CALLBACK, NOW + timedelta(seconds=skew_seconds))

    verdict = verify_hpk_callback(SECRET, CALLBACK, signed, NOW, MemoryNonces())

    assert not verdict.accepted and "window" in verdict.reason


@pytest.mark.parametrize("skew_seconds", [-300, 0, 300])
def test_a_callback_inside_the_window_is_accepted(skew_seconds: int) -> None:
    signed = signed_callback_headers(SECRET, CALLBACK, NOW + timedelta(seconds=skew_seconds))

    assert verify_hpk_callback(SECRET, CALLBACK, signed, NOW, MemoryNonces()).accepted


def test_a_replayed_callback_is_refused_by_its_nonce() -> None:
    nonces = MemoryNonces()
    signed = signed_callback_headers(SECRET, CALLBACK, NOW)

    first = verify_hpk_callback(SECRET, CALLBACK, signed, NOW, nonces)
    replay = verify_hpk_callback(SECRET, CALLBACK, signed, NOW + timedelta(seconds=5), nonces)

    assert first.accepted and not replay.accepted and "already used" in replay.reason


def test_a_forged_callback_does_not_burn_the_nonce() -> None:
    nonces = MemoryNonces()
    signed = signed_callback_headers(SECRET, CALLBACK, NOW, nonce="n-2")
    forged = signed | {"X-HPK-Signature": "00" * 32}

    assert not verify_hpk_callback(SECRET, CALLBACK, forged, NOW, nonces).accepted
    assert verify_hpk_callback(SECRET, CALLBACK, signed, NOW, nonces).accepted


def test_callback_names_the_order_and_its_kind() -> None:
    inbound = status_callback_from_wire(
        body({"event": "INBOUND_COMPLETED", "inbound_no": "HPKI1", "reference_no": "IB-1"})
    )
    outbound = status_callback_from_wire(CALLBACK)

    assert (inbound.kind, inbound.proxy_order_no, inbound.reference_no, inbound.event) == (
        "inbound",
        "HPKI1",
        "IB-1",
        "INBOUND_COMPLETED",
    )
    assert (outbound.kind, outbound.proxy_order_no, outbound.event) == (
        "outbound",
        "HPKO1",
        "OUTBOUND_SHIPPED",
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        body(["a list"]),
        body({"event": "SOMETHING_ELSE", "inbound_no": "HPKI1"}),
        body({"event": "INBOUND_COMPLETED", "outbound_no": "HPKO1"}),
        body({"event": "OUTBOUND_SHIPPED", "outbound_no": ""}),
    ],
)
def test_malformed_callback_is_invalid_input(raw: bytes) -> None:
    with pytest.raises(InvalidInputError):
        status_callback_from_wire(raw)
