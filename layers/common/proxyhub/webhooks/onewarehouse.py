"""`POST /onewarehouse/{topic}`: the six OneWarehouse pushes, one route each, all handled alike."""

import base64
from collections.abc import Callable
from typing import cast

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from proxyhub.adapters.onewarehouse import TOPIC_PATHS
from proxyhub.api.dependencies import push_service
from proxyhub.upstream.ports import PushTopic
from proxyhub.upstream.pushes import IncomingPush

router = Router()


def _raw_body() -> bytes:
    """The body exactly as signed: API Gateway base64-encodes bodies it does not take for text."""
    event = router.current_event
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode()


def _receive(topic: PushTopic) -> Response:
    event = cast(APIGatewayProxyEventV2, router.current_event)
    push = IncomingPush(
        topic=topic,
        path=event.path,
        headers=dict(event.headers),
        raw_body=_raw_body(),
        source_ip=event.request_context.http.source_ip,
        request_id=event.request_context.request_id,
    )
    reply = push_service().handle(push, router.lambda_context)
    return Response(status_code=reply.status, content_type=content_types.APPLICATION_JSON, body=reply.body)


def _route_for(topic: PushTopic) -> Callable[[], Response]:
    def receive_push() -> Response:
        return _receive(topic)

    return receive_push


for _topic, _path in TOPIC_PATHS.items():
    router.post(f"/onewarehouse/{_path}")(_route_for(_topic))
