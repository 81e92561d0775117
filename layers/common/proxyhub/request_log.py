"""Request-log records: every HTTP exchange with a vendor, redacted and size-capped.

Adapters produce records and hand them to a `RequestLogSink`; where they are stored is the
composition root's choice (DynamoDB with a TTL in AWS, a list in tests).
"""

import contextlib
import functools
import json
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

REDACTED = "***"
_SECRET_KEY = re.compile(
    r"pass(word)?|secret|token|authorization|signature|sign$|api[_-]?key|app[_-]?key|callback[_-]?key|credential",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RequestLogRecord:
    api_name: str
    url: str
    method: str
    request_body: str
    response_status: int | None
    response_body: str
    duration_ms: int
    request_id: str | None = None
    system_code: str | None = None
    warehouse_code: str | None = None
    task_id: str | None = None
    order_no: str | None = None
    error: str | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    # Given by a caller that needs to name the record later (a task run lists its records); else the
    # store assigns one.
    log_id: str | None = None
    # When the exchange ended, for a record stored later than that (a task run stores its records
    # with its result); else the moment the store receives it.
    recorded_at: datetime | None = None


class RequestLogSink(Protocol):
    def record(self, entry: RequestLogRecord) -> None: ...


class CollectingSink:
    """Names every record and forwards it, keeping the records: for a caller that reports what it
    sent (a task run lists its records, a connection test shows them)."""

    def __init__(self, inner: RequestLogSink) -> None:
        self._inner = inner
        self.records: list[RequestLogRecord] = []

    def record(self, entry: RequestLogRecord) -> None:
        named = entry if entry.log_id else replace(entry, log_id=uuid.uuid4().hex)
        self.records.append(named)
        self._inner.record(named)


@functools.lru_cache(maxsize=1024)
def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def redact(value: Any) -> Any:
    """Replace the values of secret-looking keys, at any depth."""
    if isinstance(value, dict):
        return {k: REDACTED if is_secret_key(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: REDACTED if is_secret_key(k) else v for k, v in headers.items()}


def render_body(body: Any, limit: int, known_secrets: tuple[str, ...] = ()) -> str:
    """Redacted JSON (or text) capped at `limit` characters; known secret strings are masked too."""
    if isinstance(body, bytes | str):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        # Not JSON, or nested too deep to walk: keep the text as it is.
        with contextlib.suppress(ValueError, RecursionError):
            text = json.dumps(redact(json.loads(text)), ensure_ascii=False)
    else:
        text = json.dumps(redact(body), ensure_ascii=False, default=str)
    for secret in known_secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    if len(text) > limit:
        return f"{text[:limit]}…[truncated {len(text) - limit} chars]"
    return text
