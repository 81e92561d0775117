from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from proxyhub.api.dependencies import api_request_log, config_service, sku_sync_service
from proxyhub.dal import sku_mapping_repository
from proxyhub.skus.models import SkuMapping, SkuSyncStatus

router = Router()

CodePath = Annotated[str, Path(min_length=1, max_length=64)]
SKU_MAPPINGS = "/v1/proxy-systems/<code>/sku-mappings"


@router.get(SKU_MAPPINGS, tags=["SKU mappings"])
def list_sku_mappings(
    code: CodePath, status: Annotated[SkuSyncStatus | None, Query()] = None
) -> dict[str, list[SkuMapping]]:
    """Each GSKU's sync status with the proxy system; `status=failed` lists what operators must fix."""
    config_service().get_proxy_system(code)
    return {"items": sku_mapping_repository.list_sku_mappings(code, status)}


@router.post(f"{SKU_MAPPINGS}/<gsku>/resync", tags=["SKU mappings"])
def resync_sku(code: CodePath, gsku: CodePath) -> SkuMapping:
    """Re-reads the (fixed) GSKU master data and pushes it to the proxy system now."""
    config_service().get_proxy_system(code)
    config_service().get_sku(gsku)
    return sku_sync_service().resync(code, gsku, api_request_log())
