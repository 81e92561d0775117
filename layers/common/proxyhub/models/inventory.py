"""Stock on the two dedicated locations of a proxied warehouse, per batch.

A batch is what the proxy warehouse splits stock by: warehouse, GSKU, inventory type, the proxy's
inbound order, our inbound order and the inbound time. Qualified stock lives on the mapping's
virtual putaway location, defective stock on its defective location; nothing else is touched.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from proxyhub.clock import from_iso, to_iso

InventoryType = Literal["qualified", "defective"]


@dataclass(frozen=True, order=True)
class BatchKey:
    gwms_warehouse_code: str
    gsku: str
    inventory_type: InventoryType
    proxy_inbound_no: str
    local_inbound_no: str
    inbound_at: datetime

    def sort_key(self) -> str:
        """Orders a warehouse's batches by GSKU first, so one GSKU is one key-prefix query."""
        parts = (self.gsku, self.inventory_type, self.proxy_inbound_no, self.local_inbound_no)
        return "#".join((*parts, to_iso(self.inbound_at)))

    @classmethod
    def from_sort_key(cls, gwms_warehouse_code: str, sort_key: str) -> "BatchKey":
        """The key back from `sort_key()`. GSKUs and our inbound numbers are codes (no "#"), so only
        the proxy's inbound number, in the middle, may hold one."""
        parts = sort_key.split("#")
        return cls(
            gwms_warehouse_code=gwms_warehouse_code,
            gsku=parts[0],
            inventory_type="defective" if parts[1] == "defective" else "qualified",
            proxy_inbound_no="#".join(parts[2:-2]),
            local_inbound_no=parts[-2],
            inbound_at=from_iso(parts[-1]),
        )


@dataclass(frozen=True)
class StockDelta:
    key: BatchKey
    location: str
    delta: int


@dataclass(frozen=True)
class LedgerBatch:
    key: BatchKey
    location: str
    quantity: int


def location_for(inventory_type: InventoryType, putaway_location: str, defective_location: str) -> str:
    """Qualified stock sits on the virtual putaway location, defective stock on the defective one."""
    return putaway_location if inventory_type == "qualified" else defective_location


@dataclass(frozen=True)
class SnapshotLine:
    """One proxy-warehouse batch as a sync saw it; `gsku` is None when the proxy SKU maps to no GSKU."""

    proxy_sku: str
    gsku: str | None
    local_sku: str | None
    inventory_type: InventoryType
    proxy_inbound_no: str
    local_inbound_no: str | None
    inbound_at: datetime
    available: int
    locked: int

    @property
    def total(self) -> int:
        return self.available + self.locked

    def batch_key(self, gwms_warehouse_code: str) -> BatchKey | None:
        if self.gsku is None:
            return None
        return BatchKey(
            gwms_warehouse_code=gwms_warehouse_code,
            gsku=self.gsku,
            inventory_type=self.inventory_type,
            proxy_inbound_no=self.proxy_inbound_no,
            local_inbound_no=self.local_inbound_no or "",
            inbound_at=self.inbound_at,
        )


@dataclass(frozen=True)
class DedicatedLocations:
    putaway: str
    defective: str

    def for_type(self, inventory_type: InventoryType) -> str:
        return location_for(inventory_type, self.putaway, self.defective)

    def holds(self, batch: LedgerBatch) -> bool:
        """False for a batch on any other location: a sync never touches those."""
        return batch.location == self.for_type(batch.key.inventory_type)


@dataclass(frozen=True)
class Correction:
    key: BatchKey
    location: str
    before: int
    after: int
    # The proxy warehouse's quantities behind `after`; both 0 for a batch it no longer lists.
    available: int = 0
    locked: int = 0

    @property
    def delta(self) -> int:
        return self.after - self.before

    def stock_delta(self) -> StockDelta:
        return StockDelta(key=self.key, location=self.location, delta=self.delta)


@dataclass(frozen=True)
class SnapshotScope:
    """What every line of one snapshot shares."""

    task_id: str
    snapshot_at: datetime
    gwms_warehouse_code: str
    proxy_warehouse_code: str


@dataclass(frozen=True)
class SnapshotEntry:
    line: SnapshotLine
    snapshot_at: datetime
    gwms_warehouse_code: str
    proxy_warehouse_code: str
