"""Builds the API resolver: validation on, routers included, OpenAPI at /v1/openapi.json."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types

from proxyhub.api import (
    inventory,
    inventory_sync,
    mappings,
    master_data,
    onewarehouse_connections,
    orders,
    proxy_systems,
    sku_mappings,
    tasks,
)
from proxyhub.api.errors import register_error_handlers
from proxyhub.strict_resolver import StrictHttpResolver

API_TITLE = "GWMS proxy-warehouse integration hub"
API_VERSION = "1.0.0"


def build_resolver() -> APIGatewayHttpResolver:
    app = StrictHttpResolver(enable_validation=True)
    register_error_handlers(app)
    routers = (proxy_systems, mappings, master_data, sku_mappings, orders, inventory, tasks, inventory_sync)
    for module in (*routers, onewarehouse_connections):
        app.include_router(module.router)

    @app.get("/v1/openapi.json", include_in_schema=False)
    def openapi_document() -> Response[str]:
        schema = app.get_openapi_json_schema(title=API_TITLE, version=API_VERSION)
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=schema)

    return app
