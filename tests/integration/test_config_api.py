"""Configuration API through the real handler on moto: every route, validation, secrets."""

import json
from typing import Any

import boto3
import pytest

from proxyhub.settings import Settings

pytestmark = pytest.mark.integration

PASSWORD = "s3cr3t-Passw0rd!"


def proxy_system(**overrides: Any) -> dict[str, Any]:
    body = {
        "code": "HPK01",
        "name": "Hipacking test",
        "system_type": "HPK",
        "api_endpoint": "http://test.hipacking.cn",
        "account": "demo",
        "password": PASSWORD,
        "version": "5",
        "enabled": True,
    }
    return {**body, **overrides}


def test_create_proxy_system_keeps_the_password_in_secrets_manager_only(api, aws: Settings) -> None:
    # Given a new HPK system  When it is created
    status, body = api("POST", "/v1/proxy-systems", proxy_system())

    # Then the response says a password is set but never shows it
    assert status == 201
    assert body["code"] == "HPK01" and body["password_set"] is True
    assert PASSWORD not in json.dumps(body)
    secret = boto3.client("secretsmanager").get_secret_value(SecretId="test-stack/proxy-systems/HPK01")
    assert secret["SecretString"] == PASSWORD
    stored = boto3.client("dynamodb").scan(TableName=aws.config_table_name)["Items"]
    assert PASSWORD not in json.dumps(stored)


def test_read_back_list_update_and_delete_a_proxy_system(api) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())

    status, listed = api("GET", "/v1/proxy-systems")
    assert status == 200 and [item["code"] for item in listed["items"]] == ["HPK01"]

    update = {
        k: v for k, v in proxy_system(name="Renamed", enabled=False).items() if k not in ("code", "password")
    }
    status, updated = api("PUT", "/v1/proxy-systems/HPK01", update)
    assert status == 200 and updated["name"] == "Renamed" and updated["enabled"] is False

    status, fetched = api("GET", "/v1/proxy-systems/HPK01")
    assert fetched["name"] == "Renamed" and fetched["password_set"] is True

    assert api("DELETE", "/v1/proxy-systems/HPK01")[0] == 200
    assert api("GET", "/v1/proxy-systems/HPK01")[0] == 404


def test_updating_the_password_replaces_the_secret(api) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())
    update = {k: v for k, v in proxy_system(password="n3w-one").items() if k != "code"}

    status, body = api("PUT", "/v1/proxy-systems/HPK01", update)

    assert status == 200 and "n3w-one" not in json.dumps(body)
    secret = boto3.client("secretsmanager").get_secret_value(SecretId="test-stack/proxy-systems/HPK01")
    assert secret["SecretString"] == "n3w-one"


def test_duplicate_code_is_a_conflict_and_keeps_the_first_password(api) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())

    status, body = api("POST", "/v1/proxy-systems", proxy_system(password="other"))

    assert status == 409 and "already exists" in body["message"]
    secret = boto3.client("secretsmanager").get_secret_value(SecretId="test-stack/proxy-systems/HPK01")
    assert secret["SecretString"] == PASSWORD


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"version": "4"}, "version"),
        ({"system_type": "WMS9"}, "system_type"),
        ({"api_endpoint": "not a url"}, "api_endpoint"),
        ({"code": ""}, "code"),
        ({"password": None}, "password"),
    ],
)
def test_bad_proxy_system_input_is_422_naming_the_field_and_writes_nothing(
    api, aws: Settings, overrides: dict[str, Any], field: str
) -> None:
    status, body = api("POST", "/v1/proxy-systems", proxy_system(**overrides))

    assert status == 422
    assert field in [error["field"] for error in body["errors"]]
    assert field in body["message"]
    assert boto3.client("dynamodb").scan(TableName=aws.config_table_name)["Items"] == []
    assert boto3.client("secretsmanager").list_secrets()["SecretList"] == []


def test_missing_field_and_malformed_json_are_422(api) -> None:
    body = proxy_system()
    del body["account"]
    status, response = api("POST", "/v1/proxy-systems", body)
    assert status == 422 and response["errors"][0]["field"] == "account"

    status, response = api("POST", "/v1/proxy-systems", "{not json")
    assert status == 422 and response["message"].startswith("Invalid request")


def test_password_never_appears_in_logs(api, capsys: pytest.CaptureFixture[str]) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())
    api("GET", "/v1/proxy-systems/HPK01")
    api("POST", "/v1/proxy-systems", proxy_system())

    captured = capsys.readouterr()
    assert PASSWORD not in captured.out + captured.err


def test_complete_and_incomplete_warehouse_mappings(api) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())
    complete = {
        "gwms_warehouse_code": "GW-LA",
        "virtual_putaway_location": "HPK-VPA",
        "defective_location": "HPK-DEF",
    }

    status, mapping = api("PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1", complete)
    assert status == 200 and mapping["complete"] is True and mapping["missing"] == []

    status, partial = api(
        "PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-NJ1", {"gwms_warehouse_code": "GW-NJ"}
    )
    assert status == 200 and partial["complete"] is False
    assert partial["missing"] == ["virtual_putaway_location", "defective_location"]

    status, listed = api("GET", "/v1/proxy-systems/HPK01/warehouse-mappings")
    assert sorted(item["proxy_warehouse_code"] for item in listed["items"]) == ["HPK-LA1", "HPK-NJ1"]
    status, fetched = api("GET", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1")
    assert fetched["virtual_putaway_location"] == "HPK-VPA"


def test_a_gwms_warehouse_maps_to_at_most_one_proxy_warehouse(api) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())
    api("PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1", {"gwms_warehouse_code": "GW-LA"})

    status, body = api(
        "PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA2", {"gwms_warehouse_code": "GW-LA"}
    )
    assert status == 409 and "GW-LA" in body["message"]
    assert api("GET", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA2")[0] == 404

    # Moving the first mapping to another GWMS warehouse frees GW-LA for the second one.
    api("PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1", {"gwms_warehouse_code": "GW-SF"})
    status, _ = api(
        "PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA2", {"gwms_warehouse_code": "GW-LA"}
    )
    assert status == 200


def test_deleting_a_mapping_frees_its_gwms_warehouse_and_the_system_needs_no_mappings_to_go(api) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())
    api("PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1", {"gwms_warehouse_code": "GW-LA"})

    status, body = api("DELETE", "/v1/proxy-systems/HPK01")
    assert status == 409 and "mappings" in body["message"]

    assert api("DELETE", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1")[0] == 200
    assert api("DELETE", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1")[0] == 404
    assert api("DELETE", "/v1/proxy-systems/HPK01")[0] == 200


def test_mappings_need_an_existing_proxy_system(api) -> None:
    status, body = api("PUT", "/v1/proxy-systems/NOPE/warehouse-mappings/X", {"gwms_warehouse_code": "GW-LA"})
    assert status == 404 and "NOPE" in body["message"]
    status, _ = api("PUT", "/v1/proxy-systems/NOPE/channel-mappings/UPS", {"proxy_channel_code": "HPK-UPS"})
    assert status == 404


def test_channel_mappings(api) -> None:
    api("POST", "/v1/proxy-systems", proxy_system())

    status, mapping = api(
        "PUT", "/v1/proxy-systems/HPK01/channel-mappings/UPS-GROUND", {"proxy_channel_code": "UPSG"}
    )
    assert status == 200 and mapping["proxy_channel_code"] == "UPSG"
    assert (
        api("GET", "/v1/proxy-systems/HPK01/channel-mappings/UPS-GROUND")[1]["proxy_channel_code"] == "UPSG"
    )
    assert len(api("GET", "/v1/proxy-systems/HPK01/channel-mappings")[1]["items"]) == 1
    assert api("DELETE", "/v1/proxy-systems/HPK01/channel-mappings/UPS-GROUND")[0] == 200
    assert api("GET", "/v1/proxy-systems/HPK01/channel-mappings/UPS-GROUND")[0] == 404


def test_sku_master_data_allows_missing_fields_but_not_bad_ones(api) -> None:
    status, sku = api("PUT", "/v1/skus/GSKU-1", {"name": "Mug", "weight_kg": 0.4, "customer_code": "C1"})
    assert status == 200 and sku["gsku"] == "GSKU-1" and sku["spec"] is None
    assert api("GET", "/v1/skus/GSKU-1")[1]["name"] == "Mug"

    status, body = api("PUT", "/v1/skus/GSKU-2", {"weight_kg": -1})
    assert status == 422 and body["errors"][0]["field"] == "weight_kg"
    assert api("GET", "/v1/skus/GSKU-2")[0] == 404


def test_customers(api) -> None:
    customer = {"name": "Acme", "account_status": "open", "warehouse_codes": ["GW-LA"]}
    status, body = api("PUT", "/v1/customers/C1", customer)
    assert status == 200 and body["warehouse_codes"] == ["GW-LA"]
    assert api("GET", "/v1/customers/C1")[1]["account_status"] == "open"

    status, body = api("PUT", "/v1/customers/C1", {**customer, "account_status": "frozen"})
    assert status == 422 and body["errors"][0]["field"] == "account_status"
    assert api("GET", "/v1/customers/NOPE")[0] == 404


def test_openapi_document_lists_the_routes(api) -> None:
    status, document = api("GET", "/v1/openapi.json")
    assert status == 200
    assert "/v1/proxy-systems/{code}/warehouse-mappings/{proxy_warehouse_code}" in document["paths"]
    assert "password" not in document["components"]["schemas"]["ProxySystem"]["properties"]


def test_unknown_route_is_a_json_404(api) -> None:
    status, body = api("GET", "/v1/nothing-here")
    assert status == 404 and body["message"]
