"""Stock on the two dedicated locations of a proxied warehouse, per batch.

A batch is what the proxy warehouse splits stock by: warehouse, GSKU, inventory type, the proxy's
inbound order, our inbound order and the inbound time. Qualified stock lives on the mapping's
virtual putaway location, defective stock on its defective location; nothing else is touched.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from proxyhub.clock import to_iso

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
