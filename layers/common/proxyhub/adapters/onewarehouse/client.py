"""The OneWarehouse callback client: signed calls to its open API, one logged exchange per call."""

import json
from typing import Any

import httpx

from proxyhub.adapters.http import Answer, VendorHttpClient, mask_secrets
from proxyhub.adapters.onewarehouse.signing import HEADER_SIGN, redacted_push_headers, signed_headers
from proxyhub.adapters.onewarehouse.wire import (
    API_PREFIX,
    CODE_OK,
    DEFAULT_CONNECT_TIMEOUT_SECONDS,
    DEFAULT_READ_TIMEOUT_SECONDS,
    INBOUND_CALLBACK_API,
    OUTBOUND_CALLBACK_API,
    WAYBILL_API,
    envelope_from_response,
    error_for_envelope,
    error_for_transport,
    inbound_receipt_to_wire,
    outbound_shipment_to_wire,
    waybill_from_wire,
)
from proxyhub.clock import Clock, SystemClock
from proxyhub.models.upstream import Waybill
from proxyhub.proxy.ports import LogContext
from proxyhub.request_log import RequestLogSink
from proxyhub.settings import Settings
from proxyhub.upstream.ports import (
    InboundReceipt,
    OutboundShipment,
    TransientUpstreamError,
    UpstreamConfigurationError,
    UpstreamConnection,
    UpstreamError,
    UpstreamRejection,
)

# No order number of ours looks like this (codes start with a letter or digit).
ACCESS_PROBE_OUTBOUND_NO = "-connection-test-"


class OneWarehouseClient(VendorHttpClient):
    """The upstream callback port over OneWarehouse's open API; every exchange goes to the request log."""

    _port_errors = UpstreamError

    def __init__(
        self,
        connection: UpstreamConnection,
        sink: RequestLogSink,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
        read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        settings: Settings | None = None,
    ) -> None:
        self._connection = connection
        self._clock = clock or SystemClock()
        super().__init__(
            connection.api_base_url,
            sink,
            system_code=connection.system_code,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport,
            body_limit=(settings or Settings()).request_log_body_limit,
        )

    def send_inbound_callback(self, receipt: InboundReceipt, *, context: LogContext | None = None) -> None:
        self._call(INBOUND_CALLBACK_API, inbound_receipt_to_wire(receipt), context)

    def get_waybill(self, outbound_no: str, *, context: LogContext | None = None) -> Waybill:
        data = self._call(WAYBILL_API, {"outbound_no": outbound_no}, context)
        try:
            return waybill_from_wire(data)
        except (KeyError, TypeError, ValueError) as error:
            # A waybill of the wrong shape is OneWarehouse's fault and may heal, so transient.
            raise TransientUpstreamError(
                f"OneWarehouse answered a waybill of an unexpected shape ({error!r})"
            ) from error

    def send_outbound_callback(
        self, shipment: OutboundShipment, *, context: LogContext | None = None
    ) -> None:
        self._call(OUTBOUND_CALLBACK_API, outbound_shipment_to_wire(shipment), context)

    def check_access(self) -> None:
        """A get-label call for an outbound that cannot exist: OneWarehouse checks the signature before
        it looks the order up, so "not found" means it accepted our keys, and changes nothing."""
        try:
            self._call(WAYBILL_API, {"outbound_no": ACCESS_PROBE_OUTBOUND_NO}, None)
        except UpstreamRejection as rejection:
            if rejection.kind != "not_found":
                raise

    def _call(self, api_name: str, body: dict[str, Any], context: LogContext | None) -> Any:
        """Sends one signed request; returns the envelope's `data` or raises the error the answer means."""
        raw_body = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        connection = self._connection
        headers = signed_headers(connection.app_key, connection.callback_key, raw_body, self._clock.now())
        headers["Content-Type"] = "application/json"
        request = self._http.build_request("POST", API_PREFIX + api_name, content=raw_body, headers=headers)
        # The signature is masked in the headers already; masking its value guards against echoes.
        known_secrets = (connection.callback_key, request.headers.get(HEADER_SIGN, ""))
        return self._send_logged(api_name, request, context, _read_data, known_secrets=known_secrets)

    def _invalid_base_url(self, base_url: str) -> Exception:
        return UpstreamConfigurationError(f"invalid OneWarehouse api_base_url {base_url!r}")

    def _transport_error(self, error: httpx.HTTPError) -> Exception:
        return error_for_transport(error)

    def _logged_headers(self, request: httpx.Request) -> dict[str, str]:
        return redacted_push_headers(request.headers)

    def _logged_error(self, error: str | None, known_secrets: tuple[str, ...]) -> str | None:
        # An error may quote OneWarehouse's message, which may echo what we sent.
        return mask_secrets(error, known_secrets)


def _read_data(response: httpx.Response) -> Answer[Any]:
    """The envelope's `data`; a non-zero code raises the error it means."""
    envelope = envelope_from_response(
        response.status_code, response.content, response.headers.get("Retry-After")
    )
    if envelope.code != CODE_OK:
        raise error_for_envelope(envelope)
    return Answer(envelope.data)


class OneWarehouseClientFactory:
    """The `UpstreamClientFactory` for OneWarehouse."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __call__(self, connection: UpstreamConnection, sink: RequestLogSink) -> OneWarehouseClient:
        return OneWarehouseClient(connection, sink, settings=self._settings)
