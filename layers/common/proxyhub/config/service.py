"""Configuration use cases. Secrets go to the secret store, never to DynamoDB or a response."""

from collections.abc import Callable
from typing import Protocol

from aws_lambda_powertools.metrics import MetricUnit

from proxyhub.clock import Clock, to_iso
from proxyhub.config.models import (
    ChannelMapping,
    ChannelMappingInput,
    Customer,
    CustomerInput,
    ProxySystem,
    ProxySystemCreate,
    ProxySystemUpdate,
    Sku,
    SkuInput,
    WarehouseMapping,
    WarehouseMappingInput,
)
from proxyhub.dal import config_repository as repo
from proxyhub.dal.secrets import SecretStore, secret_name
from proxyhub.errors import NotFoundError
from proxyhub.observability import logger, metrics
from proxyhub.settings import Settings

MAPPING_SCHEDULE_FAILURE_METRIC = "InventoryScheduleFailures"


class MappingSchedules(Protocol):
    """The recurring inventory sync that follows each warehouse mapping (EventBridge Scheduler in AWS)."""

    def mapping_saved(self, mapping: WarehouseMapping) -> None:
        """Creates or updates the schedule of a complete mapping; removes it from an incomplete one."""
        ...

    def mapping_deleted(self, mapping: WarehouseMapping) -> None: ...


class ConfigService:
    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        clock: Clock,
        schedules: MappingSchedules | None = None,
    ) -> None:
        self._settings = settings
        self._secrets = secrets
        self._clock = clock
        self._schedules = schedules

    def _now(self) -> str:
        return to_iso(self._clock.now())

    # ------------------------------------------------------------ proxy systems

    def create_proxy_system(self, data: ProxySystemCreate) -> ProxySystem:
        now = self._now()
        item = repo.ProxySystemItem(
            repo.PROXY_SYSTEM_PK,
            data.code,
            name=data.name,
            system_type=data.system_type,
            api_endpoint=str(data.api_endpoint).rstrip("/"),
            account=data.account,
            version=data.version,
            enabled=data.enabled,
            secret_name=secret_name(self._settings, "proxy-systems", data.code),
            created_at=now,
            updated_at=now,
        )
        repo.insert_proxy_system(item)
        try:
            self._secrets.put(item.secret_name, data.password)
        except Exception:
            # No proxy system without its password: undo the insert so nothing is half-written.
            item.delete()
            raise
        return item.to_domain()

    def update_proxy_system(self, code: str, data: ProxySystemUpdate) -> ProxySystem:
        current = repo.get_proxy_system(code)
        if data.password is not None:
            self._secrets.put(current.secret_name, data.password)
        current.name = data.name
        current.system_type = data.system_type
        current.api_endpoint = str(data.api_endpoint).rstrip("/")
        current.account = data.account
        current.version = data.version
        current.enabled = data.enabled
        current.updated_at = self._now()
        repo.replace_proxy_system(current)
        return current.to_domain()

    def get_proxy_system(self, code: str) -> ProxySystem:
        return repo.get_proxy_system(code).to_domain()

    def list_proxy_systems(self) -> list[ProxySystem]:
        return [item.to_domain() for item in repo.list_proxy_systems()]

    def delete_proxy_system(self, code: str) -> None:
        item = repo.get_proxy_system(code)
        repo.delete_proxy_system(code)
        self._secrets.delete(item.secret_name)

    def read_password(self, code: str) -> str:
        return self._secrets.read(repo.get_proxy_system(code).secret_name)

    # ------------------------------------------------------------ warehouse mappings

    def put_warehouse_mapping(
        self, system_code: str, proxy_warehouse_code: str, data: WarehouseMappingInput
    ) -> WarehouseMapping:
        item = repo.save_warehouse_mapping(
            system_code,
            proxy_warehouse_code,
            data.gwms_warehouse_code,
            data.virtual_putaway_location,
            data.defective_location,
            self._now(),
        )
        mapping = item.to_domain()
        if self._schedules is not None:
            self._follow_mapping(self._schedules.mapping_saved, mapping)
        return mapping

    def get_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping:
        item = repo.find_warehouse_mapping(system_code, proxy_warehouse_code)
        if item is None:
            raise NotFoundError(f"Warehouse mapping {system_code}/{proxy_warehouse_code} not found")
        return item.to_domain()

    def list_warehouse_mappings(self, system_code: str) -> list[WarehouseMapping]:
        repo.get_proxy_system(system_code)
        return [item.to_domain() for item in repo.list_warehouse_mappings(system_code)]

    def delete_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping:
        mapping = repo.delete_warehouse_mapping(system_code, proxy_warehouse_code).to_domain()
        if self._schedules is not None:
            self._follow_mapping(self._schedules.mapping_deleted, mapping)
        return mapping

    @staticmethod
    def _follow_mapping(update: Callable[[WarehouseMapping], None], mapping: WarehouseMapping) -> None:
        """The mapping is stored and stays so: a schedule that failed to follow is logged and counted,
        and saving the mapping again puts it right."""
        try:
            update(mapping)
        except Exception:
            logger.exception(
                "Inventory sync schedule not updated; save the warehouse mapping again",
                extra={
                    "system_code": mapping.system_code,
                    "proxy_warehouse_code": mapping.proxy_warehouse_code,
                },
            )
            metrics.add_metric(name=MAPPING_SCHEDULE_FAILURE_METRIC, unit=MetricUnit.Count, value=1)

    # ------------------------------------------------------------ channel mappings

    def put_channel_mapping(
        self, system_code: str, gwms_channel_code: str, data: ChannelMappingInput
    ) -> ChannelMapping:
        repo.save_channel_mapping(system_code, gwms_channel_code, data.proxy_channel_code, self._now())
        return self.get_channel_mapping(system_code, gwms_channel_code)

    def get_channel_mapping(self, system_code: str, gwms_channel_code: str) -> ChannelMapping:
        item = repo.find_channel_mapping(system_code, gwms_channel_code)
        if item is None:
            raise NotFoundError(f"Channel mapping {system_code}/{gwms_channel_code} not found")
        return item.to_domain()

    def list_channel_mappings(self, system_code: str) -> list[ChannelMapping]:
        repo.get_proxy_system(system_code)
        return [item.to_domain() for item in repo.list_channel_mappings(system_code)]

    def delete_channel_mapping(self, system_code: str, gwms_channel_code: str) -> None:
        repo.delete_channel_mapping(system_code, gwms_channel_code)

    # ------------------------------------------------------------ GSKUs and customers

    def put_sku(self, gsku: str, data: SkuInput) -> Sku:
        return repo.save_sku(gsku, data, self._now())

    def get_sku(self, gsku: str) -> Sku:
        sku = repo.find_sku(gsku)
        if sku is None:
            raise NotFoundError(f"SKU {gsku} not found")
        return sku

    def put_customer(self, code: str, data: CustomerInput) -> Customer:
        return repo.save_customer(code, data, self._now())

    def get_customer(self, code: str) -> Customer:
        customer = repo.find_customer(code)
        if customer is None:
            raise NotFoundError(f"Customer {code} not found")
        return customer
