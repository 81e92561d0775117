"""Test connection buttons: a proxy warehouse system's, and a OneWarehouse connection's."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict

from proxyhub.api.paths import CodePath
from proxyhub.config.connection_test import ConnectionTestResult
from proxyhub.models.input_rules import Code
from proxyhub.request_log import RequestLogRecord
from proxyhub.upstream.connections import Environment
from proxyhub.wiring import container

router = Router()


class ProxyConnectionTestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The proxy warehouse whose inventory is read; by default the system's first mapped one.
    proxy_warehouse_code: Code | None = None


class TestedRequestView(BaseModel):
    """One exchange of the test, as the request log keeps it (secrets redacted)."""

    log_id: str | None
    api_name: str
    method: str
    url: str
    request_body: str
    response_status: int | None
    response_body: str
    duration_ms: int
    error: str | None

    @classmethod
    def of(cls, record: RequestLogRecord) -> "TestedRequestView":
        return cls(
            log_id=record.log_id,
            api_name=record.api_name,
            method=record.method,
            url=record.url,
            request_body=record.request_body,
            response_status=record.response_status,
            response_body=record.response_body,
            duration_ms=record.duration_ms,
            error=record.error,
        )


class ConnectionTestView(BaseModel):
    ok: bool
    # "Connected: …" or what is wrong, e.g. "System configuration error: HPK refused our login …".
    message: str
    request_logs: list[TestedRequestView]

    @classmethod
    def of(cls, result: ConnectionTestResult) -> "ConnectionTestView":
        logs = [TestedRequestView.of(record) for record in result.request_logs]
        return cls(ok=result.ok, message=result.message, request_logs=logs)


@router.post("/v1/proxy-systems/<code>/test-connection", tags=["Proxy systems"])
def test_proxy_system_connection(
    code: CodePath, data: Annotated[ProxyConnectionTestRequest | None, Body()] = None
) -> ConnectionTestView:
    """Logs in to the proxy warehouse and reads one inventory page. A failure is still a 200 whose
    `ok` is false: the test ran, and its message says what to fix."""
    warehouse = (data or ProxyConnectionTestRequest()).proxy_warehouse_code
    return ConnectionTestView.of(container().proxy_connection_test.run(code, warehouse))


@router.post("/v1/onewarehouse/connections/<environment>/test-connection", tags=["OneWarehouse"])
def test_onewarehouse_connection(environment: Annotated[Environment, Path()]) -> ConnectionTestView:
    """One signed call to OneWarehouse's API with this connection's keys (a harmless get-label)."""
    return ConnectionTestView.of(container().upstream_connection_test.run(environment))
