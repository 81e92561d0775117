"""Finding 7: the local gateway under careless clients and bursts. Any bytes in, JSON out; no reset
connections for a burst of 100; methods it does not route are a 405 in JSON, never an HTML 501."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from proxyhub_dev.local.gateway import LocalHttpApi
from proxyhub_dev.local.template import HttpRoute

pytestmark = pytest.mark.e2e

ROUTE = HttpRoute("POST", "/hpk/callbacks", "WebhookFunction", public=True)


@pytest.fixture
def gateway() -> Iterator[tuple[LocalHttpApi, list[dict[str, Any]]]]:
    events: list[dict[str, Any]] = []
    lock = threading.Lock()

    def invoke(function_id: str, event: dict[str, Any]) -> dict[str, Any]:
        time.sleep(0.02)  # a handler that takes a moment, so a burst really queues
        with lock:
            events.append(event)
        return {"statusCode": 202, "headers": {"content-type": "application/json"}, "body": '{"ok": true}'}

    api = LocalHttpApi([ROUTE], invoke, port=0)
    api.start()
    yield api, events
    api.stop()


def exchange(api: LocalHttpApi, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    host, port = api.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(raw)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            if _:
                headers = dict(
                    line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line
                )
                length = int(headers.get("content-length", "0"))
                if len(body) >= length:
                    return int(head.split(b" ")[1]), {k.lower(): v for k, v in headers.items()}, body[:length]
    raise AssertionError(f"connection closed without a full answer: {data!r}")


def post(body: bytes, content_type: str = "application/json", method: str = "POST") -> bytes:
    head = f"{method} /hpk/callbacks HTTP/1.1\r\nHost: local\r\nContent-Type: {content_type}\r\n"
    return head.encode() + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body


def test_a_body_that_is_not_utf8_reaches_the_function_base64_encoded(gateway: Any) -> None:
    api, events = gateway

    status, _, body = exchange(api, post(b'{"event": "\xff\xfe"}'))

    assert status == 202 and json.loads(body) == {"ok": True}
    assert events[0]["isBase64Encoded"] is True


@pytest.mark.parametrize(
    ("method", "status"), [("TRACE", 405), ("CONNECT", 405), ("BREW", 405), ("QUERY", 405)]
)
def test_methods_the_gateway_does_not_route_are_answered_in_json(
    gateway: Any, method: str, status: int
) -> None:
    api, _ = gateway

    answered, headers, body = exchange(api, post(b"", method=method))

    assert answered == status and headers["content-type"] == "application/json"
    assert "message" in json.loads(body)


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"POST /hpk/callbacks HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"POST /hpk/callbacks HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /hpk/callbacks HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
    ],
    ids=["request-line", "content-length", "chunked", "too-large"],
)
def test_malformed_requests_get_a_json_answer(gateway: Any, raw: bytes) -> None:
    api, _ = gateway

    status, headers, body = exchange(api, raw)

    assert 400 <= status < 500 and headers["content-type"] == "application/json"
    assert json.loads(body)["message"]


def test_a_burst_of_100_simultaneous_callbacks_loses_none(gateway: Any) -> None:
    api, events = gateway
    start = threading.Barrier(100)

    def one(index: int) -> int:
        start.wait()
        return exchange(api, post(json.dumps({"n": index}).encode()))[0]

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(one, range(100)))

    assert statuses == [202] * 100 and len(events) == 100
