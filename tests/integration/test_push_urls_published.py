"""The console's OneWarehouse page and the stack's outputs hand out the same six push URLs: the API
function reads the GWMS API's address the stack publishes in SSM, whichever door it is called through."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from samtranslator.yaml_helper import yaml_parse

from proxyhub import wiring
from proxyhub.settings import Settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PARAMETER = "/test-stack/webhook-base-url"
GWMS_API = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"


def through_the_operators_door(event: dict[str, Any]) -> dict[str, Any]:
    """As CloudFront forwards the console's call: to the operator API, with an operator's token."""
    operator_door = json.loads((ROOT / "events" / "operator_door_tasks_list.json").read_text())[
        "requestContext"
    ]
    event["requestContext"]["authorizer"] = operator_door["authorizer"]
    event["requestContext"]["domainName"] = "o9p8q7r6s5.execute-api.us-east-1.amazonaws.com"
    event["routeKey"] = "ANY /v1/{proxy+}"
    return event


def test_the_push_urls_are_the_stack_outputs_even_through_the_operators_door(
    aws: Settings,
    api_handler: Callable[[dict[str, Any]], dict[str, Any]],
    make_http_event: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the stack's published address of the GWMS API
    boto3.client("ssm").put_parameter(Name=PARAMETER, Value=GWMS_API, Type="String")
    monkeypatch.setenv("WEBHOOK_BASE_URL_PARAMETER", PARAMETER)
    wiring.reset()

    # When the console asks for the push URLs (through the operator API, another host)
    response = api_handler(through_the_operators_door(make_http_event("GET", "/v1/onewarehouse/push-urls")))

    # Then they are on the GWMS API, exactly the stack's six OneWarehouse…PushUrl outputs
    assert response["statusCode"] == 200, response["body"]
    served = sorted(item["url"] for item in json.loads(response["body"])["items"])
    outputs = yaml_parse((ROOT / "template.yaml").read_text())["Outputs"]
    expected = sorted(
        output["Value"]["Fn::Sub"].replace(
            "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}", GWMS_API
        )
        for name, output in outputs.items()
        if name.startswith("OneWarehouse") and name.endswith("PushUrl")
    )
    assert served == expected and len(served) == 6


def test_without_a_published_address_the_urls_are_on_the_address_called(
    aws: Settings,
    api_handler: Callable[[dict[str, Any]], dict[str, Any]],
    make_http_event: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The local stack: one gateway is both doors, and the parameter's value names no deployed API.
    monkeypatch.setenv("WEBHOOK_BASE_URL_PARAMETER", PARAMETER)
    wiring.reset()

    response = api_handler(make_http_event("GET", "/v1/onewarehouse/push-urls"))

    urls = [item["url"] for item in json.loads(response["body"])["items"]]
    assert urls[0] == "https://api.example.com/onewarehouse/products"
