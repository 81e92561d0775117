"""Test connection on the OneWarehouse page: one signed call to its API with a connection's keys."""

from proxyhub.config.connection_test import ConnectionTestResult, failure_message
from proxyhub.request_log import CollectingSink, RequestLogSink
from proxyhub.upstream.connections import ConnectionService, Environment
from proxyhub.upstream.ports import UpstreamClientFactory

CONNECTED = "Connected: OneWarehouse accepted our signed call"


class UpstreamConnectionTest:
    def __init__(
        self, connections: ConnectionService, clients: UpstreamClientFactory, request_log: RequestLogSink
    ) -> None:
        self._connections = connections
        self._clients = clients
        self._request_log = request_log

    def run(self, environment: Environment) -> ConnectionTestResult:
        self._connections.get(environment)  # 404 for a connection never configured
        sink = CollectingSink(self._request_log)
        try:
            client = self._clients(self._connections.callback_connection(environment), sink)
            try:
                client.check_access()
            finally:
                client.close()
        except Exception as error:
            return ConnectionTestResult(False, failure_message(error), tuple(sink.records))
        return ConnectionTestResult(True, CONNECTED, tuple(sink.records))
