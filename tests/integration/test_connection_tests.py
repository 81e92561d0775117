"""Test connection through the real API handler on moto, against the HPK and OneWarehouse simulators
over 127.0.0.1: a wrong secret is named as a configuration error, the right one connects."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from proxyhub_dev.simulators.hpk import DEFAULT_ACCOUNT, DEFAULT_PASSWORD, HpkSimulator
from proxyhub_dev.simulators.onewarehouse import (
    DEFAULT_APP_KEY,
    DEFAULT_APP_SECRET,
    DEFAULT_CALLBACK_KEY,
    OneWarehouseSimulator,
)

pytestmark = pytest.mark.integration

ApiCall = Callable[..., tuple[int, Any]]
SYSTEM, PROXY_WAREHOUSE = "HPK01", "HPK-LA1"
WRONG_PASSWORD = "not-the-password-9"


@pytest.fixture
def hpk() -> Iterator[HpkSimulator]:
    with HpkSimulator(host="127.0.0.1", port=0) as simulator:
        yield simulator


@pytest.fixture
def onewarehouse() -> Iterator[OneWarehouseSimulator]:
    with OneWarehouseSimulator(host="127.0.0.1", port=0) as simulator:
        yield simulator


def hpk_system(hpk: HpkSimulator, password: str) -> dict[str, Any]:
    return {
        "code": SYSTEM,
        "name": "Hipacking",
        "system_type": "HPK",
        "api_endpoint": hpk.base_url,
        "account": DEFAULT_ACCOUNT,
        "password": password,
        "version": "5",
    }


def configure_hpk(api: ApiCall, hpk: HpkSimulator, password: str) -> None:
    assert api("POST", "/v1/proxy-systems", hpk_system(hpk, password))[0] == 201
    mapping = {"gwms_warehouse_code": "GW-LA", "virtual_putaway_location": "VPA", "defective_location": "DEF"}
    assert api("PUT", f"/v1/proxy-systems/{SYSTEM}/warehouse-mappings/{PROXY_WAREHOUSE}", mapping)[0] == 200


def test_hpk_with_a_wrong_password_then_the_right_one(api: ApiCall, hpk: HpkSimulator) -> None:
    hpk.control.seed_inventory(
        PROXY_WAREHOUSE,
        [
            {
                "sku": "SKU-1",
                "inventory_type": "QUALIFIED",
                "inbound_no": "HPKI-1",
                "reference_no": "IB-1",
                "inbound_at": "2026-05-01T09:30:00Z",
                "available_qty": 5,
                "locked_qty": 1,
            }
        ],
    )
    configure_hpk(api, hpk, WRONG_PASSWORD)

    # When the operator tests a system whose password HPK refuses
    status, refused = api("POST", f"/v1/proxy-systems/{SYSTEM}/test-connection")

    # Then the test ran and says what to fix, with the login exchange from the request log
    assert status == 200, refused
    assert refused["ok"] is False
    assert refused["message"].startswith("System configuration error: ")
    assert [log["api_name"] for log in refused["request_logs"]] == ["auth/token"]
    assert WRONG_PASSWORD not in json.dumps(refused)
    _, logs = api("GET", "/v1/request-logs", query={"system_code": SYSTEM})
    assert [log["log_id"] for log in logs["items"]] == [log["log_id"] for log in refused["request_logs"]]

    # When the password is corrected, the test logs in and reads one inventory page
    corrected = {k: v for k, v in hpk_system(hpk, DEFAULT_PASSWORD).items() if k != "code"}
    status, updated = api("PUT", f"/v1/proxy-systems/{SYSTEM}", corrected)
    assert status == 200, updated
    status, connected = api("POST", f"/v1/proxy-systems/{SYSTEM}/test-connection")

    assert status == 200, connected
    assert connected == {
        "ok": True,
        "message": f"Connected: read one inventory page of {PROXY_WAREHOUSE} (1 inventory records in all)",
        "request_logs": connected["request_logs"],
    }
    assert [log["response_status"] for log in connected["request_logs"]] == [200, 200]
    assert DEFAULT_PASSWORD not in json.dumps(connected)


def test_a_named_warehouse_an_unmapped_system_and_an_unknown_one(api: ApiCall, hpk: HpkSimulator) -> None:
    configure_hpk(api, hpk, DEFAULT_PASSWORD)
    body = {"proxy_warehouse_code": "HPK-EMPTY"}

    status, result = api("POST", f"/v1/proxy-systems/{SYSTEM}/test-connection", body)
    assert (status, result["ok"]) == (200, True), result
    assert result["message"] == "Connected: read one inventory page of HPK-EMPTY (0 inventory records in all)"

    assert api("DELETE", f"/v1/proxy-systems/{SYSTEM}/warehouse-mappings/{PROXY_WAREHOUSE}")[0] == 200
    status, unmapped = api("POST", f"/v1/proxy-systems/{SYSTEM}/test-connection")
    assert status == 409 and "no warehouse mapping" in unmapped["message"]
    assert api("POST", "/v1/proxy-systems/NOPE/test-connection")[0] == 404
    assert (
        api("POST", f"/v1/proxy-systems/{SYSTEM}/test-connection", {"proxy_warehouse_code": "a b"})[0] == 422
    )


def test_onewarehouse_with_a_wrong_callback_key_then_the_right_one(
    api: ApiCall, onewarehouse: OneWarehouseSimulator
) -> None:
    connection = {
        "app_key": DEFAULT_APP_KEY,
        "app_secret": DEFAULT_APP_SECRET,
        "callback_key": "not-the-callback-key",
        "api_base_url": onewarehouse.base_url,
        "active": True,
    }
    assert api("PUT", "/v1/onewarehouse/connections/sandbox", connection)[0] == 200

    status, refused = api("POST", "/v1/onewarehouse/connections/sandbox/test-connection")

    assert status == 200, refused
    assert refused["ok"] is False
    assert refused["message"].startswith("System configuration error: OneWarehouse refused our signature")
    assert len(refused["request_logs"]) == 1
    assert "not-the-callback-key" not in json.dumps(refused)

    fixed = {**connection, "callback_key": DEFAULT_CALLBACK_KEY}
    assert api("PUT", "/v1/onewarehouse/connections/sandbox", fixed)[0] == 200
    status, connected = api("POST", "/v1/onewarehouse/connections/sandbox/test-connection")

    assert (status, connected["ok"], connected["message"]) == (
        200,
        True,
        "Connected: OneWarehouse accepted our signed call",
    )
    # And the probe changed nothing on OneWarehouse's side
    assert onewarehouse.control.state()["outbounds_known"] == []
    assert api("POST", "/v1/onewarehouse/connections/production/test-connection")[0] == 404
