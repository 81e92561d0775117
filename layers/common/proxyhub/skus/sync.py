"""SKU sync: push GSKU master data to a proxy system and remember the outcome per (system, GSKU).

Incomplete master data fails here, without calling the vendor; a vendor rejection is stored with the
vendor's own message. Operators see both on the SKU list and fix the data, then Resync.
"""

from collections.abc import Iterable
from decimal import Decimal

from proxyhub.clock import Clock, to_iso
from proxyhub.config.ports import ProxySystems, SkuCatalogue
from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.errors import DomainError, NotFoundError, SystemConfigurationError
from proxyhub.models.config import Sku
from proxyhub.models.skus import SkuMapping, SkuSyncStatus
from proxyhub.proxy.ports import (
    LogContext,
    ProductPayload,
    ProxyConfigurationError,
    ProxyError,
    ProxyWarehouseClient,
    TransientProxyError,
)
from proxyhub.request_log import RequestLogSink
from proxyhub.skus.ports import SkuMappingStore

REQUIRED_FIELDS = ("name", "spec", "weight_kg")
FAILED_PREFIX = "SKU sync failed: "


class SkuSyncFailedError(DomainError):
    """At least one GSKU could not be pushed; `message` starts with "SKU sync failed"."""


def missing_master_data(sku: Sku) -> list[str]:
    return [field for field in REQUIRED_FIELDS if not getattr(sku, field)]


def product_payload(sku: Sku) -> ProductPayload:
    def decimal(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return ProductPayload(
        sku=sku.gsku,
        name=sku.name,
        spec=sku.spec,
        weight_kg=decimal(sku.weight_kg),
        length_cm=decimal(sku.length_cm),
        width_cm=decimal(sku.width_cm),
        height_cm=decimal(sku.height_cm),
        barcode=sku.barcode,
    )


class SkuSyncService:
    def __init__(
        self,
        clients: ProxyClientProvider,
        systems: ProxySystems,
        catalogue: SkuCatalogue,
        mappings: SkuMappingStore,
        clock: Clock,
    ) -> None:
        self._clients = clients
        self._systems = systems
        self._catalogue = catalogue
        self._mappings = mappings
        self._clock = clock

    def mappings_of(self, system_code: str, status: SkuSyncStatus | None = None) -> list[SkuMapping]:
        """The SKU list of a proxy system; `status` picks one status, e.g. the failed ones to fix."""
        self._require_system(system_code)
        return self._mappings.list_sku_mappings(system_code, status)

    def is_mapped(self, system_code: str, gsku: str) -> bool:
        return self._mappings.find_sku_mapping(system_code, gsku) is not None

    def ensure_synced(
        self, system_code: str, gskus: Iterable[str], sink: RequestLogSink, context: LogContext | None = None
    ) -> list[SkuMapping]:
        """Pushes the GSKUs not yet synced to the system; raises SkuSyncFailedError naming the failures.

        A transient vendor error propagates unchanged, so the caller retries instead of giving up.
        """
        pending = [gsku for gsku in dict.fromkeys(gskus) if not self._is_synced(system_code, gsku)]
        if not pending:
            return []
        client = self._clients.client_for(system_code, sink)
        mappings = [self._push(client, system_code, gsku, context) for gsku in pending]
        failures = [mapping for mapping in mappings if mapping.status is SkuSyncStatus.FAILED]
        if failures:
            causes = (f"{m.gsku} {(m.last_error or '').removeprefix(FAILED_PREFIX)}" for m in failures)
            raise SkuSyncFailedError(FAILED_PREFIX + "; ".join(causes))
        return mappings

    def resync(self, system_code: str, gsku: str, sink: RequestLogSink) -> SkuMapping:
        """Re-reads the (fixed) master data and pushes it now, whatever the last status was."""
        self._require_system(system_code)
        if self._catalogue.find_sku(gsku) is None:
            raise NotFoundError(f"SKU {gsku} not found")
        try:
            client = self._clients.client_for(system_code, sink)
        except SystemConfigurationError as error:
            return self._record(system_code, gsku, SkuSyncStatus.FAILED, error=error.message)
        try:
            return self._push(client, system_code, gsku, None)
        except TransientProxyError as error:
            return self._record(
                system_code, gsku, SkuSyncStatus.PENDING, error=f"will retry: {error.message}"
            )

    def _require_system(self, system_code: str) -> None:
        if self._systems.find_proxy_system(system_code) is None:
            raise NotFoundError(f"Proxy system {system_code} not found")

    def _is_synced(self, system_code: str, gsku: str) -> bool:
        mapping = self._mappings.find_sku_mapping(system_code, gsku)
        return mapping is not None and mapping.status is SkuSyncStatus.SYNCED

    def _push(
        self, client: ProxyWarehouseClient, system_code: str, gsku: str, context: LogContext | None
    ) -> SkuMapping:
        sku = self._catalogue.find_sku(gsku)
        if sku is None:
            return self._fail(system_code, gsku, f"GSKU {gsku} has no master data")
        missing = missing_master_data(sku)
        if missing:
            return self._fail(system_code, gsku, f"missing {', '.join(missing)}")
        try:
            proxy_sku = client.upsert_product(product_payload(sku), context=context)
        except TransientProxyError:
            self._record(system_code, gsku, SkuSyncStatus.PENDING, error="vendor temporarily unavailable")
            raise
        except ProxyConfigurationError as error:
            return self._record(system_code, gsku, SkuSyncStatus.FAILED, error=error.message)
        except ProxyError as error:
            return self._fail(system_code, gsku, error.message)
        return self._record(system_code, gsku, SkuSyncStatus.SYNCED, proxy_sku=proxy_sku)

    def _fail(self, system_code: str, gsku: str, cause: str) -> SkuMapping:
        return self._record(system_code, gsku, SkuSyncStatus.FAILED, error=FAILED_PREFIX + cause)

    def _record(
        self,
        system_code: str,
        gsku: str,
        status: SkuSyncStatus,
        *,
        proxy_sku: str | None = None,
        error: str | None = None,
    ) -> SkuMapping:
        now = to_iso(self._clock.now())
        mapping = SkuMapping(
            system_code=system_code,
            gsku=gsku,
            status=status,
            proxy_sku=proxy_sku,
            last_error=error,
            last_attempt_at=now,
        )
        self._mappings.save_sku_mapping(mapping, now)
        return mapping
