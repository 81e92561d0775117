from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from proxyhub.api.paths import CodePath
from proxyhub.models.config import (
    ChannelMapping,
    ChannelMappingInput,
    WarehouseMapping,
    WarehouseMappingInput,
)
from proxyhub.wiring import container

router = Router()

WAREHOUSES = "/v1/proxy-systems/<code>/warehouse-mappings"
CHANNELS = "/v1/proxy-systems/<code>/channel-mappings"


@router.get(WAREHOUSES, tags=["Warehouse mappings"])
def list_warehouse_mappings(code: CodePath) -> dict[str, list[WarehouseMapping]]:
    return {"items": container().config_service.list_warehouse_mappings(code)}


@router.put(f"{WAREHOUSES}/<proxy_warehouse_code>", tags=["Warehouse mappings"])
def put_warehouse_mapping(
    code: CodePath, proxy_warehouse_code: CodePath, data: Annotated[WarehouseMappingInput, Body()]
) -> WarehouseMapping:
    return container().config_service.put_warehouse_mapping(code, proxy_warehouse_code, data)


@router.get(f"{WAREHOUSES}/<proxy_warehouse_code>", tags=["Warehouse mappings"])
def get_warehouse_mapping(code: CodePath, proxy_warehouse_code: CodePath) -> WarehouseMapping:
    return container().config_service.get_warehouse_mapping(code, proxy_warehouse_code)


@router.delete(f"{WAREHOUSES}/<proxy_warehouse_code>", tags=["Warehouse mappings"])
def delete_warehouse_mapping(code: CodePath, proxy_warehouse_code: CodePath) -> WarehouseMapping:
    return container().config_service.delete_warehouse_mapping(code, proxy_warehouse_code)


@router.get(CHANNELS, tags=["Channel mappings"])
def list_channel_mappings(code: CodePath) -> dict[str, list[ChannelMapping]]:
    return {"items": container().config_service.list_channel_mappings(code)}


@router.put(f"{CHANNELS}/<gwms_channel_code>", tags=["Channel mappings"])
def put_channel_mapping(
    code: CodePath, gwms_channel_code: CodePath, data: Annotated[ChannelMappingInput, Body()]
) -> ChannelMapping:
    return container().config_service.put_channel_mapping(code, gwms_channel_code, data)


@router.get(f"{CHANNELS}/<gwms_channel_code>", tags=["Channel mappings"])
def get_channel_mapping(code: CodePath, gwms_channel_code: CodePath) -> ChannelMapping:
    return container().config_service.get_channel_mapping(code, gwms_channel_code)


@router.delete(f"{CHANNELS}/<gwms_channel_code>", tags=["Channel mappings"])
def delete_channel_mapping(code: CodePath, gwms_channel_code: CodePath) -> dict[str, str]:
    container().config_service.delete_channel_mapping(code, gwms_channel_code)
    return {"message": f"Channel mapping {code}/{gwms_channel_code} deleted"}
