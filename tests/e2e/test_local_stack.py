"""The local stack over HTTP: template routes on 127.0.0.1, real handlers, moto behind them."""

from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest

from proxyhub_dev.local.auth import GwmsSigner
from proxyhub_dev.local.gateway import HttpRequest, RouteTable, build_http_api_event, http_response_from
from proxyhub_dev.local.runner import LocalServices, run_local_stack
from proxyhub_dev.local.template import HttpRoute, SamTemplate

pytestmark = pytest.mark.e2e

PASSWORD = "demo-secret"


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    with run_local_stack(hpk_port=0) as running:
        yield running


@pytest.fixture(scope="module")
def api(services: LocalServices) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=services.api_url, timeout=30, auth=GwmsSigner(services.gwms)) as client:
        yield client


@pytest.fixture(scope="module")
def proxy_system(api: httpx.Client, services: LocalServices) -> dict[str, Any]:
    """An HPK system pointing at the local HPK simulator, created once for the module."""
    body = {
        "code": "HPK-LOCAL",
        "name": "Local HPK",
        "system_type": "HPK",
        "api_endpoint": services.hpk_url,
        "account": "demo",
        "password": PASSWORD,
        "version": "5",
        "enabled": True,
    }
    response = api.post("/v1/proxy-systems", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_openapi_document_is_served(api: httpx.Client) -> None:
    response = api.get("/v1/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "/v1/proxy-systems" in response.json()["paths"]


def test_a_created_proxy_system_never_shows_its_password(
    proxy_system: dict[str, Any], api: httpx.Client
) -> None:
    assert proxy_system["code"] == "HPK-LOCAL" and proxy_system["password_set"] is True
    assert "password" not in proxy_system and PASSWORD not in str(proxy_system)

    fetched = api.get("/v1/proxy-systems/HPK-LOCAL")

    assert fetched.status_code == 200
    assert fetched.json() == proxy_system
    assert [item["code"] for item in api.get("/v1/proxy-systems").json()["items"]] == ["HPK-LOCAL"]


def test_the_password_lives_in_the_stacks_secrets(proxy_system: dict[str, Any]) -> None:
    # The test process's environment points at moto while the stack runs.
    secret = boto3.client("secretsmanager").get_secret_value(SecretId="proxy-hub/proxy-systems/HPK-LOCAL")

    assert secret["SecretString"] == PASSWORD


def test_warehouse_mappings_report_whether_they_are_complete(
    proxy_system: dict[str, Any], api: httpx.Client
) -> None:
    complete = api.put(
        "/v1/proxy-systems/HPK-LOCAL/warehouse-mappings/SZ01",
        json={
            "gwms_warehouse_code": "GW-SZ",
            "virtual_putaway_location": "VP-01",
            "defective_location": "DF-01",
        },
    )
    incomplete = api.put(
        "/v1/proxy-systems/HPK-LOCAL/warehouse-mappings/SZ02", json={"gwms_warehouse_code": "GW-SZ2"}
    )

    assert complete.status_code == 200 and complete.json()["complete"] is True
    assert incomplete.status_code == 200 and incomplete.json()["complete"] is False
    assert incomplete.json()["missing"] == ["virtual_putaway_location", "defective_location"]
    listed = api.get("/v1/proxy-systems/HPK-LOCAL/warehouse-mappings").json()["items"]
    assert sorted(item["proxy_warehouse_code"] for item in listed) == ["SZ01", "SZ02"]


def test_a_channel_mapping_is_stored_and_read_back(proxy_system: dict[str, Any], api: httpx.Client) -> None:
    put = api.put(
        "/v1/proxy-systems/HPK-LOCAL/channel-mappings/UPS-GROUND", json={"proxy_channel_code": "UPSG"}
    )

    assert put.status_code == 200
    fetched = api.get("/v1/proxy-systems/HPK-LOCAL/channel-mappings/UPS-GROUND")
    assert fetched.json()["proxy_channel_code"] == "UPSG"


def test_customers_and_skus_are_stored_and_read_back(api: httpx.Client) -> None:
    customer = {"name": "Acme", "account_status": "open", "warehouse_codes": ["GW-SZ"]}
    sku = {"name": "Ceramic mug", "spec": "350 ml", "weight_kg": 0.4, "customer_code": "C-ACME"}

    assert api.put("/v1/customers/C-ACME", json=customer).status_code == 200
    assert api.put("/v1/skus/GSKU-1", json=sku).status_code == 200

    assert api.get("/v1/customers/C-ACME").json()["warehouse_codes"] == ["GW-SZ"]
    assert api.get("/v1/skus/GSKU-1").json()["weight_kg"] == 0.4


def test_validation_errors_come_back_from_the_handler(api: httpx.Client) -> None:
    response = api.put("/v1/customers/C-BAD", json={"name": "Bad", "account_status": "maybe"})

    assert response.status_code == 422


def test_routes_the_template_does_not_declare_are_not_found(api: httpx.Client) -> None:
    unknown_path = api.get("/v1/nothing-here")
    unknown_method = api.patch("/v1/proxy-systems/HPK-LOCAL", json={})

    assert unknown_path.status_code == 404 and unknown_path.json() == {"message": "Not Found"}
    assert unknown_method.status_code == 404 and unknown_method.json() == {"message": "Not Found"}


def test_the_hpk_simulator_runs_beside_the_stack(services: LocalServices) -> None:
    assert services.hpk_url is not None and services.hpk_url.startswith("http://127.0.0.1:")


# ---------------------------------------------------------------- the gateway's API Gateway rules


def test_the_most_specific_template_route_wins() -> None:
    template_routes = SamTemplate.load().http_routes()
    routes = RouteTable(route for route in template_routes if route.api_id == "HttpApi")

    by_path = routes.match("GET", "/v1/proxy-systems/HPK01/warehouse-mappings/SZ01")

    assert by_path is not None
    route, parameters = by_path
    assert route.route_key == "GET /v1/proxy-systems/{code}/warehouse-mappings/{proxy_warehouse_code}"
    assert parameters == {"code": "HPK01", "proxy_warehouse_code": "SZ01"}
    assert routes.match("POST", "/v1/openapi.json") is None
    # The operators' door sends every /v1 path to the function, which answers unknown ones itself.
    operator_routes = RouteTable(route for route in template_routes if route.api_id == "OperatorApi")
    matched = operator_routes.match("POST", "/v1/openapi.json")
    assert matched is not None and matched[0].route_key == "ANY /v1/{proxy+}"


def test_literal_segments_beat_parameters_and_greedy_paths_come_last() -> None:
    files = HttpRoute("ANY", "/files/{path+}", "Files", public=False)
    item = HttpRoute("GET", "/items/{item_id}", "Items", public=False)
    overview = HttpRoute("GET", "/items/overview", "Overview", public=True)
    routes = RouteTable([files, item, overview])

    assert routes.match("GET", "/items/overview") == (overview, {})
    assert routes.match("GET", "/items/42") == (item, {"item_id": "42"})
    assert routes.match("DELETE", "/files/a/b.txt") == (files, {"path": "a/b.txt"})


def test_requests_become_payload_2_events() -> None:
    request = HttpRequest(
        method="PUT",
        target="/v1/skus/G1?tag=a&tag=b&empty=",
        headers=[
            ("Host", "127.0.0.1:3000"),
            ("Content-Type", "application/json"),
            ("X-Trace", "1"),
            ("x-trace", "2"),
            ("Cookie", "a=1; b=2"),
            ("User-Agent", "pytest"),
        ],
        body=b'{"name": "mug"}',
        source_ip="127.0.0.1",
    )
    route = HttpRoute("PUT", "/v1/skus/{gsku}", "ApiFunction", public=False)

    event = build_http_api_event(request, route, {"gsku": "G1"}, "127.0.0.1:3000")

    assert event["version"] == "2.0" and event["routeKey"] == "PUT /v1/skus/{gsku}"
    assert event["rawPath"] == "/v1/skus/G1" and event["rawQueryString"] == "tag=a&tag=b&empty="
    assert event["queryStringParameters"] == {"tag": "a,b", "empty": ""}
    assert event["pathParameters"] == {"gsku": "G1"}
    assert event["headers"]["x-trace"] == "1,2" and "cookie" not in event["headers"]
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["body"] == '{"name": "mug"}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"] == {
        "method": "PUT",
        "path": "/v1/skus/G1",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "pytest",
    }
    assert context["stage"] == "$default" and context["routeKey"] == event["routeKey"]
    assert context["authorizer"]["iam"]["accountId"] == context["accountId"]


def test_binary_bodies_are_base64_encoded_and_public_routes_have_no_caller() -> None:
    request = HttpRequest(
        "POST", "/hook", [("Content-Type", "application/octet-stream")], b"\x00\xff", "127.0.0.1"
    )

    event = build_http_api_event(request, HttpRoute("POST", "/hook", "Hook", public=True), {}, "localhost")

    assert event["isBase64Encoded"] is True and event["body"] == "AP8="
    assert "authorizer" not in event["requestContext"]


def test_handler_results_become_http_responses() -> None:
    full = http_response_from(
        {
            "statusCode": 201,
            "headers": {"x-a": "1"},
            "cookies": ["s=1"],
            "body": "aGk=",
            "isBase64Encoded": True,
        }
    )
    inferred = http_response_from({"ok": True})

    assert (full.status, full.body) == (201, b"hi")
    assert ("x-a", "1") in full.headers and ("set-cookie", "s=1") in full.headers
    assert (inferred.status, inferred.body) == (200, b'{"ok": true}')
