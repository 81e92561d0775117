"""Who may call which route, declared once per route, and the audit of every state-changing call.

Two doors lead to the same function: GWMS through the HTTP API's IAM authorizer (SigV4), operators
through the operator API's JWT authorizer (Cognito). Both have already authenticated the caller by the
time a request arrives; here the caller's roles are checked against the route's rule, and every call
that changes state is recorded with its outcome. `RULES` must name every route: the resolver refuses
to build otherwise.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from proxyhub.api.errors import invalid_request, json_error, status_for
from proxyhub.models.audit import Caller, Role
from proxyhub.observability import logger
from proxyhub.wiring import container

GWMS_SIGV4 = "gwmsSigV4"
OPERATOR_JWT = "operatorJwt"
SECURITY_SCHEMES: dict[str, Any] = {
    GWMS_SIGV4: {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "GWMS: AWS Signature Version 4 (service execute-api), IAM authorizer",
    },
    OPERATOR_JWT: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Operators: the Cognito ID token of the console's user pool; roles are its groups",
    },
}
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RouteRule:
    role: Role
    # How a refusal and the audit trail name the call: "Your role (viewer) cannot run Sync Now".
    action: str
    # The audited target, filled from the path parameters or the body: "task {task_id}".
    target: str = ""


def _read(what: str) -> RouteRule:
    return RouteRule(Role.VIEWER, f"read {what}")


RULES: dict[tuple[str, str], RouteRule] = {
    ("GET", "/v1/openapi.json"): _read("the API document"),
    ("GET", "/v1/me"): _read("who is signed in"),
    ("GET", "/v1/audit-events"): _read("the audit trail"),
    # Sync Tasks and Logs
    ("GET", "/v1/tasks"): _read("sync tasks"),
    ("GET", "/v1/tasks/overview"): _read("sync tasks"),
    ("GET", "/v1/tasks/<task_id>"): _read("sync tasks"),
    ("GET", "/v1/tasks/<task_id>/request-logs"): _read("request logs"),
    ("GET", "/v1/tasks/<task_id>/inventory-snapshot"): _read("inventory snapshots"),
    ("GET", "/v1/request-logs"): _read("request logs"),
    # CSV exports: reading, written to a file (so audited, like every POST)
    ("POST", "/v1/exports/tasks"): RouteRule(Role.VIEWER, "export sync tasks", "sync task list"),
    ("POST", "/v1/exports/tasks/<task_id>/request-logs"): RouteRule(
        Role.VIEWER, "export request logs", "task {task_id}"
    ),
    ("POST", "/v1/exports/tasks/<task_id>/snapshot"): RouteRule(
        Role.VIEWER, "export inventory snapshots", "task {task_id}"
    ),
    ("POST", "/v1/exports/tasks/<task_id>/adjustments"): RouteRule(
        Role.VIEWER, "export inventory adjustments", "task {task_id}"
    ),
    ("GET", "/v1/tasks/<task_id>/runs"): _read("sync tasks"),
    ("GET", "/v1/tasks/<task_id>/adjustments"): _read("inventory adjustments"),
    ("POST", "/v1/tasks/<task_id>/sync-now"): RouteRule(Role.OPERATOR, "run Sync Now", "task {task_id}"),
    ("POST", "/v1/tasks/sync-now"): RouteRule(Role.OPERATOR, "run Sync Now on many tasks", "tasks"),
    ("POST", "/v1/tasks/<task_id>/resolve"): RouteRule(Role.OPERATOR, "resolve tasks", "task {task_id}"),
    ("POST", "/v1/tasks/<task_id>/cancel"): RouteRule(Role.OPERATOR, "cancel tasks", "task {task_id}"),
    # Proxy warehouse systems and their mappings
    ("GET", "/v1/proxy-systems"): _read("proxy systems"),
    ("POST", "/v1/proxy-systems"): RouteRule(Role.ADMIN, "change proxy systems", "proxy system {code}"),
    ("GET", "/v1/proxy-systems/<code>"): _read("proxy systems"),
    ("PUT", "/v1/proxy-systems/<code>"): RouteRule(Role.ADMIN, "change proxy systems", "proxy system {code}"),
    ("DELETE", "/v1/proxy-systems/<code>"): RouteRule(
        Role.ADMIN, "change proxy systems", "proxy system {code}"
    ),
    ("POST", "/v1/proxy-systems/<code>/test-connection"): RouteRule(
        Role.OPERATOR, "test connections", "proxy system {code}"
    ),
    ("GET", "/v1/proxy-systems/<code>/warehouse-mappings"): _read("warehouse mappings"),
    ("GET", "/v1/proxy-systems/<code>/warehouse-mappings/<proxy_warehouse_code>"): _read(
        "warehouse mappings"
    ),
    ("PUT", "/v1/proxy-systems/<code>/warehouse-mappings/<proxy_warehouse_code>"): RouteRule(
        Role.ADMIN, "change warehouse mappings", "warehouse mapping {code}/{proxy_warehouse_code}"
    ),
    ("DELETE", "/v1/proxy-systems/<code>/warehouse-mappings/<proxy_warehouse_code>"): RouteRule(
        Role.ADMIN, "change warehouse mappings", "warehouse mapping {code}/{proxy_warehouse_code}"
    ),
    ("POST", "/v1/proxy-systems/<code>/warehouse-mappings/<proxy_warehouse_code>/inventory-sync"): RouteRule(
        Role.OPERATOR, "start inventory syncs", "warehouse mapping {code}/{proxy_warehouse_code}"
    ),
    ("GET", "/v1/proxy-systems/<code>/channel-mappings"): _read("channel mappings"),
    ("GET", "/v1/proxy-systems/<code>/channel-mappings/<gwms_channel_code>"): _read("channel mappings"),
    ("PUT", "/v1/proxy-systems/<code>/channel-mappings/<gwms_channel_code>"): RouteRule(
        Role.ADMIN, "change channel mappings", "channel mapping {code}/{gwms_channel_code}"
    ),
    ("DELETE", "/v1/proxy-systems/<code>/channel-mappings/<gwms_channel_code>"): RouteRule(
        Role.ADMIN, "change channel mappings", "channel mapping {code}/{gwms_channel_code}"
    ),
    ("GET", "/v1/proxy-systems/<code>/sku-mappings"): _read("SKU mappings"),
    ("POST", "/v1/proxy-systems/<code>/sku-mappings/<gsku>/resync"): RouteRule(
        Role.OPERATOR, "resync SKUs", "SKU mapping {code}/{gsku}"
    ),
    # Master data and orders: GWMS's own, so configuration for operators
    ("GET", "/v1/skus/<gsku>"): _read("GSKU master data"),
    ("PUT", "/v1/skus/<gsku>"): RouteRule(Role.ADMIN, "change GSKU master data", "SKU {gsku}"),
    ("GET", "/v1/customers/<code>"): _read("customers"),
    ("PUT", "/v1/customers/<code>"): RouteRule(Role.ADMIN, "change customers", "customer {code}"),
    ("GET", "/v1/inventory"): _read("dedicated-location stock"),
    ("POST", "/v1/inbound-orders"): RouteRule(Role.ADMIN, "create orders", "inbound order {order_no}"),
    ("GET", "/v1/inbound-orders"): _read("orders"),
    ("GET", "/v1/inbound-orders/<order_no>"): _read("orders"),
    ("POST", "/v1/inbound-orders/<order_no>/cancel"): RouteRule(
        Role.ADMIN, "cancel orders", "inbound order {order_no}"
    ),
    ("POST", "/v1/outbound-orders"): RouteRule(Role.ADMIN, "create orders", "outbound order {order_no}"),
    ("GET", "/v1/outbound-orders"): _read("orders"),
    ("GET", "/v1/outbound-orders/<order_no>"): _read("orders"),
    ("POST", "/v1/outbound-orders/<order_no>/cancel"): RouteRule(
        Role.ADMIN, "cancel orders", "outbound order {order_no}"
    ),
    # OneWarehouse
    ("GET", "/v1/onewarehouse/connections/<environment>"): _read("OneWarehouse connections"),
    ("PUT", "/v1/onewarehouse/connections/<environment>"): RouteRule(
        Role.ADMIN, "change OneWarehouse connections", "OneWarehouse connection {environment}"
    ),
    ("POST", "/v1/onewarehouse/connections/<environment>/test-connection"): RouteRule(
        Role.OPERATOR, "test connections", "OneWarehouse connection {environment}"
    ),
    ("GET", "/v1/onewarehouse/push-urls"): _read("OneWarehouse push URLs"),
}


class UnruledRouteError(RuntimeError):
    """A route without an access rule: it must be declared in `RULES` before it can be served."""


def caller_of(event: dict[str, Any]) -> Caller | None:
    """The caller as the door's authorizer identified it; None when neither door did."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    if "jwt" in authorizer:
        claims = authorizer["jwt"].get("claims") or {}
        return Caller("operator", str(claims.get("sub", "")), claims.get("email"), _roles(claims))
    if "iam" in authorizer:
        iam = authorizer["iam"]
        return Caller("gwms", str(iam.get("userArn") or iam.get("callerId") or "gwms"), None, frozenset())
    return None


def _roles(claims: dict[str, Any]) -> frozenset[Role]:
    """`cognito:groups` is a list in the token; the HTTP API's authorizer hands it on as "[a b]"."""
    groups = claims.get("cognito:groups") or []
    names = groups if isinstance(groups, list) else str(groups).strip("[]").replace(",", " ").split()
    return frozenset(Role(name) for name in names if name in {role.value for role in Role})


def apply_rules(app: APIGatewayHttpResolver) -> None:
    """Checks every route has a rule and shows each route's doors and role in the OpenAPI document."""
    for route in _routes(app):
        rule = rule_for(route)
        route.security = [{GWMS_SIGV4: []}, {OPERATOR_JWT: [rule.role.value]}]
        route.openapi_extensions = {**(route.openapi_extensions or {}), "x-required-role": rule.role.value}


def rule_for(route: Route) -> RouteRule:
    rule = RULES.get((route.method, route.path))
    if rule is None:
        raise UnruledRouteError(
            f"{route.method} {route.path} has no access rule in proxyhub.api.access.RULES"
        )
    return rule


def _routes(app: APIGatewayHttpResolver) -> list[Route]:
    # Powertools keeps its routes in these two lists and offers no public way to walk them.
    return [*app._static_routes, *app._dynamic_routes]


def guard(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response:
    """Refuses a caller whose role the route's rule does not allow; audits every state-changing call."""
    return _guarded(app, lambda: next_middleware(app))


def guard_invalid_requests(app: APIGatewayHttpResolver) -> None:
    """Powertools validates a request before any middleware of ours runs: its 422 passes the same
    guard, so a caller without the role gets the 403 whatever they sent, and a refused change is
    audited like any other."""

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response:
        return _guarded(app, lambda: invalid_request(error))


def _guarded(app: APIGatewayHttpResolver, answer: Callable[[], Response]) -> Response:
    route: Route | None = app.context.get("_route")
    rule = RULES.get((route.method, route.path)) if route else None
    if route is None or rule is None:
        # No route matched (every route has a rule, `apply_rules` saw to it): the 404 handler answers.
        return answer()
    caller = caller_of(app.current_event.raw_event)
    if caller is None:
        # Both doors authenticate at the gateway: a request without a caller came some other way.
        return json_error(HTTPStatus.UNAUTHORIZED, "Unauthorized")
    audited = route.method in STATE_CHANGING
    if not caller.may(rule.role):
        refusal = json_error(
            HTTPStatus.FORBIDDEN, f"Your role ({caller.role or 'none'}) cannot {rule.action}"
        )
        if audited:
            _audit(app, caller, rule, refusal.status_code)
        return refusal
    if not audited:
        return answer()
    try:
        response = answer()
    except Exception as error:
        _audit(app, caller, rule, status_for(error))
        raise
    _audit(app, caller, rule, response.status_code)
    return response


def _audit(app: APIGatewayHttpResolver, caller: Caller, rule: RouteRule, status: int) -> None:
    event = app.current_event
    try:
        container().audit.record(
            caller,
            action=rule.action,
            method=event.http_method,
            path=event.path,
            target=_target(rule, app.context.get("_route_args") or {}, event.decoded_body),
            request_id=event.request_context.request_id,
            status=status,
        )
    except Exception:
        # The call has happened; a lost audit record is logged loudly rather than undoing it.
        logger.exception("Audit record not written", extra={"action": rule.action, "status": status})


def _target(rule: RouteRule, path_parameters: dict[str, str], body: str | None) -> str:
    """The rule's target with the path parameters, else the body's top-level fields (e.g. a new
    system's `code`); never anything but the named fields, so no secret can reach the trail."""
    fields: dict[str, Any] = {}
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            fields = {key: value for key, value in parsed.items() if isinstance(value, str)}
    return rule.target.format_map(_Missing({**fields, **path_parameters}))


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"
