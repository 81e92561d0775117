"""The HTTP plumbing a simulator needs: a threaded standard-library server run on a background thread.

A simulator supplies one function from `IncomingRequest` to `HttpReply`; this module does the sockets,
keep-alive and lifecycle (`start()`, `stop()`, `base_url`, context manager). Port 0 picks a free port.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from proxyhub.observability import logger


@dataclass(frozen=True)
class IncomingRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_ip: str


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


class BackgroundHttpServer:
    """Serves `handle` on a daemon thread; `name` only labels log lines."""

    def __init__(self, host: str, port: int, handle: RequestHandling, name: str) -> None:
        self._address = (host, port)
        self._handle = handle
        self._name = name
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        self._server = _Server(self._address, self._handle, self._name)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

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

    def __init__(self, address: tuple[str, int], handle: RequestHandling, name: str) -> None:
        super().__init__(address, _RequestHandler)
        self.answer_request = handle
        self.name = name


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a client's series of calls reuses one connection
    timeout = 30  # idle keep-alive connections close instead of outliving the server
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
            reply = json_reply({"error": "internal error"}, status=500)
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
