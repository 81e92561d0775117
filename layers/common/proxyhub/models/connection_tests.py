"""What testing a connection to a vendor found, as the proxy system and OneWarehouse pages show it."""

from dataclasses import dataclass

from proxyhub.request_log import RequestLogRecord


@dataclass(frozen=True)
class ConnectionTestResult:
    ok: bool
    # "Connected: …", or what is wrong: "System configuration error: <cause>".
    message: str
    # The exchanges the test made, as the request log keeps them (redacted).
    request_logs: tuple[RequestLogRecord, ...] = ()
