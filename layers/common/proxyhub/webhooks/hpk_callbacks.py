"""`POST /hpk/callbacks`: unauthenticated at the gateway, verified in code (HMAC signature, ±300 s
timestamp, nonce used once) and recorded on the request log (`proxyhub.orders.callback_intake`)."""

from typing import Any, cast

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from proxyhub.input_policy import body_bytes
from proxyhub.orders.callback_intake import IncomingCallback
from proxyhub.wiring import container

router = Router()


@router.post("/hpk/callbacks", include_in_schema=False)
def receive_hpk_callback() -> Response[dict[str, Any]]:
    event = cast(APIGatewayProxyEventV2, router.current_event)
    # The policy admitted it: JSON, within the size limit, UTF-8 (`proxyhub.strict_resolver`).
    callback = IncomingCallback(
        path=event.path,
        headers=dict(event.headers),
        raw_body=body_bytes(event.body, bool(event.is_base64_encoded)),
        request_id=event.request_context.request_id,
    )
    answer = container().hpk_callback_intake.receive(callback)
    return Response(answer.status, content_types.APPLICATION_JSON, answer.body)
