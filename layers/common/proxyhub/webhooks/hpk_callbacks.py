"""`POST /hpk/callbacks`: unauthenticated at the gateway, verified here by HMAC signature."""

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from proxyhub.errors import InvalidInputError
from proxyhub.proxy.ports import CallbackSignatureError
from proxyhub.wiring import container

router = Router()


@router.post("/hpk/callbacks", include_in_schema=False)
def receive_hpk_callback() -> Response[dict[str, Any]]:
    event = router.current_event
    raw_body = (event.decoded_body or "").encode()
    components = container()
    reader = components.hpk_callback_reader
    try:
        callback = reader.read(raw_body, event.headers.get(reader.signature_header.lower()))
    except CallbackSignatureError as error:
        return _json(HTTPStatus.UNAUTHORIZED, {"message": str(error)})
    except InvalidInputError as error:
        return _json(HTTPStatus.BAD_REQUEST, {"message": error.message, "field": error.field})
    result = components.status_callbacks.handle(callback)
    body = {"message": "accepted", "order_no": result.order_no, "tasks_triggered": result.tasks_triggered}
    return _json(HTTPStatus.ACCEPTED, body)


def _json(status: HTTPStatus, body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(status.value, content_types.APPLICATION_JSON, body)
