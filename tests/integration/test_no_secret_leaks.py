"""Unique secrets seeded everywhere a secret goes in (the proxy system's password, HPK's tokens, the
HPK callback secret and its signatures), then every captured log line, every API response and every
request-log record is searched for them: none may appear."""

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from proxyhub import wiring
from proxyhub.adapters.hpk.signing import signed_callback_headers
from proxyhub.models.tasks import Trigger
from proxyhub_dev.simulators.hpk import HpkSimulator

pytestmark = pytest.mark.integration


def test_no_secret_shows_in_logs_responses_or_request_logs(
    api_handler: Callable[[dict[str, Any]], dict[str, Any]],
    function_handler: Any,
    make_http_event: Any,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    password = f"pw-{secrets.token_hex(12)}"
    callback_secret = f"cb-{secrets.token_hex(12)}"
    boto3.client("secretsmanager").create_secret(Name="test-stack/hpk/cb", SecretString=callback_secret)
    monkeypatch.setenv("HPK_CALLBACK_SECRET_NAME", "test-stack/hpk/cb")
    wiring.reset()
    responses: list[str] = []

    def call(method: str, path: str, body: Any = None) -> Any:
        response = api_handler(make_http_event(method, path, body))
        responses.append(json.dumps(response))
        return json.loads(response["body"]) if response.get("body") else None

    with HpkSimulator(password=password) as hpk:
        # Given a proxy system whose password, HPK tokens and callback secret are all unique
        call("POST", "/v1/proxy-systems", proxy_system(hpk.base_url, password))
        mapping = {"gwms_warehouse_code": "GW1", "virtual_putaway_location": "VP", "defective_location": "DF"}
        call("PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA", mapping)
        call(
            "PUT", "/v1/customers/C1", {"name": "Acme", "account_status": "open", "warehouse_codes": ["GW1"]}
        )
        call("PUT", "/v1/skus/G1", {"name": "Mug", "spec": "350 ml", "weight_kg": 0.4})
        order = {
            "order_no": "IN-1",
            "inbound_type": "purchase",
            "warehouse_code": "GW1",
            "customer_code": "C1",
            "items": [{"gsku": "G1", "qty": 3}],
        }
        task_id = call("POST", "/v1/inbound-orders", order)["tasks"][0]["task_id"]

        # When the order is pushed, HPK completes it, a signed callback arrives, and the task finishes
        engine = wiring.container().task_engine
        engine.run_task(task_id, Trigger.DIRECT)
        proxy_no = call("GET", "/v1/inbound-orders/IN-1")["proxy_order_no"]
        hpk.control.complete_inbound(proxy_no)
        raw = json.dumps({"event": "INBOUND_COMPLETED", "inbound_no": proxy_no, "reference_no": "IN-1"})
        headers = signed_callback_headers(callback_secret, raw.encode(), datetime.now(UTC))
        webhook = function_handler("webhooks")
        answered = webhook(make_http_event("POST", "/hpk/callbacks", raw, headers=headers))
        responses.append(json.dumps(answered))
        assert answered["statusCode"] == 202
        engine.run_task(task_id, Trigger.CALLBACK)
        call("GET", f"/v1/tasks/{task_id}")
        call("GET", f"/v1/tasks/{task_id}/request-logs")
        call("GET", "/v1/proxy-systems/HPK01")
        tokens = list(hpk._tokens)

    # Then no secret is anywhere we looked
    captured = capfd.readouterr()
    table = boto3.resource("dynamodb").Table(wiring.container().settings.request_logs_table_name)
    request_logs = json.dumps(table.scan()["Items"], default=str)
    haystacks = {
        "logs": captured.out + captured.err,
        "responses": "\n".join(responses),
        "request logs": request_logs,
    }
    # The exchanges that carried the secrets were logged (redacted), so the search had something to read.
    assert tokens and "auth/token" in request_logs and "inbound/create" in request_logs
    for secret in [password, callback_secret, headers["X-HPK-Signature"], *tokens]:
        for where, text in haystacks.items():
            assert secret not in text, f"a secret shows in the {where}"


def proxy_system(endpoint: str, password: str) -> dict[str, Any]:
    return {
        "code": "HPK01",
        "name": "HPK",
        "system_type": "HPK",
        "api_endpoint": endpoint,
        "account": "demo",
        "password": password,
        "version": "5",
    }
