"""API Gateway HTTP API stand-in: the template's HttpApi routes, payload format 2.0, on 127.0.0.1.

Routes that are not public pass the doors (`proxyhub_dev.local.auth`: the IAM and the JWT authorizers);
without doors (some tests) they get a fixed local caller in `requestContext.authorizer.iam`.
"""

import base64
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from proxyhub_dev.local.deploy import MOTO_ACCOUNT_ID
from proxyhub_dev.local.template import DEFAULT_ROUTE, HttpRoute

log = logging.getLogger(__name__)

LOCAL_API_ID = "local"
LOCAL_CALLER = {
    "accessKey": "testing",
    "accountId": MOTO_ACCOUNT_ID,
    "callerId": "local",
    "principalOrgId": None,
    "userArn": f"arn:aws:iam::{MOTO_ACCOUNT_ID}:user/local",
    "userId": "local",
}
_TEXT_TYPES = re.compile(
    r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded)|.*\+(json|xml))", re.I
)

Invoke = Callable[[str, dict[str, Any]], Any]


class Doors(Protocol):
    """The APIs in front of the functions and their authorizers (`proxyhub_dev.local.auth`)."""

    def api_for(self, request: "HttpRequest") -> str:
        """The HttpApi (logical id) the request is meant for."""
        ...

    def admit(self, request: "HttpRequest") -> "dict[str, Any] | HttpResponse":
        """The authorizer context for the function, or the answer that turns the request away."""
        ...


class StaticFiles(Protocol):
    """Files served beside the API on the same origin (the operator console)."""

    def serves(self, method: str, path: str) -> bool: ...

    def response_for(self, path: str) -> "HttpResponse": ...


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # path and query string, as sent on the request line
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class RouteTable:
    """Matches like API Gateway: the most specific route wins, `{name+}` is greedy, `$default` is last."""

    def __init__(self, routes: Iterable[HttpRoute]) -> None:
        self._routes = sorted(routes, key=_specificity)
        self._patterns = {route: _path_pattern(route.path) for route in self._routes}

    def match(self, method: str, path: str) -> tuple[HttpRoute, dict[str, str]] | None:
        for route in self._routes:
            if route.method not in (method, "ANY"):
                continue
            if route.path == DEFAULT_ROUTE:
                return route, {}
            found = self._patterns[route].fullmatch(path)
            if found:
                return route, found.groupdict()
        return None


def build_http_api_event(
    request: HttpRequest,
    route: HttpRoute,
    path_parameters: dict[str, str],
    domain_name: str,
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API event, payload format version 2.0."""
    url = urlsplit(request.target)
    headers, cookies = _event_headers(request.headers)
    # API Gateway says how the client called it; locally that is plain HTTP.
    headers.setdefault("x-forwarded-proto", "http")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": headers,
        "requestContext": _request_context(request, route, url.path, headers, domain_name, authorizer),
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if url.query:
        event["queryStringParameters"] = _joined(parse_qsl(url.query, keep_blank_values=True))
    if path_parameters:
        event["pathParameters"] = path_parameters
    if request.body:
        text = _text_body(request.body, headers.get("content-type", ""))
        event["isBase64Encoded"] = text is None
        event["body"] = base64.b64encode(request.body).decode() if text is None else text
    return event


def _text_body(body: bytes, content_type: str) -> str | None:
    """The body as text for a text content type that it really is (UTF-8); otherwise None: base64."""
    if not _TEXT_TYPES.match(content_type):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _request_context(
    request: HttpRequest,
    route: HttpRoute,
    path: str,
    headers: dict[str, str],
    domain_name: str,
    authorizer: dict[str, Any] | None,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    context: dict[str, Any] = {
        "accountId": MOTO_ACCOUNT_ID,
        "apiId": LOCAL_API_ID,
        "domainName": domain_name,
        "domainPrefix": domain_name.split(".", maxsplit=1)[0],
        "http": {
            "method": request.method,
            "path": path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route.route_key,
        "stage": "$default",
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if not route.public:
        context["authorizer"] = authorizer or {"iam": LOCAL_CALLER}
    return context


def http_response_from(result: Any) -> HttpResponse:
    """Payload 2.0 response rules: a dict with statusCode is a response, anything else is JSON."""
    if not (isinstance(result, dict) and "statusCode" in result):
        body = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("content-type", "application/json")], body.encode())
    headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(value)) for value in values]
    headers += [("set-cookie", cookie) for cookie in result.get("cookies") or []]
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return HttpResponse(int(result["statusCode"]), headers, raw)


def json_response(status: int, message: str) -> HttpResponse:
    return HttpResponse(
        status, [("content-type", "application/json")], json.dumps({"message": message}).encode()
    )


class LocalHttpApi:
    """Serves the routes on 127.0.0.1, calling each route's function synchronously."""

    def __init__(
        self,
        routes: Iterable[HttpRoute],
        invoke: Invoke,
        host: str = "127.0.0.1",
        port: int = 3000,
        static: "StaticFiles | None" = None,
        doors: "Doors | None" = None,
    ) -> None:
        routes = list(routes)
        self._table = RouteTable(routes)
        self._tables_by_api = {
            api_id: RouteTable(route for route in routes if route.api_id == api_id)
            for api_id in {route.api_id for route in routes}
        }
        self._invoke = invoke
        self._static = static
        self._doors = doors
        self._server = _GatewayServer((host, port), _handler_class(self))
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-http-api", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _routes_for(self, request: HttpRequest) -> RouteTable:
        """Without doors, every route of every API; with them, the routes of the API the request is for."""
        if self._doors is None:
            return self._table
        return self._tables_by_api.get(self._doors.api_for(request)) or RouteTable([])

    def handle(self, request: HttpRequest) -> HttpResponse:
        path = urlsplit(request.target).path
        if self._static is not None and self._static.serves(request.method, path):
            return self._static.response_for(path)
        matched = self._routes_for(request).match(request.method, path)
        if matched is None:
            return json_response(404, "Not Found")
        route, path_parameters = matched
        authorizer = None
        if self._doors is not None and not route.public:
            admitted = self._doors.admit(request)
            if isinstance(admitted, HttpResponse):
                return admitted
            authorizer = admitted
        hosts = [value for name, value in request.headers if name.lower() == "host"]
        domain = hosts[0] if hosts else self.base_url
        event = build_http_api_event(request, route, path_parameters, domain, authorizer)
        try:
            result = self._invoke(route.function_id, event)
        except Exception:
            log.exception("%s raised on %s", route.function_id, route.route_key)
            # What API Gateway answers when the integration fails.
            return json_response(500, "Internal Server Error")
        return http_response_from(result)


# API Gateway's own payload limit; the application's (smaller) limit is its business.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# The methods API Gateway routes; TRACE and CONNECT it refuses, anything else is not HTTP it speaks.
ROUTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
REFUSED_METHODS = ("TRACE", "CONNECT")
# ThreadingHTTPServer listens with a backlog of 5: a burst of 100 callbacks had connections reset.
LISTEN_BACKLOG = 1024


class _GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG


def _handler_class(api: "LocalHttpApi") -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one write; without Nagle nothing waits for an ACK in between.
        disable_nagle_algorithm = True
        # Idle keep-alive connections close instead of holding a thread for ever.
        timeout = 60

        def _serve(self) -> None:
            started = time.monotonic()
            try:
                response = self._response()
            except Exception:
                log.exception("The local gateway failed on %s %s", self.command, self.path)
                response = json_response(500, "Internal Server Error")
            self._write(response)
            elapsed_ms = (time.monotonic() - started) * 1000
            log.info("%s %s -> %s (%.0f ms)", self.command, self.path, response.status, elapsed_ms)

        def _response(self) -> HttpResponse:
            if self.command in REFUSED_METHODS:
                self.close_connection = True
                return json_response(405, "Method Not Allowed")
            if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
                self.close_connection = True
                return json_response(411, "Length Required: send the body with a Content-Length")
            length = _content_length(self.headers.get("content-length"))
            if length is None:
                self.close_connection = True
                return json_response(400, "Bad Request: invalid Content-Length")
            if length > MAX_REQUEST_BYTES:
                # The body is not read: the connection closes so that it is not taken for a request.
                self.close_connection = True
                return json_response(413, "Request Entity Too Large")
            body = self.rfile.read(length) if length else b""
            if len(body) < length:
                self.close_connection = True
                return json_response(400, "Bad Request: the body ended before its Content-Length")
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
                protocol=self.request_version,
            )
            return api.handle(request)

        def _write(self, response: HttpResponse) -> None:
            lines = [f"{self.protocol_version} {response.status} {_reason(response.status)}"]
            lines += [
                f"{name}: {value}" for name, value in response.headers if name.lower() != "content-length"
            ]
            lines += [f"content-length: {len(response.body)}", f"date: {self.date_time_string()}"]
            if self.close_connection:
                lines.append("connection: close")
            head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
            payload = head if self.command == "HEAD" else head + response.body
            try:
                self.wfile.write(payload)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up; nothing to answer

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """What the standard library answers by itself (a malformed request line, an unknown method,
            oversized headers): JSON like every other answer, never an HTML page."""
            self.close_connection = True
            if code == HTTPStatus.NOT_IMPLEMENTED:
                # A method no route can have (QUERY, BREW): refused like TRACE, not a server error.
                code, message = HTTPStatus.METHOD_NOT_ALLOWED, None
            # The request line may be unreadable; the response is HTTP/1.1 whatever the request said.
            self.request_version = self.protocol_version
            if not hasattr(self, "command"):
                self.command = ""
            status_message = message or _reason(code)
            self._write(json_response(code, status_message))
            log.info("%s -> %s (%s)", getattr(self, "requestline", "?"), code, status_message)

        # BaseHTTPRequestHandler dispatches to `do_<METHOD>`; an unknown method gets send_error(501).
        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve  # noqa: N815
        do_TRACE = do_CONNECT = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            # Requests are logged once, with their status and duration, by _serve.
            return

    return Handler


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip():
        return 0
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _event_headers(raw: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Lowercase names, repeated headers comma-joined; cookies move to their own list, as in 2.0."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in raw:
        key = name.lower()
        if key == "cookie":
            cookies += [cookie.strip() for cookie in value.split(";") if cookie.strip()]
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    return headers, cookies


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Repeated query parameters arrive comma-joined in payload 2.0."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def _path_pattern(path: str) -> re.Pattern[str]:
    pattern = ""
    for literal, name, greedy in re.findall(r"([^{]*)(?:\{(\w+)(\+?)\})?", path):
        pattern += re.escape(literal)
        if name:
            pattern += f"(?P<{name}>.+)" if greedy else f"(?P<{name}>[^/]+)"
    return re.compile(pattern)


def _specificity(route: HttpRoute) -> tuple[bool, bool, int, int, bool]:
    """Sort key: `$default` last, greedy paths late, fewer parameters and longer literals first."""
    parameters = route.path.count("{")
    literal_length = len(re.sub(r"\{[^}]*\}", "", route.path))
    return (
        route.path == DEFAULT_ROUTE,
        "+}" in route.path,
        parameters,
        -literal_length,
        route.method == "ANY",
    )
