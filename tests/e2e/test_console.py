"""The operator console in a real browser against the local stack: what an operator does without curl.

The stack serves the built console at /console/ beside the API (`make test` builds it first). Each
test sets the scene through the API and the HPK simulator, as GWMS and HPK would, then signs in on the
console's sign-in page (the local Cognito user pool) and works only through the console. Screenshots go to docs/screenshots/, three of which the README shows.
"""

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_pages import OPERATOR, VIEWER, hover_for_tooltip, sign_in
from playwright.sync_api import BrowserContext, Page, expect

from proxyhub_dev.local.demo import GwmsScenario
from proxyhub_dev.local.demo_session import DemoNames, DemoSession, DemoTargets, wait_until
from proxyhub_dev.local.runner import LocalServices, run_local_stack
from proxyhub_dev.local.template import DEFAULT_CONSOLE_DIR
from proxyhub_dev.simulators.hpk import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT_SECONDS = 60
UI_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    if not (DEFAULT_CONSOLE_DIR / "index.html").is_file():
        pytest.fail("The console is not built: run `make console` (make test does)")
    with run_local_stack(onewarehouse_port=None) as running:
        yield running


@pytest.fixture(scope="module")
def session(services: LocalServices) -> Iterator[DemoSession]:
    assert services.hpk_url is not None
    targets = DemoTargets(services.api_url, services.hpk_url)
    session = DemoSession(targets, DemoNames("ui"), io.StringIO(), TIMEOUT_SECONDS)
    GwmsScenario(session).seed()
    yield session
    session.close()


@pytest.fixture
def page(page: Page, services: LocalServices) -> Page:
    """Every test starts signed in as operator@example.com (roles operator and admin)."""
    page.set_default_timeout(UI_TIMEOUT_MS)
    expect.set_options(timeout=UI_TIMEOUT_MS)
    return sign_in(page, services.console_url)


@pytest.fixture
def console(page: Page) -> Page:
    """The signed-in operator on the Sync Tasks page."""
    return page


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


# ---------------------------------------------------------------- scene setting (GWMS and HPK)


def pushed_inbound(session: DemoSession, order_no: str, customer: str, gsku: str) -> tuple[str, str]:
    """An inbound order HPK has; returns its create task and HPK's inbound number."""
    names = session.names
    body = {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": names.warehouse,
        "customer_code": customer,
        "items": [{"gsku": gsku, "qty": 3}],
    }
    order = session.create_order("inbound", body)
    pushed = session.wait_for_order("inbound", order_no, "pushed")
    return order["tasks"][0]["task_id"], pushed["proxy_order_no"]


def wait_for_status(session: DemoSession, task_id: str, status: str) -> dict[str, Any]:
    return dict(
        wait_until(
            f"task {task_id} to be {status}",
            observe=lambda: session.task(task_id),
            done=lambda task: task["status"] == status,
            timeout_seconds=TIMEOUT_SECONDS,
        )
    )


def task_row(page: Page, task_id: str) -> Any:
    return page.locator(f'tr[data-row-key="{task_id}"]')


def search_order(page: Page, order_no: str) -> None:
    page.get_by_label("Order No.").fill(order_no)
    page.get_by_role("button", name="Search").click()


# ---------------------------------------------------------------- Sync Tasks


def test_a_customer_fixed_through_the_api_then_sync_now_in_the_browser_succeeds(
    session: DemoSession, console: Page
) -> None:
    # Given an inbound whose customer account is closed, completed by HPK: the task needs manual handling
    names = session.names
    closed = {"name": "Closed Ceramics", "account_status": "closed", "warehouse_codes": [names.warehouse]}
    session.call("PUT", "/v1/customers/C-CLOSED", closed)
    task_id, proxy_no = pushed_inbound(session, "UI-IN-CLOSED", "C-CLOSED", names.gsku("MUG"))
    session.hpk.complete_inbound(proxy_no)
    wait_for_status(session, task_id, "manual")

    # When the operator finds it on the Sync Tasks page
    search_order(console, "UI-IN-CLOSED")
    row = task_row(console, task_id)
    expect(row).to_contain_text("Manual handling")
    expect(row).to_contain_text("Customer account not open, cannot receive")
    expect(console.get_by_test_id("overview-card-manual")).to_be_visible()
    screenshot(console, "sync-tasks")

    # and, once GWMS has opened the account, presses Sync Now and confirms
    session.call("PUT", "/v1/customers/C-CLOSED", {**closed, "account_status": "open"})
    row.get_by_role("button", name="Sync Now").click()
    dialog = console.get_by_role("dialog")
    expect(dialog).to_contain_text("Confirm execute this task immediately?")
    dialog.get_by_role("button", name="OK").click()

    # Then the console says the request went in, and the row turns Success by itself
    expect(console.get_by_text("Execution request submitted")).to_be_visible()
    expect(row).to_contain_text("Success")
    expect(row).to_contain_text("Received and put away")
    expect(row.get_by_role("button", name="Sync Now")).to_have_count(0)


def test_an_overview_card_filters_the_list_until_clear_filter(session: DemoSession, console: Page) -> None:
    # Given a task in manual handling and others that are not
    names = session.names
    task_id, proxy_no = pushed_inbound(session, "UI-IN-CARD", "C-UNKNOWN", names.gsku("MUG"))
    session.hpk.complete_inbound(proxy_no)
    wait_for_status(session, task_id, "manual")  # an unknown customer cannot receive

    # When the operator clicks the Manual handling card
    card = console.get_by_test_id("overview-card-manual")
    expect(card).to_have_attribute("data-colour", "red")
    card.click()

    # Then only manual tasks are listed, and the hint bar says so until Clear Filter
    hint = console.get_by_test_id("filter-hint")
    expect(hint).to_contain_text("Manual handling")
    expect(task_row(console, task_id)).to_be_visible()
    statuses = console.locator("tbody tr[data-row-key]").filter(has_not_text="Manual handling")
    expect(statuses).to_have_count(0)
    hint.get_by_role("button", name="Clear Filter").click()
    expect(console.get_by_test_id("filter-hint")).to_have_count(0)
    expect(console).to_have_url(re.compile(r"/console/tasks$"))


def test_task_details_by_url_show_every_tab_and_no_secret(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given a task whose runs called HPK (login, SKU sync, push, polls)
    names = session.names
    task_id, _ = pushed_inbound(session, "UI-IN-LOGS", names.customer, names.gsku("PLATE"))

    # When its link is opened, as pasted into a chat with the warehouse
    page.goto(f"{services.console_url}tasks/{task_id}")

    # Then the details dialog shows the task, and Request Logs the exchanges, request beside response
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(task_id)
    expect(dialog).to_contain_text("HPK")  # the system type, beside its name and code
    expect(dialog.get_by_role("tab", name="Proxy Warehouse Inventory")).to_have_count(0)
    dialog.get_by_role("tab", name="Request Logs").click()
    dialog.get_by_role("button", name="Expand row").first.click()
    expect(dialog.get_by_text("Request", exact=True).first).to_be_visible()
    expect(dialog.get_by_text("Response", exact=True).first).to_be_visible()
    expect(dialog).to_contain_text("inbound/create")
    screenshot(page, "task-details-request-logs")
    assert DEFAULT_PASSWORD not in page.content()
    assert "Bearer " not in page.content()


def test_the_snapshot_tab_of_an_inventory_sync(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given HPK holds 7 available + 3 locked of a batch, and an inventory sync ran
    names = session.names
    batch = {
        "sku": names.gsku("MUG"),
        "inventory_type": "QUALIFIED",
        "inbound_no": "HPKI-UI-1",
        "inbound_at": "2026-06-01T00:00:00Z",
        "available_qty": 7,
        "locked_qty": 3,
    }
    session.hpk.seed_inventory(names.proxy_warehouse, [batch])
    path = f"/v1/proxy-systems/{names.system}/warehouse-mappings/{names.proxy_warehouse}/inventory-sync"
    task_id = session.call("POST", path, expected=(202,))["task_id"]
    wait_for_status(session, task_id, "success")

    # When the operator opens its Proxy Warehouse Inventory tab
    page.goto(f"{services.console_url}tasks/{task_id}")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("tab", name="Proxy Warehouse Inventory").click()

    # Then the snapshot lists the batch with total = available + locked, and says it is not live stock
    expect(dialog).to_contain_text("not a live query")
    row = dialog.get_by_role("row").filter(has_text="HPKI-UI-1")
    expect(row).to_contain_text(names.gsku("MUG"))
    for header in ("Proxy warehouse SKU", "Available inventory", "Locked inventory", "Total inventory"):
        expect(dialog.get_by_role("columnheader", name=header)).to_be_visible()
    expect(row.get_by_role("cell", name="10", exact=True)).to_be_visible()
    screenshot(page, "inventory-snapshot")


# ---------------------------------------------------------------- Proxy Warehouse System


def test_sync_inventory_is_refused_on_an_incomplete_mapping(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given a second warehouse mapping without its defective location
    names = session.names
    mapping = {"gwms_warehouse_code": "GW-UI-HALF", "virtual_putaway_location": "HPK-VPA-2"}
    session.call("PUT", f"/v1/proxy-systems/{names.system}/warehouse-mappings/HPK-UI-HALF", mapping)

    # When the operator opens the system's warehouse mappings
    page.goto(f"{services.console_url}proxy-systems/{names.system}")
    row = page.locator('tr[data-row-key="HPK-UI-HALF"]')

    # Then the mapping warns what is missing and Sync Inventory is disabled, saying why
    expect(row).to_contain_text("Defective location not configured")
    button = row.get_by_role("button", name="Sync Inventory")
    expect(button).to_be_disabled()
    hover_for_tooltip(page, button, "Defective location not configured")
    complete = page.locator(f'tr[data-row-key="{names.proxy_warehouse}"]')
    expect(complete.get_by_role("button", name="Sync Inventory")).to_be_enabled()


def test_a_failed_sku_is_resynced_once_its_data_is_fixed(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given a GSKU without its spec, which the first inbound carrying it fails to sync
    names = session.names
    bare = {"name": "Bare teapot", "weight_kg": 0.9, "customer_code": names.customer}
    session.call("PUT", "/v1/skus/UI-TEAPOT", bare)
    task_id, _ = pushed_inbound_failing(session, "UI-IN-TEAPOT", "UI-TEAPOT")

    # When the operator lists the failed SKUs of the system
    page.goto(f"{services.console_url}proxy-systems/{names.system}?tab=sku&sku_status=failed")
    row = page.locator('tr[data-row-key="UI-TEAPOT"]')
    expect(row).to_contain_text("SKU sync failed: missing spec")

    # and presses Resync after GWMS has completed the master data
    session.call("PUT", "/v1/skus/UI-TEAPOT", {**bare, "spec": "1.2 l"})
    row.get_by_role("button", name="Resync").click()

    # Then the SKU is synced and leaves the failed list
    expect(page.get_by_text(re.compile("synced", re.IGNORECASE)).first).to_be_visible()
    expect(page.locator('tr[data-row-key="UI-TEAPOT"]')).to_have_count(0)
    assert session.task(task_id)["status"] == "manual"


def pushed_inbound_failing(session: DemoSession, order_no: str, gsku: str) -> tuple[str, None]:
    names = session.names
    body = {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": names.warehouse,
        "customer_code": names.customer,
        "items": [{"gsku": gsku, "qty": 1}],
    }
    task_id = session.create_order("inbound", body)["tasks"][0]["task_id"]
    wait_for_status(session, task_id, "manual")
    return task_id, None


# ---------------------------------------------------------------- Logs


def test_a_logs_search_by_order_number(session: DemoSession, services: LocalServices, page: Page) -> None:
    # Given an order whose push is in the request log
    names = session.names
    pushed_inbound(session, "UI-IN-SEARCH", names.customer, names.gsku("MUG"))

    # When the operator searches the Logs page by its number
    page.goto(f"{services.console_url}logs")
    page.get_by_label("Order No.").fill("UI-IN-SEARCH")
    page.get_by_role("button", name="Search").click()

    # Then its exchanges are listed, and one opens to its request and response
    rows = page.locator("tbody tr[data-row-key]")
    expect(rows.first).to_contain_text("inbound/create")
    expect(page.locator("tbody")).not_to_contain_text("UI-IN-CLOSED")
    page.get_by_role("button", name="Expand row").first.click()
    expect(page.get_by_text("UI-IN-SEARCH").first).to_be_visible()
    assert DEFAULT_PASSWORD not in page.content()


# ---------------------------------------------------------------- roles and the audit trail


def test_a_viewer_sees_sync_now_but_may_not_press_it(
    session: DemoSession, services: LocalServices, context: BrowserContext
) -> None:
    # Given a task waiting on HPK
    names = session.names
    task_id, _ = pushed_inbound(session, "UI-IN-VIEWER", names.customer, names.gsku("MUG"))

    # When a viewer signs in and finds it
    viewer = sign_in(context.new_page(), services.console_url, VIEWER)
    expect(viewer.get_by_role("banner")).to_contain_text("viewer")
    search_order(viewer, "UI-IN-VIEWER")

    # Then Sync Now is there but disabled, and says why
    button = task_row(viewer, task_id).get_by_role("button", name="Sync Now")
    expect(button).to_be_disabled()
    # A disabled button takes no pointer events: the reason sits on what wraps it
    hover_for_tooltip(viewer, button.locator("xpath=.."), "Your role (viewer) cannot run Sync Now")


def test_sync_now_is_audited_and_named_in_the_task_details(
    session: DemoSession, services: LocalServices, console: Page
) -> None:
    # Given a task waiting on HPK
    names = session.names
    task_id, _ = pushed_inbound(session, "UI-IN-AUDIT", names.customer, names.gsku("PLATE"))

    # When the operator presses Sync Now on it
    search_order(console, "UI-IN-AUDIT")
    task_row(console, task_id).get_by_role("button", name="Sync Now").click()
    console.get_by_role("dialog").get_by_role("button", name="OK").click()
    expect(console.get_by_text("Execution request submitted")).to_be_visible()

    # Then the Audit page lists it under the operator's name
    console.goto(f"{services.console_url}audit?actor={OPERATOR}")
    event = console.locator("tbody tr[data-row-key]").filter(has_text=f"task {task_id}")
    expect(event).to_contain_text("run Sync Now")
    expect(event).to_contain_text(OPERATOR)
    expect(event).to_contain_text("202")

    # And the task's details say who pressed it last
    console.goto(f"{services.console_url}tasks/{task_id}")
    expect(console.get_by_role("dialog")).to_contain_text(f"Last Sync Now{OPERATOR}")


# ---------------------------------------------------------------- operator tools


def manual_inbound(session: DemoSession, order_no: str, customer: str) -> str:
    """An inbound HPK received for a customer whose account is not open: it needs manual handling."""
    task_id, proxy_no = pushed_inbound(session, order_no, customer, session.names.gsku("MUG"))
    session.hpk.complete_inbound(proxy_no)
    wait_for_status(session, task_id, "manual")
    return task_id


def test_bulk_sync_now_on_a_filter_after_the_fix(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given two inbounds stuck on one closed account, beside a finished task of the same customer's day
    names = session.names
    closed = {"name": "Shut Ceramics", "account_status": "closed", "warehouse_codes": [names.warehouse]}
    session.call("PUT", "/v1/customers/C-UI-SHUT", closed)
    stuck = [manual_inbound(session, f"UI-IN-BULK-{n}", "C-UI-SHUT") for n in (1, 2)]
    finished, _ = pushed_inbound(session, "UI-IN-BULK-OK", names.customer, names.gsku("MUG"))

    # When GWMS opens the account and the operator filters the warehouse's tasks and runs them all
    session.call("PUT", "/v1/customers/C-UI-SHUT", {**closed, "account_status": "open"})
    session.hpk.complete_inbound(session.task(finished)["third_party_order_no"])
    wait_for_status(session, finished, "success")
    page.goto(f"{services.console_url}tasks?warehouse_code={names.warehouse}")
    bulk = page.get_by_role("button", name=re.compile(r"^Sync Now \((\d+|all matching)\)$"))
    bulk.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(re.compile(r"Run Sync Now on (\d+|all matching) tasks\?"))
    dialog.get_by_role("button", name="OK").click()

    # Then the result counts the submitted and the skipped, and names why the finished one was skipped
    result = page.get_by_test_id("bulk-sync-now-result")
    expect(result).to_contain_text(re.compile(r"Bulk Sync Now: \d+ submitted, \d+ skipped"))
    result.get_by_text(re.compile(r"Skipped tasks \(\d+\)")).click()
    expect(result.locator(f'[data-task-id="{finished}"]')).to_contain_text("Task is already success")
    # And both stuck tasks succeed, each with the bulk run in its History under the operator's name
    for task_id in stuck:
        wait_for_status(session, task_id, "success")
    page.goto(f"{services.console_url}tasks/{stuck[0]}")
    details = page.get_by_role("dialog")
    details.get_by_role("tab", name="History").click()
    newest = details.locator("[data-run-id]").first
    expect(newest).to_contain_text("Bulk Sync Now")
    expect(newest).to_contain_text(OPERATOR)
    screenshot(page, "task-history")


def test_a_manual_task_resolved_in_the_browser_is_audited_and_in_history(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given a manual task whose goods were received by hand
    task_id = manual_inbound(session, "UI-IN-RESOLVE", "C-UI-NOBODY")

    # When the operator resolves it from its details, giving the reason
    page.goto(f"{services.console_url}tasks/{task_id}")
    details = page.get_by_role("dialog").first
    details.get_by_role("button", name="Resolve").click()
    reason = page.get_by_role("dialog", name=re.compile("Resolve task UI-IN-RESOLVE"))
    reason.get_by_label("Reason").fill("Received by hand in GWMS")
    reason.get_by_role("button", name="OK").click()

    # Then it is cancelled with the reason and the name, first in History, and on the Audit page
    expect(page.get_by_text("Task resolved")).to_be_visible()
    expect(details).to_contain_text(f"Resolved outside the system by {OPERATOR}: Received by hand in GWMS")
    details.get_by_role("tab", name="History").click()
    expect(details.locator("[data-run-id]").first).to_contain_text("Resolved")
    page.goto(f"{services.console_url}audit?target=task%20{task_id}")
    expect(page.locator("tbody tr[data-row-key]").first).to_contain_text("resolve tasks")
    assert session.order("inbound", "UI-IN-RESOLVE")["status"] == "pushed"


def test_history_shows_a_schedule_run_a_sync_now_and_a_callback(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given an inbound pushed to HPK whose schedule has fired once (30 minutes of real time on the local
    # stack, so fired here as EventBridge Scheduler does: the task runner with the task id alone)
    names = session.names
    task_id, proxy_no = pushed_inbound(session, "UI-IN-HISTORY", names.customer, names.gsku("PLATE"))
    runner = next(f for f in services.stack.deployed_functions() if f.logical_id == "TaskRunnerFunction")
    assert services.invoker.invoke(runner.name, {"task_id": task_id})["status"] == "waiting"

    # When the operator presses Sync Now, and then HPK's callback says the inbound is complete
    search_order(page, "UI-IN-HISTORY")
    task_row(page, task_id).get_by_role("button", name="Sync Now").click()
    page.get_by_role("dialog").get_by_role("button", name="OK").click()
    expect(page.get_by_text("Execution request submitted")).to_be_visible()
    wait_until(
        "the Sync Now run",
        observe=lambda: session.call("GET", f"/v1/tasks/{task_id}/runs")["items"],
        done=lambda runs: any(run["trigger"] == "sync_now" for run in runs),
        timeout_seconds=TIMEOUT_SECONDS,
    )
    session.hpk.complete_inbound(proxy_no)
    wait_for_status(session, task_id, "success")

    # Then History lists them newest first: the callback's run, the Sync Now by the operator, the poll
    page.goto(f"{services.console_url}tasks/{task_id}")
    details = page.get_by_role("dialog")
    details.get_by_role("tab", name="History").click()
    entries = details.locator("[data-run-id]")
    expect(entries.first).to_contain_text("Callback")
    texts = entries.all_inner_texts()
    sync_now = next(index for index, text in enumerate(texts) if "Sync Now" in text)
    schedule = next(index for index, text in enumerate(texts) if "Schedule" in text)
    assert OPERATOR in texts[sync_now] and 0 < sync_now < schedule < len(texts) - 1
    assert "Created" in texts[-1]


def test_the_adjustments_tab_shows_each_correction_of_an_inventory_sync(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given HPK counts 4 available + 1 locked of a batch the ledger does not hold, and a sync ran
    names = session.names
    batch = {
        "sku": names.gsku("PLATE"),
        "inventory_type": "QUALIFIED",
        "inbound_no": "HPKI-UI-ADJ",
        "inbound_at": "2026-06-02T00:00:00Z",
        "available_qty": 4,
        "locked_qty": 1,
    }
    session.hpk.seed_inventory(names.proxy_warehouse, [batch])
    path = f"/v1/proxy-systems/{names.system}/warehouse-mappings/{names.proxy_warehouse}/inventory-sync"
    task_id = session.call("POST", path, expected=(202,))["task_id"]
    wait_for_status(session, task_id, "success")
    corrections = session.call("GET", f"/v1/tasks/{task_id}/adjustments?limit=100")["items"]

    # When the operator opens its Adjustments tab
    page.goto(f"{services.console_url}tasks/{task_id}")
    details = page.get_by_role("dialog")
    details.get_by_role("tab", name="Adjustments").click()

    # Then it has one row per correction, and the new batch shows 0 → 5 with HPK's 4 + 1
    rows = details.locator("tbody tr[data-row-key]")
    expect(rows).to_have_count(len(corrections))
    added = rows.filter(has_text="HPKI-UI-ADJ")
    for cell in (names.putaway_location, "+5", "4", "1"):
        expect(added.get_by_role("cell", name=cell, exact=True).first).to_be_visible()
    assert any(c["proxy_inbound_no"] == "HPKI-UI-ADJ" and c["after"] == 5 for c in corrections)
    details.get_by_role("button", name="Export CSV").click()
    expect(page.get_by_text(re.compile(rf"^{len(corrections)} rows? exported$"))).to_be_visible()


def test_test_connection_names_a_wrong_password_then_connects(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given a second proxy system on the same HPK whose password is wrong
    names = session.names
    system = {
        "code": "HPK-UI-WRONG",
        "name": "HPK with a typo",
        "system_type": "HPK",
        "api_endpoint": services.hpk_url,
        "account": "demo",
        "password": "not-the-password",
        "version": "5",
    }
    session.call("POST", "/v1/proxy-systems", system, expected=(201,))
    mapping = {
        "gwms_warehouse_code": "GW-UI-WRONG",
        "virtual_putaway_location": "V",
        "defective_location": "D",
    }
    session.call("PUT", f"/v1/proxy-systems/HPK-UI-WRONG/warehouse-mappings/{names.proxy_warehouse}", mapping)

    # When the operator tests its connection
    page.goto(f"{services.console_url}proxy-systems")
    row = page.locator('tr[data-row-key="HPK-UI-WRONG"]')
    row.get_by_role("button", name="Test connection").click()

    # Then the test says what is wrong, with the exchange, and never the password
    result = page.get_by_test_id("connection-test-result")
    expect(result).to_have_attribute("data-ok", "false")
    expect(result).to_contain_text("Connection failed")
    expect(result).to_contain_text("System configuration error")
    assert "not-the-password" not in page.content()

    # And once the password is fixed the same button says it works
    fixed = {key: value for key, value in system.items() if key != "code"}
    session.call("PUT", "/v1/proxy-systems/HPK-UI-WRONG", {**fixed, "password": DEFAULT_PASSWORD})
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    row.get_by_role("button", name="Test connection").click()
    expect(page.get_by_test_id("connection-test-result")).to_have_attribute("data-ok", "true")
    expect(page.get_by_test_id("connection-test-result")).to_contain_text("Connection works")


def test_orders_are_found_by_every_filter_and_lead_to_their_tasks(
    session: DemoSession, services: LocalServices, page: Page
) -> None:
    # Given an inbound pushed to HPK in the session's warehouse
    names = session.names
    task_id, _ = pushed_inbound(session, "UI-IN-ORDERS", names.customer, names.gsku("MUG"))
    today = session.order("inbound", "UI-IN-ORDERS")["created_at"][:10]

    def listed(query: str) -> Any:
        page.goto(f"{services.console_url}orders?{query}")
        return page.locator('tr[data-row-key="UI-IN-ORDERS"]')

    # Then every filter that matches it finds it, and one that does not leaves it out
    for query in (
        "status=pushed",
        f"warehouse_code={names.warehouse}",
        f"created_from={today}&created_to={today}",
        "source=gwms",
        f"status=pushed,put_away&warehouse_code={names.warehouse}&source=gwms",
    ):
        expect(listed(query)).to_be_visible()
    for query in (
        "status=cancelled",
        "warehouse_code=GW-NOWHERE",
        "source=onewarehouse",
        "created_to=2020-01-01",
    ):
        expect(page.locator("tbody")).to_be_visible()
        expect(listed(query)).to_have_count(0)

    # And the warehouse filter typed in the form, then the order's link, lead to its tasks
    page.goto(f"{services.console_url}orders")
    page.get_by_label("Warehouse").fill(names.warehouse)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(f"warehouse_code={names.warehouse}"))
    page.locator('tr[data-row-key="UI-IN-ORDERS"]').get_by_role("link", name="UI-IN-ORDERS").click()
    expect(page).to_have_url(re.compile(r"/console/tasks\?order_no=UI-IN-ORDERS"))
    expect(task_row(page, task_id)).to_be_visible()
    screenshot(page, "orders-to-tasks")
