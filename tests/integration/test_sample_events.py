"""events/ holds a sample event for every HTTP route of the template, and each one really works."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration

CONFIG_FLOW = [
    "proxy_system_create",
    "proxy_system_get",
    "proxy_system_list",
    "proxy_system_update",
    "warehouse_mapping_put",
    "warehouse_mapping_get",
    "warehouse_mapping_list",
    "channel_mapping_put",
    "channel_mapping_get",
    "channel_mapping_list",
    "sku_put",
    "sku_get",
    "customer_put",
    "customer_get",
    "openapi",
    "channel_mapping_delete",
    "warehouse_mapping_delete",
    "proxy_system_delete",
]


def template_route_keys() -> set[str]:
    keys = set()
    resources = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]
    for resource in resources.values():
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event["Type"] == "HttpApi":
                keys.add(f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}")
    return keys


def sample_events() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in sorted((ROOT / "events").glob("*.json"))}


def test_every_template_route_has_a_sample_event() -> None:
    covered = {event.get("routeKey") for event in sample_events().values()}
    assert template_route_keys() - covered == set()


def test_the_configuration_sample_events_replay_successfully_in_order(
    api_handler: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    events = sample_events()
    for name in CONFIG_FLOW:
        response = api_handler(events[name])
        assert 200 <= response["statusCode"] < 300, (name, response["body"])


def test_sample_events_are_what_api_gateway_sends() -> None:
    for name, event in sample_events().items():
        assert event["version"] == "2.0", name
        method = event["routeKey"].split(" ", 1)[0]
        assert method in (event["requestContext"]["http"]["method"], "ANY"), name
        assert event["requestContext"]["routeKey"] == event["routeKey"] or name == "api_base", name
