from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from proxyhub.api.paths import CodePath
from proxyhub.models.skus import SkuMapping, SkuSyncStatus
from proxyhub.wiring import container

router = Router()

SKU_MAPPINGS = "/v1/proxy-systems/<code>/sku-mappings"


@router.get(SKU_MAPPINGS, tags=["SKU mappings"])
def list_sku_mappings(
    code: CodePath, status: Annotated[SkuSyncStatus | None, Query()] = None
) -> dict[str, list[SkuMapping]]:
    """Each GSKU's sync status with the proxy system; `status=failed` lists what operators must fix."""
    return {"items": container().sku_sync.mappings_of(code, status)}


@router.post(f"{SKU_MAPPINGS}/<gsku>/resync", tags=["SKU mappings"])
def resync_sku(code: CodePath, gsku: CodePath) -> SkuMapping:
    """Re-reads the (fixed) GSKU master data and pushes it to the proxy system now."""
    components = container()
    return components.sku_sync.resync(code, gsku, components.request_log)
