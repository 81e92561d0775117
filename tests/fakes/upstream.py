"""In-memory stand-ins for the upstream-platform ports, and a push codec of the tests' own format.

- `FakePushCodec`: a `PushCodec` that is deliberately not OneWarehouse's. Pushes are flat JSON objects
  whose keys are the push types' field names; a push is signed with `X-Fake-Key`, `X-Fake-Nonce` and
  `X-Fake-Mac` = HMAC-SHA256(app secret, nonce + "." + body); replies are `{"accepted": ...}` objects.
  Its MAC header is a name the generic request-log redaction does not know, so masking it is the
  codec's own doing.
- `InMemoryUpstreamOrderStore`, `InMemoryConnectionStore`, `InMemoryNonceStore`: the contracts of
  `DynamoUpstreamOrderStore`, `DynamoConnectionStore` and `DynamoNonceStore` (the first waybill and
  the first callback task win; at most one active connection; a nonce is free again once expired).
- `InMemoryIdempotencyStore`: a Powertools `BasePersistenceLayer` on a dict (Powertools ships none), so
  `RememberedAnswers` runs the real `idempotent_function` as with DynamoDB.
"""

import copy
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

from proxyhub.clock import Clock, to_iso
from proxyhub.models.orders import OrderKind
from proxyhub.models.upstream import StoredConnection, UpstreamOrder, Waybill
from proxyhub.request_log import REDACTED
from proxyhub.upstream.ports import (
    InboundCancelPush,
    MalformedPushError,
    NonceStore,
    OutboundCancelPush,
    OutboundPush,
    ProductPush,
    PurchaseInboundPush,
    Push,
    PushAnswer,
    PushItem,
    PushRefused,
    PushReply,
    PushTopic,
    PushVerification,
    ReturnInboundPush,
)

HEADER_KEY = "X-Fake-Key"
HEADER_NONCE = "X-Fake-Nonce"
HEADER_MAC = "X-Fake-Mac"
NONCE_WINDOW = timedelta(minutes=5)


def fake_mac(app_secret: str, nonce: str, raw_body: bytes) -> str:
    return hmac.new(app_secret.encode(), nonce.encode() + b"." + raw_body, hashlib.sha256).hexdigest()


def fake_signed_headers(app_key: str, app_secret: str, raw_body: bytes, nonce: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        HEADER_KEY: app_key,
        HEADER_NONCE: nonce,
        HEADER_MAC: fake_mac(app_secret, nonce, raw_body),
    }


class _Body:
    """Reads one push body, naming the missing or mistyped field like `items[0].qty`."""

    def __init__(self, raw_body: bytes) -> None:
        try:
            data = json.loads(raw_body)
        except ValueError:
            raise MalformedPushError("body", "is not JSON") from None
        if not isinstance(data, dict):
            raise MalformedPushError("body", "must be a JSON object")
        self._data: dict[str, Any] = data

    def text(self, name: str) -> str:
        value = self._data.get(name)
        if not isinstance(value, str) or not value:
            raise MalformedPushError(name, "is required")
        return value

    def optional_text(self, name: str) -> str | None:
        value = self._data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise MalformedPushError(name, "must be a string")
        return value

    def optional_decimal(self, name: str) -> Decimal | None:
        value = self._data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MalformedPushError(name, "must be a number")
        return Decimal(str(value))

    def optional_moment(self, name: str) -> datetime | None:
        value = self.optional_text(name)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise MalformedPushError(name, "must be an ISO-8601 time") from None

    def mapping(self, name: str) -> dict[str, Any]:
        value = self._data.get(name)
        if not isinstance(value, dict):
            raise MalformedPushError(name, "must be an object")
        return dict(value)

    def items(self) -> tuple[PushItem, ...]:
        value = self._data.get("items")
        if not isinstance(value, list):
            raise MalformedPushError("items", "must be a list")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise MalformedPushError(f"items[{index}]", "must be an object")
            sku_id, qty = item.get("sku_id"), item.get("qty")
            if not isinstance(sku_id, str) or not sku_id:
                raise MalformedPushError(f"items[{index}].sku_id", "is required")
            if isinstance(qty, bool) or not isinstance(qty, int):
                raise MalformedPushError(f"items[{index}].qty", "must be an integer")
            items.append(PushItem(sku_id, qty))
        return tuple(items)


def _parse(topic: PushTopic, body: _Body) -> Push:
    match topic:
        case PushTopic.PRODUCTS:
            return ProductPush(
                sku_id=body.text("sku_id"),
                sku_code=body.text("sku_code"),
                name=body.text("name"),
                spec=body.optional_text("spec"),
                weight_kg=body.optional_decimal("weight_kg"),
                length_cm=body.optional_decimal("length_cm"),
                width_cm=body.optional_decimal("width_cm"),
                height_cm=body.optional_decimal("height_cm"),
                barcode=body.optional_text("barcode"),
                declared_value=body.optional_decimal("declared_value"),
                currency=body.optional_text("currency"),
                owner_code=body.text("owner_code"),
            )
        case PushTopic.PURCHASE_INBOUND:
            return PurchaseInboundPush(
                inbound_no=body.text("inbound_no"),
                warehouse_code=body.text("warehouse_code"),
                owner_code=body.text("owner_code"),
                expected_arrival=body.optional_moment("expected_arrival"),
                items=body.items(),
                remark=body.optional_text("remark"),
            )
        case PushTopic.RETURN_INBOUND:
            return ReturnInboundPush(
                return_no=body.text("return_no"),
                original_outbound_no=body.optional_text("original_outbound_no"),
                warehouse_code=body.text("warehouse_code"),
                owner_code=body.text("owner_code"),
                items=body.items(),
                reason=body.optional_text("reason"),
            )
        case PushTopic.INBOUND_CANCEL:
            return InboundCancelPush(inbound_no=body.text("inbound_no"), reason=body.optional_text("reason"))
        case PushTopic.OUTBOUND:
            return OutboundPush(
                outbound_no=body.text("outbound_no"),
                warehouse_code=body.text("warehouse_code"),
                owner_code=body.text("owner_code"),
                recipient=body.mapping("recipient"),
                carrier_code=body.text("carrier_code"),
                service_code=body.optional_text("service_code"),
                items=body.items(),
                remark=body.optional_text("remark"),
            )
        case PushTopic.OUTBOUND_CANCEL:
            return OutboundCancelPush(
                outbound_no=body.text("outbound_no"), reason=body.optional_text("reason")
            )


class FakePushCodec:
    """The `PushCodec` port in the tests' own format (see the module docstring)."""

    def push_path(self, topic: PushTopic) -> str:
        return f"/fake-platform/{topic.value.replace('_', '-')}"

    def verify(
        self,
        headers: Mapping[str, str],
        raw_body: bytes,
        app_key: str,
        app_secret: str,
        now: datetime,
        nonces: NonceStore,
    ) -> PushVerification:
        presented = {name.lower(): value for name, value in headers.items()}
        key, nonce, mac = (presented.get(h.lower(), "") for h in (HEADER_KEY, HEADER_NONCE, HEADER_MAC))
        if not (key and nonce and mac):
            return PushVerification.mismatch("unsigned push")
        if key != app_key:
            return PushVerification.mismatch(f"unknown app key {key!r}")
        if not hmac.compare_digest(mac, fake_mac(app_secret, nonce, raw_body)):
            return PushVerification.mismatch("signature does not match")
        if not nonces.remember(nonce, now + NONCE_WINDOW):
            return PushVerification.replayed(f"nonce {nonce!r} was already used")
        return PushVerification.accepted()

    def parse(self, topic: PushTopic, raw_body: bytes) -> Push:
        return _parse(topic, _Body(raw_body))

    def answered(self, topic: PushTopic, answer: PushAnswer) -> PushReply:
        return PushReply(200, {"accepted": True, "topic": topic.value, "answer": asdict(answer)})

    def refused(self, refusal: PushRefused) -> PushReply:
        return PushReply(422, {"accepted": False, "refusal": refusal.kind, "reason": refusal.reason})

    def malformed(self, field: str, message: str) -> PushReply:
        return PushReply(400, {"accepted": False, "field": field, "message": message})

    def inadmissible(self, status: int, field: str, message: str) -> PushReply:
        return PushReply(status, {"accepted": False, "field": field, "message": message})

    def unauthorized(self, reason: str) -> PushReply:
        return PushReply(401, {"accepted": False, "reason": reason})

    def forbidden(self, reason: str) -> PushReply:
        return PushReply(403, {"accepted": False, "reason": reason})

    def logged_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: REDACTED if name.lower() == HEADER_MAC.lower() else value for name, value in headers.items()
        }


# ---------------------------------------------------------------- storage


@dataclass(frozen=True)
class _UpstreamRow:
    source: str | None = None
    environment: str | None = None
    waybill: Waybill | None = None
    waybill_fetched_at: str | None = None
    callback_task_id: str | None = None
    callback_sent_at: str | None = None


class InMemoryUpstreamOrderStore:
    """The `UpstreamOrderStore` port; each write is an upsert, the first waybill and callback task win."""

    def __init__(self) -> None:
        self.rows: dict[tuple[OrderKind, str], _UpstreamRow] = {}

    def find_upstream_order(self, kind: OrderKind, order_no: str) -> UpstreamOrder | None:
        row = self.rows.get((kind, order_no))
        if row is None:
            return None
        return UpstreamOrder(
            source=row.source,
            environment=row.environment,
            waybill=row.waybill,
            callback_task_id=row.callback_task_id,
            callback_sent_at=row.callback_sent_at,
        )

    def _row(self, kind: OrderKind, order_no: str) -> _UpstreamRow:
        return self.rows.get((kind, order_no), _UpstreamRow())

    def link_order(
        self, kind: OrderKind, order_no: str, source: str, environment: str, now: datetime
    ) -> None:
        self.rows[(kind, order_no)] = replace(
            self._row(kind, order_no), source=source, environment=environment
        )

    def save_waybill(self, kind: OrderKind, order_no: str, waybill: Waybill, now: datetime) -> Waybill:
        row = self._row(kind, order_no)
        if row.waybill is None:
            row = replace(row, waybill=waybill, waybill_fetched_at=to_iso(now))
            self.rows[(kind, order_no)] = row
        assert row.waybill is not None
        return row.waybill

    def claim_callback(self, kind: OrderKind, order_no: str, task_id: str, now: datetime) -> str:
        row = self._row(kind, order_no)
        if row.callback_task_id is None:
            row = replace(row, callback_task_id=task_id)
            self.rows[(kind, order_no)] = row
        return str(row.callback_task_id)

    def mark_callback_sent(self, kind: OrderKind, order_no: str, now: datetime) -> None:
        self.rows[(kind, order_no)] = replace(self._row(kind, order_no), callback_sent_at=to_iso(now))


class InMemoryConnectionStore:
    """The `ConnectionStore` port: one connection per environment and a single active pointer."""

    def __init__(self) -> None:
        self.connections: dict[str, StoredConnection] = {}
        self.active: str | None = None

    def find(self, environment: str) -> StoredConnection | None:
        return self.connections.get(environment)

    def active_environment(self) -> str | None:
        return self.active

    def save(self, connection: StoredConnection, active: bool) -> None:
        self.connections[connection.environment] = connection
        if active:
            self.active = connection.environment
        elif self.active == connection.environment:
            self.active = None


class InMemoryNonceStore:
    """The `NonceStore` port; an expired nonce counts as free, as DynamoDB's TTL deletes lazily."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.nonces: dict[str, datetime] = {}

    def remember(self, nonce: str, expires_at: datetime) -> bool:
        known = self.nonces.get(nonce)
        if known is not None and known >= self._clock.now():
            return False
        self.nonces[nonce] = expires_at
        return True


class InMemoryIdempotencyStore(BasePersistenceLayer):
    """Powertools idempotency records in a dict, with `DynamoDBPersistenceLayer`'s put condition: a
    record may be replaced only when absent, expired, or in progress past its in-progress expiry."""

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, DataRecord] = {}

    def _get_record(self, idempotency_key: str) -> DataRecord:
        record = self.records.get(idempotency_key)
        if record is None:
            raise IdempotencyItemNotFoundError
        return copy.copy(record)

    def _put_record(self, data_record: DataRecord) -> None:
        existing = self.records.get(data_record.idempotency_key)
        if existing is not None and not self._replaceable(existing):
            raise IdempotencyItemAlreadyExistsError(old_data_record=copy.copy(existing))
        self.records[data_record.idempotency_key] = copy.copy(data_record)

    def _update_record(self, data_record: DataRecord) -> None:
        self.records[data_record.idempotency_key] = copy.copy(data_record)

    def _delete_record(self, data_record: DataRecord) -> None:
        self.records.pop(data_record.idempotency_key, None)

    @staticmethod
    def _replaceable(existing: DataRecord) -> bool:
        if existing.is_expired:
            return True
        in_progress_until = existing.in_progress_expiry_timestamp
        now_ms = int(datetime.now().timestamp() * 1000)
        return (
            existing.status == "INPROGRESS" and in_progress_until is not None and in_progress_until < now_ms
        )


@dataclass
class FakeLambdaContext:
    """Enough of a Lambda context for Powertools idempotency's in-progress expiry."""

    remaining_millis: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis
