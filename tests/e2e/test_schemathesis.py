"""Schemathesis over /v1/openapi.json on the local stack: no server error, responses as documented.

Bounded for CI (a few examples per operation, derandomized so a run is reproducible); seeded ids make
some of the generated paths hit real resources. Every call is signed as GWMS (the IAM door)."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from proxyhub_dev.local.auth import GwmsSigner
from proxyhub_dev.local.runner import LocalServices, run_local_stack

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    with run_local_stack(hpk_port=0, onewarehouse_port=None) as running:
        yield running


@pytest.fixture(scope="module")
def client(services: LocalServices) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=services.api_url, timeout=30, auth=GwmsSigner(services.gwms)) as signed:
        seed(signed, services)
        yield signed


def seed(api: httpx.Client, services: LocalServices) -> None:
    system = {
        "code": "HPK01",
        "name": "HPK",
        "system_type": "HPK",
        "api_endpoint": services.hpk_url,
        "account": "demo",
        "password": "demo-secret",
        "version": "5",
    }
    assert api.post("/v1/proxy-systems", json=system).status_code == 201
    mapping = {"gwms_warehouse_code": "GW1", "virtual_putaway_location": "VP1", "defective_location": "DF1"}
    assert api.put("/v1/proxy-systems/HPK01/warehouse-mappings/A", json=mapping).status_code == 200
    assert api.put("/v1/customers/A", json={"name": "Acme", "account_status": "open"}).status_code == 200
    assert api.put("/v1/skus/A", json={"name": "Mug", "spec": "350 ml", "weight_kg": 0.4}).status_code == 200


@pytest.fixture(scope="module")
def openapi(client: httpx.Client) -> Any:
    document = client.get("/v1/openapi.json").json()
    return schemathesis.openapi.from_dict(document)


schema = schemathesis.pytest.from_fixture("openapi")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_responses_as_documented(case: Any, client: httpx.Client) -> None:
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url).rstrip("/"))
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        body["content"] = kwargs["data"] if isinstance(kwargs["data"], bytes | str) else str(kwargs["data"])
    response = client.request(
        kwargs["method"], kwargs["url"], headers=kwargs.get("headers"), params=kwargs.get("params"), **body
    )
    case.validate_response(response, checks=CHECKS)
