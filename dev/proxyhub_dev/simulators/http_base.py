"""The HTTP plumbing a simulator needs: a threaded standard-library server run on a background thread.

A simulator supplies one function from `IncomingRequest` to `HttpReply`; this module does the sockets,
keep-alive and lifecycle (`start()`, `stop()`, `base_url`, context manager). Port 0 picks a free port.
It also holds what the `python -m` entry points (`serve_until_terminated`) and the clients that drive a
simulator's `/_sim/` endpoints (`JsonHttpClient`) have in common.
"""

import contextlib
import json
import signal
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import urlsplit

from proxyhub.observability import logger


@dataclass(frozen=True)
class IncomingRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_ip: str

    def header(self, name: str) -> str | None:
        """The header's value, whatever the case of its name; None when absent."""
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object, {} when blank; ValueError ("is not JSON", "must be a JSON object")."""
        if not self.body.strip():
            return {}
        try:
            body = json.loads(self.body)
        except ValueError:
            raise ValueError("is not JSON") from None
        if not isinstance(body, dict):
            raise ValueError("must be a JSON object")
        return body


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


RequestHandling = Callable[[IncomingRequest], HttpReply]


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpReply:
    return HttpReply(
        status,
        json.dumps(payload, ensure_ascii=False).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )


def _plain_internal_error() -> HttpReply:
    return json_reply({"error": "internal error"}, status=500)


class BackgroundHttpServer:
    """Serves `handle` on a daemon thread; `name` labels log lines.

    When `handle` raises, the client gets `internal_error()` (by default a bare JSON 500) rather than a
    dropped connection, so a simulator can answer its own bugs in its own envelope.
    """

    def __init__(
        self,
        host: str,
        port: int,
        handle: RequestHandling,
        name: str,
        *,
        internal_error: Callable[[], HttpReply] = _plain_internal_error,
    ) -> None:
        self._address = (host, port)
        self._handle = handle
        self._name = name
        self._internal_error = internal_error
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        self._stopping.clear()
        self._server = _Server(self._address, self._handle, self._name, self._internal_error)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers in `sleep_unless_stopped`
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def sleep_unless_stopped(self, seconds: float) -> None:
        """For a handler simulating a slow answer: waits `seconds`, or less when the server stops."""
        self._stopping.wait(seconds)

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{self._name} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # ThreadingHTTPServer listens with a backlog of 5: 50 orders completed at once had connections reset.
    request_queue_size = 1024

    def __init__(
        self,
        address: tuple[str, int],
        handle: RequestHandling,
        name: str,
        internal_error: Callable[[], HttpReply],
    ) -> None:
        super().__init__(address, _RequestHandler)
        self.answer_request = handle
        self.name = name
        self.internal_error = internal_error


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a client's series of calls reuses one connection
    timeout = 30  # idle keep-alive connections close instead of outliving the server
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would hold the second
    server: _Server

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = IncomingRequest(
            method=method,
            path=urlsplit(self.path).path,
            headers=dict(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
            client_ip=self.client_address[0],
        )
        try:
            reply = self.server.answer_request(request)
        except Exception:
            # The simulator's own bug: answer anyway, so the client sees a 500 instead of hanging.
            logger.exception(f"{self.server.name} failed on a request", extra={"path": request.path})
            reply = self.server.internal_error()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, e.g. after its read timeout

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(f"{self.server.name} request", extra={"line": format % args})


class Serving(Protocol):
    """What `serve_until_terminated` runs: a `BackgroundHttpServer`, or anything started and stopped alike."""

    @property
    def base_url(self) -> str: ...

    def start(self) -> Any: ...

    def stop(self) -> None: ...


def serve_until_terminated(server: Serving, label: str) -> None:
    """A `python -m` entry point's loop: serves until SIGTERM or Ctrl-C, then stops (main thread only)."""
    stop_requested = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
    server.start()
    try:
        print(f"{label} listening on {server.base_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop_requested.wait()
    finally:
        server.stop()


class JsonHttpClient:
    """Sends JSON to a running server and decodes its JSON answer, error statuses included: the base of a
    simulator's control client, which drives its `/_sim/` endpoints over HTTP."""

    def __init__(self, base_url: str, timeout_seconds: float = 30) -> None:
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"base_url must be http(s): {base_url!r}")
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout_seconds

    def _exchange(self, method: str, path: str, body: Any = None) -> Any:
        """The decoded JSON reply, whatever the HTTP status; `body` None sends no body."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(f"{self._base_url}{path}", data, headers, method=method)  # noqa: S310 - http(s) checked in __init__
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310 - as above
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())
