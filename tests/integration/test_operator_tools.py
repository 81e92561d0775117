"""Operator tools through the real API and task-runner handlers on moto: bulk Sync Now, resolving and
cancelling a task by hand, and the run history they leave."""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tasks_moto_kit import LambdaContext, fakes, load_handler, patch_wiring

from proxyhub import wiring
from proxyhub.models.tasks import BusinessType, Route, Task, TaskStatus, TaskType
from proxyhub.request_log import RequestLogRecord
from proxyhub.settings import Settings
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Done, FailedPermanent, NotYet, Outcome

pytestmark = pytest.mark.integration

OPERATOR_EMAIL = "operator@example.com"
Call = Callable[..., tuple[int, Any]]


def signed_in(*groups: str, email: str) -> dict[str, Any]:
    claims = {"sub": f"sub-{email}", "email": email, "cognito:groups": f"[{' '.join(groups)}]"}
    return {"jwt": {"claims": claims, "scopes": None}}


OPERATOR = signed_in("operator", email=OPERATOR_EMAIL)
VIEWER = signed_in("viewer", email="viewer@example.com")


@dataclass
class Desk:
    """The API as an operator calls it, and the task runner the invocations it asks for reach."""

    clock: Any
    invoker: Any
    call: Call
    run_handler: Any

    def create(self, warehouse: str = "GW01", order_no: str = "IN-1") -> Task:
        self.clock.advance(seconds=1)
        route = Route(warehouse, f"P-{warehouse}", "HPK01")
        return wiring.container().task_engine.create_task(
            TaskType.CREATE, BusinessType.INBOUND, route, order_no=order_no
        )

    def set_status(self, task: Task, status: TaskStatus, *, leased: bool = False) -> Task:
        repository = wiring.container().task_repository
        current = repository.get(task.task_id)
        assert current is not None
        lease = self.clock.now() + timedelta(minutes=10) if leased else None
        changed = replace(
            current, status=status, lease_owner="other-run" if leased else None, lease_expires_at=lease
        )
        stored = repository.transition(current, changed)
        assert stored is not None
        return stored

    def run(self, task_id: str, trigger: str | None = None, actor: str | None = None) -> dict[str, Any]:
        """The task runner as Lambda calls it: a schedule sends only the task id."""
        event: dict[str, Any] = {"task_id": task_id}
        if trigger:
            event["trigger"] = trigger
        if actor:
            event["actor"] = actor
        result: dict[str, Any] = self.run_handler(event, LambdaContext())
        return result

    def run_what_was_asked(self) -> None:
        """Delivers the asynchronous invocations the API asked for, as Lambda would."""
        for (task_id, trigger), actor in zip(self.invoker.calls, self.invoker.actors, strict=True):
            self.run(task_id, trigger.value, actor)
        self.invoker.calls.clear()
        self.invoker.actors.clear()

    def runs(self, task_id: str) -> list[dict[str, Any]]:
        status, body = self.call("GET", f"/v1/tasks/{task_id}/runs", as_=VIEWER)
        assert status == 200, body
        return list(body["items"])


@pytest.fixture
def desk(aws: Settings, monkeypatch: pytest.MonkeyPatch, api_handler: Any, make_http_event: Any) -> Desk:
    clock, invoker = fakes.FakeClock(), fakes.RecordingInvoker()
    patch_wiring(monkeypatch, clock=clock, task_invoker=invoker, task_scheduler=fakes.RecordingScheduler())

    def call(method: str, path: str, body: Any = None, *, as_: dict[str, Any], **query: str) -> Any:
        event = make_http_event(method, path, body, query or None)
        event["requestContext"]["authorizer"] = as_
        response = api_handler(event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return Desk(clock, invoker, call, load_handler("task_runner"))


def calling_hpk(outcome: Outcome) -> Callable[[Task, ExecutionContext], Outcome]:
    def step(task: Task, context: ExecutionContext) -> Outcome:
        context.request_log.record(
            RequestLogRecord("inbound/get", "http://hpk.test/inbound/get", "POST", "{}", 200, "{}", 30)
        )
        return outcome

    return step


def test_bulk_sync_now_over_a_filter_mixing_eligible_running_and_finished_tasks(desk: Desk) -> None:
    executor = fakes.ScriptedExecutor(NotYet("HPK status RECEIVING"), NotYet("HPK status RECEIVING"))
    wiring.container().executor_registry.register(TaskType.CREATE, BusinessType.INBOUND, executor)
    pending = desk.create()
    manual = desk.set_status(desk.create(), TaskStatus.MANUAL)
    running = desk.set_status(desk.create(), TaskStatus.RUNNING, leased=True)
    finished = desk.set_status(desk.create(), TaskStatus.SUCCESS)
    other_warehouse = desk.create(warehouse="GW02")

    # A viewer may not; an operator's filter takes GW01's tasks, skipping the running and finished ones
    body = {"filter": {"warehouse_code": "GW01"}}
    assert desk.call("POST", "/v1/tasks/sync-now", body, as_=VIEWER)[0] == 403
    status, reply = desk.call("POST", "/v1/tasks/sync-now", body, as_=OPERATOR)

    assert status == 202, reply
    assert reply == {
        "submitted": [manual.task_id, pending.task_id],
        "skipped": [
            {"task_id": finished.task_id, "reason": "Task is already success"},
            {"task_id": running.task_id, "reason": "Task is already running"},
        ],
        "capped": False,
    }
    # And the runs happen, each recorded as the operator's bulk Sync Now
    desk.run_what_was_asked()
    for task in (manual, pending):
        [run] = desk.runs(task.task_id)
        assert (run["trigger"], run["actor"], run["outcome"], run["status"]) == (
            "bulk_sync_now",
            OPERATOR_EMAIL,
            "not_yet",
            "waiting",
        )
    assert desk.runs(other_warehouse.task_id) == [] and desk.runs(running.task_id) == []
    # And the audit trail names who did it
    status, trail = desk.call("GET", "/v1/audit-events", as_=VIEWER, actor=OPERATOR_EMAIL)
    assert [(e["action"], e["status"]) for e in trail["items"]] == [("run Sync Now on many tasks", 202)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"task_ids": ["T-1"], "filter": {}}, "give either task_ids or filter"),
        ({}, "give either task_ids or filter"),
        ({"task_ids": [f"T-{n}" for n in range(501)]}, "task_ids"),
        ({"task_ids": ["T 1"]}, "task_ids"),
        ({"filter": {"status": ["lost"]}}, "status"),
        ({"filter": {"created_from": "yesterday"}}, "filter.created_from"),
        ({"filter": {"colour": "red"}}, "colour"),
    ],
)
def test_a_bulk_request_that_says_nothing_clear_is_a_4xx_naming_the_field(
    desk: Desk, body: dict[str, Any], field: str
) -> None:
    status, reply = desk.call("POST", "/v1/tasks/sync-now", body, as_=OPERATOR)

    assert status in (400, 422), reply
    assert field in json.dumps(reply)
    assert desk.invoker.calls == []


def test_a_resolved_manual_task_shows_in_the_audit_trail_and_in_history(desk: Desk) -> None:
    failing = fakes.ScriptedExecutor(
        calling_hpk(FailedPermanent("Customer account not open, cannot receive"))
    )
    wiring.container().executor_registry.register(TaskType.CREATE, BusinessType.INBOUND, failing)
    task = desk.create()
    desk.clock.advance(minutes=30)
    desk.run(task.task_id)

    # A viewer may not resolve; an operator does, with a reason
    reason = {"reason": "Received by hand in GWMS"}
    assert desk.call("POST", f"/v1/tasks/{task.task_id}/resolve", reason, as_=VIEWER)[0] == 403
    desk.clock.advance(minutes=5)
    status, resolved = desk.call("POST", f"/v1/tasks/{task.task_id}/resolve", reason, as_=OPERATOR)

    assert status == 200, resolved
    assert resolved["status"] == "cancelled"
    assert (
        resolved["execution_summary"]
        == f"Resolved outside the system by {OPERATOR_EMAIL}: Received by hand in GWMS"
    )
    # And it is in the audit trail under the task, and in History as the newest entry
    _, trail = desk.call("GET", "/v1/audit-events", as_=VIEWER, target=f"task {task.task_id}")
    assert [(e["action"], e["actor"]["email"], e["status"]) for e in trail["items"]] == [
        ("resolve tasks", OPERATOR_EMAIL, 200),
        ("resolve tasks", "viewer@example.com", 403),
    ]
    newest, failed = desk.runs(task.task_id)
    assert (newest["trigger"], newest["actor"], newest["outcome"], newest["status"]) == (
        "resolve",
        OPERATOR_EMAIL,
        "resolved",
        "cancelled",
    )
    assert (failed["trigger"], failed["outcome"], failed["error"]) == (
        "schedule",
        "failed_permanent",
        "Customer account not open, cannot receive",
    )
    # And a task no longer in manual handling cannot be resolved or cancelled again
    again = desk.call("POST", f"/v1/tasks/{task.task_id}/resolve", reason, as_=OPERATOR)
    assert again == (
        409,
        {"message": "Only a task in manual handling can be resolved; this one is cancelled"},
    )
    assert desk.call("POST", f"/v1/tasks/{task.task_id}/cancel", reason, as_=OPERATOR)[0] == 409


def test_cancel_ends_an_unfinished_task_but_not_a_running_one(desk: Desk) -> None:
    waiting, running = desk.create(), desk.set_status(desk.create(), TaskStatus.RUNNING, leased=True)
    reason = {"reason": "Order withdrawn by the customer"}

    status, cancelled = desk.call("POST", f"/v1/tasks/{waiting.task_id}/cancel", reason, as_=OPERATOR)

    assert (status, cancelled["status"]) == (200, "cancelled")
    assert cancelled["execution_summary"] == f"Cancelled by {OPERATOR_EMAIL}: Order withdrawn by the customer"
    assert desk.call("POST", f"/v1/tasks/{running.task_id}/cancel", reason, as_=OPERATOR) == (
        409,
        {"message": "Task is already running"},
    )
    assert desk.call("POST", f"/v1/tasks/{waiting.task_id}/cancel", {"reason": ""}, as_=OPERATOR)[0] == 422
    assert desk.call("POST", "/v1/tasks/no-such-task/cancel", reason, as_=OPERATOR)[0] == 404


def test_a_history_timeline_from_a_schedule_run_a_sync_now_and_a_callback(desk: Desk) -> None:
    executor = fakes.ScriptedExecutor(
        calling_hpk(NotYet("HPK status RECEIVING")),
        calling_hpk(NotYet("HPK status RECEIVING")),
        calling_hpk(Done("Put away 10 (8 qualified, 2 defective)")),
    )
    wiring.container().executor_registry.register(TaskType.CREATE, BusinessType.INBOUND, executor)
    task = desk.create()

    # Its schedule fires, an operator presses Sync Now, and HPK's callback finishes it
    desk.clock.advance(minutes=30)
    desk.run(task.task_id)
    desk.clock.advance(minutes=3)
    assert desk.call("POST", f"/v1/tasks/{task.task_id}/sync-now", as_=OPERATOR)[0] == 202
    desk.run_what_was_asked()
    desk.clock.advance(minutes=4)
    desk.run(task.task_id, "callback")

    runs = desk.runs(task.task_id)
    assert [(r["trigger"], r["actor"], r["outcome"], r["status"]) for r in runs] == [
        ("callback", None, "done", "success"),
        ("sync_now", OPERATOR_EMAIL, "not_yet", "waiting"),
        ("schedule", None, "not_yet", "waiting"),
    ]
    assert [r["started_at"] for r in runs] == [
        "2026-06-04T08:37:01.000000Z",
        "2026-06-04T08:33:01.000000Z",
        "2026-06-04T08:30:01.000000Z",
    ]
    assert runs[0]["summary"] == "Put away 10 (8 qualified, 2 defective)"
    # And each run's request-log ids are the task's request logs, one per run
    _, logs = desk.call("GET", f"/v1/tasks/{task.task_id}/request-logs", as_=VIEWER)
    assert [run["log_ids"] for run in runs] == [[log["log_id"]] for log in logs["items"]]
    # And History pages by cursor, newest first
    _, first = desk.call("GET", f"/v1/tasks/{task.task_id}/runs", as_=VIEWER, limit="2")
    _, rest = desk.call("GET", f"/v1/tasks/{task.task_id}/runs", as_=VIEWER, cursor=first["next_cursor"])
    assert [r["run_id"] for r in (*first["items"], *rest["items"])] == [r["run_id"] for r in runs]
    assert desk.call("GET", "/v1/tasks/no-such-task/runs", as_=VIEWER)[0] == 404


def test_the_request_logs_of_a_task_page_by_cursor(desk: Desk) -> None:
    task = desk.create()
    store = wiring.container().request_log_store
    for number in range(5):
        desk.clock.advance(seconds=1)
        store.record(
            RequestLogRecord(f"call-{number}", "http://hpk", "POST", "{}", 200, "{}", 5, task_id=task.task_id)
        )

    names: list[str] = []
    cursor: str | None = None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        status, page = desk.call("GET", f"/v1/tasks/{task.task_id}/request-logs", as_=VIEWER, **query)
        assert status == 200, page
        names.extend(item["api_name"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert names == ["call-4", "call-3", "call-2", "call-1", "call-0"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tasks_sync_now", 202),
        # The sample task id is not seeded: its routes answer with the task's own 404.
        ("task_resolve", 404),
        ("task_cancel", 404),
        ("task_runs", 404),
        ("inventory_adjustments_get", 404),
    ],
)
def test_the_sample_events_reach_their_routes(desk: Desk, api_handler: Any, name: str, expected: int) -> None:
    event = json.loads((Path(__file__).resolve().parents[2] / "events" / f"{name}.json").read_text())

    response = api_handler(event)

    assert response["statusCode"] == expected, response["body"]
    assert json.loads(response["body"]).get("message") != "Route not found"
