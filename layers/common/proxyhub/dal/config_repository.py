"""Configuration items in the config table.

Key design (one table, `pk`/`sk`, overloaded `gsi1`):
- proxy system:        pk=PROXY_SYSTEM             sk=<code>
- warehouse mapping:   pk=SYSTEM#<code>#WAREHOUSE  sk=<proxy warehouse code>
- GWMS warehouse guard pk=GWMS_WAREHOUSE           sk=<gwms warehouse code>   (uniqueness + routing)
- channel mapping:     pk=SYSTEM#<code>#CHANNEL    sk=<gwms channel code>
- GSKU master data:    pk=SKU#<gsku>               sk=MASTER
- customer:            pk=CUSTOMER#<code>          sk=PROFILE
"""

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.models import Model

from proxyhub.config.models import (
    ChannelMapping,
    Customer,
    CustomerInput,
    ProxySystem,
    Sku,
    SkuInput,
    WarehouseMapping,
)
from proxyhub.dal.tables import bound_to, transact_write
from proxyhub.errors import ConflictError, NotFoundError

PROXY_SYSTEM_PK = "PROXY_SYSTEM"
PUTAWAY_LOCATION_MISSING = "Virtual putaway location not configured"
DEFECTIVE_LOCATION_MISSING = "Defective location not configured"
GWMS_WAREHOUSE_PK = "GWMS_WAREHOUSE"


class ConfigItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    updated_at = UnicodeAttribute()


def is_condition_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) in {
        "ConditionalCheckFailedException",
        "TransactionCanceledException",
    }


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

    def to_domain(self) -> ProxySystem:
        return ProxySystem(
            code=self.sk,
            name=self.name,
            system_type=self.system_type,
            api_endpoint=self.api_endpoint,
            account=self.account,
            version=self.version,
            enabled=self.enabled,
            password_set=bool(self.secret_name),
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


@bound_to("config_table_name")
class WarehouseMappingItem(ConfigItem):
    system_code = UnicodeAttribute()
    gwms_warehouse_code = UnicodeAttribute()
    virtual_putaway_location = UnicodeAttribute(null=True)
    defective_location = UnicodeAttribute(null=True)

    def missing_location(self) -> str | None:
        """Why stock cannot be booked on this mapping's dedicated locations (operators' wording)."""
        if not self.virtual_putaway_location:
            return PUTAWAY_LOCATION_MISSING
        if not self.defective_location:
            return DEFECTIVE_LOCATION_MISSING
        return None

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


def _channel_pk(system_code: str) -> str:
    return f"SYSTEM#{system_code}#CHANNEL"


# ---------------------------------------------------------------- proxy systems


def insert_proxy_system(item: ProxySystemItem) -> None:
    try:
        item.save(condition=ProxySystemItem.pk.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            raise ConflictError(f"Proxy system {item.sk} already exists") from error
        raise


def replace_proxy_system(item: ProxySystemItem) -> None:
    try:
        item.save(condition=ProxySystemItem.pk.exists())
    except PutError as error:
        if is_condition_failure(error):
            raise NotFoundError(f"Proxy system {item.sk} not found") from error
        raise


def find_proxy_system(code: str) -> ProxySystemItem | None:
    try:
        return ProxySystemItem.get(PROXY_SYSTEM_PK, code, consistent_read=True)
    except ProxySystemItem.DoesNotExist:
        return None


def get_proxy_system(code: str) -> ProxySystemItem:
    item = find_proxy_system(code)
    if item is None:
        raise NotFoundError(f"Proxy system {code} not found")
    return item


def list_proxy_systems() -> list[ProxySystemItem]:
    return list(ProxySystemItem.query(PROXY_SYSTEM_PK))


def delete_proxy_system(code: str) -> None:
    if has_warehouse_mappings(code):
        raise ConflictError(f"Proxy system {code} still has warehouse mappings; delete them first")
    try:
        ProxySystemItem(PROXY_SYSTEM_PK, code).delete(condition=ProxySystemItem.pk.exists())
    except DeleteError as error:
        if is_condition_failure(error):
            raise NotFoundError(f"Proxy system {code} not found") from error
        raise


# ---------------------------------------------------------------- warehouse mappings


def has_warehouse_mappings(system_code: str) -> bool:
    return any(True for _ in WarehouseMappingItem.query(_warehouse_pk(system_code), limit=1))


def find_warehouse_mapping(system_code: str, proxy_warehouse_code: str) -> WarehouseMappingItem | None:
    try:
        return WarehouseMappingItem.get(
            _warehouse_pk(system_code), proxy_warehouse_code, consistent_read=True
        )
    except WarehouseMappingItem.DoesNotExist:
        return None


def list_warehouse_mappings(system_code: str) -> list[WarehouseMappingItem]:
    return list(WarehouseMappingItem.query(_warehouse_pk(system_code)))


def find_mapping_for_gwms_warehouse(gwms_warehouse_code: str) -> WarehouseMappingItem | None:
    """The mapping that routes a GWMS warehouse to its proxy warehouse, if it is proxied."""
    try:
        guard = GwmsWarehouseGuardItem.get(GWMS_WAREHOUSE_PK, gwms_warehouse_code, consistent_read=True)
    except GwmsWarehouseGuardItem.DoesNotExist:
        return None
    return find_warehouse_mapping(guard.system_code, guard.proxy_warehouse_code)


def save_warehouse_mapping(
    system_code: str,
    proxy_warehouse_code: str,
    gwms_warehouse_code: str,
    virtual_putaway_location: str | None,
    defective_location: str | None,
    now: str,
) -> WarehouseMappingItem:
    """Writes the mapping and claims its GWMS warehouse in one transaction."""
    previous = find_warehouse_mapping(system_code, proxy_warehouse_code)
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
                transaction.delete(GwmsWarehouseGuardItem(GWMS_WAREHOUSE_PK, previous.gwms_warehouse_code))
    except TransactWriteError as error:
        raise _mapping_conflict(system_code, gwms_warehouse_code) from error
    return item


def _mapping_conflict(system_code: str, gwms_warehouse_code: str) -> Exception:
    if find_proxy_system(system_code) is None:
        return NotFoundError(f"Proxy system {system_code} not found")
    return ConflictError(f"GWMS warehouse {gwms_warehouse_code} is already mapped to another proxy warehouse")


def delete_warehouse_mapping(system_code: str, proxy_warehouse_code: str) -> WarehouseMappingItem:
    item = find_warehouse_mapping(system_code, proxy_warehouse_code)
    if item is None:
        raise NotFoundError(f"Warehouse mapping {system_code}/{proxy_warehouse_code} not found")
    with transact_write() as transaction:
        transaction.delete(item)
        transaction.delete(GwmsWarehouseGuardItem(GWMS_WAREHOUSE_PK, item.gwms_warehouse_code))
    return item


# ---------------------------------------------------------------- channel mappings


def save_channel_mapping(system_code: str, gwms_channel_code: str, proxy_channel_code: str, now: str) -> None:
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


def find_channel_mapping(system_code: str, gwms_channel_code: str) -> ChannelMappingItem | None:
    try:
        return ChannelMappingItem.get(_channel_pk(system_code), gwms_channel_code, consistent_read=True)
    except ChannelMappingItem.DoesNotExist:
        return None


def list_channel_mappings(system_code: str) -> list[ChannelMappingItem]:
    return list(ChannelMappingItem.query(_channel_pk(system_code)))


def delete_channel_mapping(system_code: str, gwms_channel_code: str) -> None:
    try:
        ChannelMappingItem(_channel_pk(system_code), gwms_channel_code).delete(
            condition=ChannelMappingItem.pk.exists()
        )
    except DeleteError as error:
        if is_condition_failure(error):
            raise NotFoundError(f"Channel mapping {system_code}/{gwms_channel_code} not found") from error
        raise


# ---------------------------------------------------------------- GSKUs and customers


def save_sku(gsku: str, data: SkuInput, now: str) -> Sku:
    item = SkuItem(f"SKU#{gsku}", "MASTER", gsku=gsku, updated_at=now, **data.model_dump())
    item.save()
    return item.to_domain()


def find_sku(gsku: str) -> Sku | None:
    try:
        return SkuItem.get(f"SKU#{gsku}", "MASTER", consistent_read=True).to_domain()
    except SkuItem.DoesNotExist:
        return None


def save_customer(code: str, data: CustomerInput, now: str) -> Customer:
    item = CustomerItem(f"CUSTOMER#{code}", "PROFILE", code=code, updated_at=now, **data.model_dump())
    item.save()
    return item.to_domain()


def find_customer(code: str) -> Customer | None:
    try:
        return CustomerItem.get(f"CUSTOMER#{code}", "PROFILE", consistent_read=True).to_domain()
    except CustomerItem.DoesNotExist:
        return None
