"""Request-log records kept in a list."""

from proxyhub.request_log import RequestLogRecord


class ListRequestLogSink:
    def __init__(self) -> None:
        self.records: list[RequestLogRecord] = []

    def record(self, entry: RequestLogRecord) -> None:
        self.records.append(entry)
