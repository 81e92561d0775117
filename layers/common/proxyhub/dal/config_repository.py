"""Configuration items in the config table.

Key design (one table, `pk`/`sk`, overloaded `gsi1`):
- proxy system:        pk=PROXY_SYSTEM             sk=<code>
- warehouse mapping:   pk=SYSTEM#<code>#WAREHOUSE  sk=<proxy warehouse code>
- GWMS warehouse guard pk=GWMS_WAREHOUSE           sk=<gwms warehouse code>   (uniqueness + routing)
- channel mapping:     pk=SYSTEM#<code>#CHANNEL    sk=<gwms channel code>
- GSKU master data:    pk=SKU#<gsku>               sk=MASTER
- customer:            pk=CUSTOMER#<code>          sk=PROFILE
"""

import threading
import time
from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.models import Model

from proxyhub.config.ports import OrderRouting
from proxyhub.dal.tables import batch_get_raw, bound_to, is_condition_failure, raw_string, transact_write
from proxyhub.errors import ConflictError, NotFoundError
from proxyhub.models.config import (
    ChannelMapping,
    Customer,
    CustomerInput,
    ProxySystemRecord,
    Sku,
    SkuInput,
    WarehouseMapping,
)

PROXY_SYSTEM_PK = "PROXY_SYSTEM"
PUTAWAY_LOCATION_MISSING = "Virtual putaway location not configured"
DEFECTIVE_LOCATION_MISSING = "Defective location not configured"
GWMS_WAREHOUSE_PK = "GWMS_WAREHOUSE"
SKU_MASTER_SK = "MASTER"
# How long a task run's read of a proxy system is reused in this container (`recent_proxy_system`).
RECENT_SYSTEM_SECONDS = 30.0


class ConfigItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    updated_at = UnicodeAttribute()


@bound_to("config_table_name")
class ProxySystemItem(ConfigItem):
    name = UnicodeAttribute()
    system_type = UnicodeAttribute()
    api_endpoint = UnicodeAttribute()
    account = UnicodeAttribute()
    version = UnicodeAttribute()
    enabled = BooleanAttribute()
    secret_name = UnicodeAttribute()
    created_at = UnicodeAttribute()

    def to_domain(self) -> ProxySystemRecord:
        return ProxySystemRecord(
            code=self.sk,
            name=self.name,
            system_type=self.system_type,
            api_endpoint=self.api_endpoint,
            account=self.account,
            version=self.version,
            enabled=self.enabled,
            secret_name=self.secret_name,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )

    @classmethod
    def of(cls, record: ProxySystemRecord) -> "ProxySystemItem":
        return cls(
            PROXY_SYSTEM_PK,
            record.code,
            name=record.name,
            system_type=record.system_type,
            api_endpoint=record.api_endpoint,
            account=record.account,
            version=record.version,
            enabled=record.enabled,
            secret_name=record.secret_name,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


@bound_to("config_table_name")
class WarehouseMappingItem(ConfigItem):
    system_code = UnicodeAttribute()
    gwms_warehouse_code = UnicodeAttribute()
    virtual_putaway_location = UnicodeAttribute(null=True)
    defective_location = UnicodeAttribute(null=True)

    def to_domain(self) -> WarehouseMapping:
        missing = WarehouseMapping.missing_locations(self.virtual_putaway_location, self.defective_location)
        return WarehouseMapping(
            system_code=self.system_code,
            proxy_warehouse_code=self.sk,
            gwms_warehouse_code=self.gwms_warehouse_code,
            virtual_putaway_location=self.virtual_putaway_location,
            defective_location=self.defective_location,
            complete=not missing,
            missing=missing,
            updated_at=self.updated_at,
        )


@bound_to("config_table_name")
class GwmsWarehouseGuardItem(ConfigItem):
    """Holds a GWMS warehouse code for the one proxy warehouse it maps to."""

    system_code = UnicodeAttribute()
    proxy_warehouse_code = UnicodeAttribute()


@bound_to("config_table_name")
class ChannelMappingItem(ConfigItem):
    system_code = UnicodeAttribute()
    proxy_channel_code = UnicodeAttribute()

    def to_domain(self) -> ChannelMapping:
        return ChannelMapping(
            system_code=self.system_code,
            gwms_channel_code=self.sk,
            proxy_channel_code=self.proxy_channel_code,
            updated_at=self.updated_at,
        )


@bound_to("config_table_name")
class SkuItem(ConfigItem):
    gsku = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    spec = UnicodeAttribute(null=True)
    weight_kg = NumberAttribute(null=True)
    length_cm = NumberAttribute(null=True)
    width_cm = NumberAttribute(null=True)
    height_cm = NumberAttribute(null=True)
    barcode = UnicodeAttribute(null=True)
    customer_code = UnicodeAttribute(null=True)
    local_sku = UnicodeAttribute(null=True)

    def to_domain(self) -> Sku:
        return Sku(
            gsku=self.gsku,
            name=self.name,
            spec=self.spec,
            weight_kg=self.weight_kg,
            length_cm=self.length_cm,
            width_cm=self.width_cm,
            height_cm=self.height_cm,
            barcode=self.barcode,
            customer_code=self.customer_code,
            local_sku=self.local_sku,
            updated_at=self.updated_at,
        )


@bound_to("config_table_name")
class CustomerItem(ConfigItem):
    code = UnicodeAttribute()
    name = UnicodeAttribute()
    account_status = UnicodeAttribute()
    warehouse_codes = ListAttribute(of=UnicodeAttribute, default=list)

    def to_domain(self) -> Customer:
        return Customer(
            code=self.code,
            name=self.name,
            account_status=self.account_status,
            warehouse_codes=list(self.warehouse_codes or []),
            updated_at=self.updated_at,
        )


def _warehouse_pk(system_code: str) -> str:
    return f"SYSTEM#{system_code}#WAREHOUSE"


def warehouse_mapping_key(system_code: str, proxy_warehouse_code: str) -> tuple[str, str]:
    return _warehouse_pk(system_code), proxy_warehouse_code


def _channel_pk(system_code: str) -> str:
    return f"SYSTEM#{system_code}#CHANNEL"


def customer_key(code: str) -> tuple[str, str]:
    return f"CUSTOMER#{code}", "PROFILE"


def _sku_key(gsku: str) -> tuple[str, str]:
    return f"SKU#{gsku}", SKU_MASTER_SK


class DynamoConfigStore:
    """The `ConfigStore` port (and the narrower lookups the flows use) on the config table."""

    def __init__(self, recent_seconds: float = RECENT_SYSTEM_SECONDS) -> None:
        self._recent_seconds = recent_seconds
        self._recent: dict[str, tuple[float, ProxySystemRecord | None]] = {}
        self._recent_guard = threading.Lock()
        self._writes = 0

    # ------------------------------------------------------------ proxy systems

    def recent_proxy_system(self, code: str) -> ProxySystemRecord | None:
        """A read of the last few seconds (this container's), else a fresh one: task runs call their
        proxy warehouse on every run, and its record changes rarely. Writes here refresh it at once;
        in another container a change is seen within `RECENT_SYSTEM_SECONDS`."""
        now = time.monotonic()
        with self._recent_guard:
            cached = self._recent.get(code)
            writes_before = self._writes
        if cached is not None and now - cached[0] < self._recent_seconds:
            return cached[1]
        record = self.find_proxy_system(code)
        with self._recent_guard:
            # A write since our read began may not be in it: keep nothing then.
            if self._writes == writes_before:
                self._recent[code] = (now, record)
        return record

    def _forget_recent(self, code: str) -> None:
        with self._recent_guard:
            self._writes += 1
            self._recent.pop(code, None)

    def insert_proxy_system(self, record: ProxySystemRecord) -> None:
        try:
            ProxySystemItem.of(record).save(condition=ProxySystemItem.pk.does_not_exist())
        except PutError as error:
            if is_condition_failure(error):
                raise ConflictError(f"Proxy system {record.code} already exists") from error
            raise
        finally:
            self._forget_recent(record.code)

    def replace_proxy_system(self, record: ProxySystemRecord) -> None:
        try:
            ProxySystemItem.of(record).save(condition=ProxySystemItem.pk.exists())
        except PutError as error:
            if is_condition_failure(error):
                raise NotFoundError(f"Proxy system {record.code} not found") from error
            raise
        finally:
            self._forget_recent(record.code)

    def find_proxy_system(self, code: str) -> ProxySystemRecord | None:
        try:
            return ProxySystemItem.get(PROXY_SYSTEM_PK, code, consistent_read=True).to_domain()
        except ProxySystemItem.DoesNotExist:
            return None

    def list_proxy_systems(self) -> list[ProxySystemRecord]:
        return [item.to_domain() for item in ProxySystemItem.query(PROXY_SYSTEM_PK)]

    def delete_proxy_system(self, code: str) -> None:
        if self._has_warehouse_mappings(code):
            raise ConflictError(f"Proxy system {code} still has warehouse mappings; delete them first")
        try:
            ProxySystemItem(PROXY_SYSTEM_PK, code).delete(condition=ProxySystemItem.pk.exists())
        except DeleteError as error:
            if is_condition_failure(error):
                raise NotFoundError(f"Proxy system {code} not found") from error
            raise
        finally:
            self._forget_recent(code)

    # ------------------------------------------------------------ warehouse mappings

    @staticmethod
    def _has_warehouse_mappings(system_code: str) -> bool:
        return any(True for _ in WarehouseMappingItem.query(_warehouse_pk(system_code), limit=1))

    @staticmethod
    def _mapping_item(system_code: str, proxy_warehouse_code: str) -> WarehouseMappingItem | None:
        try:
            return WarehouseMappingItem.get(
                _warehouse_pk(system_code), proxy_warehouse_code, consistent_read=True
            )
        except WarehouseMappingItem.DoesNotExist:
            return None

    def find_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping | None:
        item = self._mapping_item(system_code, proxy_warehouse_code)
        return item.to_domain() if item else None

    def list_warehouse_mappings(self, system_code: str) -> list[WarehouseMapping]:
        return [item.to_domain() for item in WarehouseMappingItem.query(_warehouse_pk(system_code))]

    def find_mapping_for_gwms_warehouse(self, gwms_warehouse_code: str) -> WarehouseMapping | None:
        """The mapping that routes a GWMS warehouse to its proxy warehouse, if it is proxied."""
        try:
            guard = GwmsWarehouseGuardItem.get(GWMS_WAREHOUSE_PK, gwms_warehouse_code, consistent_read=True)
        except GwmsWarehouseGuardItem.DoesNotExist:
            return None
        return self.find_warehouse_mapping(guard.system_code, guard.proxy_warehouse_code)

    def save_warehouse_mapping(
        self,
        system_code: str,
        proxy_warehouse_code: str,
        gwms_warehouse_code: str,
        virtual_putaway_location: str | None,
        defective_location: str | None,
        now: str,
    ) -> WarehouseMapping:
        """Writes the mapping and claims its GWMS warehouse in one transaction."""
        previous = self._mapping_item(system_code, proxy_warehouse_code)
        item = WarehouseMappingItem(
            _warehouse_pk(system_code),
            proxy_warehouse_code,
            system_code=system_code,
            gwms_warehouse_code=gwms_warehouse_code,
            virtual_putaway_location=virtual_putaway_location or None,
            defective_location=defective_location or None,
            updated_at=now,
        )
        guard = GwmsWarehouseGuardItem(
            GWMS_WAREHOUSE_PK,
            gwms_warehouse_code,
            system_code=system_code,
            proxy_warehouse_code=proxy_warehouse_code,
            updated_at=now,
        )
        guard_is_free_or_ours = GwmsWarehouseGuardItem.pk.does_not_exist() | (
            (GwmsWarehouseGuardItem.system_code == system_code)
            & (GwmsWarehouseGuardItem.proxy_warehouse_code == proxy_warehouse_code)
        )
        try:
            with transact_write() as transaction:
                transaction.condition_check(
                    ProxySystemItem, PROXY_SYSTEM_PK, system_code, ProxySystemItem.pk.exists()
                )
                transaction.save(guard, condition=guard_is_free_or_ours)
                transaction.save(item)
                if previous is not None and previous.gwms_warehouse_code != gwms_warehouse_code:
                    transaction.delete(
                        GwmsWarehouseGuardItem(GWMS_WAREHOUSE_PK, previous.gwms_warehouse_code)
                    )
        except TransactWriteError as error:
            raise self._mapping_conflict(system_code, gwms_warehouse_code) from error
        return item.to_domain()

    def _mapping_conflict(self, system_code: str, gwms_warehouse_code: str) -> Exception:
        if self.find_proxy_system(system_code) is None:
            return NotFoundError(f"Proxy system {system_code} not found")
        return ConflictError(
            f"GWMS warehouse {gwms_warehouse_code} is already mapped to another proxy warehouse"
        )

    def delete_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping:
        item = self._mapping_item(system_code, proxy_warehouse_code)
        if item is None:
            raise NotFoundError(f"Warehouse mapping {system_code}/{proxy_warehouse_code} not found")
        with transact_write() as transaction:
            transaction.delete(item)
            transaction.delete(GwmsWarehouseGuardItem(GWMS_WAREHOUSE_PK, item.gwms_warehouse_code))
        return item.to_domain()

    # ------------------------------------------------------------ channel mappings

    def save_channel_mapping(
        self, system_code: str, gwms_channel_code: str, proxy_channel_code: str, now: str
    ) -> None:
        item = ChannelMappingItem(
            _channel_pk(system_code),
            gwms_channel_code,
            system_code=system_code,
            proxy_channel_code=proxy_channel_code,
            updated_at=now,
        )
        try:
            with transact_write() as transaction:
                transaction.condition_check(
                    ProxySystemItem, PROXY_SYSTEM_PK, system_code, ProxySystemItem.pk.exists()
                )
                transaction.save(item)
        except TransactWriteError as error:
            raise NotFoundError(f"Proxy system {system_code} not found") from error

    def find_channel_mapping(self, system_code: str, gwms_channel_code: str) -> ChannelMapping | None:
        try:
            item = ChannelMappingItem.get(_channel_pk(system_code), gwms_channel_code, consistent_read=True)
        except ChannelMappingItem.DoesNotExist:
            return None
        return item.to_domain()

    def list_channel_mappings(self, system_code: str) -> list[ChannelMapping]:
        return [item.to_domain() for item in ChannelMappingItem.query(_channel_pk(system_code))]

    def delete_channel_mapping(self, system_code: str, gwms_channel_code: str) -> None:
        try:
            ChannelMappingItem(_channel_pk(system_code), gwms_channel_code).delete(
                condition=ChannelMappingItem.pk.exists()
            )
        except DeleteError as error:
            if is_condition_failure(error):
                raise NotFoundError(f"Channel mapping {system_code}/{gwms_channel_code} not found") from error
            raise

    # ------------------------------------------------------------ GSKUs and customers

    def save_sku(self, gsku: str, data: SkuInput, now: str) -> Sku:
        item = SkuItem(*_sku_key(gsku), gsku=gsku, updated_at=now, **data.model_dump())
        item.save()
        return item.to_domain()

    def find_sku(self, gsku: str) -> Sku | None:
        try:
            return SkuItem.get(*_sku_key(gsku), consistent_read=True).to_domain()
        except SkuItem.DoesNotExist:
            return None

    def find_skus(self, gskus: Iterable[str]) -> dict[str, Sku]:
        item_keys = [_sku_key(gsku) for gsku in set(gskus)]
        if not item_keys:
            return {}
        return {item.gsku: item.to_domain() for item in SkuItem.batch_get(item_keys)}

    # ------------------------------------------------------------ an order's routing, read together

    def order_routing(
        self, gwms_warehouse_code: str, gskus: Iterable[str], gwms_channel_code: str | None = None
    ) -> OrderRouting:
        """Two BatchGetItem rounds: the GWMS warehouse's guard with the GSKUs' master data, then the
        mapping, proxy system and channel mapping the guard points to."""
        sku_keys = [_sku_key(gsku) for gsku in dict.fromkeys(gskus)]
        first = batch_get_raw(SkuItem, [(GWMS_WAREHOUSE_PK, gwms_warehouse_code), *sku_keys])
        guard = next((raw for raw in first if raw_string(raw, "pk") == GWMS_WAREHOUSE_PK), None)
        skus = [SkuItem.from_raw_data(raw).to_domain() for raw in first if raw is not guard]
        if guard is None:
            return OrderRouting(mapping=None, skus={sku.gsku: sku for sku in skus})
        system_code, proxy_warehouse = (
            raw_string(guard, "system_code"),
            raw_string(guard, "proxy_warehouse_code"),
        )
        keys = [(_warehouse_pk(system_code), proxy_warehouse), (PROXY_SYSTEM_PK, system_code)]
        if gwms_channel_code:
            keys.append((_channel_pk(system_code), gwms_channel_code))
        second: dict[str, dict[str, Any]] = {
            raw_string(raw, "pk"): raw for raw in batch_get_raw(SkuItem, keys)
        }
        mapping = second.get(_warehouse_pk(system_code))
        system = second.get(PROXY_SYSTEM_PK)
        channel = second.get(_channel_pk(system_code))
        return OrderRouting(
            mapping=WarehouseMappingItem.from_raw_data(mapping).to_domain() if mapping else None,
            system=ProxySystemItem.from_raw_data(system).to_domain() if system else None,
            skus={sku.gsku: sku for sku in skus},
            channel=ChannelMappingItem.from_raw_data(channel).to_domain() if channel else None,
        )

    def save_customer(self, code: str, data: CustomerInput, now: str) -> Customer:
        item = CustomerItem(f"CUSTOMER#{code}", "PROFILE", code=code, updated_at=now, **data.model_dump())
        item.save()
        return item.to_domain()

    def find_customer(self, code: str) -> Customer | None:
        try:
            return CustomerItem.get(f"CUSTOMER#{code}", "PROFILE", consistent_read=True).to_domain()
        except CustomerItem.DoesNotExist:
            return None
