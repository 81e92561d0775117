from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from proxyhub.api.paths import CodePath
from proxyhub.models.config import ProxySystem, ProxySystemCreate, ProxySystemUpdate
from proxyhub.wiring import container

router = Router()


@router.post("/v1/proxy-systems", tags=["Proxy systems"], status_code=HTTPStatus.CREATED)
def create_proxy_system(data: Annotated[ProxySystemCreate, Body()]) -> ProxySystem:
    return container().config_service.create_proxy_system(data)


@router.get("/v1/proxy-systems", tags=["Proxy systems"])
def list_proxy_systems() -> dict[str, list[ProxySystem]]:
    return {"items": container().config_service.list_proxy_systems()}


@router.get("/v1/proxy-systems/<code>", tags=["Proxy systems"])
def get_proxy_system(code: CodePath) -> ProxySystem:
    return container().config_service.get_proxy_system(code)


@router.put("/v1/proxy-systems/<code>", tags=["Proxy systems"])
def update_proxy_system(code: CodePath, data: Annotated[ProxySystemUpdate, Body()]) -> ProxySystem:
    return container().config_service.update_proxy_system(code, data)


@router.delete("/v1/proxy-systems/<code>", tags=["Proxy systems"])
def delete_proxy_system(code: CodePath) -> tuple[dict, int]:
    container().config_service.delete_proxy_system(code)
    return {"message": f"Proxy system {code} deleted"}, HTTPStatus.OK.value
