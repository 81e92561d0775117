"""OneWarehouse connections through the real API handler on moto: secrets write-only, one active."""

import json
from typing import Any

import boto3
import pytest

from proxyhub import wiring
from proxyhub.settings import Settings

pytestmark = pytest.mark.integration

SANDBOX: dict[str, Any] = {
    "app_key": "ow-sandbox-key",
    "app_secret": "sandbox-app-secret-value",
    "callback_key": "sandbox-callback-key-value",
    "api_base_url": "https://sandbox.onewarehouse.example/",
    "verify_mode": "log",
    "allowed_ips": ["203.0.113.0/24", "198.51.100.7"],
    "owner_map": {"OWNER-1": "C-ACME"},
    "warehouse_map": {"OW-BKK": "GW-BKK"},
    "active": True,
}
PRODUCTION: dict[str, Any] = {
    **SANDBOX,
    "app_key": "ow-production-key",
    "app_secret": "production-app-secret-value",
    "callback_key": "production-callback-key-value",
    "api_base_url": "https://api.onewarehouse.example",
    "verify_mode": "enforce",
    "active": False,
}
SECRET_VALUES = (
    SANDBOX["app_secret"],
    SANDBOX["callback_key"],
    PRODUCTION["app_secret"],
    PRODUCTION["callback_key"],
)
PATH = "/v1/onewarehouse/connections/{}"


def put(api: Any, environment: str, body: dict[str, Any]) -> tuple[int, Any]:
    return api("PUT", PATH.format(environment), body)


def test_a_connection_is_stored_with_its_secrets_in_secrets_manager_only(api, aws: Settings) -> None:
    # When an operator configures the sandbox connection
    status, body = put(api, "sandbox", SANDBOX)

    # Then the answer shows the connection but only that the secrets are set
    assert status == 200, body
    assert body["environment"] == "sandbox"
    assert body["api_base_url"] == "https://sandbox.onewarehouse.example"
    assert (body["app_secret_set"], body["callback_key_set"], body["active"]) == (True, True, True)
    assert body["owner_map"] == {"OWNER-1": "C-ACME"}
    assert not any(secret in json.dumps(body) for secret in SECRET_VALUES)
    # And the secrets are in Secrets Manager under the stack's prefix, not in the config table
    secrets = boto3.client("secretsmanager")
    stored = secrets.get_secret_value(SecretId="test-stack/onewarehouse/sandbox-app-secret")
    assert stored["SecretString"] == SANDBOX["app_secret"]
    table = json.dumps(boto3.client("dynamodb").scan(TableName=aws.config_table_name)["Items"])
    assert not any(secret in table for secret in SECRET_VALUES)
    # And GET shows the same, still without secrets
    status, fetched = api("GET", PATH.format("sandbox"))
    assert (status, fetched) == (200, body)


def test_switching_to_production_only_changes_which_connection_is_active(api) -> None:
    # Given an active sandbox connection and an inactive production one
    put(api, "sandbox", SANDBOX)
    put(api, "production", PRODUCTION)
    assert api("GET", PATH.format("sandbox"))[1]["active"] is True

    # When production is activated, without resending its secrets
    update = {key: value for key, value in PRODUCTION.items() if key not in ("app_secret", "callback_key")}
    status, production = put(api, "production", {**update, "active": True})

    # Then production is the one active connection, and sandbox is otherwise unchanged
    assert status == 200, production
    assert production["active"] is True
    sandbox = api("GET", PATH.format("sandbox"))[1]
    assert sandbox["active"] is False
    assert sandbox["app_key"] == "ow-sandbox-key"
    # And the production secrets kept their values
    connection = wiring.container().connection_service.callback_connection("production")
    assert connection.callback_key == PRODUCTION["callback_key"]
    assert connection.system_code == "ONEWAREHOUSE-production"


def test_a_new_connection_needs_both_secrets(api) -> None:
    body = {key: value for key, value in SANDBOX.items() if key != "callback_key"}

    status, answer = put(api, "sandbox", body)

    assert status == 422
    assert answer["errors"] == [
        {"field": "callback_key", "message": "callback_key is required for a new connection"}
    ]
    assert api("GET", PATH.format("sandbox"))[0] == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"verify_mode": "sometimes"}, "verify_mode"),
        ({"allowed_ips": ["not-an-ip"]}, "allowed_ips"),
        ({"api_base_url": "ftp://example.com"}, "api_base_url"),
        ({"app_secret": ""}, "app_secret"),
    ],
)
def test_invalid_connections_are_refused_naming_the_field(api, change: dict[str, Any], field: str) -> None:
    status, answer = put(api, "sandbox", {**SANDBOX, **change})

    assert status == 422
    assert [error["field"] for error in answer["errors"]] == [field]
    assert not any(secret in json.dumps(answer) for secret in SECRET_VALUES)


def test_only_sandbox_and_production_exist(api) -> None:
    status, _ = put(api, "staging", SANDBOX)

    assert status == 422


def test_deactivating_the_active_connection_leaves_none_active(api) -> None:
    put(api, "sandbox", SANDBOX)

    put(api, "sandbox", {**SANDBOX, "active": False})

    assert api("GET", PATH.format("sandbox"))[1]["active"] is False
    assert wiring.container().connection_service.active() is None


def test_the_push_urls_are_on_the_address_the_api_was_called_on(api: Any) -> None:
    status, body = api("GET", "/v1/onewarehouse/push-urls")

    assert status == 200
    urls = {item["topic"]: item["url"] for item in body["items"]}
    base = "https://api.example.com/onewarehouse"
    assert urls == {
        "products": f"{base}/products",
        "purchase_inbound": f"{base}/purchase-inbound",
        "return_inbound": f"{base}/return-inbound",
        "inbound_cancel": f"{base}/inbound-cancel",
        "outbound": f"{base}/outbound",
        "outbound_cancel": f"{base}/outbound-cancel",
    }


def test_a_custom_webhook_domain_replaces_the_api_address(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_BASE_URL", "https://hooks.example.com")
    wiring.reset()

    _, body = api("GET", "/v1/onewarehouse/push-urls")

    assert body["items"][0]["url"] == "https://hooks.example.com/onewarehouse/products"
