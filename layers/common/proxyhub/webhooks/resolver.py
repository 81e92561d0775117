"""Builds the webhook function's resolver from its router modules.

Each module exposes `router`; a platform's webhooks join by adding their module to `ROUTER_MODULES`
(HPK's status callbacks, `proxyhub.webhooks.hpk_callbacks`, go there too).
"""

from http import HTTPStatus
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types

from proxyhub.input_policy import InputRefused
from proxyhub.observability import logger
from proxyhub.strict_resolver import StrictHttpResolver
from proxyhub.webhooks import hpk_callbacks, onewarehouse

ROUTER_MODULES: tuple[ModuleType, ...] = (onewarehouse, hpk_callbacks)
# The push service checks a push's body itself, so that a refused push is in the request log too.
RAW_BODY_ROUTES = frozenset({onewarehouse.PUSH_ROUTE})


def build_webhook_resolver() -> APIGatewayHttpResolver:
    app = StrictHttpResolver(raw_body_routes=RAW_BODY_ROUTES)
    for module in ROUTER_MODULES:
        app.include_router(module.router)

    @app.not_found
    def _no_route(_: Exception) -> Response:
        return json_error(HTTPStatus.NOT_FOUND, "Route not found")

    @app.exception_handler(InputRefused)
    def _refused_at_the_door(error: InputRefused) -> Response:
        return json_error(error.status, str(error), field=error.field)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Senders retry a 500; the details are in our logs only, never in the reply.
        request_id = app.current_event.request_context.request_id
        logger.exception(
            "Unhandled webhook error", extra={"error_type": type(error).__name__, "request_id": request_id}
        )
        return json_error(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "Internal error; see the request id in the logs",
            request_id=request_id,
        )

    return app


def json_error(status: HTTPStatus, message: str, **extra: Any) -> Response:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body={"message": message, **extra},
    )
