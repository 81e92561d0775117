"""Builds a proxy-warehouse client for a configured proxy system, by its system type."""

from collections.abc import Mapping

from proxyhub.config.ports import ProxySystems
from proxyhub.errors import SystemConfigurationError
from proxyhub.models.config import ProxySystemRecord
from proxyhub.observability import logger
from proxyhub.proxy.ports import ProxyClientFactory, ProxyConnection, ProxyWarehouseClient
from proxyhub.request_log import RequestLogSink
from proxyhub.secrets import SecretStore


class ProxyClientProvider:
    def __init__(
        self, systems: ProxySystems, secrets: SecretStore, factories: Mapping[str, ProxyClientFactory]
    ) -> None:
        self._systems = systems
        self._secrets = secrets
        self._factories = factories

    def client_for(self, system_code: str, sink: RequestLogSink) -> ProxyWarehouseClient:
        """Raises SystemConfigurationError when the system cannot be called as configured."""
        # A run calls its proxy warehouse every time: the system's record may be a few seconds old.
        system = self.require_usable(system_code, self._systems.recent_proxy_system(system_code))
        return self._factories[system.system_type](self._connection(system), sink)

    def usable_system(self, system_code: str) -> ProxySystemRecord:
        return self.require_usable(system_code, self._systems.find_proxy_system(system_code))

    def require_usable(self, system_code: str, system: ProxySystemRecord | None) -> ProxySystemRecord:
        """The system as read elsewhere (e.g. with an order's other configuration), if it can be called."""
        if system is None:
            raise SystemConfigurationError(f"proxy system {system_code} is not configured")
        if not system.enabled:
            raise SystemConfigurationError(f"proxy system {system_code} is disabled")
        if system.system_type not in self._factories:
            raise SystemConfigurationError(f"system type {system.system_type} is not supported")
        return system

    def _connection(self, system: ProxySystemRecord) -> ProxyConnection:
        try:
            password = self._secrets.read(system.secret_name)
        except Exception as error:
            logger.warning("Proxy system password unreadable", extra={"system_code": system.code})
            raise SystemConfigurationError(
                f"the password of proxy system {system.code} is unreadable"
            ) from error
        return ProxyConnection(
            system_code=system.code,
            api_endpoint=system.api_endpoint,
            account=system.account,
            password=password,
            version=system.version,
        )
