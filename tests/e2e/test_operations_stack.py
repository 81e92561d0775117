"""Operations on the local stack, over HTTP as GWMS, HPK and the console use it: HPK's callbacks are on
the Logs page's search, and schedules deleted behind the system's back (a warehouse mapping's 12-hour
inventory sync, a waiting task's next run) are recreated by the schedule repair.

Real time (time scale 1), so no schedule fires while a test looks at it; the repair is invoked as its
hourly schedule would invoke it, and it may touch a task as soon as the task changed.
"""

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from console_pages import sign_in
from playwright.sync_api import Page, expect

from proxyhub.aws.inventory_schedules import inventory_schedule_name
from proxyhub.aws.scheduler import at_expression, schedule_name
from proxyhub.clock import from_iso
from proxyhub.request_log import REDACTED
from proxyhub_dev.local.demo import GwmsScenario
from proxyhub_dev.local.demo_session import DemoNames, DemoSession, DemoTargets, wait_until
from proxyhub_dev.local.runner import LocalServices, run_local_stack
from proxyhub_dev.local.template import DEFAULT_CONSOLE_DIR

pytestmark = pytest.mark.e2e

OPERATOR = "operator@example.com"
TIMEOUT_SECONDS = 60
REPAIR_FUNCTION = "ScheduleRepairFunction"


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("SCHEDULE_REPAIR_SETTLE_SECONDS", "0")
        with run_local_stack(onewarehouse_port=None, time_scale=1) as running:
            yield running


@pytest.fixture(scope="module")
def session(services: LocalServices) -> Iterator[DemoSession]:
    assert services.hpk_url is not None
    session = DemoSession(
        DemoTargets(services.api_url, services.hpk_url), DemoNames("opsx"), io.StringIO(), 60
    )
    GwmsScenario(session).seed()
    yield session
    session.close()


@pytest.fixture(scope="module")
def console_api(services: LocalServices) -> Iterator[httpx.Client]:
    """The API as the console calls it: the operators' door, with a signed-in operator's ID token."""
    token = services.identity.id_token(OPERATOR)
    with httpx.Client(
        base_url=services.api_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


def pushed_inbound(session: DemoSession, order_no: str) -> tuple[str, str]:
    """An inbound order HPK has; returns its create task and HPK's inbound number."""
    names = session.names
    body = {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": names.warehouse,
        "customer_code": names.customer,
        "items": [{"gsku": names.gsku("MUG"), "qty": 2}],
    }
    task_id = str(session.create_order("inbound", body)["tasks"][0]["task_id"])
    pushed = session.wait_for_order("inbound", order_no, "pushed", sync_now=False)
    return task_id, str(pushed["proxy_order_no"])


def logs_page_search(console_api: httpx.Client, **search: str) -> list[dict[str, Any]]:
    response = console_api.get("/v1/request-logs", params=search)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_an_hpk_callback_appears_in_the_logs_page_search(
    session: DemoSession, console_api: httpx.Client
) -> None:
    # Given an inbound order HPK has
    _, proxy_no = pushed_inbound(session, "OPS-IN-CALLBACK")

    # When HPK completes it and sends its signed status callback
    session.hpk.complete_inbound(proxy_no)

    # Then the Logs page finds the callback by the order's number, with the signature masked
    callbacks = wait_until(
        "HPK's callback on the request log",
        observe=lambda: [
            log
            for log in logs_page_search(console_api, order_no="OPS-IN-CALLBACK")
            if log["api_name"] == "hpk/callbacks"
        ],
        done=bool,
        timeout_seconds=TIMEOUT_SECONDS,
    )
    callback = callbacks[0]
    assert callback["method"] == "POST" and callback["response_status"] == 202
    assert callback["system_code"] == session.names.system
    assert callback["warehouse_code"] == session.names.warehouse
    assert callback["request_headers"]["x-hpk-signature"] == REDACTED
    assert json.loads(callback["request_body"])["inbound_no"] == proxy_no
    # and by the proxy system, as the Logs page's system filter searches
    by_system = logs_page_search(console_api, system_code=session.names.system)
    assert callback["log_id"] in {log["log_id"] for log in by_system}


def test_schedules_deleted_behind_the_system_s_back_are_recreated_by_the_schedule_repair(
    session: DemoSession, services: LocalServices
) -> None:
    scheduler = boto3.client("scheduler")
    group = services.stack.physical_name("TaskScheduleGroup")
    names = session.names
    # Given the seeded complete mapping's 12-hour schedule, and a waiting task's next-poll schedule
    mapping_schedule = inventory_schedule_name(names.system, names.proxy_warehouse)
    assert (
        scheduler.get_schedule(Name=mapping_schedule, GroupName=group)["ScheduleExpression"]
        == "rate(12 hours)"
    )
    task_id, _ = pushed_inbound(session, "OPS-IN-REPAIR")
    waiting = wait_until(
        f"task {task_id} waiting for its next poll",
        observe=lambda: session.task(task_id),
        done=lambda task: task["status"] == "waiting" and task["next_execution_at"],
        timeout_seconds=TIMEOUT_SECONDS,
    )
    task_schedule = schedule_name(task_id)
    wait_until(
        f"schedule {task_schedule}",
        observe=lambda: {s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]},
        done=lambda names_: task_schedule in names_,
        timeout_seconds=TIMEOUT_SECONDS,
    )
    # and the repair's own hourly schedule in the group the local scheduler fires
    repair_schedules = [
        s["Name"]
        for s in scheduler.list_schedules(GroupName=group)["Schedules"]
        if REPAIR_FUNCTION in s["Name"]
    ]
    assert len(repair_schedules) == 1
    repair_schedule = scheduler.get_schedule(Name=repair_schedules[0], GroupName=group)
    assert repair_schedule["ScheduleExpression"] == "rate(1 hour)"

    # When someone deletes both, and the repair runs as its schedule would run it
    scheduler.delete_schedule(Name=mapping_schedule, GroupName=group)
    scheduler.delete_schedule(Name=task_schedule, GroupName=group)
    report = services.invoker.invoke(REPAIR_FUNCTION, {})

    # Then both schedules are back, as the system makes them
    assert report["mapping_schedules_recreated"] == [f"{names.system}/{names.proxy_warehouse}"]
    assert report["task_schedules_recreated"] == [task_id]
    mapping = scheduler.get_schedule(Name=mapping_schedule, GroupName=group)
    assert mapping["ScheduleExpression"] == "rate(12 hours)"
    assert json.loads(mapping["Target"]["Input"]) == {
        "system_code": names.system,
        "proxy_warehouse_code": names.proxy_warehouse,
    }
    task = scheduler.get_schedule(Name=task_schedule, GroupName=group)
    assert task["ScheduleExpression"] == at_expression(from_iso(waiting["next_execution_at"]))
    assert json.loads(task["Target"]["Input"]) == {"task_id": task_id}

    # And the next run finds nothing missing
    again = services.invoker.invoke(REPAIR_FUNCTION, {})
    assert again["mapping_schedules_recreated"] == [] and again["task_schedules_recreated"] == []


def test_a_task_going_manual_reaches_the_digest_through_the_rule_and_its_queue(
    session: DemoSession, services: LocalServices
) -> None:
    # Given an inbound for a customer whose account is closed, which HPK completes
    names = session.names
    closed = {"name": "Closed Co", "account_status": "closed", "warehouse_codes": [names.warehouse]}
    session.call("PUT", "/v1/customers/C-OPS-CLOSED", closed)
    body = {
        "order_no": "OPS-IN-MANUAL",
        "inbound_type": "purchase",
        "warehouse_code": names.warehouse,
        "customer_code": "C-OPS-CLOSED",
        "items": [{"gsku": names.gsku("MUG"), "qty": 1}],
    }
    task_id = str(session.create_order("inbound", body)["tasks"][0]["task_id"])
    pushed = session.wait_for_order("inbound", "OPS-IN-MANUAL", "pushed", sync_now=False)
    session.hpk.complete_inbound(pushed["proxy_order_no"])
    session.wait_for_task(task_id, "manual")

    # When the digest runs, as its 5-minute schedule runs it
    result = services.invoker.invoke("ManualHandlingDigestFunction", {})

    # Then the engine's TaskNeedsManualHandling event went through the bus's rule to the digest's queue
    assert result["sent"] is True and result["tasks"] >= 1


def test_the_logs_page_in_the_browser_lists_the_callback_and_the_runbook_opens_at_an_entry(
    session: DemoSession, services: LocalServices, console_api: httpx.Client, page: Page
) -> None:
    if not (DEFAULT_CONSOLE_DIR / "index.html").is_file():
        pytest.fail("The console is not built: run `make console` (make test does)")
    # Given a callback HPK sent about an order
    _, proxy_no = pushed_inbound(session, "OPS-IN-BROWSER")
    session.hpk.complete_inbound(proxy_no)
    wait_until(
        "the callback on the request log",
        observe=lambda: logs_page_search(console_api, order_no="OPS-IN-BROWSER"),
        done=lambda logs: any(log["api_name"] == "hpk/callbacks" for log in logs),
        timeout_seconds=TIMEOUT_SECONDS,
    )

    # When an operator searches the Logs page by the order's number
    page.set_default_timeout(20_000)
    sign_in(page, services.console_url, path="logs")
    page.get_by_label("Order No.").fill("OPS-IN-BROWSER")
    page.get_by_role("button", name="Search").click()

    # Then the callback is among its exchanges, and opens to its masked signature
    callback_row = page.locator("tbody tr[data-row-key]", has_text="hpk/callbacks")
    expect(callback_row.first).to_be_visible()
    callback_row.first.get_by_role("button", name="Expand row").click()
    expect(page.get_by_text("x-hpk-signature").first).to_be_visible()

    # And the runbook the console links errors to opens at an entry
    page.goto(f"{services.console_url}runbook#customer-account-not-open")
    expect(page.locator("#customer-account-not-open")).to_contain_text(
        "Customer account not open, cannot receive"
    )
