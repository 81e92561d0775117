"""The inventory-sync schedules that follow warehouse mappings, recorded instead of created."""

from proxyhub.models.config import WarehouseMapping


class RecordingMappingSchedules:
    def __init__(self) -> None:
        self.scheduled: dict[tuple[str, str], WarehouseMapping] = {}

    def mapping_saved(self, mapping: WarehouseMapping) -> None:
        key = (mapping.system_code, mapping.proxy_warehouse_code)
        if mapping.complete:
            self.scheduled[key] = mapping
        else:
            self.scheduled.pop(key, None)

    def mapping_deleted(self, mapping: WarehouseMapping) -> None:
        self.scheduled.pop((mapping.system_code, mapping.proxy_warehouse_code), None)
