"""Operator tools on the local stack over HTTP, as the console calls them with a signed-in operator's
token: bulk Sync Now after a fix, resolving a manual task, and the History both leave."""

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from proxyhub_dev.local.demo import GwmsScenario
from proxyhub_dev.local.demo_session import DemoNames, DemoSession, DemoTargets, wait_until
from proxyhub_dev.local.runner import LocalServices, run_local_stack

pytestmark = pytest.mark.e2e

OPERATOR = "operator@example.com"
TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    with run_local_stack(onewarehouse_port=None) as running:
        yield running


@pytest.fixture(scope="module")
def session(services: LocalServices) -> Iterator[DemoSession]:
    assert services.hpk_url is not None
    session = DemoSession(
        DemoTargets(services.api_url, services.hpk_url), DemoNames("ops"), io.StringIO(), 60
    )
    GwmsScenario(session).seed()
    yield session
    session.close()


@pytest.fixture(scope="module")
def operator(services: LocalServices) -> Iterator[httpx.Client]:
    token = services.identity.id_token(OPERATOR)
    with httpx.Client(
        base_url=services.api_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


def manual_inbound(session: DemoSession, order_no: str, customer: str) -> str:
    """An inbound HPK received for a customer whose account is closed: its task needs manual handling."""
    names = session.names
    body = {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": names.warehouse,
        "customer_code": customer,
        "items": [{"gsku": names.gsku("MUG"), "qty": 2}],
    }
    task_id = str(session.create_order("inbound", body)["tasks"][0]["task_id"])
    pushed = session.wait_for_order("inbound", order_no, "pushed")
    session.hpk.complete_inbound(pushed["proxy_order_no"])
    wait_for(session, task_id, "manual")
    return task_id


def wait_for(session: DemoSession, task_id: str, status: str) -> dict[str, Any]:
    return dict(
        wait_until(
            f"task {task_id} to be {status}",
            observe=lambda: session.task(task_id),
            done=lambda task: task["status"] == status,
            timeout_seconds=TIMEOUT_SECONDS,
        )
    )


def history(operator: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    response = operator.get(f"/v1/tasks/{task_id}/runs")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_bulk_sync_now_after_a_fix_runs_every_manual_task_of_the_filter(
    session: DemoSession, operator: httpx.Client
) -> None:
    # Given two inbounds stuck on one closed customer account, and a finished task in the warehouse
    names = session.names
    closed = {"name": "Closed Ceramics", "account_status": "closed", "warehouse_codes": [names.warehouse]}
    session.call("PUT", "/v1/customers/C-SHUT", closed)
    stuck = [manual_inbound(session, order_no, "C-SHUT") for order_no in ("OPS-IN-1", "OPS-IN-2")]
    listed = operator.get("/v1/tasks", params={"warehouse_code": names.warehouse, "status": "success"}).json()

    # When GWMS opens the account and the operator runs Sync Now on the warehouse's tasks
    session.call("PUT", "/v1/customers/C-SHUT", {**closed, "account_status": "open"})
    response = operator.post("/v1/tasks/sync-now", json={"filter": {"warehouse_code": names.warehouse}})

    # Then both stuck tasks are submitted, the finished ones skipped with the reason, and both succeed
    assert response.status_code == 202, response.text
    reply = response.json()
    assert set(stuck) <= set(reply["submitted"])
    skipped = {item["task_id"]: item["reason"] for item in reply["skipped"]}
    assert all(skipped[task["task_id"]] == "Task is already success" for task in listed["items"])
    for task_id in stuck:
        assert wait_for(session, task_id, "success")["execution_summary"].startswith("Received")
        newest = history(operator, task_id)[0]
        assert (newest["trigger"], newest["actor"], newest["outcome"]) == ("bulk_sync_now", OPERATOR, "done")
        assert newest["log_ids"], "the run's HPK exchanges are named"


def test_a_resolved_manual_task_is_in_the_audit_trail_and_its_history(
    session: DemoSession, operator: httpx.Client
) -> None:
    # Given a manual task whose goods the warehouse received by hand
    task_id = manual_inbound(session, "OPS-IN-3", "C-NOBODY")

    # When the operator resolves it
    response = operator.post(f"/v1/tasks/{task_id}/resolve", json={"reason": "Received by hand in GWMS"})

    # Then it is cancelled with the reason and the operator's name, audited, and first in its History
    assert response.status_code == 200, response.text
    assert (
        response.json()["execution_summary"]
        == f"Resolved outside the system by {OPERATOR}: Received by hand in GWMS"
    )
    trail = operator.get("/v1/audit-events", params={"target": f"task {task_id}"}).json()["items"]
    assert [(event["action"], event["actor"]["email"]) for event in trail] == [("resolve tasks", OPERATOR)]
    runs = history(operator, task_id)
    assert (runs[0]["trigger"], runs[0]["actor"], runs[0]["status"]) == ("resolve", OPERATOR, "cancelled")
    assert [run["trigger"] for run in runs[1:]][-1] == "created", "its first run was the push to HPK"
    # And the order keeps the state it had
    assert session.order("inbound", "OPS-IN-3")["status"] == "pushed"


def test_history_names_the_push_a_sync_now_and_hpks_callback(
    session: DemoSession, operator: httpx.Client
) -> None:
    # Given an inbound pushed to HPK, which an operator syncs while HPK is still receiving
    names = session.names
    body = {
        "order_no": "OPS-IN-4",
        "inbound_type": "purchase",
        "warehouse_code": names.warehouse,
        "customer_code": names.customer,
        "items": [{"gsku": names.gsku("MUG"), "qty": 1}],
    }
    task_id = str(session.create_order("inbound", body)["tasks"][0]["task_id"])
    pushed = session.wait_for_order("inbound", "OPS-IN-4", "pushed", sync_now=False)
    assert operator.post(f"/v1/tasks/{task_id}/sync-now").status_code == 202
    wait_until(
        "the Sync Now run",
        observe=lambda: history(operator, task_id),
        done=lambda runs: any(run["trigger"] == "sync_now" for run in runs),
        timeout_seconds=TIMEOUT_SECONDS,
    )

    # When HPK finishes receiving and calls back
    session.hpk.complete_inbound(pushed["proxy_order_no"])
    wait_for(session, task_id, "success")

    # Then History lists the push, the operator's Sync Now and the callback's run, newest first
    triggers = [(run["trigger"], run["actor"]) for run in history(operator, task_id)]
    assert triggers[0] == ("callback", None)
    assert ("sync_now", OPERATOR) in triggers
    assert triggers[-1] == ("created", None)
