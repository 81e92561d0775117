"""What SKU sync needs from outside: where each GSKU's sync status per proxy system is kept."""

from typing import Protocol

from proxyhub.models.skus import SkuMapping, SkuSyncStatus


class SkuMappingStore(Protocol):
    def save_sku_mapping(self, mapping: SkuMapping, now: str) -> None: ...

    def find_sku_mapping(self, system_code: str, gsku: str) -> SkuMapping | None: ...

    def list_sku_mappings(self, system_code: str, status: SkuSyncStatus | None = None) -> list[SkuMapping]:
        """One status is read from its own index (e.g. the failed ones operators must fix)."""
        ...
