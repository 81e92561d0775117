"""Domain errors and validation failures mapped to JSON HTTP responses, in one place."""

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from proxyhub.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    SystemConfigurationError,
    TransientVendorError,
    VendorConfigurationError,
    VendorError,
)
from proxyhub.input_policy import InputRefused
from proxyhub.observability import logger


def json_error(status: HTTPStatus, message: str, **extra: Any) -> Response:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body={"message": message, **extra},
    )


def describe_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Turns pydantic's error list into `{field, message}` pairs a person can read."""
    described = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        message = str(error.get("msg") or error.get("type", "invalid"))
        field = ".".join(location)
        if not field and message.startswith("Value error, ") and ":" in message:
            # Model-level rules name their field themselves: "Value error, version: ...".
            field = message.removeprefix("Value error, ").split(":", 1)[0]
        described.append({"field": field or "body", "message": message.removeprefix("Value error, ")})
    return described


# The HTTP status of each domain error, most specific first; anything else is a 500.
_STATUS_BY_ERROR: tuple[tuple[type[Exception], HTTPStatus], ...] = (
    (RequestValidationError, HTTPStatus.UNPROCESSABLE_ENTITY),
    (NotFoundError, HTTPStatus.NOT_FOUND),
    (ConflictError, HTTPStatus.CONFLICT),
    (InvalidInputError, HTTPStatus.UNPROCESSABLE_ENTITY),
    (SystemConfigurationError, HTTPStatus.CONFLICT),
    (DomainError, HTTPStatus.BAD_REQUEST),
)


def status_for(error: Exception) -> int:
    """The status the handlers below answer `error` with (the audit trail records it too)."""
    if isinstance(error, InputRefused):
        return int(error.status)
    if isinstance(error, VendorError):
        return vendor_error_status(error)[0].value
    status = next((status for kind, status in _STATUS_BY_ERROR if isinstance(error, kind)), None)
    return (status or HTTPStatus.INTERNAL_SERVER_ERROR).value


def invalid_request(error: RequestValidationError) -> Response:
    """The 422 naming each field Powertools' validation refused (its handler is the access guard's)."""
    fields = describe_validation_errors(list(error.errors()))
    summary = "; ".join(f"{item['field']}: {item['message']}" for item in fields)
    return json_error(HTTPStatus.UNPROCESSABLE_ENTITY, f"Invalid request: {summary}", errors=fields)


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(InputRefused)
    def _refused_at_the_door(error: InputRefused) -> Response:
        errors = [{"field": error.field, "message": error.message}]
        return json_error(error.status, f"Invalid request: {error}", errors=errors)

    @app.exception_handler([NotFoundError, ConflictError, SystemConfigurationError, DomainError])
    def _domain(error: DomainError) -> Response:
        return json_error(HTTPStatus(status_for(error)), error.message)

    @app.exception_handler(InvalidInputError)
    def _invalid_input(error: InvalidInputError) -> Response:
        errors = [{"field": error.field or "body", "message": error.message}]
        return json_error(HTTPStatus.UNPROCESSABLE_ENTITY, error.message, errors=errors)

    @app.exception_handler(VendorError)
    def _vendor_unavailable(error: VendorError) -> Response:
        status, retry_after = vendor_error_status(error)
        return Response(
            status_code=status.value,
            content_type=content_types.APPLICATION_JSON,
            body={"message": error.message},
            headers={"Retry-After": str(retry_after)} if retry_after else None,
        )

    @app.not_found
    def _no_route(_: Exception) -> Response:
        return json_error(HTTPStatus.NOT_FOUND, "Route not found")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        request_id = app.current_event.request_context.request_id
        logger.exception(
            "Unhandled error", extra={"error_type": type(error).__name__, "request_id": request_id}
        )
        return internal_error(request_id)


def internal_error(request_id: str | None) -> Response:
    """A 500 says which request failed, never why: the details are in our logs under that id."""
    return json_error(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "Internal error; see the request id in the logs",
        request_id=request_id,
    )


# A synchronous call to a proxy warehouse (a cancel) that cannot be answered now: retry in a minute.
VENDOR_RETRY_AFTER_SECONDS = 60


def vendor_error_status(error: VendorError) -> tuple[HTTPStatus, int | None]:
    """A vendor that is down, throttling us or refusing our login (until an operator fixes the system)
    is a 503 with Retry-After, never a 500; a refusal of this very call is a 502."""
    if isinstance(error, TransientVendorError):
        wait = error.retry_after_seconds or VENDOR_RETRY_AFTER_SECONDS
        return HTTPStatus.SERVICE_UNAVAILABLE, max(1, round(wait))
    if isinstance(error, VendorConfigurationError):
        return HTTPStatus.SERVICE_UNAVAILABLE, VENDOR_RETRY_AFTER_SECONDS
    return HTTPStatus.BAD_GATEWAY, None
