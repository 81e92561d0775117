from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from proxyhub.clock import to_iso
from proxyhub.models.inventory import LedgerBatch
from proxyhub.wiring import container

router = Router()


class LedgerBatchView(BaseModel):
    gsku: str
    location: str
    inventory_type: str
    quantity: int
    proxy_inbound_no: str
    local_inbound_no: str
    inbound_at: str

    @classmethod
    def of(cls, batch: LedgerBatch) -> "LedgerBatchView":
        return cls(
            gsku=batch.key.gsku,
            location=batch.location,
            inventory_type=batch.key.inventory_type,
            quantity=batch.quantity,
            proxy_inbound_no=batch.key.proxy_inbound_no,
            local_inbound_no=batch.key.local_inbound_no,
            inbound_at=to_iso(batch.key.inbound_at),
        )


@router.get("/v1/inventory", tags=["Inventory"])
def list_dedicated_location_stock(
    warehouse_code: Annotated[str, Query(min_length=1, max_length=64)],
    gsku: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, list[LedgerBatchView]]:
    """Stock on the dedicated locations of a proxied warehouse, per batch."""
    batches = container().inventory_sync_service.stock(warehouse_code, gsku)
    return {"items": [LedgerBatchView.of(batch) for batch in batches]}
