"""Builds the API resolver: validation on, routers included, OpenAPI at /v1/openapi.json."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types

from proxyhub.api import (
    audit,
    connection_tests,
    exports,
    inventory,
    inventory_sync,
    mappings,
    master_data,
    onewarehouse_connections,
    orders,
    proxy_systems,
    sku_mappings,
    task_operations,
    tasks,
)
from proxyhub.api.access import SECURITY_SCHEMES, apply_rules, guard, guard_invalid_requests
from proxyhub.api.errors import register_error_handlers
from proxyhub.strict_resolver import StrictHttpResolver

API_TITLE = "GWMS proxy-warehouse integration hub"
API_VERSION = "1.0.0"


def build_resolver() -> APIGatewayHttpResolver:
    app = StrictHttpResolver(enable_validation=True)
    register_error_handlers(app)
    routers = (
        proxy_systems,
        mappings,
        master_data,
        sku_mappings,
        orders,
        inventory,
        tasks,
        task_operations,
        inventory_sync,
        connection_tests,
    )
    for module in (*routers, exports, onewarehouse_connections, audit):
        app.include_router(module.router)

    @app.get("/v1/openapi.json", include_in_schema=False)
    def openapi_document() -> Response[str]:
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_json(app))

    apply_rules(app)
    app.use(middlewares=[guard])
    guard_invalid_requests(app)
    return app


def openapi_json(app: APIGatewayHttpResolver) -> str:
    """The API's OpenAPI document, with both doors as security schemes."""
    return app.get_openapi_json_schema(
        title=API_TITLE, version=API_VERSION, security_schemes=SECURITY_SCHEMES
    )
