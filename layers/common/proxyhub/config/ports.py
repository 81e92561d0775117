"""What the configuration use cases need from outside; `proxyhub.dal.config_repository` implements
the stores, `proxyhub.aws.inventory_schedules` the schedules."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from proxyhub.models.config import (
    ChannelMapping,
    Customer,
    CustomerInput,
    ProxySystemRecord,
    Sku,
    SkuInput,
    WarehouseMapping,
)


class ProxySystems(Protocol):
    def find_proxy_system(self, code: str) -> ProxySystemRecord | None: ...

    def recent_proxy_system(self, code: str) -> ProxySystemRecord | None:
        """Like `find_proxy_system`, but may answer from a copy a few seconds old: for the calls to a
        proxy warehouse that every task run makes (the store's own writes refresh it at once)."""
        ...


class SkuCatalogue(Protocol):
    def find_sku(self, gsku: str) -> Sku | None: ...

    def find_skus(self, gskus: Iterable[str]) -> dict[str, Sku]:
        """The GSKUs among `gskus` that have master data, in one batched read."""
        ...


@dataclass(frozen=True)
class OrderRouting:
    """What a new order is checked against and routed by, read together: the mapping of its GWMS
    warehouse (None: not proxied), that mapping's proxy system, the order's GSKUs that have master
    data, and the proxy's code for its logistics channel."""

    mapping: WarehouseMapping | None
    system: ProxySystemRecord | None = None
    skus: dict[str, Sku] = field(default_factory=dict)
    channel: ChannelMapping | None = None


class OrderRoutingReader(Protocol):
    def order_routing(
        self, gwms_warehouse_code: str, gskus: Iterable[str], gwms_channel_code: str | None = None
    ) -> OrderRouting:
        """All of it in one batched read (two rounds: the warehouse names the proxy system, whose
        mapping, record and channel the second reads)."""
        ...


class ConfigStore(ProxySystems, SkuCatalogue, OrderRoutingReader, Protocol):
    """Every configuration item. Writes raise NotFoundError / ConflictError with operators' wording."""

    def insert_proxy_system(self, record: ProxySystemRecord) -> None: ...

    def replace_proxy_system(self, record: ProxySystemRecord) -> None: ...

    def list_proxy_systems(self) -> list[ProxySystemRecord]: ...

    def delete_proxy_system(self, code: str) -> None:
        """Refused while the system has warehouse mappings."""
        ...

    def save_warehouse_mapping(
        self,
        system_code: str,
        proxy_warehouse_code: str,
        gwms_warehouse_code: str,
        virtual_putaway_location: str | None,
        defective_location: str | None,
        now: str,
    ) -> WarehouseMapping:
        """Writes the mapping and claims its GWMS warehouse (one proxy warehouse each), together."""
        ...

    def find_warehouse_mapping(
        self, system_code: str, proxy_warehouse_code: str
    ) -> WarehouseMapping | None: ...

    def find_mapping_for_gwms_warehouse(self, gwms_warehouse_code: str) -> WarehouseMapping | None: ...

    def list_warehouse_mappings(self, system_code: str) -> list[WarehouseMapping]: ...

    def delete_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping: ...

    def save_channel_mapping(
        self, system_code: str, gwms_channel_code: str, proxy_channel_code: str, now: str
    ) -> None: ...

    def find_channel_mapping(self, system_code: str, gwms_channel_code: str) -> ChannelMapping | None: ...

    def list_channel_mappings(self, system_code: str) -> list[ChannelMapping]: ...

    def delete_channel_mapping(self, system_code: str, gwms_channel_code: str) -> None: ...

    def save_sku(self, gsku: str, data: SkuInput, now: str) -> Sku: ...

    def save_customer(self, code: str, data: CustomerInput, now: str) -> Customer: ...

    def find_customer(self, code: str) -> Customer | None: ...


class MappingSchedules(Protocol):
    """The recurring inventory sync that follows each warehouse mapping (EventBridge Scheduler in AWS)."""

    def mapping_saved(self, mapping: WarehouseMapping) -> None:
        """Creates or updates the schedule of a complete mapping; removes it from an incomplete one."""
        ...

    def mapping_deleted(self, mapping: WarehouseMapping) -> None: ...
