"""A proxy warehouse's status callback, received: verified, handed to the status-callback service,
answered, and recorded on the request log whatever its fate (signature masked), so the Logs page
shows every callback HPK sent beside the calls we made."""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from proxyhub.errors import InvalidInputError
from proxyhub.orders.callbacks import CallbackResult
from proxyhub.proxy.ports import CallbackSignatureError, StatusCallback, StatusCallbackReader
from proxyhub.request_log import RequestLogRecord, RequestLogSink, redact_headers, render_body
from proxyhub.webhook_metrics import WebhookOutcome, WebhookSource, count_webhook

ACCEPTED, UNAUTHORIZED, UNPROCESSABLE, INTERNAL_ERROR = 202, 401, 422, 500
UNKNOWN_ORDER_NOTE = "No order of ours has this reference; nothing ran"


class CallbackHandler(Protocol):
    """What a verified callback sets off (`StatusCallbackService`)."""

    def handle(self, callback: StatusCallback) -> CallbackResult: ...


@dataclass(frozen=True)
class IncomingCallback:
    path: str
    headers: Mapping[str, str]
    raw_body: bytes
    request_id: str | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    status: int
    body: dict[str, Any]
    # What the request log adds for operators: why it was refused, or that it matched no order.
    note: str | None = None
    outcome: WebhookOutcome = "accepted"
    verification_failed: bool = False
    result: CallbackResult | None = field(default=None, compare=False)


class CallbackIntake:
    def __init__(
        self,
        reader: StatusCallbackReader,
        callbacks: CallbackHandler,
        request_log: RequestLogSink,
        *,
        source: WebhookSource,
        api_name: str,
        body_limit: int,
    ) -> None:
        self._reader = reader
        self._callbacks = callbacks
        self._request_log = request_log
        self._source = source
        self._api_name = api_name
        self._body_limit = body_limit

    def receive(self, callback: IncomingCallback) -> CallbackAnswer:
        started = time.perf_counter()
        try:
            answer = self._answer(callback)
        except Exception as error:
            # The sender retries a 500; operators still find the callback on the Logs page.
            failed = CallbackAnswer(
                INTERNAL_ERROR,
                {"message": "Internal error", "request_id": callback.request_id},
                note=f"Internal error ({type(error).__name__}); the reply was a 500, see the request id in the logs",
                outcome="failed",
            )
            self._log(callback, failed, started)
            raise
        self._log(callback, answer, started)
        return answer

    def _answer(self, callback: IncomingCallback) -> CallbackAnswer:
        try:
            status_callback = self._reader.read(callback.raw_body, callback.headers)
        except CallbackSignatureError as error:
            return CallbackAnswer(
                UNAUTHORIZED,
                {"message": str(error)},
                note=f"Refused: {error}",
                outcome="refused",
                verification_failed=True,
            )
        except InvalidInputError as error:
            body: dict[str, Any] = {"message": error.message, "field": error.field}
            return CallbackAnswer(UNPROCESSABLE, body, note=f"Refused: {error.message}", outcome="refused")
        result = self._callbacks.handle(status_callback)
        accepted: dict[str, Any] = {
            "message": "accepted",
            "order_no": result.order_no,
            "tasks_triggered": result.tasks_triggered,
        }
        note = None if result.order_no else UNKNOWN_ORDER_NOTE
        return CallbackAnswer(ACCEPTED, accepted, note=note, result=result)

    def _log(self, callback: IncomingCallback, answer: CallbackAnswer, started: float) -> None:
        count_webhook(self._source, answer.outcome, verification_failed=answer.verification_failed)
        result = answer.result
        record = RequestLogRecord(
            api_name=self._api_name,
            url=callback.path,
            method="POST",
            request_body=render_body(callback.raw_body, self._body_limit),
            response_status=answer.status,
            response_body=render_body(answer.body, self._body_limit),
            duration_ms=round((time.perf_counter() - started) * 1000),
            request_id=callback.request_id,
            system_code=result.system_code if result else None,
            warehouse_code=result.warehouse_code if result else None,
            order_no=result.order_no if result else None,
            error=answer.note,
            request_headers=redact_headers(dict(callback.headers)),
        )
        self._request_log.record(record)
