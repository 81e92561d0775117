"""OneWarehouse simulator: a real HTTP server (standard library only) for tests and the local stack.

It plays OneWarehouse as /work/shared/docs/onewarehouse-contract.md models it: it signs and sends the
six pushes to a target (our API) and serves the three callback APIs with signature checks. It signs
and verifies on its own rather than through `proxyhub.adapters.onewarehouse`, so a mistake in the
adapter shows up as a failed contract test instead of being shared by both sides.
Run it with `python -m proxyhub_dev.simulators.onewarehouse --port 3200 --target http://127.0.0.1:3000`,
or in-process with `OneWarehouseSimulator(port=0).start()`.

Choices the contract leaves open, which tests and tools rely on:
- Callbacks are checked like pushes: `X-OW-App-Key` is the app key, the signature uses the callback
  key, the timestamp is within ±300 s, a nonce is used once. Any failure is HTTP 401 with code 401.
- `waybill/get` answers for an outbound that was pushed or registered (else 40401), refuses once the
  outbound callback marked it shipped (40902), and gives a deterministic tracking number and label.
- `outbound/callback` needs the waybill fetched first (else 40902); a repeat after shipping answers
  code 0 again, so "never twice" is asserted on the call log, not by an error.
- A body of the wrong shape is code 40001 "validation failed: <field>".

Control endpoints (JSON bodies, replies in OneWarehouse's envelope `{"code", "msg", "data"}`):
- `POST /_sim/push/{topic}` with the push body; topic one of products, purchase-inbound,
  return-inbound, inbound-cancel, outbound, outbound-cancel. Optional keys, removed before sending:
  `"_sign": "bad"` (wrong signature), `"_timestamp_offset": -1000` (seconds), `"_nonce": "fixed"`
  (send it twice to replay). `data` is `{"status": <target's HTTP status>, "reply": <its JSON>}`.
- `POST /_sim/outbound/{outbound_no}/register` `{"carrier_code"}` (optional): waybill/get answers for it.
- `GET /_sim/state`: callbacks received in order (`{"topic", "body", "code", "at"}`, refused ones
  too), pushes sent, outbounds known and shipped.
- `POST /_sim/reset` (forgets calls, pushes and outbounds; keeps keys and target);
  `POST /_sim/config` `{"target_base_url"}`.
"""

import argparse
import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from proxyhub.clock import Clock, SystemClock, to_iso
from proxyhub_dev.simulators.http_base import (
    BackgroundHttpServer,
    HttpReply,
    IncomingRequest,
    JsonHttpClient,
    json_reply,
    serve_until_terminated,
)
from proxyhub_dev.simulators.nonces import InMemoryNonceStore

DEFAULT_APP_KEY = "ow-sandbox-key"
DEFAULT_APP_SECRET = "ow-sandbox-secret"
DEFAULT_CALLBACK_KEY = "ow-callback-key"
DEFAULT_CARRIER = "OWEXPRESS"
SIGNATURE_WINDOW_SECONDS = 300
PUSH_TOPICS = (
    "products",
    "purchase-inbound",
    "return-inbound",
    "inbound-cancel",
    "outbound",
    "outbound-cancel",
)
CALLBACK_PREFIX = "/openapi/v1/"
_PUSH_TIMEOUT_SECONDS = 30
_PUSH_ROUTE = re.compile(r"^/_sim/push/([a-z-]+)$")
_REGISTER_ROUTE = re.compile(r"^/_sim/outbound/([^/]+)/register$")


class SimulatorRefusal(Exception):  # noqa: N818 - an answer, not a failure of the simulator
    """Becomes a OneWarehouse envelope with a non-zero code."""

    def __init__(self, code: int, msg: str, status: int = 200) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status


def _invalid(field: str) -> SimulatorRefusal:
    return SimulatorRefusal(40001, f"validation failed: {field}")


def _envelope(code: int, msg: str, data: Any = None, *, status: int = 200) -> HttpReply:
    return json_reply({"code": code, "msg": msg, "data": data}, status=status)


# --- request validation --------------------------------------------------------------------------


def _json_object(request: IncomingRequest) -> dict[str, Any]:
    try:
        return request.json_object()
    except ValueError:
        raise _invalid("body") from None


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(name)
    return value


def _time(body: dict[str, Any], name: str) -> str:
    value = _text(body, name)
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _invalid(name) from None
    return value


def _quantity(item: dict[str, Any], name: str, path: str) -> int:
    value = item.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _invalid(f"{path}.{name}")
    return value


def _list_of_objects(body: dict[str, Any], name: str, *, allow_empty: bool) -> list[dict[str, Any]]:
    value = body.get(name)
    if not isinstance(value, list) or not (value or allow_empty):
        raise _invalid(name)
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _invalid(f"{name}[{index}]")
    return value


def _check_inbound_callback(body: dict[str, Any]) -> tuple[str, str]:
    """(number field, order number); exactly one of inbound_no and return_no is given."""
    named = [name for name in ("inbound_no", "return_no") if name in body]
    if len(named) != 1:
        raise _invalid("inbound_no")
    number = _text(body, named[0])
    if body.get("status") != "RECEIVED":
        raise _invalid("status")
    _time(body, "received_at")
    for index, item in enumerate(_list_of_objects(body, "items", allow_empty=False)):
        _text(item, "sku_id")
        _quantity(item, "qualified_qty", f"items[{index}]")
        _quantity(item, "defective_qty", f"items[{index}]")
    return named[0], number


def _check_outbound_callback(body: dict[str, Any]) -> str:
    outbound_no = _text(body, "outbound_no")
    if body.get("status") != "SHIPPED":
        raise _invalid("status")
    _time(body, "shipped_at")
    _text(body, "carrier_code")
    _text(body, "tracking_no")
    _list_of_objects(body, "packages", allow_empty=True)
    return outbound_no


# --- in-memory model -----------------------------------------------------------------------------


@dataclass
class _Outbound:
    outbound_no: str
    carrier_code: str
    waybill_fetched: bool = False
    shipped: bool = False

    @property
    def tracking_no(self) -> str:
        return "OW" + hashlib.sha256(self.outbound_no.encode()).hexdigest()[:12].upper()

    def waybill(self) -> dict[str, Any]:
        return {
            "carrier_code": self.carrier_code,
            "tracking_no": self.tracking_no,
            "label_format": "PDF",
            "label_base64": base64.b64encode(self._label_pdf()).decode(),
        }

    def _label_pdf(self) -> bytes:
        """Just enough PDF for a file-type check; the same order always gets the same bytes."""
        text = f"OneWarehouse simulator label {self.outbound_no} {self.carrier_code} {self.tracking_no}"
        return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


@dataclass(frozen=True)
class PushOptions:
    """How to spoil a push on purpose: a wrong signature, a shifted timestamp, a chosen nonce."""

    bad_signature: bool = False
    timestamp_offset_seconds: int = 0
    nonce: str | None = None


def _internal_error() -> HttpReply:
    return _envelope(50000, "internal error", status=500)


class OneWarehouseSimulator(BackgroundHttpServer):
    """The OneWarehouse simulator; `start()` serves it on a background thread (port 0 picks a free port)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app_key: str = DEFAULT_APP_KEY,
        app_secret: str = DEFAULT_APP_SECRET,
        callback_key: str = DEFAULT_CALLBACK_KEY,
        target_base_url: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(host, port, self.handle, "OneWarehouse simulator", internal_error=_internal_error)
        self._app_key = app_key
        self._app_secret = app_secret
        self._callback_key = callback_key
        self._target_base_url = _checked_url(target_base_url) if target_base_url else None
        self._clock = clock or SystemClock()
        self._lock = threading.RLock()
        self._nonces = InMemoryNonceStore(self._clock)
        self._callbacks: list[dict[str, Any]] = []
        self._pushes: list[dict[str, Any]] = []
        self._outbounds: dict[str, _Outbound] = {}
        self._callback_routes: dict[str, Callable[[dict[str, Any]], Any]] = {
            "inbound/callback": self._inbound_callback,
            "waybill/get": self._waybill,
            "outbound/callback": self._outbound_callback,
        }

    @property
    def control(self) -> "OneWarehouseSimulatorControl":
        return OneWarehouseSimulatorControl(self.base_url)

    # --- in-process control (the `/_sim/` endpoints call these too) ---

    def push(self, topic: str, body: dict[str, Any], options: PushOptions | None = None) -> dict[str, Any]:
        """Signs and sends one push to the target; returns its HTTP status and JSON (or text) reply."""
        if topic not in PUSH_TOPICS:
            raise SimulatorRefusal(40401, f"no push topic {topic!r}", status=404)
        with self._lock:
            target = self._target_base_url
            if not target:
                raise SimulatorRefusal(40001, "no target_base_url configured: POST /_sim/config first")
            if topic == "outbound" and isinstance(body.get("outbound_no"), str):
                self._remember_outbound(body["outbound_no"], _pushed_carrier(body))
        raw_body = json.dumps(body, ensure_ascii=False).encode()
        headers = self._push_headers(raw_body, options or PushOptions())
        status, reply = _post(f"{target}/onewarehouse/{topic}", raw_body, headers)
        with self._lock:
            self._pushes.append(
                {"topic": topic, "body": body, "status": status, "reply": reply, "at": self._now_iso()}
            )
        return {"status": status, "reply": reply}

    def register_outbound(self, outbound_no: str, carrier_code: str | None = None) -> dict[str, Any]:
        with self._lock:
            outbound = self._remember_outbound(outbound_no, carrier_code)
            return {"outbound_no": outbound.outbound_no, "carrier_code": outbound.carrier_code}

    def configure(self, target_base_url: str) -> dict[str, Any]:
        with self._lock:
            self._target_base_url = _checked_url(target_base_url)
            return {"target_base_url": self._target_base_url}

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "target_base_url": self._target_base_url,
                "callbacks": [dict(call) for call in self._callbacks],
                "pushes": [dict(push) for push in self._pushes],
                "outbounds_known": sorted(self._outbounds),
                "outbounds_shipped": sorted(no for no, order in self._outbounds.items() if order.shipped),
            }

    def reset(self) -> dict[str, Any]:
        with self._lock:
            self._callbacks.clear()
            self._pushes.clear()
            self._outbounds.clear()
            return {"reset": True}

    # --- requests ---

    def handle(self, request: IncomingRequest) -> HttpReply:
        """Answers one HTTP request; `/_sim/` paths are control, everything else OneWarehouse's API."""
        try:
            if request.path.startswith("/_sim/"):
                return _envelope(0, "success", self._control(request))
            return self._callback_api(request)
        except SimulatorRefusal as refusal:
            return _envelope(refusal.code, refusal.msg, status=refusal.status)

    def _control(self, request: IncomingRequest) -> Any:
        path, method = request.path, request.method
        if method == "GET" and path == "/_sim/state":
            return self.state()
        if method != "POST":
            raise SimulatorRefusal(40401, f"no such control endpoint {method} {path}", status=404)
        body = _json_object(request)
        if path == "/_sim/reset":
            return self.reset()
        if path == "/_sim/config":
            return self.configure(_text(body, "target_base_url"))
        if match := _PUSH_ROUTE.match(path):
            return self.push(match.group(1), *_push_body_and_options(body))
        if match := _REGISTER_ROUTE.match(path):
            carrier = body.get("carrier_code")
            return self.register_outbound(match.group(1), carrier if isinstance(carrier, str) else None)
        raise SimulatorRefusal(40401, f"no such control endpoint {method} {path}", status=404)

    def _callback_api(self, request: IncomingRequest) -> HttpReply:
        api = request.path.removeprefix(CALLBACK_PREFIX)
        route = self._callback_routes.get(api) if request.path.startswith(CALLBACK_PREFIX) else None
        if route is None:
            return _envelope(40401, f"no such path {request.path}", status=404)
        if request.method != "POST":
            return _envelope(40401, "use POST", status=405)
        with self._lock:
            try:
                self._authenticate(request)
                data = route(_json_object(request))
            except SimulatorRefusal as refusal:
                self._record_callback(api, request.body, refusal.code)
                raise
            self._record_callback(api, request.body, 0)
        return _envelope(0, "success", data)

    def _authenticate(self, request: IncomingRequest) -> None:
        headers = {name.lower(): value for name, value in request.headers.items()}
        app_key = headers.get("x-ow-app-key", "")
        timestamp = headers.get("x-ow-timestamp", "")
        nonce = headers.get("x-ow-nonce", "")
        signature = headers.get("x-ow-sign", "")
        if not (app_key and timestamp.isdigit() and nonce and signature):
            raise _unauthorized("missing or malformed signature headers")
        if not hmac.compare_digest(app_key.encode(), self._app_key.encode()):
            raise _unauthorized("unknown app key")
        if abs(self._clock.now().timestamp() - int(timestamp)) > SIGNATURE_WINDOW_SECONDS:
            raise _unauthorized("timestamp outside the allowed window")
        expected = _sign(self._callback_key, timestamp, nonce, request.body)
        if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
            raise _unauthorized("signature mismatch")
        expires_at = datetime.fromtimestamp(int(timestamp) + SIGNATURE_WINDOW_SECONDS, UTC)
        if not self._nonces.remember(nonce, expires_at):
            raise _unauthorized("nonce already used")

    # --- callback APIs (called with the lock held) ---

    def _inbound_callback(self, body: dict[str, Any]) -> dict[str, Any]:
        number_field, number = _check_inbound_callback(body)
        return {number_field: number}

    def _waybill(self, body: dict[str, Any]) -> dict[str, Any]:
        outbound = self._known_outbound(_text(body, "outbound_no"))
        if outbound.shipped:
            raise SimulatorRefusal(
                40902, f"outbound {outbound.outbound_no} is shipped, its waybill can no longer be fetched"
            )
        outbound.waybill_fetched = True
        return outbound.waybill()

    def _outbound_callback(self, body: dict[str, Any]) -> dict[str, Any]:
        outbound = self._known_outbound(_check_outbound_callback(body))
        if not outbound.waybill_fetched:
            raise SimulatorRefusal(
                40902, f"outbound {outbound.outbound_no}: get the waybill before the outbound callback"
            )
        outbound.shipped = True
        return {"outbound_no": outbound.outbound_no}

    def _known_outbound(self, outbound_no: str) -> _Outbound:
        outbound = self._outbounds.get(outbound_no)
        if outbound is None:
            raise SimulatorRefusal(40401, f"outbound {outbound_no} not found")
        return outbound

    # --- helpers ---

    def _remember_outbound(self, outbound_no: str, carrier_code: str | None) -> _Outbound:
        outbound = self._outbounds.get(outbound_no)
        if outbound is None:
            outbound = self._outbounds[outbound_no] = _Outbound(outbound_no, carrier_code or DEFAULT_CARRIER)
        elif carrier_code:
            outbound.carrier_code = carrier_code
        return outbound

    def _record_callback(self, api: str, raw_body: bytes, code: int) -> None:
        entry = {"topic": api, "body": _readable(raw_body), "code": code, "at": self._now_iso()}
        self._callbacks.append(entry)

    def _push_headers(self, raw_body: bytes, options: PushOptions) -> dict[str, str]:
        moment = self._clock.now() + timedelta(seconds=options.timestamp_offset_seconds)
        timestamp = str(int(moment.timestamp()))
        nonce = options.nonce or secrets.token_hex(16)
        # A signature with the wrong secret, so it is well-formed yet wrong, as a misconfigured sender's.
        secret = "not-the-app-secret" if options.bad_signature else self._app_secret
        return {
            "Content-Type": "application/json",
            "X-OW-App-Key": self._app_key,
            "X-OW-Timestamp": timestamp,
            "X-OW-Nonce": nonce,
            "X-OW-Sign": _sign(secret, timestamp, nonce, raw_body),
        }

    def _now_iso(self) -> str:
        return to_iso(self._clock.now())


def _sign(secret: str, timestamp: str, nonce: str, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.{nonce}.".encode() + raw_body, hashlib.sha256).hexdigest()


def _unauthorized(msg: str) -> SimulatorRefusal:
    return SimulatorRefusal(401, msg, status=401)


def _checked_url(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise SimulatorRefusal(40001, f"validation failed: target_base_url must be http(s): {url!r}")
    return url.rstrip("/")


def _pushed_carrier(body: dict[str, Any]) -> str | None:
    logistics = body.get("logistics")
    carrier = logistics.get("carrier_code") if isinstance(logistics, dict) else None
    return carrier if isinstance(carrier, str) and carrier else None


def _push_body_and_options(body: dict[str, Any]) -> tuple[dict[str, Any], PushOptions]:
    """Splits the control keys (leading underscore) from the push body that is sent."""
    sign_option = body.get("_sign")
    if sign_option not in (None, "bad"):
        raise _invalid("_sign")
    offset = body.get("_timestamp_offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise _invalid("_timestamp_offset")
    nonce = body.get("_nonce")
    if nonce is not None and (not isinstance(nonce, str) or not nonce):
        raise _invalid("_nonce")
    options = PushOptions(bad_signature=sign_option == "bad", timestamp_offset_seconds=offset, nonce=nonce)
    return {key: value for key, value in body.items() if not key.startswith("_")}, options


def _readable(raw_body: bytes) -> Any:
    try:
        return json.loads(raw_body)
    except ValueError:
        return raw_body.decode("utf-8", "replace")


def _post(url: str, raw_body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """(HTTP status, decoded reply) of a POST; an unreachable target is code 502 to the caller."""
    request = urllib.request.Request(url, data=raw_body, headers=headers, method="POST")  # noqa: S310 - http(s) checked by _checked_url
    try:
        with urllib.request.urlopen(request, timeout=_PUSH_TIMEOUT_SECONDS) as response:  # noqa: S310 - as above
            return response.status, _readable(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _readable(error.read())
    except OSError as error:
        raise SimulatorRefusal(502, f"target unreachable: {error}", status=502) from error


class OneWarehouseSimulatorControl(JsonHttpClient):
    """Drives a running simulator (in-process or `python -m`) over HTTP through its `/_sim/` endpoints."""

    def __init__(self, base_url: str, timeout_seconds: float = 60) -> None:
        # Longer than the simulator's own push timeout, so a push to a slow target still answers.
        super().__init__(base_url, timeout_seconds)

    def push(
        self,
        topic: str,
        body: dict[str, Any],
        *,
        bad_signature: bool = False,
        timestamp_offset: int = 0,
        nonce: str | None = None,
    ) -> dict[str, Any]:
        """`{"status", "reply"}` of the target for the push sent."""
        options: dict[str, Any] = {"_timestamp_offset": timestamp_offset}
        if bad_signature:
            options["_sign"] = "bad"
        if nonce:
            options["_nonce"] = nonce
        return self._send("POST", f"/_sim/push/{topic}", {**body, **options})

    def register_outbound(self, outbound_no: str, carrier_code: str | None = None) -> dict[str, Any]:
        body = {"carrier_code": carrier_code} if carrier_code else {}
        return self._send("POST", f"/_sim/outbound/{outbound_no}/register", body)

    def configure(self, target_base_url: str) -> dict[str, Any]:
        return self._send("POST", "/_sim/config", {"target_base_url": target_base_url})

    def reset(self) -> dict[str, Any]:
        return self._send("POST", "/_sim/reset", {})

    def state(self) -> dict[str, Any]:
        return self._send("GET", "/_sim/state")

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """The envelope's data; a non-zero code raises `SimulatorRefusal` (also on HTTP error statuses)."""
        envelope = self._exchange(method, path, body)
        if envelope["code"] != 0:
            raise SimulatorRefusal(envelope["code"], envelope["msg"])
        return envelope["data"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m proxyhub_dev.simulators.onewarehouse", description="OneWarehouse simulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3200)
    parser.add_argument("--target", help="our API's base URL; pushes go to {target}/onewarehouse/{topic}")
    parser.add_argument("--app-key", default=DEFAULT_APP_KEY)
    parser.add_argument("--app-secret", default=DEFAULT_APP_SECRET)
    parser.add_argument("--callback-key", default=DEFAULT_CALLBACK_KEY)
    args = parser.parse_args(argv)
    simulator = OneWarehouseSimulator(
        args.host,
        args.port,
        app_key=args.app_key,
        app_secret=args.app_secret,
        callback_key=args.callback_key,
        target_base_url=args.target,
    )
    serve_until_terminated(simulator, "OneWarehouse simulator")


if __name__ == "__main__":
    main()
