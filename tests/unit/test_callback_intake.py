"""HPK's status callbacks on the request log, on in-memory ports: every callback, whatever its fate,
with the signature masked and the order's system, warehouse and number to search it by."""

import json

import pytest

from fakes import ListRequestLogSink
from proxyhub.errors import InvalidInputError
from proxyhub.orders.callback_intake import CallbackIntake, IncomingCallback
from proxyhub.orders.callbacks import CallbackResult
from proxyhub.proxy.ports import CallbackSignatureError, StatusCallback
from proxyhub.request_log import REDACTED

pytestmark = pytest.mark.unit

BODY = json.dumps({"event": "INBOUND_COMPLETED", "inbound_no": "HPKIN1", "reference_no": "IN-1"}).encode()
HEADERS = {"content-type": "application/json", "x-hpk-signature": "ab" * 32, "x-hpk-timestamp": "1780000000"}


class ScriptedReader:
    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure

    def read(self, raw_body: bytes, headers: object) -> StatusCallback:
        if self.failure is not None:
            raise self.failure
        return StatusCallback(
            kind="inbound", proxy_order_no="HPKIN1", reference_no="IN-1", event="INBOUND_COMPLETED"
        )


class ScriptedCallbacks:
    def __init__(self, result: CallbackResult | Exception) -> None:
        self.result = result
        self.handled: list[StatusCallback] = []

    def handle(self, callback: StatusCallback) -> CallbackResult:
        self.handled.append(callback)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


FOUND = CallbackResult("IN-1", ["task1"], system_code="HPK01", warehouse_code="GW-LA")


def intake(reader: ScriptedReader, callbacks: ScriptedCallbacks, log: ListRequestLogSink) -> CallbackIntake:
    return CallbackIntake(reader, callbacks, log, source="hpk", api_name="hpk/callbacks", body_limit=8192)


def receive(service: CallbackIntake) -> int:
    callback = IncomingCallback(path="/hpk/callbacks", headers=HEADERS, raw_body=BODY, request_id="req-1")
    return service.receive(callback).status


def test_an_accepted_callback_is_logged_with_its_order_and_the_signature_masked() -> None:
    log = ListRequestLogSink()

    status = receive(intake(ScriptedReader(), ScriptedCallbacks(FOUND), log))

    assert status == 202
    (record,) = log.records
    assert (record.api_name, record.method, record.url, record.response_status) == (
        "hpk/callbacks",
        "POST",
        "/hpk/callbacks",
        202,
    )
    assert (record.system_code, record.warehouse_code, record.order_no) == ("HPK01", "GW-LA", "IN-1")
    assert record.request_headers["x-hpk-signature"] == REDACTED
    assert record.request_headers["x-hpk-timestamp"] == "1780000000"
    assert json.loads(record.request_body) == json.loads(BODY)
    assert json.loads(record.response_body)["tasks_triggered"] == ["task1"]
    assert record.error is None and record.request_id == "req-1"
    assert "ab" * 32 not in json.dumps(record.__dict__)


def test_a_refused_callback_is_logged_too_with_the_reason() -> None:
    log, callbacks = ListRequestLogSink(), ScriptedCallbacks(FOUND)

    status = receive(
        intake(ScriptedReader(CallbackSignatureError("Signature does not match")), callbacks, log)
    )

    assert status == 401 and callbacks.handled == []
    (record,) = log.records
    assert record.response_status == 401 and record.error == "Refused: Signature does not match"
    assert record.request_headers["x-hpk-signature"] == REDACTED and record.order_no is None


def test_a_malformed_callback_is_a_422_on_the_log() -> None:
    log = ListRequestLogSink()

    status = receive(
        intake(ScriptedReader(InvalidInputError("Unknown event", "event")), ScriptedCallbacks(FOUND), log)
    )

    assert status == 422 and log.records[0].error == "Refused: Unknown event"


def test_a_callback_for_no_order_of_ours_says_so() -> None:
    log = ListRequestLogSink()

    receive(intake(ScriptedReader(), ScriptedCallbacks(CallbackResult(None, [])), log))

    assert log.records[0].error == "No order of ours has this reference; nothing ran"


def test_a_callback_that_fails_on_our_side_is_logged_as_a_500_and_raised() -> None:
    log = ListRequestLogSink()

    with pytest.raises(RuntimeError):
        receive(intake(ScriptedReader(), ScriptedCallbacks(RuntimeError("DynamoDB down")), log))

    assert log.records[0].response_status == 500 and "RuntimeError" in (log.records[0].error or "")
