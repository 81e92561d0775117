"""moto-backed fixtures: tables created from template.yaml itself, the real API handler."""

import importlib.util
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws
from samtranslator.yaml_helper import yaml_parse

from proxyhub import wiring
from proxyhub.dal.tables import bind_tables
from proxyhub.settings import Settings, get_settings
from proxyhub_dev.local.moto_trims import apply_moto_trims

# The OneWarehouse kit is a fixture plugin its test modules load (`pytest_plugins`) after importing from
# it; marked before that import, it is assert-rewritten like a test instead of warned about.
pytest.register_assert_rewrite("onewarehouse_kit")
# moto's DynamoDB without its whole-table copies and unbounded item tracking, as the local stack runs it.
apply_moto_trims()

ROOT = Path(__file__).resolve().parents[2]
TABLE_SETTINGS = {
    "ConfigTable": "CONFIG_TABLE_NAME",
    "TasksTable": "TASKS_TABLE_NAME",
    "RequestLogsTable": "REQUEST_LOGS_TABLE_NAME",
    "OrdersTable": "ORDERS_TABLE_NAME",
    "InventoryTable": "INVENTORY_TABLE_NAME",
    "IdempotencyTable": "IDEMPOTENCY_TABLE_NAME",
    "AuditTable": "AUDIT_TABLE_NAME",
}


def template_resources() -> dict[str, Any]:
    return dict(yaml_parse((ROOT / "template.yaml").read_text())["Resources"])


def create_tables_from_template(client: Any) -> dict[str, str]:
    """Creates every DynamoDB table the template declares, with its keys, GSIs and TTL."""
    names = {}
    for logical_id, resource in template_resources().items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        name = f"test-{logical_id}"
        args: dict[str, Any] = {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
        }
        if "GlobalSecondaryIndexes" in props:
            args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        client.create_table(**args)
        if "TimeToLiveSpecification" in props:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification=props["TimeToLiveSpecification"]
            )
        names[logical_id] = name
    return names


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A fresh moto account with the template's tables; settings and services rebuilt on top of it."""
    # Lambda without Docker (moto's echo backend) and Step Functions that really execute.
    with mock_aws(config={"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}):
        tables = create_tables_from_template(boto3.client("dynamodb"))
        for logical_id, name in tables.items():
            monkeypatch.setenv(TABLE_SETTINGS[logical_id], name)
        monkeypatch.setenv("SECRETS_PREFIX", "test-stack")
        wiring.clear_overrides()
        settings = get_settings()
        bind_tables(settings)
        yield settings
        wiring.clear_overrides()


def load_function_module(function_dir: str) -> ModuleType:
    """Imports functions/<dir>/app.py under a unique name, as Lambda would load it."""
    path = ROOT / "functions" / function_dir / "app.py"
    spec = importlib.util.spec_from_file_location(f"function_{function_dir}_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    function_name = "test-function"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id = "11111111-2222-3333-4444-555555555555"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def http_api_event(
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload v2) event built from the shape of events/api_base.json."""
    event = json.loads((ROOT / "events" / "api_base.json").read_text())
    raw_query = "&".join(f"{key}={value}" for key, value in (query or {}).items())
    event.update(
        routeKey=f"{method} {path}",
        rawPath=path,
        rawQueryString=raw_query,
        queryStringParameters=query or None,
        body=None if body is None else (body if isinstance(body, str) else json.dumps(body)),
    )
    event["headers"] = {**event["headers"], **(headers or {})}
    event["requestContext"]["http"].update(method=method, path=path)
    event["requestContext"]["requestId"] = str(uuid.uuid4())
    return event


ApiCall = Callable[..., tuple[int, Any]]


@pytest.fixture
def api_handler(aws: Settings) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The real API Lambda handler, loaded from functions/api/app.py, called with a Lambda context."""
    module = load_function_module("api")
    return lambda event: module.lambda_handler(event, LambdaContext())


@pytest.fixture
def api(api_handler: Callable[[dict[str, Any]], dict[str, Any]]) -> ApiCall:
    """Calls the real API handler; returns (status code, decoded JSON body)."""

    def call(
        method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        response = api_handler(http_api_event(method, path, body, query))
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return call


@pytest.fixture
def function_handler(aws: Settings) -> Callable[[str], Callable[[dict[str, Any]], dict[str, Any]]]:
    """Loads functions/<dir>/app.py's handler and calls it with a Lambda context."""

    def load(function_dir: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        module = load_function_module(function_dir)
        return lambda event: module.lambda_handler(event, LambdaContext())

    return load


@pytest.fixture
def make_http_event() -> Callable[..., dict[str, Any]]:
    return http_api_event
