"""Request-log records kept in a list: the sink an adapter writes to, and the reader the pages use."""

from datetime import datetime

from fakes.clock import START
from proxyhub.models.pages import Page
from proxyhub.request_log import RequestLogRecord
from proxyhub.tasks.ports import LogSearch, StoredRequestLog


class ListRequestLogSink:
    def __init__(self) -> None:
        self.records: list[RequestLogRecord] = []

    def record(self, entry: RequestLogRecord) -> None:
        self.records.append(entry)

    def for_task(self, task_id: str, limit: int, cursor: str | None = None) -> Page[StoredRequestLog]:
        return _page([record for record in self.records if record.task_id == task_id], limit, cursor)

    def search(self, search: LogSearch, limit: int, cursor: str | None) -> Page[StoredRequestLog]:
        matching = [
            record
            for record in self.records
            if all(
                wanted is None or wanted == getattr(record, name)
                for name, wanted in (
                    ("system_code", search.system_code),
                    ("warehouse_code", search.warehouse_code),
                    ("order_no", search.order_no),
                )
            )
        ]
        return _page(matching, limit, cursor)


def _page(records: list[RequestLogRecord], limit: int, cursor: str | None) -> Page[StoredRequestLog]:
    """Newest first; the cursor is the offset of the next page. Records carry no time: all are START."""
    newest_first = [_stored(record, START) for record in reversed(records)]
    start = int(cursor) if cursor else 0
    end = start + limit
    return Page(newest_first[start:end], str(end) if end < len(newest_first) else None)


def _stored(record: RequestLogRecord, recorded_at: datetime) -> StoredRequestLog:
    return StoredRequestLog(
        log_id=record.log_id or f"log-{id(record)}",
        recorded_at=recorded_at,
        api_name=record.api_name,
        method=record.method,
        url=record.url,
        request_headers=record.request_headers,
        request_body=record.request_body,
        response_status=record.response_status,
        response_body=record.response_body,
        duration_ms=record.duration_ms,
        request_id=record.request_id,
        system_code=record.system_code,
        warehouse_code=record.warehouse_code,
        task_id=record.task_id,
        order_no=record.order_no,
        error=record.error,
    )
