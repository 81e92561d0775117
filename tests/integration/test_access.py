"""Two doors to one API: every route's role rule, the refusals operators see, and the audit trail."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.api_gateway import Router

import fakes
from proxyhub import wiring
from proxyhub.api import access
from proxyhub.api.access import RULES, UnruledRouteError
from proxyhub.api.resolver import build_resolver
from proxyhub.models.tasks import BusinessType, Route, TaskType
from proxyhub.settings import Settings
from proxyhub.strict_resolver import StrictHttpResolver

pytestmark = pytest.mark.integration

OPERATOR_SUB = "5f1c9a4e-0000-4000-8000-000000000001"
PASSWORD = "only-the-secret-store-may-know-this"
SYSTEM = {
    "code": "HPK01",
    "name": "Hipacking",
    "system_type": "HPK",
    "api_endpoint": "http://127.0.0.1:9",
    "account": "demo",
    "password": PASSWORD,
    "version": "5",
}


def operator(*groups: str, email: str = "someone@example.com") -> dict[str, Any]:
    """The JWT authorizer's context, claims flattened to strings as API Gateway hands them on."""
    claims = {
        "sub": OPERATOR_SUB,
        "email": email,
        "cognito:groups": f"[{' '.join(groups)}]",
        "token_use": "id",
    }
    return {"jwt": {"claims": claims, "scopes": None}}


Call = Callable[..., tuple[int, Any]]


@pytest.fixture
def call(api_handler: Callable[[dict[str, Any]], dict[str, Any]], make_http_event: Any) -> Call:
    """Calls the real handler through a door: `as_=None` is GWMS's IAM door (the sample events')."""

    def send(
        method: str, path: str, body: Any = None, *, as_: dict[str, Any] | None = None, **query: str
    ) -> Any:
        event = make_http_event(method, path, body, query or None)
        if as_ is not None:
            event["requestContext"]["authorizer"] = as_
        response = api_handler(event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return send


def test_every_route_has_an_access_rule_and_a_new_one_without_fails_the_build(aws: Settings) -> None:
    app = build_resolver()
    routes = {(route.method, route.path) for route in access._routes(app)}
    assert routes <= RULES.keys()

    stray = Router()

    @stray.get("/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(UnruledRouteError, match="GET /v1/forgotten has no access rule"):
        access.apply_rules(_with_router(stray))


def _with_router(router: Router) -> Any:
    app = StrictHttpResolver(enable_validation=True)
    app.include_router(router)
    return app


def test_the_openapi_document_shows_each_routes_doors_and_role(call: Call) -> None:
    status, document = call("GET", "/v1/openapi.json")

    assert status == 200
    assert set(document["components"]["securitySchemes"]) == {"gwmsSigV4", "operatorJwt"}
    sync_now = document["paths"]["/v1/tasks/{task_id}/sync-now"]["post"]
    assert sync_now["security"] == [{"gwmsSigV4": []}, {"operatorJwt": ["operator"]}]
    assert sync_now["x-required-role"] == "operator"
    assert document["paths"]["/v1/proxy-systems"]["post"]["x-required-role"] == "admin"
    assert document["paths"]["/v1/tasks"]["get"]["x-required-role"] == "viewer"


# Each kind of route, and what each caller gets: 403 refusals name the role and the action; anything
# else means the call got past the door (e.g. a 404 for a task that does not exist). Bodies are valid:
# Powertools validates a request before any middleware sees it, so a malformed one is a 422 for all.
KINDS_OF_ROUTE = {
    "read": ("GET", "/v1/tasks", None),
    "Sync Now": ("POST", "/v1/tasks/unknown-task/sync-now", None),
    "bulk Sync Now": ("POST", "/v1/tasks/sync-now", {"task_ids": ["unknown-task"]}),
    "resolve": ("POST", "/v1/tasks/unknown-task/resolve", {"reason": "Received by hand"}),
    "cancel": ("POST", "/v1/tasks/unknown-task/cancel", {"reason": "Not needed"}),
    "Resync": ("POST", "/v1/proxy-systems/HPK01/sku-mappings/GSKU-1/resync", None),
    "inventory sync": ("POST", "/v1/proxy-systems/HPK01/warehouse-mappings/WH1/inventory-sync", None),
    "configuration": ("PUT", "/v1/customers/C-1", {"name": "ACME", "account_status": "open"}),
    "OneWarehouse": (
        "PUT",
        "/v1/onewarehouse/connections/sandbox",
        {"app_key": "k", "app_secret": "s", "callback_key": "c", "api_base_url": "https://ow.example"},
    ),
    "orders": ("POST", "/v1/inbound-orders/IN-1/cancel", None),
}
REFUSALS = {
    ("viewer", "Sync Now"): "Your role (viewer) cannot run Sync Now",
    ("viewer", "bulk Sync Now"): "Your role (viewer) cannot run Sync Now on many tasks",
    ("viewer", "resolve"): "Your role (viewer) cannot resolve tasks",
    ("viewer", "cancel"): "Your role (viewer) cannot cancel tasks",
    ("viewer", "Resync"): "Your role (viewer) cannot resync SKUs",
    ("viewer", "inventory sync"): "Your role (viewer) cannot start inventory syncs",
    ("viewer", "configuration"): "Your role (viewer) cannot change customers",
    ("viewer", "OneWarehouse"): "Your role (viewer) cannot change OneWarehouse connections",
    ("viewer", "orders"): "Your role (viewer) cannot cancel orders",
    ("operator", "configuration"): "Your role (operator) cannot change customers",
    ("operator", "OneWarehouse"): "Your role (operator) cannot change OneWarehouse connections",
    ("operator", "orders"): "Your role (operator) cannot cancel orders",
    ("nobody", "read"): "Your role (none) cannot read sync tasks",
    ("nobody", "Sync Now"): "Your role (none) cannot run Sync Now",
    ("nobody", "bulk Sync Now"): "Your role (none) cannot run Sync Now on many tasks",
    ("nobody", "resolve"): "Your role (none) cannot resolve tasks",
    ("nobody", "cancel"): "Your role (none) cannot cancel tasks",
    ("nobody", "Resync"): "Your role (none) cannot resync SKUs",
    ("nobody", "inventory sync"): "Your role (none) cannot start inventory syncs",
    ("nobody", "configuration"): "Your role (none) cannot change customers",
    ("nobody", "OneWarehouse"): "Your role (none) cannot change OneWarehouse connections",
    ("nobody", "orders"): "Your role (none) cannot cancel orders",
}
CALLERS = {
    "viewer": operator("viewer"),
    "operator": operator("operator"),
    "admin": operator("admin"),
    "nobody": operator(),
    "gwms": None,
}


@pytest.mark.parametrize("kind", KINDS_OF_ROUTE)
@pytest.mark.parametrize("who", CALLERS)
def test_each_role_against_each_kind_of_route(call: Call, who: str, kind: str) -> None:
    method, path, body = KINDS_OF_ROUTE[kind]

    status, reply = call(method, path, body, as_=CALLERS[who])

    refusal = REFUSALS.get((who, kind))
    if refusal is None:
        assert status != 403, reply
    else:
        assert (status, reply) == (403, {"message": refusal})


def test_a_request_from_no_door_is_unauthorized(call: Call) -> None:
    assert call("GET", "/v1/tasks", as_={})[0] == 401


def test_me_says_who_is_signed_in_and_what_they_may_do(call: Call) -> None:
    status, me = call("GET", "/v1/me", as_=operator("viewer", email="viewer@example.com"))

    assert status == 200
    assert (me["email"], me["role"], me["door"]) == ("viewer@example.com", "viewer", "operator")
    assert me["can"] == {
        "sync_now": False,
        "resync": False,
        "inventory_sync": False,
        "bulk_actions": False,
        "configure": False,
    }
    _, admin = call("GET", "/v1/me", as_=operator("operator", "admin"))
    assert admin["role"] == "admin" and all(admin["can"].values())


def test_state_changing_calls_are_audited_with_who_what_target_and_outcome(call: Call) -> None:
    # Given an admin who creates a proxy system (with its password), and a viewer refused Sync Now
    admin = operator("admin", email="admin@example.com")
    assert call("POST", "/v1/proxy-systems", SYSTEM, as_=admin)[0] == 201
    assert (
        call("POST", "/v1/tasks/t-1/sync-now", as_=operator("viewer", email="viewer@example.com"))[0] == 403
    )
    assert call("PUT", "/v1/customers/C-1", {"name": "ACME", "account_status": "open"})[0] == 200
    assert call("GET", "/v1/tasks", as_=admin)[0] == 200

    # When the audit trail is read
    status, page = call("GET", "/v1/audit-events")

    # Then each change is there, newest first, with its outcome; reads are not; the password never is
    assert status == 200
    rows = [
        (item["actor"]["email"] or item["actor"]["subject"], item["action"], item["target"], item["status"])
        for item in page["items"]
    ]
    assert rows == [
        ("arn:aws:iam::123456789012:user/gwms", "change customers", "customer C-1", 200),
        ("viewer@example.com", "run Sync Now", "task t-1", 403),
        ("admin@example.com", "change proxy systems", "proxy system HPK01", 201),
    ]
    assert all(item["request_id"] for item in page["items"])
    assert PASSWORD not in json.dumps(page)
    by_actor = call("GET", "/v1/audit-events", actor="viewer@example.com")[1]["items"]
    assert [item["target"] for item in by_actor] == ["task t-1"]
    by_target = call("GET", "/v1/audit-events", target="proxy system HPK01")[1]["items"]
    assert [item["actor"]["door"] for item in by_target] == ["operator"]


def test_a_malformed_change_is_refused_by_role_first_and_audited_either_way(call: Call) -> None:
    # Given a proxy system whose password is missing and whose version is no number
    malformed: dict[str, Any] = {**SYSTEM, "version": [], "password": None}

    # When a viewer sends it  Then the role refuses it before its body is read
    viewer = operator("viewer", email="viewer@example.com")
    status, body = call("POST", "/v1/proxy-systems", malformed, as_=viewer)
    assert (status, body["message"]) == (403, "Your role (viewer) cannot change proxy systems")

    # When an admin sends it  Then the 422 names the fields
    admin = operator("admin", email="admin@example.com")
    status, body = call("POST", "/v1/proxy-systems", malformed, as_=admin)
    assert status == 422
    assert {"version", "password"} <= {error["field"] for error in body["errors"]}

    # And both attempts are in the audit trail with their outcome; nothing was created
    page = call("GET", "/v1/audit-events")[1]
    rows = [(item["actor"]["email"], item["action"], item["status"]) for item in page["items"]]
    assert rows == [
        ("admin@example.com", "change proxy systems", 422),
        ("viewer@example.com", "change proxy systems", 403),
    ]
    assert call("GET", "/v1/proxy-systems/HPK01")[0] == 404


def test_task_details_name_who_last_pressed_sync_now(call: Call, aws: Settings) -> None:
    # Given a task that an operator ran with Sync Now
    wiring.override(task_invoker=fakes.RecordingInvoker(), task_scheduler=fakes.RecordingScheduler())
    task = wiring.container().task_engine.create_task(
        TaskType.CREATE, BusinessType.INBOUND, Route("GW01", "P-GW01", "HPK01"), order_no="IN-9"
    )
    assert call("GET", f"/v1/tasks/{task.task_id}")[1]["last_sync_now_by"] is None
    accepted = call(
        "POST", f"/v1/tasks/{task.task_id}/sync-now", as_=operator("operator", email="op@example.com")
    )
    assert accepted[0] == 202

    # When its details are read
    status, details = call("GET", f"/v1/tasks/{task.task_id}", as_=operator("viewer"))

    # Then they name the operator
    assert status == 200
    assert details["last_sync_now_by"] == "op@example.com" and details["last_sync_now_at"]
