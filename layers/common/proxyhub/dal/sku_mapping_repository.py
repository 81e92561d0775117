"""SKU mappings per (proxy system, GSKU) in the config table.

pk=SYSTEM#<code>#SKU sk=<gsku>; gsi1pk=SYSTEM#<code>#SKU#<status> gsi1sk=<gsku> lists one status
(e.g. the failed ones an operator must fix) without reading the others.
"""

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from proxyhub.dal.config_repository import ConfigItem
from proxyhub.dal.tables import bound_to
from proxyhub.models.skus import SkuMapping, SkuSyncStatus


class SkuMappingByStatus(GlobalSecondaryIndex["SkuMappingItem"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


@bound_to("config_table_name")
class SkuMappingItem(ConfigItem):
    system_code = UnicodeAttribute()
    gsku = UnicodeAttribute()
    status = UnicodeAttribute()
    proxy_sku = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    last_attempt_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_status = SkuMappingByStatus()

    def to_domain(self) -> SkuMapping:
        return SkuMapping(
            system_code=self.system_code,
            gsku=self.gsku,
            status=SkuSyncStatus(self.status),
            proxy_sku=self.proxy_sku,
            last_error=self.last_error,
            last_attempt_at=self.last_attempt_at,
        )


def _pk(system_code: str) -> str:
    return f"SYSTEM#{system_code}#SKU"


class DynamoSkuMappingStore:
    """The SKU mapping store on the config table: each GSKU's sync status per proxy system."""

    def save_sku_mapping(self, mapping: SkuMapping, now: str) -> None:
        SkuMappingItem(
            _pk(mapping.system_code),
            mapping.gsku,
            system_code=mapping.system_code,
            gsku=mapping.gsku,
            status=mapping.status.value,
            proxy_sku=mapping.proxy_sku,
            last_error=mapping.last_error,
            last_attempt_at=mapping.last_attempt_at,
            updated_at=now,
            gsi1pk=f"{_pk(mapping.system_code)}#{mapping.status.value}",
            gsi1sk=mapping.gsku,
        ).save()

    def find_sku_mapping(self, system_code: str, gsku: str) -> SkuMapping | None:
        try:
            return SkuMappingItem.get(_pk(system_code), gsku, consistent_read=True).to_domain()
        except SkuMappingItem.DoesNotExist:
            return None

    def list_sku_mappings(self, system_code: str, status: SkuSyncStatus | None = None) -> list[SkuMapping]:
        if status is None:
            items = SkuMappingItem.query(_pk(system_code))
        else:
            items = SkuMappingItem.by_status.query(f"{_pk(system_code)}#{status.value}")
        return [item.to_domain() for item in items]
