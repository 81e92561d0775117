"""`POST /onewarehouse/{topic}`: the six OneWarehouse pushes, all handled alike."""

import base64
from typing import cast

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from proxyhub.upstream.pushes import IncomingPush
from proxyhub.wiring import container

router = Router()
PUSH_ROUTE = "/onewarehouse/<topic>"


def _raw_body(event: APIGatewayProxyEventV2) -> bytes:
    """The body exactly as signed: API Gateway base64-encodes bodies it does not take for text."""
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode()


@router.post(PUSH_ROUTE)
def receive_push(topic: str) -> Response:
    event = cast(APIGatewayProxyEventV2, router.current_event)
    service = container().push_service
    push_topic = service.topic_at(event.path)
    if push_topic is None:
        return Response(404, content_types.APPLICATION_JSON, {"message": f"No push topic {topic}"})
    push = IncomingPush(
        topic=push_topic,
        path=event.path,
        headers=dict(event.headers),
        raw_body=_raw_body(event),
        source_ip=event.request_context.http.source_ip,
        request_id=event.request_context.request_id,
    )
    reply = service.handle(push, router.lambda_context)
    return Response(status_code=reply.status, content_type=content_types.APPLICATION_JSON, body=reply.body)
