"""The Sync Tasks and Logs pages' API through the real API handler (payload v2) on moto."""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tasks_moto_kit import LambdaContext, fakes, load_handler, log_record, patch_wiring

from proxyhub import wiring
from proxyhub.models.tasks import BusinessType, Route, Task, TaskStatus, TaskType, Trigger
from proxyhub.settings import Settings
from proxyhub.tasks.outcomes import Cancelled, Done, FailedPermanent, NotYet

pytestmark = pytest.mark.integration

ApiCall = Callable[..., tuple[int, Any]]
EVENTS = Path(__file__).resolve().parents[2] / "events"


@dataclass
class Seeded:
    clock: Any
    invoker: Any
    tasks: dict[str, Task]


@pytest.fixture
def seeded(aws: Settings, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    """Six tasks in two warehouses, in every status but running, created a minute apart from 08:01."""
    clock, invoker = fakes.FakeClock(), fakes.RecordingInvoker()
    patch_wiring(monkeypatch, clock=clock, task_invoker=invoker, task_scheduler=fakes.RecordingScheduler())
    registry, engine = wiring.container().executor_registry, wiring.container().task_engine
    registry.register(TaskType.CREATE, BusinessType.INBOUND, fakes.ScriptedExecutor(Done("Put away 10")))
    registry.register(TaskType.CREATE, BusinessType.OUTBOUND, fakes.ScriptedExecutor(NotYet("PICKING")))
    registry.register(TaskType.CANCEL, BusinessType.OUTBOUND, fakes.ScriptedExecutor(Cancelled("Cancelled")))
    manual = FailedPermanent("Virtual putaway location not configured")
    registry.register(TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, fakes.ScriptedExecutor(manual))
    plan = {
        "success": (TaskType.CREATE, BusinessType.INBOUND, "GW01", True),
        "waiting": (TaskType.CREATE, BusinessType.OUTBOUND, "GW01", True),
        "cancelled": (TaskType.CANCEL, BusinessType.OUTBOUND, "GW02", True),
        "manual": (TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, "GW02", True),
        "pending": (TaskType.QUERY, BusinessType.INBOUND, "GW01", False),
        "pending2": (TaskType.CREATE, BusinessType.INBOUND, "GW02", False),
    }
    tasks = {}
    for name, (task_type, business_type, warehouse, run) in plan.items():
        clock.advance(minutes=1)
        route = Route(warehouse, f"P-{warehouse}", "HPK01")
        task = engine.create_task(task_type, business_type, route, order_no=f"ORD-{name}")
        if run:
            engine.run_task(task.task_id, Trigger.SYNC_NOW)
        tasks[name] = wiring.container().task_repository.get(task.task_id) or task
    return Seeded(clock, invoker, tasks)


def listed(api: ApiCall, **query: str) -> list[str]:
    status, body = api("GET", "/v1/tasks", query=query)
    assert status == 200, body
    return [item["order_no"].removeprefix("ORD-") for item in body["items"]]


def test_the_list_filters(api: ApiCall, seeded: Seeded) -> None:
    assert listed(api) == ["pending2", "pending", "manual", "cancelled", "waiting", "success"]
    assert listed(api, status="pending,waiting") == ["pending2", "pending", "waiting"]
    assert listed(api, status="manual") == ["manual"]
    assert listed(api, business_type="outbound") == ["cancelled", "waiting"]
    assert listed(api, task_type="create") == ["pending2", "waiting", "success"]
    assert listed(api, warehouse_code="GW02") == ["pending2", "manual", "cancelled"]
    assert listed(api, warehouse_code="GW01", task_type="create", business_type="inbound") == ["success"]
    assert listed(api, created_from="2026-06-04T08:03:00Z", created_to="2026-06-04T08:04:00") == [
        "manual",
        "cancelled",
    ]
    assert listed(api, created_to="2026-06-04") == listed(api), "a date includes its whole day"
    assert listed(api, created_from="2026-06-05") == []
    assert listed(api, order_no="ORD-manual") == ["manual"]
    assert listed(api, order_no="ORD-manual", status="waiting") == []
    assert listed(api, order_no="ORD-none") == []


def test_the_secondary_cards_filter_the_list(api: ApiCall, seeded: Seeded) -> None:
    # Given 08:40 with a 5-minute grace: the waiting task (due 08:32) and both pending ones are overdue
    seeded.clock.advance(minutes=34)
    _, overview = api("GET", "/v1/tasks/overview")
    filters = {metric["key"]: metric["filter"] for metric in overview["secondary"]}

    assert filters["overdue"] == {"overdue": "true"}
    assert listed(api, **filters["overdue"]) == ["waiting"]
    assert listed(api, **filters["success_today"]) == ["success"]
    assert listed(api, **filters["cancelled_today"]) == ["cancelled"]
    assert listed(api, overdue="true", warehouse_code="GW02") == []
    assert listed(api, status="success", updated_from="2026-06-05") == []


def test_the_list_pages_with_a_cursor(api: ApiCall, seeded: Seeded) -> None:
    orders, cursor = [], None
    while True:
        query = {"limit": "4", **({"cursor": cursor} if cursor else {})}
        status, body = api("GET", "/v1/tasks", query=query)
        assert status == 200 and len(body["items"]) <= 4
        orders += [item["order_no"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert len(orders) == 6 and len(set(orders)) == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "done"}, "status"),
        ({"business_type": "retail"}, "business_type"),
        ({"created_from": "yesterday"}, "created_from"),
        ({"cursor": "bm9wZQ"}, "cursor"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_bad_list_queries_are_422(api: ApiCall, seeded: Seeded, query: dict[str, str], field: str) -> None:
    status, body = api("GET", "/v1/tasks", query=query)

    assert status == 422
    assert field in body["message"] or any(error["field"] == field for error in body["errors"])


def test_a_task_shows_the_details_dialog_fields(api: ApiCall, seeded: Seeded) -> None:
    task = seeded.tasks["waiting"]

    status, body = api("GET", f"/v1/tasks/{task.task_id}")

    assert status == 200
    assert body == {
        "task_id": task.task_id,
        "task_type": "create",
        "business_type": "outbound",
        "status": "waiting",
        "order_no": "ORD-waiting",
        "third_party_order_no": None,
        "gwms_warehouse_code": "GW01",
        "proxy_warehouse_code": "P-GW01",
        "system_code": "HPK01",
        "execution_summary": "PICKING",
        "error_message": None,
        "request_id": None,
        "attempts": 1,
        "consecutive_failures": 0,
        "created_at": "2026-06-04T08:02:00.000000Z",
        "last_executed_at": "2026-06-04T08:02:00.000000Z",
        "next_execution_at": "2026-06-04T08:32:00.000000Z",
        "progress": None,
        "can_sync_now": True,
        # HPK01 is not configured in this test: the details show the code alone.
        "system_name": None,
        "system_type": None,
        # Nobody pressed Sync Now: the seeded runs came from the engine itself.
        "last_sync_now_by": None,
        "last_sync_now_at": None,
    }
    assert api("GET", "/v1/tasks/unknown")[0] == 404


def test_the_details_name_the_proxy_system(api: ApiCall, seeded: Seeded) -> None:
    system = {
        "code": "HPK01",
        "name": "Hipacking LA",
        "system_type": "HPK",
        "api_endpoint": "http://127.0.0.1:9",
        "account": "demo",
        "password": "p4ss-word",
        "version": "5",
    }
    assert api("POST", "/v1/proxy-systems", system)[0] == 201

    status, body = api("GET", f"/v1/tasks/{seeded.tasks['manual'].task_id}")

    assert status == 200
    assert (body["system_name"], body["system_type"], body["system_code"]) == ("Hipacking LA", "HPK", "HPK01")
    assert body["can_sync_now"] is True, "a manual task may be re-run by Sync Now"


def test_the_overview_counts_and_colours(api: ApiCall, seeded: Seeded) -> None:
    seeded.clock.advance(minutes=34)  # 08:40, grace 5 min: the waiting task (due 08:32) is overdue, not 08:36

    status, body = api("GET", "/v1/tasks/overview")

    assert status == 200
    primary = {metric["key"]: (metric["count"], metric["colour"]) for metric in body["primary"]}
    assert primary == {"backlog": (3, "yellow"), "running": (0, "blue"), "manual": (1, "red")}
    secondary = {metric["key"]: (metric["count"], metric["colour"]) for metric in body["secondary"]}
    assert secondary == {
        "success_today": (1, "blue"),
        "cancelled_today": (1, "blue"),
        "overdue": (1, "red"),
    }
    assert body["oldest_waiting"]["task_id"] == seeded.tasks["waiting"].task_id
    assert body["primary"][0]["filter"] == {"status": "pending,waiting"}
    assert any("manual handling" in reminder for reminder in body["reminders"])

    status, gw02 = api("GET", "/v1/tasks/overview", query={"warehouse_code": "GW02"})
    primary = {metric["key"]: metric["count"] for metric in gw02["primary"]}
    assert primary == {"backlog": 1, "running": 0, "manual": 1} and gw02["oldest_waiting"] is None


def test_request_logs_of_a_task_and_the_logs_page(api: ApiCall, seeded: Seeded) -> None:
    task = seeded.tasks["waiting"]
    store = wiring.container().request_log_store
    store.record(log_record(task_id=task.task_id, order_no="ORD-waiting", request_headers={"token": "t0p"}))
    seeded.clock.advance(seconds=1)
    store.record(log_record(task_id=task.task_id, order_no="ORD-waiting", api_name="outbound/get"))
    seeded.clock.advance(seconds=1)
    store.record(log_record(order_no="ORD-other", warehouse_code="GW02", system_code="HPK02"))

    status, body = api("GET", f"/v1/tasks/{task.task_id}/request-logs")
    assert status == 200
    assert [item["api_name"] for item in body["items"]] == ["outbound/get", "inbound/get"]
    assert body["items"][1]["request_headers"] == {"token": "***"}
    assert "t0p" not in str(body)
    assert api("GET", "/v1/tasks/unknown/request-logs")[0] == 404

    def logs(**query: str) -> list[str]:
        status, page = api("GET", "/v1/request-logs", query=query)
        assert status == 200, page
        return [item["order_no"] for item in page["items"]]

    assert logs(order_no="ORD-waiting") == ["ORD-waiting", "ORD-waiting"]
    assert logs(warehouse_code="GW02") == ["ORD-other"]
    assert logs(system_code="HPK01") == ["ORD-waiting", "ORD-waiting"]
    assert logs(recorded_from="2026-06-04T08:00:00Z", recorded_to="2026-06-04T09:00:00Z") == [
        "ORD-other",
        "ORD-waiting",
        "ORD-waiting",
    ]
    assert api("GET", "/v1/request-logs", query={"recorded_from": "2026-01-01"})[0] == 422


@pytest.mark.parametrize("name", ["waiting", "manual", "pending"])
def test_sync_now_submits_a_run_for_an_unfinished_task(api: ApiCall, seeded: Seeded, name: str) -> None:
    task = seeded.tasks[name]

    status, body = api("POST", f"/v1/tasks/{task.task_id}/sync-now")

    assert (status, body) == (202, {"message": "Execution request submitted"})
    assert seeded.invoker.calls[-1] == (task.task_id, Trigger.SYNC_NOW)


@pytest.mark.parametrize(
    ("name", "message"), [("success", "Task is already success"), ("cancelled", "Task is already cancelled")]
)
def test_sync_now_on_a_finished_task_is_409(api: ApiCall, seeded: Seeded, name: str, message: str) -> None:
    calls_before = len(seeded.invoker.calls)

    status, body = api("POST", f"/v1/tasks/{seeded.tasks[name].task_id}/sync-now")

    assert (status, body["message"]) == (409, message)
    assert len(seeded.invoker.calls) == calls_before


def test_sync_now_on_a_running_task_is_409(api: ApiCall, seeded: Seeded) -> None:
    waiting = seeded.tasks["waiting"]
    repository = wiring.container().task_repository
    current = repository.get(waiting.task_id)
    assert current is not None
    lease = {"lease_owner": "other-run", "lease_expires_at": seeded.clock.now() + timedelta(minutes=15)}
    running = replace(current, status=TaskStatus.RUNNING, **lease)
    assert repository.transition(current, running, lease_free_at=seeded.clock.now()) is not None

    status, body = api("POST", f"/v1/tasks/{waiting.task_id}/sync-now")

    assert (status, body["message"]) == (409, "Task is already running")
    assert api("POST", "/v1/tasks/unknown/sync-now")[0] == 404
    # The list and the details offer no Sync Now on it, and do again once the lease has expired
    assert api("GET", f"/v1/tasks/{waiting.task_id}")[1]["can_sync_now"] is False
    _, page = api("GET", "/v1/tasks", query={"status": "running"})
    assert [item["can_sync_now"] for item in page["items"]] == [False]
    seeded.clock.advance(minutes=16)
    assert api("GET", f"/v1/tasks/{waiting.task_id}")[1]["can_sync_now"] is True


@pytest.mark.parametrize(
    "name",
    ["tasks_list", "tasks_overview", "task_get", "task_request_logs", "task_sync_now", "request_logs_search"],
)
def test_the_sample_events_reach_their_routes(
    api_handler: Callable[[dict[str, Any]], dict[str, Any]], seeded: Seeded, name: str
) -> None:
    event = json.loads((EVENTS / f"{name}.json").read_text())

    response = api_handler(event)

    body = json.loads(response["body"])
    # The sample task id is not seeded: its routes answer with the task's own 404.
    assert response["statusCode"] in (200, 404), body
    assert body.get("message") != "Route not found"


@pytest.mark.parametrize("name", ["schedule", "sync_now", "state_machine"])
def test_the_task_runner_sample_events_are_accepted(seeded: Seeded, name: str) -> None:
    event = json.loads((EVENTS / "task_runner" / f"{name}.json").read_text())

    result = load_handler("task_runner")(event, LambdaContext())

    assert result["skipped"] == "Task not found"


def test_the_sweeper_sample_event_is_accepted(seeded: Seeded) -> None:
    event = json.loads((EVENTS / "sweeper" / "scheduled.json").read_text())

    result = load_handler("sweeper")(event, LambdaContext(function_name="sweeper"))

    assert result == {"swept": 0, "task_ids": []}
