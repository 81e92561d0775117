from typing import Annotated, cast

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import BaseModel

from proxyhub.upstream.connections import Connection, ConnectionInput, Environment
from proxyhub.upstream.ports import PushTopic
from proxyhub.wiring import container

router = Router()

EnvironmentPath = Annotated[Environment, Path()]


@router.put("/v1/onewarehouse/connections/<environment>", tags=["OneWarehouse"])
def put_onewarehouse_connection(
    environment: EnvironmentPath, data: Annotated[ConnectionInput, Body()]
) -> Connection:
    return container().connection_service.put(environment, data)


@router.get("/v1/onewarehouse/connections/<environment>", tags=["OneWarehouse"])
def get_onewarehouse_connection(environment: EnvironmentPath) -> Connection:
    return container().connection_service.get(environment)


class PushUrl(BaseModel):
    topic: PushTopic
    url: str


class PushUrls(BaseModel):
    items: list[PushUrl]


@router.get("/v1/onewarehouse/push-urls", tags=["OneWarehouse"])
def list_onewarehouse_push_urls() -> PushUrls:
    """The six URLs to hand OneWarehouse, one per push, on the GWMS API (the stack's outputs list the
    same): a custom domain when configured, else the address the stack published, else (locally, where
    one gateway is both doors) the address this request came in on."""
    event = cast(APIGatewayProxyEventV2, router.current_event)
    scheme = event.headers.get("x-forwarded-proto") or "https"
    components = container()
    base_url = (
        components.settings.webhook_base_url
        or components.public_addresses.webhook_base_url()
        or f"{scheme}://{event.request_context.domain_name}"
    )
    urls = components.push_service.push_urls(base_url)
    return PushUrls(items=[PushUrl(topic=topic, url=url) for topic, url in urls.items()])
