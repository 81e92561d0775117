"""Configuration use cases. Secrets go to the secret store, never to DynamoDB or a response."""

from collections.abc import Callable
from dataclasses import replace

from aws_lambda_powertools.metrics import MetricUnit

from proxyhub.clock import Clock, to_iso
from proxyhub.config.ports import ConfigStore, MappingSchedules
from proxyhub.errors import NotFoundError
from proxyhub.models.config import (
    ChannelMapping,
    ChannelMappingInput,
    Customer,
    CustomerInput,
    ProxySystem,
    ProxySystemCreate,
    ProxySystemRecord,
    ProxySystemUpdate,
    Sku,
    SkuInput,
    WarehouseMapping,
    WarehouseMappingInput,
)
from proxyhub.observability import logger, metrics
from proxyhub.secrets import SecretStore, secret_name

MAPPING_SCHEDULE_FAILURE_METRIC = "InventoryScheduleFailures"


class ConfigService:
    def __init__(
        self,
        store: ConfigStore,
        secrets: SecretStore,
        clock: Clock,
        schedules: MappingSchedules,
        secrets_prefix: str,
    ) -> None:
        self._store = store
        self._secrets = secrets
        self._clock = clock
        self._schedules = schedules
        self._secrets_prefix = secrets_prefix

    def _now(self) -> str:
        return to_iso(self._clock.now())

    # ------------------------------------------------------------ proxy systems

    def create_proxy_system(self, data: ProxySystemCreate) -> ProxySystem:
        now = self._now()
        record = ProxySystemRecord(
            code=data.code,
            name=data.name,
            system_type=data.system_type,
            api_endpoint=str(data.api_endpoint).rstrip("/"),
            account=data.account,
            version=data.version,
            enabled=data.enabled,
            secret_name=secret_name(self._secrets_prefix, "proxy-systems", data.code),
            created_at=now,
            updated_at=now,
        )
        self._store.insert_proxy_system(record)
        try:
            self._secrets.put(record.secret_name, data.password)
        except Exception:
            # No proxy system without its password: undo the insert so nothing is half-written.
            self._store.delete_proxy_system(record.code)
            raise
        return record.view()

    def update_proxy_system(self, code: str, data: ProxySystemUpdate) -> ProxySystem:
        current = self._require_system(code)
        if data.password is not None:
            self._secrets.put(current.secret_name, data.password)
        updated = replace(
            current,
            name=data.name,
            system_type=data.system_type,
            api_endpoint=str(data.api_endpoint).rstrip("/"),
            account=data.account,
            version=data.version,
            enabled=data.enabled,
            updated_at=self._now(),
        )
        self._store.replace_proxy_system(updated)
        return updated.view()

    def get_proxy_system(self, code: str) -> ProxySystem:
        return self._require_system(code).view()

    def list_proxy_systems(self) -> list[ProxySystem]:
        return [record.view() for record in self._store.list_proxy_systems()]

    def delete_proxy_system(self, code: str) -> None:
        record = self._require_system(code)
        self._store.delete_proxy_system(code)
        self._secrets.delete(record.secret_name)

    def _require_system(self, code: str) -> ProxySystemRecord:
        record = self._store.find_proxy_system(code)
        if record is None:
            raise NotFoundError(f"Proxy system {code} not found")
        return record

    # ------------------------------------------------------------ warehouse mappings

    def put_warehouse_mapping(
        self, system_code: str, proxy_warehouse_code: str, data: WarehouseMappingInput
    ) -> WarehouseMapping:
        mapping = self._store.save_warehouse_mapping(
            system_code,
            proxy_warehouse_code,
            data.gwms_warehouse_code,
            data.virtual_putaway_location,
            data.defective_location,
            self._now(),
        )
        self._follow_mapping(self._schedules.mapping_saved, mapping)
        return mapping

    def get_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping:
        mapping = self._store.find_warehouse_mapping(system_code, proxy_warehouse_code)
        if mapping is None:
            raise NotFoundError(f"Warehouse mapping {system_code}/{proxy_warehouse_code} not found")
        return mapping

    def list_warehouse_mappings(self, system_code: str) -> list[WarehouseMapping]:
        self._require_system(system_code)
        return self._store.list_warehouse_mappings(system_code)

    def delete_warehouse_mapping(self, system_code: str, proxy_warehouse_code: str) -> WarehouseMapping:
        mapping = self._store.delete_warehouse_mapping(system_code, proxy_warehouse_code)
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
        self._store.save_channel_mapping(system_code, gwms_channel_code, data.proxy_channel_code, self._now())
        return self.get_channel_mapping(system_code, gwms_channel_code)

    def get_channel_mapping(self, system_code: str, gwms_channel_code: str) -> ChannelMapping:
        mapping = self._store.find_channel_mapping(system_code, gwms_channel_code)
        if mapping is None:
            raise NotFoundError(f"Channel mapping {system_code}/{gwms_channel_code} not found")
        return mapping

    def list_channel_mappings(self, system_code: str) -> list[ChannelMapping]:
        self._require_system(system_code)
        return self._store.list_channel_mappings(system_code)

    def delete_channel_mapping(self, system_code: str, gwms_channel_code: str) -> None:
        self._store.delete_channel_mapping(system_code, gwms_channel_code)

    # ------------------------------------------------------------ GSKUs and customers

    def put_sku(self, gsku: str, data: SkuInput) -> Sku:
        return self._store.save_sku(gsku, data, self._now())

    def find_sku(self, gsku: str) -> Sku | None:
        return self._store.find_sku(gsku)

    def get_sku(self, gsku: str) -> Sku:
        sku = self._store.find_sku(gsku)
        if sku is None:
            raise NotFoundError(f"SKU {gsku} not found")
        return sku

    def put_customer(self, code: str, data: CustomerInput) -> Customer:
        return self._store.save_customer(code, data, self._now())

    def get_customer(self, code: str) -> Customer:
        customer = self._store.find_customer(code)
        if customer is None:
            raise NotFoundError(f"Customer {code} not found")
        return customer
