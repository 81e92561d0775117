"""What every adapter's HTTP client does alike, whatever the vendor: one logged exchange at a time.

`VendorHttpClient` owns the httpx client, times each exchange, maps transport failures through the
adapter, and hands the sink one redacted, size-capped `RequestLogRecord` per exchange. What is the
vendor's own stays in the adapter that subclasses it: paths, headers and signing, the envelope and its
codes, and which of its port's errors each failure is.

The port errors adapters raise keep their operator-safe message as their text (`str(error)`), which is
what the request log records.
"""

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import ClassVar, Self

import httpx

from proxyhub.adapters.outbound_guard import HeldBack, OutboundGuard
from proxyhub.observability import MetricUnit, record_metrics
from proxyhub.proxy.ports import LogContext
from proxyhub.request_log import REDACTED, RequestLogRecord, RequestLogSink, redact_headers, render_body

VENDOR_CALL_LATENCY_METRIC = "VendorCallLatency"
# An exchange without a response, with an HTTP error status, or whose answer the adapter refused.
VENDOR_CALL_ERRORS_METRIC = "VendorCallErrors"


@dataclass(frozen=True)
class Answer[T]:
    """What an adapter read from a vendor's response, and what the request log should add about it."""

    value: T
    request_id: str | None = None
    error: str | None = None  # e.g. a refusal the adapter hands back to its caller rather than raising


class VendorHttpClient(ABC):
    """Base of an adapter's client for one vendor connection; closes its HTTP client on `close()`/exit."""

    # The base of the port's errors: one raised while reading a response is logged with the exchange.
    _port_errors: ClassVar[type[Exception]]

    def __init__(
        self,
        base_url: str,
        sink: RequestLogSink,
        *,
        system_code: str,
        timeout: httpx.Timeout,
        transport: httpx.BaseTransport | None,
        body_limit: int,
        guard: OutboundGuard | None = None,
    ) -> None:
        self._guard = guard
        self._sink = sink
        self._system_code = system_code
        self._body_limit = body_limit
        try:
            self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
        except httpx.InvalidURL as error:
            raise self._invalid_base_url(base_url) from error

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- what each adapter says for its vendor ---

    @abstractmethod
    def _invalid_base_url(self, base_url: str) -> Exception:
        """The port's configuration error for a base URL httpx cannot use."""

    @abstractmethod
    def _transport_error(self, error: httpx.HTTPError) -> Exception:
        """The port's error for a request that got no response (timeout, refused connection, ...)."""

    def _held_back_error(self, held: HeldBack) -> Exception:
        """The port's error for a call the guard held back (nothing was sent): a wait, not a failure."""
        return held

    def _logged_headers(self, request: httpx.Request) -> dict[str, str]:
        """The request's headers as the request log keeps them: secret-looking ones masked."""
        return redact_headers(dict(request.headers))

    def _logged_error(self, error: str | None, known_secrets: tuple[str, ...]) -> str | None:
        """The error text as the request log keeps it; an adapter whose errors may echo secrets masks them."""
        return error

    # --- the exchange ---

    def _send_logged[T](
        self,
        api_name: str,
        request: httpx.Request,
        context: LogContext | None,
        read: Callable[[httpx.Response], Answer[T]],
        *,
        known_secrets: tuple[str, ...] = (),
    ) -> T:
        """Sends `request` and returns what `read` makes of the response; logs the exchange either way.

        A transport failure becomes `_transport_error(...)`; a port error `read` raises is logged and
        re-raised. `known_secrets` are masked wherever they show up in the logged bodies.
        """
        if self._guard is not None:
            try:
                self._guard.admit()
            except HeldBack as held:
                raise self._held_back_error(held) from held
        started = time.perf_counter()

        def log(
            response: httpx.Response | None = None, request_id: str | None = None, error: str | None = None
        ) -> None:
            self._record(api_name, request, started, context, known_secrets, response, request_id, error)

        try:
            response = self._http.send(request)
        except httpx.HTTPError as error:
            failure = self._transport_error(error)
            self._tell_guard(None)
            log(error=str(failure))
            raise failure from error
        self._tell_guard(response)
        try:
            answer = read(response)
        except self._port_errors as failure:
            log(response, error=str(failure))
            raise
        log(response, answer.request_id, answer.error)
        return answer.value

    def _tell_guard(self, response: httpx.Response | None) -> None:
        """No answer or a 5xx counts towards the circuit; a 429 pauses calls for its Retry-After."""
        if self._guard is None:
            return
        if response is None or response.status_code >= 500:
            self._guard.failed()
        elif response.status_code == 429:
            self._guard.throttled(retry_after_seconds(response.headers.get("Retry-After")))
        else:
            self._guard.succeeded()

    def _record(
        self,
        api_name: str,
        request: httpx.Request,
        started: float,
        context: LogContext | None,
        known_secrets: tuple[str, ...],
        response: httpx.Response | None,
        request_id: str | None,
        error: str | None,
    ) -> None:
        context = context or LogContext()
        duration_ms = round((time.perf_counter() - started) * 1000)
        failed = error is not None or response is None or response.status_code >= 400
        # The dashboard's vendor latency and errors, by system and API (see template.yaml).
        record_metrics(
            {"system_code": self._system_code, "api": api_name},
            {
                VENDOR_CALL_LATENCY_METRIC: (duration_ms, MetricUnit.Milliseconds),
                VENDOR_CALL_ERRORS_METRIC: (1 if failed else 0, MetricUnit.Count),
            },
        )
        self._sink.record(
            RequestLogRecord(
                api_name=api_name,
                url=str(request.url),
                method=request.method,
                request_body=render_body(request.content, self._body_limit, known_secrets),
                response_status=response.status_code if response is not None else None,
                response_body=render_body(response.content, self._body_limit, known_secrets)
                if response is not None
                else "",
                duration_ms=duration_ms,
                request_id=request_id,
                system_code=self._system_code,
                warehouse_code=context.warehouse_code,
                task_id=context.task_id,
                order_no=context.order_no,
                error=self._logged_error(error, known_secrets),
                request_headers=self._logged_headers(request),
            )
        )


def mask_secrets(text: str | None, known_secrets: tuple[str, ...]) -> str | None:
    """`text` with every non-empty known secret replaced by the redaction mark."""
    if text is None:
        return None
    for secret in known_secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def retry_after_seconds(retry_after: str | None) -> float | None:
    """A `Retry-After` header in seconds; None when absent or not a number."""
    try:
        return float(retry_after) if retry_after else None
    except ValueError:
        return None  # an HTTP-date Retry-After is rare enough to fall back to our own backoff
