"""Issue 14's reproductions played back through the real handlers: each one answered 500 (or was
accepted) before the strict input policy; now every one is a 4xx naming the field, and never a 500."""

import base64
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from fakes import FakeProxyClientFactory, FakeProxyWarehouse
from proxyhub import wiring
from proxyhub.clock import SystemClock
from proxyhub.errors import TransientVendorError
from proxyhub.models.tasks import Trigger
from proxyhub.proxy.ports import ProxyConfigurationError, TransientProxyError

pytestmark = pytest.mark.integration

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def call(handler: Handler, make_event: Any, method: str, path: str, body: Any = None, **headers: str) -> Any:
    raw = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    if isinstance(raw, bytes):
        event = make_event(method, path, None, headers=headers)
        event["body"], event["isBase64Encoded"] = base64.b64encode(raw).decode(), True
    else:
        event = make_event(method, path, raw, headers=headers)
    response = handler(event)
    return response["statusCode"], json.loads(response["body"]), response.get("headers") or {}


def logged_with(request_id: str) -> list[dict[str, Any]]:
    """The request-log records of one request, read from the table itself."""
    table = boto3.resource("dynamodb").Table(wiring.container().settings.request_logs_table_name)
    return [item for item in table.scan()["Items"] if item.get("request_id") == request_id]


@pytest.fixture
def v1(api_handler: Handler, make_http_event: Any) -> Callable[..., Any]:
    return lambda *args, **headers: call(api_handler, make_http_event, *args, **headers)


# ---------------------------------------------------------------- 1. path codes decoded and validated


@pytest.mark.parametrize(
    "path",
    [
        "/v1/skus/T2%2Fx",
        "/v1/skus/..%2Fx",
        "/v1/skus/A%00B",
        "/v1/skus/A%0AB",
        "/v1/skus/A%20B",
        "/v1/skus/%F0%9F%98%80",
        "/v1/skus/%FF",
        "/v1/customers/C%2F1",
        "/v1/proxy-systems/HPK01/warehouse-mappings/HPK%20X",
    ],
)
def test_path_codes_are_decoded_then_refused_naming_the_parameter(v1: Any, path: str) -> None:
    body = {"gwms_warehouse_code": "GW1"} if "warehouse-mappings" in path else {}
    if "/customers/" in path:
        body = {"name": "Acme", "account_status": "open"}

    status, reply, _ = v1("PUT", path, body)

    assert status == 422, reply
    assert reply["errors"][0]["field"] in ("gsku", "code", "proxy_warehouse_code")


def test_a_code_that_needs_no_escaping_is_stored_under_itself(v1: Any) -> None:
    status, _, _ = v1("PUT", "/v1/skus/T2.x_1-A", {"name": "Mug"})

    assert status == 200
    assert v1("GET", "/v1/skus/T2.x_1-A")[1]["gsku"] == "T2.x_1-A"


# ---------------------------------------------------------------- 2. numbers DynamoDB cannot store


@pytest.mark.parametrize("weight", ["1e-200", "1e200", "0.0000001", "10000.5", "1e400", "NaN", "Infinity"])
def test_weights_out_of_the_domain_are_a_422_naming_the_field(v1: Any, weight: str) -> None:
    status, reply, _ = v1("PUT", "/v1/skus/G1", f'{{"name": "Mug", "weight_kg": {weight}}}')

    assert status == 422, reply
    assert reply["errors"][0]["field"] in ("weight_kg", "body")


# ---------------------------------------------------------------- 3. unsupported content types


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/octet-stream",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ],
)
def test_a_body_that_is_not_json_is_a_415(v1: Any, content_type: str) -> None:
    status, reply, _ = v1("PUT", "/v1/skus/G1", '{"name": "Mug"}', **{"content-type": content_type})

    assert status == 415 and reply["errors"][0]["field"] == "content-type"


def test_a_body_that_is_not_utf8_is_a_422(v1: Any) -> None:
    status, reply, _ = v1(
        "PUT", "/v1/skus/G1", b'{"name": "\xff\xfe"}', **{"content-type": "application/json"}
    )

    assert status == 422 and reply["errors"][0]["field"] == "body"


def test_a_body_over_the_size_limit_is_a_413(v1: Any) -> None:
    status, _, _ = v1("PUT", "/v1/skus/G1", json.dumps({"name": "x" * 300_000}))

    assert status == 413


# ---------------------------------------------------------------- 4. deep nesting and huge integers


def test_json_nested_100000_deep_is_a_422(v1: Any) -> None:
    status, reply, _ = v1("PUT", "/v1/skus/G1", "[" * 100_000 + "]" * 100_000)

    assert status == 422 and "nested" in reply["errors"][0]["message"]


def test_a_5000_digit_quantity_is_a_422(v1: Any) -> None:
    body = '{"order_no": "IN-1", "inbound_type": "purchase", "warehouse_code": "GW1", "customer_code": "C1", '
    body += f'"items": [{{"gsku": "G1", "qty": {"9" * 5000}}}]}}'

    status, reply, _ = v1("POST", "/v1/inbound-orders", body)

    assert status == 422 and "digits" in reply["errors"][0]["message"]


# ---------------------------------------------------------------- 6. quantities are not coerced


@pytest.mark.parametrize("qty", ['"5"', "true", "5.0", "0", "1000001"])
def test_quantities_are_strict_integers_in_range(v1: Any, qty: str) -> None:
    body = '{"order_no": "IN-1", "inbound_type": "purchase", "warehouse_code": "GW1", "customer_code": "C1", '
    body += f'"items": [{{"gsku": "G1", "qty": {qty}}}]}}'

    status, reply, _ = v1("POST", "/v1/inbound-orders", body)

    assert status == 422
    assert reply["errors"][0]["field"] == "items.0.qty"


# ---------------------------------------------------------------- 5. a push that ends in a 500 is logged


def test_a_push_that_fails_inside_is_a_json_500_and_still_in_the_request_log(
    function_handler: Any, make_http_event: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the OneWarehouse connection store failing with an unexpected error
    handler = function_handler("webhooks")
    components = wiring.container()

    def broken() -> Any:
        raise RuntimeError("boom, with a secret inside")

    monkeypatch.setattr(components.connection_service, "active", broken)

    # When a push arrives
    event = make_http_event("POST", "/onewarehouse/products", json.dumps({"sku_id": "OW-1"}))
    response = handler(event)

    # Then it is a JSON 500 with the request id and no trace, and the push is on the Logs page
    request_id = event["requestContext"]["requestId"]
    body = json.loads(response["body"])
    assert response["statusCode"] == 500 and body["request_id"] == request_id
    assert "boom" not in response["body"] and "Traceback" not in response["body"]
    records = logged_with(request_id)
    assert len(records) == 1 and records[0]["response_status"] == 500
    assert "RuntimeError" in records[0]["error"] and "secret" not in records[0]["error"]


@pytest.mark.parametrize(
    argnames=("body", "content_type", "status"),
    ids=["text-plain", "nested-100000", "over-256-KiB"],
    argvalues=[
        ('{"sku_id": "OW-1"}', "text/plain", 415),
        # No active connection here: refused (401) before it is read, and logged all the same.
        ("[" * 100_000 + "]" * 100_000, "application/json", 401),
        (json.dumps({"x": "y" * 300_000}), "application/json", 413),
    ],
)
def test_a_push_refused_at_the_door_is_answered_and_logged(
    function_handler: Any, make_http_event: Any, body: str, content_type: str, status: int
) -> None:
    handler = function_handler("webhooks")
    event = make_http_event("POST", "/onewarehouse/products", body, headers={"content-type": content_type})

    response = handler(event)

    assert response["statusCode"] == status
    records = logged_with(event["requestContext"]["requestId"])
    assert [record["response_status"] for record in records] == [status]


def test_a_deeply_nested_hpk_callback_is_refused_not_a_500(
    function_handler: Any, make_http_event: Any
) -> None:
    handler = function_handler("webhooks")

    response = handler(make_http_event("POST", "/hpk/callbacks", "[" * 100_000 + "]" * 100_000))

    assert response["statusCode"] in (401, 422)


# ---------------------------------------------------------------- 11. a synchronous cancel with HPK down


@pytest.mark.parametrize(
    "failure",
    [
        TransientProxyError("HPK answered HTTP 503"),
        ProxyConfigurationError("HPK login refused for account 'demo'"),
    ],
)
def test_a_cancel_while_hpk_is_down_or_refuses_the_login_is_a_503_with_retry_after(
    v1: Any, failure: TransientVendorError | ProxyConfigurationError
) -> None:
    # Given a pushed inbound order on a proxy system that then goes down
    warehouse = FakeProxyWarehouse(SystemClock())
    wiring.override(proxy_client_factories={"HPK": FakeProxyClientFactory(warehouse)})
    seed_pushed_inbound(v1, warehouse)
    warehouse.fail_next("cancel_inbound", failure)

    # When GWMS cancels it
    status, reply, headers = v1("POST", "/v1/inbound-orders/IN-1/cancel", {"reason": "changed mind"})

    # Then it is told to try again later, never a 500
    assert status == 503, reply
    assert int(headers["Retry-After"]) > 0


def seed_pushed_inbound(v1: Any, warehouse: FakeProxyWarehouse) -> None:
    system = {
        "code": "HPK01",
        "name": "HPK",
        "system_type": "HPK",
        "api_endpoint": "http://hpk.test",
        "account": "demo",
        "password": "pw",
        "version": "5",
    }
    assert v1("POST", "/v1/proxy-systems", system)[0] == 201
    mapping = {"gwms_warehouse_code": "GW1", "virtual_putaway_location": "VP", "defective_location": "DF"}
    assert v1("PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA", mapping)[0] == 200
    assert (
        v1("PUT", "/v1/customers/C1", {"name": "Acme", "account_status": "open", "warehouse_codes": ["GW1"]})[
            0
        ]
        == 200
    )
    assert v1("PUT", "/v1/skus/G1", {"name": "Mug", "spec": "350 ml", "weight_kg": 0.4})[0] == 200
    order = {
        "order_no": "IN-1",
        "inbound_type": "purchase",
        "warehouse_code": "GW1",
        "customer_code": "C1",
        "items": [{"gsku": "G1", "qty": 5}],
    }
    status, created, _ = v1("POST", "/v1/inbound-orders", order)
    assert status == 201, created
    task_id = created["tasks"][0]["task_id"]
    wiring.container().task_engine.run_task(task_id, Trigger.DIRECT)
    assert v1("GET", "/v1/inbound-orders/IN-1")[1]["status"] == "pushed"
