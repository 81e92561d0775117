"""`POST /hpk/callbacks`: unauthenticated at the gateway, verified here: HMAC signature, ±300 s timestamp,
nonce used once."""

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from proxyhub.errors import InvalidInputError
from proxyhub.input_policy import body_bytes
from proxyhub.proxy.ports import CallbackSignatureError
from proxyhub.wiring import container

router = Router()


@router.post("/hpk/callbacks", include_in_schema=False)
def receive_hpk_callback() -> Response[dict[str, Any]]:
    event = router.current_event
    # The policy admitted it: JSON, within the size limit, UTF-8 (`proxyhub.strict_resolver`).
    raw_body = body_bytes(event.body, bool(event.is_base64_encoded))
    components = container()
    try:
        callback = components.hpk_callback_reader.read(raw_body, event.headers)
    except CallbackSignatureError as error:
        return _json(HTTPStatus.UNAUTHORIZED, {"message": str(error)})
    except InvalidInputError as error:
        return _json(HTTPStatus.UNPROCESSABLE_ENTITY, {"message": error.message, "field": error.field})
    result = components.status_callbacks.handle(callback)
    body = {"message": "accepted", "order_no": result.order_no, "tasks_triggered": result.tasks_triggered}
    return _json(HTTPStatus.ACCEPTED, body)


def _json(status: HTTPStatus, body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(status.value, content_types.APPLICATION_JSON, body)
