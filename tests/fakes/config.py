"""In-memory configuration: the whole `ConfigStore`, and the secret store.

`InMemoryConfigStore` keeps the rules of `proxyhub.dal.config_repository.DynamoConfigStore`, with its
operators' wording: a proxy system code is used once; a mapping or channel mapping needs its proxy
system; a GWMS warehouse maps to one proxy warehouse only (the guard item), and moving a mapping to
another GWMS warehouse frees the old one; a proxy system with warehouse mappings cannot be deleted.
"""

from collections.abc import Iterable

from proxyhub.config.ports import OrderRouting
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


def proxy_system_record(
    code: str = "HPK01",
    *,
    system_type: str = "HPK",
    enabled: bool = True,
    api_endpoint: str = "https://hpk.example.test",
    secret_name: str | None = None,
    now: str = "2026-06-04T08:00:00.000000Z",
) -> ProxySystemRecord:
    return ProxySystemRecord(
        code=code,
        name=f"Proxy system {code}",
        system_type=system_type,
        api_endpoint=api_endpoint,
        account="hub-account",
        version="5",
        enabled=enabled,
        secret_name=secret_name if secret_name is not None else f"proxy-hub/proxy-systems/{code}",
        created_at=now,
        updated_at=now,
    )


def _mapping(
    system_code: str,
    proxy_warehouse_code: str,
    gwms_warehouse_code: str,
    putaway: str | None,
    defective: str | None,
    now: str,
) -> WarehouseMapping:
    missing = WarehouseMapping.missing_locations(putaway, defective)
    return WarehouseMapping(
        system_code=system_code,
        proxy_warehouse_code=proxy_warehouse_code,
        gwms_warehouse_code=gwms_warehouse_code,
        virtual_putaway_location=putaway,
        defective_location=defective,
        complete=not missing,
        missing=missing,
        updated_at=now,
    )


class InMemoryConfigStore:
    """The `ConfigStore` port and every narrower lookup the flows, SKU sync and inventory sync use."""

    def __init__(self) -> None:
        self.systems: dict[str, ProxySystemRecord] = {}
        self.mappings: dict[tuple[str, str], WarehouseMapping] = {}
        # GWMS warehouse → (system code, proxy warehouse code): the guard that keeps it to one mapping.
        self.guards: dict[str, tuple[str, str]] = {}
        self.channels: dict[tuple[str, str], ChannelMapping] = {}
        self.skus: dict[str, Sku] = {}
        self.customers: dict[str, Customer] = {}

    # ------------------------------------------------------------ proxy systems

    def insert_proxy_system(self, record: ProxySystemRecord) -> None:
        if record.code in self.systems:
            raise ConflictError(f"Proxy system {record.code} already exists")
        self.systems[record.code] = record

    def replace_proxy_system(self, record: ProxySystemRecord) -> None:
        if record.code not in self.systems:
            raise NotFoundError(f"Proxy system {record.code} not found")
        self.systems[record.code] = record

    def find_proxy_system(self, code: str) -> ProxySystemRecord | None:
        return self.systems.get(code)

    def recent_proxy_system(self, code: str) -> ProxySystemRecord | None:
        return self.find_proxy_system(code)

    def list_proxy_systems(self) -> list[ProxySystemRecord]:
        return [self.systems[code] for code in sorted(self.systems)]

    def delete_proxy_system(self, code: str) -> None:
        if any(system_code == code for system_code, _ in self.mappings):
            raise ConflictError(f"Proxy system {code} still has warehouse mappings; delete them first")
        if self.systems.pop(code, None) is None:
            raise NotFoundError(f"Proxy system {code} not found")

    # ------------------------------------------------------------ warehouse mappings

    def save_warehouse_mapping(
        self,
        system_code: str,
        proxy_warehouse_code: str,
        gwms_warehouse_code: str,
        virtual_putaway_location: str | None,
        defective_location: str | None,
        now: str,
    ) -> WarehouseMapping:
        if system_code not in self.systems:
            raise NotFoundError(f"Proxy system {system_code} not found")
        guard = self.guards.get(gwms_warehouse_code)
        if guard is not None and guard != (system_code, proxy_warehouse_code):
            raise ConflictError(
                f"GWMS warehouse {gwms_warehouse_code} is already mapped to another proxy warehouse"
            )
        previous = self.mappings.get((system_code, proxy_warehouse_code))
        mapping = _mapping(
            system_code,
            proxy_warehouse_code,
            gwms_warehouse_code,
            virtual_putaway_location or None,
            defective_location or None,
            now,
        )
        self.guards[gwms_warehouse_code] = (system_code, proxy_warehouse_code)
        self.mappings[(system_code, proxy_warehouse_code)] = mapping
        if previous is not None and previous.gwms_warehouse_code != gwms_warehouse_code:
            del self.guards[previous.gwms_warehouse_code]
        return mapping.model_copy()

    def find_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping | None:
        mapping = self.mappings.get((system_code, proxy_warehouse_code))
        return mapping.model_copy() if mapping else None

    def find_mapping_for_gwms_warehouse(self, gwms_warehouse_code: str) -> WarehouseMapping | None:
        guard = self.guards.get(gwms_warehouse_code)
        return self.find_warehouse_mapping(*guard) if guard else None

    def list_warehouse_mappings(self, system_code: str) -> list[WarehouseMapping]:
        return [
            mapping.model_copy()
            for (code, _), mapping in sorted(self.mappings.items())
            if code == system_code
        ]

    def delete_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping:
        mapping = self.mappings.pop((system_code, proxy_warehouse_code), None)
        if mapping is None:
            raise NotFoundError(f"Warehouse mapping {system_code}/{proxy_warehouse_code} not found")
        self.guards.pop(mapping.gwms_warehouse_code, None)
        return mapping

    # ------------------------------------------------------------ channel mappings

    def save_channel_mapping(
        self, system_code: str, gwms_channel_code: str, proxy_channel_code: str, now: str
    ) -> None:
        if system_code not in self.systems:
            raise NotFoundError(f"Proxy system {system_code} not found")
        self.channels[(system_code, gwms_channel_code)] = ChannelMapping(
            system_code=system_code,
            gwms_channel_code=gwms_channel_code,
            proxy_channel_code=proxy_channel_code,
            updated_at=now,
        )

    def find_channel_mapping(self, system_code: str, gwms_channel_code: str) -> ChannelMapping | None:
        channel = self.channels.get((system_code, gwms_channel_code))
        return channel.model_copy() if channel else None

    def list_channel_mappings(self, system_code: str) -> list[ChannelMapping]:
        return [
            channel.model_copy()
            for (code, _), channel in sorted(self.channels.items())
            if code == system_code
        ]

    def delete_channel_mapping(self, system_code: str, gwms_channel_code: str) -> None:
        if self.channels.pop((system_code, gwms_channel_code), None) is None:
            raise NotFoundError(f"Channel mapping {system_code}/{gwms_channel_code} not found")

    # ------------------------------------------------------------ GSKUs and customers

    def save_sku(self, gsku: str, data: SkuInput, now: str) -> Sku:
        sku = Sku(gsku=gsku, updated_at=now, **data.model_dump())
        self.skus[gsku] = sku
        return sku.model_copy()

    def find_sku(self, gsku: str) -> Sku | None:
        sku = self.skus.get(gsku)
        return sku.model_copy() if sku else None

    def find_skus(self, gskus: Iterable[str]) -> dict[str, Sku]:
        return {gsku: self.skus[gsku].model_copy() for gsku in set(gskus) if gsku in self.skus}

    def save_customer(self, code: str, data: CustomerInput, now: str) -> Customer:
        customer = Customer(code=code, updated_at=now, **data.model_dump())
        self.customers[code] = customer
        return customer.model_copy()

    def find_customer(self, code: str) -> Customer | None:
        customer = self.customers.get(code)
        return customer.model_copy(deep=True) if customer else None

    # ------------------------------------------------------------ an order's routing, read together

    def order_routing(
        self, gwms_warehouse_code: str, gskus: Iterable[str], gwms_channel_code: str | None = None
    ) -> OrderRouting:
        mapping = self.find_mapping_for_gwms_warehouse(gwms_warehouse_code)
        if mapping is None:
            return OrderRouting(mapping=None)
        channel = (
            self.find_channel_mapping(mapping.system_code, gwms_channel_code) if gwms_channel_code else None
        )
        return OrderRouting(
            mapping=mapping,
            system=self.find_proxy_system(mapping.system_code),
            skus=self.find_skus(gskus),
            channel=channel,
        )


class SecretNotFoundError(Exception):
    pass


class InMemorySecretStore:
    """The `SecretStore` port; `unreadable` names secrets whose reads fail (e.g. a KMS denial)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.unreadable: set[str] = set()

    def put(self, name: str, value: str) -> None:
        self.values[name] = value

    def read(self, name: str) -> str:
        if name in self.unreadable:
            raise PermissionError(f"AccessDenied reading {name}")
        if name not in self.values:
            raise SecretNotFoundError(f"ResourceNotFound: {name}")
        return self.values[name]

    def delete(self, name: str) -> None:
        self.values.pop(name, None)
