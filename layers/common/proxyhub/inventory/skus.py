"""Proxy SKU to GSKU and local SKU, for the lines of an inventory snapshot."""

from proxyhub.inventory.ports import InventoryConfig, SkuMappings
from proxyhub.models.inventory import SnapshotLine
from proxyhub.proxy.ports import InventoryBatch


class SkuDirectory:
    """Proxy SKU → GSKU and local SKU for one proxy system; each SKU is looked up once per run.

    A SKU pushed under another name is found through the SKU mappings; otherwise the proxy SKU is the
    GSKU itself (the flows push GSKUs unchanged). Without master data for that GSKU, it is unmatched.
    """

    def __init__(self, system_code: str, config: InventoryConfig, sku_mappings: SkuMappings) -> None:
        self._system_code = system_code
        self._config = config
        self._sku_mappings = sku_mappings
        self._gsku_by_proxy_sku: dict[str, str] | None = None
        self._resolved: dict[str, tuple[str | None, str | None]] = {}

    def snapshot_lines(self, batches: list[InventoryBatch]) -> list[SnapshotLine]:
        self._look_up({batch.sku for batch in batches} - self._resolved.keys())
        return [self._snapshot_line(batch) for batch in batches]

    def _look_up(self, proxy_skus: set[str]) -> None:
        renamed = self._renamed()
        gskus = {proxy_sku: renamed.get(proxy_sku, proxy_sku) for proxy_sku in proxy_skus}
        masters = self._config.find_skus(gskus.values())
        for proxy_sku, gsku in gskus.items():
            master = masters.get(gsku)
            self._resolved[proxy_sku] = (gsku, master.local_sku) if master else (None, None)

    def _snapshot_line(self, batch: InventoryBatch) -> SnapshotLine:
        gsku, local_sku = self._resolved[batch.sku]
        return SnapshotLine(
            proxy_sku=batch.sku,
            gsku=gsku,
            local_sku=local_sku,
            inventory_type=batch.inventory_type,
            proxy_inbound_no=batch.proxy_inbound_no,
            local_inbound_no=batch.local_inbound_no,
            inbound_at=batch.inbound_at,
            available=batch.available,
            locked=batch.locked,
        )

    def _renamed(self) -> dict[str, str]:
        if self._gsku_by_proxy_sku is None:
            self._gsku_by_proxy_sku = {
                mapping.proxy_sku: mapping.gsku
                for mapping in self._sku_mappings.list_sku_mappings(self._system_code)
                if mapping.proxy_sku and mapping.proxy_sku != mapping.gsku
            }
        return self._gsku_by_proxy_sku
