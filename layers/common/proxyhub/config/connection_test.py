"""Test connection on the Proxy Warehouse System page: log in to the proxy warehouse and read one
inventory page, as an inventory sync would, and say what went wrong in operators' words."""

from dataclasses import dataclass

from proxyhub.config.ports import ConfigStore
from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.errors import ConflictError, DomainError, NotFoundError, VendorError
from proxyhub.observability import logger
from proxyhub.proxy.ports import InventoryPage
from proxyhub.request_log import CollectingSink, RequestLogRecord, RequestLogSink

# Enough to prove the credentials and the warehouse work, little enough to be instant.
PROBE_PAGE_SIZE = 1


@dataclass(frozen=True)
class ConnectionTestResult:
    """What testing a connection to a vendor found (a proxy system's, or OneWarehouse's)."""

    ok: bool
    # "Connected: …", or what is wrong: "System configuration error: <cause>".
    message: str
    # The exchanges the test made, as the request log keeps them (redacted).
    request_logs: tuple[RequestLogRecord, ...] = ()


class ProxyConnectionTest:
    def __init__(
        self, clients: ProxyClientProvider, config: ConfigStore, request_log: RequestLogSink
    ) -> None:
        self._clients = clients
        self._config = config
        self._request_log = request_log

    def run(self, system_code: str, proxy_warehouse_code: str | None = None) -> ConnectionTestResult:
        """Reads from `proxy_warehouse_code`, else from the system's first mapped warehouse."""
        if self._config.find_proxy_system(system_code) is None:
            raise NotFoundError(f"Proxy system {system_code} not found")
        warehouse = proxy_warehouse_code or self._first_mapped_warehouse(system_code)
        sink = CollectingSink(self._request_log)
        try:
            client = self._clients.client_for(system_code, sink)
            page = next(
                iter(client.iter_inventory(warehouse, PROBE_PAGE_SIZE)), InventoryPage(total_records=0)
            )
        except Exception as error:
            return ConnectionTestResult(False, failure_message(error), tuple(sink.records))
        message = f"Connected: read one inventory page of {warehouse}"
        if page.total_records is not None:
            message += f" ({page.total_records} inventory records in all)"
        return ConnectionTestResult(True, message, tuple(sink.records))

    def _first_mapped_warehouse(self, system_code: str) -> str:
        mappings = self._config.list_warehouse_mappings(system_code)
        if not mappings:
            raise ConflictError(
                f"Proxy system {system_code} has no warehouse mapping: name the proxy warehouse to read from"
            )
        return mappings[0].proxy_warehouse_code


def failure_message(error: Exception) -> str:
    """Configuration errors read "System configuration error: <cause>"; vendor and domain errors
    carry operator-safe messages already."""
    if isinstance(error, DomainError | VendorError):
        return error.message
    # Unknown errors may quote anything, credentials included: operators see the type only.
    logger.exception("Connection test failed unexpectedly")
    return f"Unexpected error ({type(error).__name__}); see the API logs"
