"""Builds a proxy-warehouse client for a configured proxy system, by its system type."""

from collections.abc import Mapping

from proxyhub.dal import config_repository as repo
from proxyhub.dal.secrets import SecretStore
from proxyhub.errors import SystemConfigurationError
from proxyhub.observability import logger
from proxyhub.proxy.ports import ProxyClientFactory, ProxyConnection, ProxyWarehouseClient
from proxyhub.request_log import RequestLogSink


class ProxyClientProvider:
    def __init__(self, secrets: SecretStore, factories: Mapping[str, ProxyClientFactory]) -> None:
        self._secrets = secrets
        self._factories = factories

    def client_for(self, system_code: str, sink: RequestLogSink) -> ProxyWarehouseClient:
        """Raises SystemConfigurationError when the system cannot be called as configured."""
        system = self.usable_system(system_code)
        return self._factories[system.system_type](self._connection(system), sink)

    def usable_system(self, system_code: str) -> repo.ProxySystemItem:
        system = repo.find_proxy_system(system_code)
        if system is None:
            raise SystemConfigurationError(f"proxy system {system_code} is not configured")
        if not system.enabled:
            raise SystemConfigurationError(f"proxy system {system_code} is disabled")
        if system.system_type not in self._factories:
            raise SystemConfigurationError(f"system type {system.system_type} is not supported")
        return system

    def _connection(self, system: repo.ProxySystemItem) -> ProxyConnection:
        try:
            password = self._secrets.read(system.secret_name)
        except Exception as error:
            logger.warning("Proxy system password unreadable", extra={"system_code": system.sk})
            raise SystemConfigurationError(
                f"the password of proxy system {system.sk} is unreadable"
            ) from error
        return ProxyConnection(
            system_code=system.sk,
            api_endpoint=system.api_endpoint,
            account=system.account,
            password=password,
            version=system.version,
        )
