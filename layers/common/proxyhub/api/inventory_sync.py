"""Inventory sync: the warehouse mapping page's Sync Inventory button and the task's snapshot tab."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from proxyhub.api.paths import CodePath
from proxyhub.api.queries import CursorQuery
from proxyhub.clock import to_iso
from proxyhub.models.inventory import Correction, SnapshotEntry
from proxyhub.wiring import container

router = Router()


class SyncStarted(BaseModel):
    task_id: str


class SnapshotLineView(BaseModel):
    proxy_sku: str
    gsku: str | None
    local_sku: str | None
    available: int
    locked: int
    # Available + locked: the stock the batch really holds.
    total: int
    inventory_type: str
    proxy_inbound_no: str
    local_inbound_no: str | None
    inbound_at: str
    snapshot_at: str
    proxy_warehouse_code: str
    gwms_warehouse_code: str

    @classmethod
    def of(cls, entry: SnapshotEntry) -> "SnapshotLineView":
        line = entry.line
        return cls(
            proxy_sku=line.proxy_sku,
            gsku=line.gsku,
            local_sku=line.local_sku,
            available=line.available,
            locked=line.locked,
            total=line.total,
            inventory_type=line.inventory_type,
            proxy_inbound_no=line.proxy_inbound_no,
            local_inbound_no=line.local_inbound_no,
            inbound_at=to_iso(line.inbound_at),
            snapshot_at=to_iso(entry.snapshot_at),
            proxy_warehouse_code=entry.proxy_warehouse_code,
            gwms_warehouse_code=entry.gwms_warehouse_code,
        )


class SnapshotPage(BaseModel):
    items: list[SnapshotLineView]
    next_cursor: str | None


class AdjustmentView(BaseModel):
    """One correction of the discrepancy report: the batch, its location, and the stock before and
    after, which is HPK's available + locked."""

    gwms_warehouse_code: str
    gsku: str
    inventory_type: str
    proxy_inbound_no: str
    local_inbound_no: str
    inbound_at: str
    location: str
    before: int
    after: int
    delta: int
    available: int
    locked: int

    @classmethod
    def of(cls, correction: Correction) -> "AdjustmentView":
        key = correction.key
        return cls(
            gwms_warehouse_code=key.gwms_warehouse_code,
            gsku=key.gsku,
            inventory_type=key.inventory_type,
            proxy_inbound_no=key.proxy_inbound_no,
            local_inbound_no=key.local_inbound_no,
            inbound_at=to_iso(key.inbound_at),
            location=correction.location,
            before=correction.before,
            after=correction.after,
            delta=correction.delta,
            available=correction.available,
            locked=correction.locked,
        )


class AdjustmentPage(BaseModel):
    items: list[AdjustmentView]
    next_cursor: str | None


@router.post(
    "/v1/proxy-systems/<code>/warehouse-mappings/<proxy_warehouse_code>/inventory-sync",
    tags=["Inventory sync"],
    status_code=HTTPStatus.ACCEPTED,
)
def start_inventory_sync(code: CodePath, proxy_warehouse_code: CodePath) -> SyncStarted:
    """Starts a sync now; 409 when a dedicated location is missing or a sync of the warehouse runs."""
    request_id = (router.current_event.get("requestContext") or {}).get("requestId")
    task = container().inventory_sync_service.start(code, proxy_warehouse_code, request_id=request_id)
    return SyncStarted(task_id=task.task_id)


@router.get("/v1/tasks/<task_id>/inventory-snapshot", tags=["Inventory sync"])
def get_inventory_snapshot(
    task_id: CodePath,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: CursorQuery = None,
) -> SnapshotPage:
    """The proxy warehouse's stock as the sync task saw it, line by line in the proxy's order."""
    entries, next_cursor = container().inventory_sync_service.snapshot(task_id, limit, cursor)
    return SnapshotPage(items=[SnapshotLineView.of(entry) for entry in entries], next_cursor=next_cursor)


@router.get("/v1/tasks/<task_id>/adjustments", tags=["Inventory sync"])
def get_inventory_adjustments(
    task_id: CodePath,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: CursorQuery = None,
) -> AdjustmentPage:
    """Every correction the inventory sync made to the two dedicated locations, in the order made."""
    page = container().inventory_sync_service.adjustments(task_id, limit, cursor)
    return AdjustmentPage(items=[AdjustmentView.of(c) for c in page.items], next_cursor=page.next_cursor)
