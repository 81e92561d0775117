"""The OneWarehouse adapter and simulator against each other over HTTP on 127.0.0.1.

Callbacks: our client against the simulator's callback APIs. Pushes: the simulator's sender against a
tiny receiver that verifies with `verify_push` and parses with `parse_push`, as our endpoints will.
"""

import base64
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from fakes import ListRequestLogSink
from proxyhub.adapters.onewarehouse.client import OneWarehouseClient
from proxyhub.adapters.onewarehouse.signing import verify_push
from proxyhub.adapters.onewarehouse.wire import (
    answer_reply,
    malformed_reply,
    ok_reply,
    parse_push,
    reply_status,
    topic_for_path,
    unauthorized_reply,
)
from proxyhub.settings import Settings
from proxyhub.upstream.ports import (
    InboundReceipt,
    MalformedPushError,
    OrderAccepted,
    OutboundShipment,
    Push,
    PushTopic,
    ReceivedItem,
    ShippedPackage,
    TransientUpstreamError,
    UpstreamConfigurationError,
    UpstreamConnection,
    UpstreamRejection,
)
from proxyhub_dev.simulators.http_base import BackgroundHttpServer, HttpReply, IncomingRequest, json_reply
from proxyhub_dev.simulators.nonces import InMemoryNonceStore
from proxyhub_dev.simulators.onewarehouse import (
    DEFAULT_APP_KEY,
    DEFAULT_APP_SECRET,
    DEFAULT_CALLBACK_KEY,
    OneWarehouseSimulator,
    SimulatorRefusal,
)

pytestmark = pytest.mark.integration

SHIPPED_AT = datetime(2025, 3, 2, 8, 30, tzinfo=UTC)
OUTBOUND_BODY: dict[str, Any] = {
    "outbound_no": "OB-100",
    "warehouse_code": "OW-BKK",
    "owner_code": "OWNER-1",
    "recipient": {
        "name": "Somchai",
        "country": "TH",
        "city": "Bangkok",
        "postcode": "10110",
        "address1": "1 Sukhumvit Rd",
    },
    "logistics": {"carrier_code": "KERRY", "service_code": "STD"},
    "items": [{"sku_id": "SKU-1", "qty": 2}],
}
PUSH_BODIES: dict[str, dict[str, Any]] = {
    "products": {"sku_id": "SKU-1", "sku_code": "TSHIRT-RED-M", "name": "T-shirt", "owner_code": "OWNER-1"},
    "purchase-inbound": {
        "inbound_no": "PI-100",
        "warehouse_code": "OW-BKK",
        "owner_code": "OWNER-1",
        "items": [{"sku_id": "SKU-1", "qty": 10}],
    },
    "return-inbound": {
        "return_no": "RI-100",
        "warehouse_code": "OW-BKK",
        "owner_code": "OWNER-1",
        "items": [{"sku_id": "SKU-1", "qty": 1}],
    },
    "inbound-cancel": {"inbound_no": "PI-100", "reason": "supplier cancelled"},
    "outbound": OUTBOUND_BODY,
    "outbound-cancel": {"outbound_no": "OB-100", "reason": "customer changed mind"},
}


# --- callbacks: our client against the simulator -------------------------------------------------


@pytest.fixture
def sink() -> ListRequestLogSink:
    return ListRequestLogSink()


def make_client(
    simulator: OneWarehouseSimulator,
    sink: ListRequestLogSink,
    *,
    callback_key: str = DEFAULT_CALLBACK_KEY,
    app_key: str = DEFAULT_APP_KEY,
) -> OneWarehouseClient:
    connection = UpstreamConnection(
        system_code="ONEWAREHOUSE-sandbox",
        api_base_url=simulator.base_url,
        app_key=app_key,
        callback_key=callback_key,
    )
    return OneWarehouseClient(connection, sink, settings=Settings())


@pytest.fixture
def client(
    onewarehouse_simulator: OneWarehouseSimulator, sink: ListRequestLogSink
) -> Iterator[OneWarehouseClient]:
    with make_client(onewarehouse_simulator, sink) as ow_client:
        yield ow_client


def shipment(outbound_no: str = "OB-100", tracking_no: str = "T-1") -> OutboundShipment:
    return OutboundShipment(
        outbound_no=outbound_no,
        shipped_at=SHIPPED_AT,
        carrier_code="KERRY",
        tracking_no=tracking_no,
        packages=(ShippedPackage(tracking_no, Decimal("0.6")),),
    )


def callbacks(simulator: OneWarehouseSimulator) -> list[dict[str, Any]]:
    return simulator.state()["callbacks"]


def test_inbound_callbacks_are_received_in_order(
    onewarehouse_simulator: OneWarehouseSimulator, client: OneWarehouseClient
) -> None:
    # Given a purchase and a return receipt
    purchase = InboundReceipt("PI-100", "purchase", SHIPPED_AT, (ReceivedItem("SKU-1", 9, 1),))
    returned = InboundReceipt("RI-100", "return", SHIPPED_AT, (ReceivedItem("SKU-1", 0, 1),))

    # When both callbacks are sent
    client.send_inbound_callback(purchase)
    client.send_inbound_callback(returned)

    # Then the simulator received them in order, in the contract's shape
    received = callbacks(onewarehouse_simulator)
    assert [(call["topic"], call["code"]) for call in received] == [
        ("inbound/callback", 0),
        ("inbound/callback", 0),
    ]
    assert received[0]["body"] == {
        "inbound_no": "PI-100",
        "status": "RECEIVED",
        "received_at": "2025-03-02T08:30:00Z",
        "items": [{"sku_id": "SKU-1", "qualified_qty": 9, "defective_qty": 1}],
    }
    assert received[1]["body"]["return_no"] == "RI-100"


def test_waybill_for_a_pushed_outbound_is_deterministic(
    onewarehouse_simulator: OneWarehouseSimulator, client: OneWarehouseClient
) -> None:
    # Given an outbound the simulator knows, as if it had pushed it with carrier KERRY
    onewarehouse_simulator.register_outbound("OB-100", "KERRY")

    # When the waybill is fetched twice
    first = client.get_waybill("OB-100")
    second = client.get_waybill("OB-100")

    # Then it is the same PDF label with the pushed carrier
    assert first == second
    assert (first.carrier_code, first.label_format) == ("KERRY", "PDF")
    assert first.tracking_no.startswith("OW")
    assert base64.b64decode(first.label_base64).startswith(b"%PDF")


def test_waybill_for_an_unknown_outbound_is_not_found(client: OneWarehouseClient) -> None:
    with pytest.raises(UpstreamRejection) as raised:
        client.get_waybill("OB-UNKNOWN")

    assert (raised.value.kind, raised.value.code) == ("not_found", 40401)


def test_the_outbound_callback_needs_the_waybill_first(
    onewarehouse_simulator: OneWarehouseSimulator, client: OneWarehouseClient
) -> None:
    onewarehouse_simulator.register_outbound("OB-100")

    with pytest.raises(UpstreamRejection) as raised:
        client.send_outbound_callback(shipment())

    assert raised.value.kind == "state"
    assert "waybill" in raised.value.reason


def test_the_waybill_is_refused_after_the_outbound_callback(
    onewarehouse_simulator: OneWarehouseSimulator, client: OneWarehouseClient
) -> None:
    # Given an outbound whose waybill was fetched and which then shipped
    onewarehouse_simulator.register_outbound("OB-100", "KERRY")
    waybill = client.get_waybill("OB-100")
    client.send_outbound_callback(shipment(tracking_no=waybill.tracking_no))

    # When the waybill is asked for again
    with pytest.raises(UpstreamRejection) as raised:
        client.get_waybill("OB-100")

    # Then OneWarehouse refuses it, and the calls arrived in the contract's order
    assert (raised.value.kind, raised.value.code) == ("state", 40902)
    state = onewarehouse_simulator.state()
    assert [(call["topic"], call["code"]) for call in state["callbacks"]] == [
        ("waybill/get", 0),
        ("outbound/callback", 0),
        ("waybill/get", 40902),
    ]
    assert state["callbacks"][1]["body"] == {
        "outbound_no": "OB-100",
        "status": "SHIPPED",
        "shipped_at": "2025-03-02T08:30:00Z",
        "carrier_code": "KERRY",
        "tracking_no": waybill.tracking_no,
        "packages": [{"tracking_no": waybill.tracking_no, "weight_kg": 0.6}],
    }
    assert state["outbounds_shipped"] == ["OB-100"]


@pytest.mark.parametrize(
    ("callback_key", "app_key"), [("wrong-callback-key", DEFAULT_APP_KEY), (DEFAULT_CALLBACK_KEY, "other")]
)
def test_a_bad_signature_is_a_configuration_error(
    onewarehouse_simulator: OneWarehouseSimulator, sink: ListRequestLogSink, callback_key: str, app_key: str
) -> None:
    receipt = InboundReceipt("PI-100", "purchase", SHIPPED_AT, (ReceivedItem("SKU-1", 1, 0),))

    with (
        make_client(onewarehouse_simulator, sink, callback_key=callback_key, app_key=app_key) as ow_client,
        pytest.raises(UpstreamConfigurationError),
    ):
        ow_client.send_inbound_callback(receipt)

    assert [(call["topic"], call["code"]) for call in callbacks(onewarehouse_simulator)] == [
        ("inbound/callback", 401)
    ]
    assert sink.records[-1].response_status == 401


def test_an_unreachable_api_is_transient(sink: ListRequestLogSink) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    connection = UpstreamConnection("ONEWAREHOUSE", f"http://127.0.0.1:{free_port}", "k", "cb")

    with (
        OneWarehouseClient(connection, sink, settings=Settings()) as ow_client,
        pytest.raises(TransientUpstreamError),
    ):
        ow_client.get_waybill("OB-1")

    assert sink.records[0].response_status is None
    assert sink.records[0].error


def test_a_read_timeout_is_transient(sink: ListRequestLogSink) -> None:
    released = threading.Event()

    def answer_late(_request: IncomingRequest) -> HttpReply:
        released.wait(5)
        return json_reply({"code": 0, "msg": "success", "data": None})

    with BackgroundHttpServer("127.0.0.1", 0, answer_late, "slow OneWarehouse") as slow:
        connection = UpstreamConnection("ONEWAREHOUSE", slow.base_url, "k", "cb")
        with (
            OneWarehouseClient(connection, sink, read_timeout=0.2, settings=Settings()) as ow_client,
            pytest.raises(TransientUpstreamError, match="in time"),
        ):
            ow_client.get_waybill("OB-1")
        released.set()


def test_request_logs_never_show_the_callback_key_or_the_signature(
    onewarehouse_simulator: OneWarehouseSimulator, client: OneWarehouseClient, sink: ListRequestLogSink
) -> None:
    # Given every callback API called once, the last one refused
    onewarehouse_simulator.register_outbound("OB-100")
    client.send_inbound_callback(InboundReceipt("PI-100", "purchase", SHIPPED_AT, (ReceivedItem("S", 1, 0),)))
    client.get_waybill("OB-100")
    client.send_outbound_callback(shipment())
    with pytest.raises(UpstreamRejection):
        client.get_waybill("OB-100")

    # Then each exchange has a record, and no record holds a secret
    assert [record.api_name for record in sink.records] == [
        "inbound/callback",
        "waybill/get",
        "outbound/callback",
        "waybill/get",
    ]
    for record in sink.records:
        assert record.system_code == "ONEWAREHOUSE-sandbox"
        assert record.response_status == 200
        headers = {name.lower(): value for name, value in record.request_headers.items()}
        assert headers["x-ow-sign"] == "***"
        assert headers["x-ow-nonce"]
        assert DEFAULT_CALLBACK_KEY not in repr(record)
    assert sink.records[-1].error is not None and "shipped" in sink.records[-1].error
    assert "label_base64" in sink.records[1].response_body


def test_request_logs_do_not_leak_a_signature_echoed_back(sink: ListRequestLogSink) -> None:
    # Given an API that echoes our signature in its refusal
    signatures: list[str] = []

    def echo(request: IncomingRequest) -> HttpReply:
        signatures.append(request.headers["X-OW-Sign"])
        return json_reply({"code": 40001, "msg": f"bad sign {signatures[-1]}", "data": None})

    with BackgroundHttpServer("127.0.0.1", 0, echo, "echoing OneWarehouse") as server:
        connection = UpstreamConnection("ONEWAREHOUSE", server.base_url, "k", "callback-secret-value")
        with (
            OneWarehouseClient(connection, sink, settings=Settings()) as ow_client,
            pytest.raises(UpstreamRejection),
        ):
            ow_client.get_waybill("OB-1")

    # Then the signature's value is masked wherever the record shows the reply
    record = sink.records[0]
    assert signatures[0] not in repr(record)
    assert "bad sign ***" in record.response_body
    assert record.error is not None and "bad sign ***" in record.error


# --- pushes: the simulator's sender against a verifying receiver ----------------------------------


@dataclass
class PushReceiver:
    """Our push endpoint in miniature: verify, parse, answer in the contract's envelope."""

    received: list[tuple[PushTopic, Push]] = field(default_factory=list)
    verifications: list[str] = field(default_factory=list)
    nonces: InMemoryNonceStore = field(default_factory=InMemoryNonceStore)

    def handle(self, request: IncomingRequest) -> HttpReply:
        topic = topic_for_path(request.path.removeprefix("/onewarehouse/"))
        if topic is None:
            return json_reply({"code": 404, "msg": "no such push"}, status=404)
        verification = verify_push(
            request.headers, request.body, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, datetime.now(UTC), self.nonces
        )
        self.verifications.append(verification.outcome)
        if not verification.ok:
            return self._reply(unauthorized_reply(verification.reason))
        try:
            push = parse_push(topic, request.body)
        except MalformedPushError as error:
            return self._reply(malformed_reply(error.field, error.message))
        self.received.append((topic, push))
        return self._reply(self._answer(topic, push))

    @staticmethod
    def _answer(topic: PushTopic, push: Push) -> dict[str, Any]:
        if topic in (PushTopic.PURCHASE_INBOUND, PushTopic.RETURN_INBOUND, PushTopic.OUTBOUND):
            return answer_reply(topic, OrderAccepted("ORDER", "WMS-1"))
        return ok_reply({"topic": topic.value, "kind": type(push).__name__})

    @staticmethod
    def _reply(reply: dict[str, Any]) -> HttpReply:
        return json_reply(reply, status=reply_status(reply))


@pytest.fixture
def receiver(onewarehouse_simulator: OneWarehouseSimulator) -> Iterator[PushReceiver]:
    push_receiver = PushReceiver()
    with BackgroundHttpServer("127.0.0.1", 0, push_receiver.handle, "push receiver") as server:
        onewarehouse_simulator.control.configure(server.base_url)
        yield push_receiver


@pytest.mark.parametrize("topic", list(PUSH_BODIES))
def test_each_push_is_signed_and_parsed(
    onewarehouse_simulator: OneWarehouseSimulator, receiver: PushReceiver, topic: str
) -> None:
    # When the simulator is told (over its control endpoint) to send the push
    answer = onewarehouse_simulator.control.push(topic, PUSH_BODIES[topic])

    # Then our receiver verified it, parsed it and answered with code 0
    assert answer["status"] == 200, answer
    assert answer["reply"]["code"] == 0
    assert receiver.verifications == ["ok"]
    assert receiver.received[0][0] is topic_for_path(topic)
    assert onewarehouse_simulator.state()["pushes"][0]["topic"] == topic


def test_a_badly_signed_push_is_refused(
    onewarehouse_simulator: OneWarehouseSimulator, receiver: PushReceiver
) -> None:
    answer = onewarehouse_simulator.control.push("products", PUSH_BODIES["products"], bad_signature=True)

    assert answer["status"] == 401
    assert answer["reply"]["code"] == 401
    assert receiver.verifications == ["mismatch"]
    assert not receiver.received


def test_a_stale_push_is_refused(
    onewarehouse_simulator: OneWarehouseSimulator, receiver: PushReceiver
) -> None:
    answer = onewarehouse_simulator.control.push("products", PUSH_BODIES["products"], timestamp_offset=-1000)

    assert answer["status"] == 401
    assert receiver.verifications == ["stale"]


def test_a_replayed_push_is_refused(
    onewarehouse_simulator: OneWarehouseSimulator, receiver: PushReceiver
) -> None:
    first = onewarehouse_simulator.control.push(
        "outbound-cancel", PUSH_BODIES["outbound-cancel"], nonce="fixed"
    )
    second = onewarehouse_simulator.control.push(
        "outbound-cancel", PUSH_BODIES["outbound-cancel"], nonce="fixed"
    )

    assert (first["status"], second["status"]) == (200, 401)
    assert receiver.verifications == ["ok", "replayed"]
    assert "fixed" in second["reply"]["msg"]


def test_a_malformed_push_gets_400_naming_the_field(
    onewarehouse_simulator: OneWarehouseSimulator, receiver: PushReceiver
) -> None:
    body = PUSH_BODIES["purchase-inbound"] | {"items": [{"sku_id": "SKU-1", "qty": -1}]}

    answer = onewarehouse_simulator.control.push("purchase-inbound", body)

    assert answer["status"] == 400
    assert answer["reply"]["data"] == {"field": "items[0].qty"}


def test_a_pushed_outbound_has_a_waybill(
    onewarehouse_simulator: OneWarehouseSimulator, receiver: PushReceiver, client: OneWarehouseClient
) -> None:
    onewarehouse_simulator.control.push("outbound", OUTBOUND_BODY)

    waybill = client.get_waybill("OB-100")

    assert waybill.carrier_code == "KERRY"
    assert onewarehouse_simulator.state()["outbounds_known"] == ["OB-100"]


def test_control_refuses_a_push_without_a_target_and_reset_forgets(
    onewarehouse_simulator: OneWarehouseSimulator, client: OneWarehouseClient
) -> None:
    control = onewarehouse_simulator.control
    with pytest.raises(SimulatorRefusal) as raised:
        control.push("products", PUSH_BODIES["products"])
    assert raised.value.code == 40001

    control.register_outbound("OB-7")
    client.get_waybill("OB-7")
    control.reset()

    state = control.state()
    assert (state["callbacks"], state["pushes"], state["outbounds_known"]) == ([], [], [])


def test_the_simulator_runs_as_a_module() -> None:
    # Given the simulator started the way `make run` starts it
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "proxyhub_dev.simulators.onewarehouse", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "listening" in process.stdout.readline()
        deadline = time.monotonic() + 10
        # When its state is read
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/state", timeout=5) as response:
                    envelope = json.loads(response.read())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        # Then it answers in its envelope
        assert envelope["code"] == 0
        assert envelope["data"]["callbacks"] == []
    finally:
        process.terminate()
        process.wait(10)
