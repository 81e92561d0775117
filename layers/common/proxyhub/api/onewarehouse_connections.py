from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from proxyhub.api.dependencies import connection_service
from proxyhub.upstream.connections import Connection, ConnectionInput, Environment

router = Router()

EnvironmentPath = Annotated[Environment, Path()]


@router.put("/v1/onewarehouse/connections/<environment>", tags=["OneWarehouse"])
def put_onewarehouse_connection(
    environment: EnvironmentPath, data: Annotated[ConnectionInput, Body()]
) -> Connection:
    return connection_service().put(environment, data)


@router.get("/v1/onewarehouse/connections/<environment>", tags=["OneWarehouse"])
def get_onewarehouse_connection(environment: EnvironmentPath) -> Connection:
    return connection_service().get(environment)
