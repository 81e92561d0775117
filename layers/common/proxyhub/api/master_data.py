from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from proxyhub.api.paths import CodePath
from proxyhub.models.config import Customer, CustomerInput, Sku, SkuInput
from proxyhub.wiring import container

router = Router()


@router.put("/v1/skus/<gsku>", tags=["GSKU master data"])
def put_sku(gsku: CodePath, data: Annotated[SkuInput, Body()]) -> Sku:
    return container().config_service.put_sku(gsku, data)


@router.get("/v1/skus/<gsku>", tags=["GSKU master data"])
def get_sku(gsku: CodePath) -> Sku:
    return container().config_service.get_sku(gsku)


@router.put("/v1/customers/<code>", tags=["Customers"])
def put_customer(code: CodePath, data: Annotated[CustomerInput, Body()]) -> Customer:
    return container().config_service.put_customer(code, data)


@router.get("/v1/customers/<code>", tags=["Customers"])
def get_customer(code: CodePath) -> Customer:
    return container().config_service.get_customer(code)
