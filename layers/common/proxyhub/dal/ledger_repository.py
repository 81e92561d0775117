"""The dedicated-location stock ledger in the inventory table, and the adjustments that corrected it.

- batch:       pk=LEDGER#<gwms warehouse>  sk=BATCH#<gsku>#<type>#<proxy inbound>#<local inbound>#<inbound at>
- effect:      pk=EFFECT#<effect id>       sk=<chunk>    marks a stock change as applied (idempotency)
- adjustments: pk=ADJUSTMENTS#<task id>    sk=<block id> the corrections of one inventory-sync transaction

A stock change (putaway, shipment deduction, correction) is applied in DynamoDB transactions of at
most 100 items: each chunk carries a marker written only if absent, so a retried run skips the chunks
already applied and never changes stock twice. What moves with the stock (the order's status, the
adjustment record) joins the last chunk's transaction.
"""

import base64
import binascii
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from proxyhub.clock import from_iso, to_iso
from proxyhub.dal.config_repository import CustomerItem, customer_key
from proxyhub.dal.order_repository import order_update, stale_order
from proxyhub.dal.tables import bound_to, transact_write
from proxyhub.errors import InvalidInputError
from proxyhub.inventory.ports import Holding
from proxyhub.models.inventory import BatchKey, Correction, InventoryType, LedgerBatch, StockDelta
from proxyhub.models.orders import Order, StoredOrder
from proxyhub.models.pages import Page
from proxyhub.orders.ports import CustomerCannotReceiveError, ReceivingCustomer

# One item of each transaction is the effect marker (and, in the last chunk, the caller's extra write).
_CHUNK = 98

type ExtraWrite = Callable[[TransactWrite], None]


@bound_to("inventory_table_name")
class LedgerBatchItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsku = UnicodeAttribute()
    inventory_type = UnicodeAttribute()
    proxy_inbound_no = UnicodeAttribute()
    local_inbound_no = UnicodeAttribute()
    inbound_at = UnicodeAttribute()
    location = UnicodeAttribute()
    quantity = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)

    def to_domain(self, gwms_warehouse_code: str) -> LedgerBatch:
        key = BatchKey(
            gwms_warehouse_code=gwms_warehouse_code,
            gsku=self.gsku,
            inventory_type=_inventory_type(self.inventory_type),
            proxy_inbound_no=self.proxy_inbound_no,
            local_inbound_no=self.local_inbound_no,
            inbound_at=from_iso(self.inbound_at),
        )
        return LedgerBatch(key=key, location=self.location, quantity=int(self.quantity))


@bound_to("inventory_table_name")
class EffectMarkerItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    applied_at = UnicodeAttribute()
    # Markers of an inventory sync's chunks expire with its snapshot; an order's stay.
    expires_at = TTLAttribute(null=True)


_BATCH_ATTRIBUTES = [
    "gsku",
    "inventory_type",
    "proxy_inbound_no",
    "local_inbound_no",
    "inbound_at",
    "location",
    "quantity",
]


def _batch_of(raw: dict[str, Any], gwms_warehouse_code: str) -> LedgerBatch:
    key = BatchKey(
        gwms_warehouse_code=gwms_warehouse_code,
        gsku=raw["gsku"]["S"],
        inventory_type=_inventory_type(raw["inventory_type"]["S"]),
        proxy_inbound_no=raw["proxy_inbound_no"]["S"],
        local_inbound_no=raw["local_inbound_no"]["S"],
        inbound_at=from_iso(raw["inbound_at"]["S"]),
    )
    return LedgerBatch(
        key=key, location=raw["location"]["S"], quantity=int(raw.get("quantity", {"N": "0"})["N"])
    )


def _inventory_type(value: str) -> InventoryType:
    return "defective" if value == "defective" else "qualified"


def _ledger_pk(gwms_warehouse_code: str) -> str:
    return f"LEDGER#{gwms_warehouse_code}"


_BATCH_PREFIX = "BATCH#"
_BATCH_PREFIX_LENGTH = len(_BATCH_PREFIX)


def _batch_sk(key: BatchKey) -> str:
    return f"{_BATCH_PREFIX}{key.sort_key()}"


@bound_to("inventory_table_name")
class AdjustmentItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    task_id = UnicodeAttribute(null=True)
    gwms_warehouse_code = UnicodeAttribute(null=True)
    recorded_at = UnicodeAttribute(null=True)
    corrections = UnicodeAttribute(null=True)


class DynamoStockLedger:
    """The order flows' `StockLedger` and inventory sync's ledger port on the inventory table."""

    def apply_with_order(
        self,
        effect_id: str,
        deltas: Sequence[StockDelta],
        now: datetime,
        stored: StoredOrder,
        changed: Order,
        *,
        receiving_for: ReceivingCustomer | None = None,
    ) -> bool:
        item, actions, condition = order_update(stored, changed)

        def save_order(transaction: TransactWrite) -> None:
            transaction.update(item, actions=actions, condition=condition)

        # The customer is checked in every chunk's transaction: a closed account books nothing.
        checks = [customer_can_receive(receiving_for)] if receiving_for else []
        try:
            return _apply(effect_id, deltas, now, save_order, checks=checks)
        except TransactWriteError as error:
            if _failed_item(error, -1):
                raise stale_order(changed.order_no) from error
            # PynamoDB sends condition checks first, then puts (the marker), then updates.
            if checks and _failed_item(error, 0):
                raise CustomerCannotReceiveError(receiving_for) from error
            raise

    def apply_corrections(
        self,
        effect_id: str,
        corrections: Sequence[Correction],
        now: datetime,
        *,
        task_id: str,
        block_id: str,
        gwms_warehouse_code: str,
    ) -> bool:
        """Corrects the stock and writes the adjustment record of these corrections, together."""
        record = AdjustmentItem(f"ADJUSTMENTS#{task_id}", block_id)
        actions: list[Action] = [
            AdjustmentItem.task_id.set(task_id),
            AdjustmentItem.gwms_warehouse_code.set(gwms_warehouse_code),
            AdjustmentItem.recorded_at.set(to_iso(now)),
            AdjustmentItem.corrections.set(json.dumps([_correction_record(c) for c in corrections])),
        ]

        def record_adjustments(transaction: TransactWrite) -> None:
            transaction.update(record, actions=actions)

        return _apply(effect_id, [c.stock_delta() for c in corrections], now, record_adjustments)

    def batches(self, gwms_warehouse_code: str, gsku: str | None = None) -> Iterator[LedgerBatch]:
        """In key order: by GSKU, then type, inbound numbers and inbound time. Read page by page (1 MB
        each) and decoded from the raw items: an inventory sync reads a warehouse's every batch."""
        connection = LedgerBatchItem._get_connection()
        # The partition holds batches only: a whole warehouse needs no key condition.
        condition = LedgerBatchItem.sk.startswith(f"BATCH#{gsku}#") if gsku else None
        start: dict[str, Any] | None = None
        while True:
            page = connection.query(
                _ledger_pk(gwms_warehouse_code),
                range_key_condition=condition,
                attributes_to_get=_BATCH_ATTRIBUTES,
                exclusive_start_key=start,
                consistent_read=True,
            )
            for raw in page.get("Items", []):
                yield _batch_of(raw, gwms_warehouse_code)
            start = page.get("LastEvaluatedKey")
            if start is None:
                return

    def holdings(self, gwms_warehouse_code: str) -> Iterator[Holding]:
        """Every batch of the warehouse in key order, three attributes each (1 MB pages)."""
        connection = LedgerBatchItem._get_connection()
        start: dict[str, Any] | None = None
        while True:
            page = connection.query(
                _ledger_pk(gwms_warehouse_code),
                attributes_to_get=["sk", "location", "quantity"],
                exclusive_start_key=start,
                consistent_read=True,
            )
            for raw in page.get("Items", []):
                quantity = raw.get("quantity")
                yield Holding(
                    raw["sk"]["S"][_BATCH_PREFIX_LENGTH:],
                    raw["location"]["S"],
                    int(quantity["N"]) if quantity else 0,
                )
            start = page.get("LastEvaluatedKey")
            if start is None:
                return

    def find_batches(self, keys: Iterable[BatchKey]) -> dict[BatchKey, LedgerBatch]:
        """The batches among `keys` that the ledger holds (BatchGetItem, 100 keys per request)."""
        by_item_key = {(_ledger_pk(key.gwms_warehouse_code), _batch_sk(key)): key for key in keys}
        found: dict[BatchKey, LedgerBatch] = {}
        if not by_item_key:
            return found
        for item in LedgerBatchItem.batch_get(list(by_item_key), consistent_read=True):
            key = by_item_key[(item.pk, item.sk)]
            found[key] = item.to_domain(key.gwms_warehouse_code)
        return found

    def corrections_of(self, task_id: str) -> Iterator[Correction]:
        """Every correction an inventory sync task made, block by block."""
        for _block_id, corrections in _recorded_blocks(task_id, None):
            yield from corrections

    def correction_page(self, task_id: str, limit: int, cursor: str | None) -> Page[Correction]:
        """`limit` corrections in block order; the cursor names a block and how many of its
        corrections were already served, since a block holds up to a hundred."""
        block_id, served = _decode_block_cursor(cursor) if cursor else (None, 0)
        page: list[Correction] = []
        for item_block_id, corrections in _recorded_blocks(task_id, block_id):
            skip = served if item_block_id == block_id else 0
            remaining = corrections[skip:]
            room = limit - len(page)
            page.extend(remaining[:room])
            if len(remaining) >= room:
                return Page(page, _block_cursor(item_block_id, skip + room))
        return Page(page, None)


def _apply(
    effect_id: str,
    deltas: Sequence[StockDelta],
    now: datetime,
    extra: ExtraWrite,
    *,
    checks: Sequence[ExtraWrite] = (),
) -> bool:
    """Applies the deltas once per effect id; False when everything had been applied before.
    `checks` join every chunk's transaction (before the extra write, which joins the last only)."""
    size = _CHUNK - len(checks)
    chunks = [deltas[start : start + size] for start in range(0, len(deltas), size)] or [[]]
    applied_any = False
    for index, chunk in enumerate(chunks):
        is_last = index == len(chunks) - 1
        applied_any |= _apply_chunk(effect_id, index, chunk, now, extra if is_last else None, checks)
    return applied_any


def _apply_chunk(
    effect_id: str,
    index: int,
    chunk: Sequence[StockDelta],
    now: datetime,
    extra: ExtraWrite | None,
    checks: Sequence[ExtraWrite] = (),
) -> bool:
    stamp = to_iso(now)
    marker = EffectMarkerItem(f"EFFECT#{effect_id}", f"{index:04d}", applied_at=stamp)
    try:
        with transact_write() as transaction:
            transaction.save(marker, condition=EffectMarkerItem.pk.does_not_exist())
            for delta in chunk:
                transaction.update(_batch_item(delta), actions=_add_actions(delta, stamp))
            for check in checks:
                check(transaction)
            if extra is not None:
                # Bandit's B610 is about Django's QuerySet.extra; this is our callback adding items.
                extra(transaction)  # nosec B610
    except TransactWriteError as error:
        # PynamoDB sends a transaction's condition checks first, then its puts: the marker follows the checks.
        if _failed_item(error, len(checks)):
            return False
        raise
    return True


def _failed_item(error: TransactWriteError, position: int) -> bool:
    """Whether the transaction's item at `position` failed its condition (the effect marker comes right
    after any condition checks; -1 is the extra write)."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return (
        bool(reasons) and reasons[position] is not None and reasons[position].code == "ConditionalCheckFailed"
    )


def customer_can_receive(customer: ReceivingCustomer) -> ExtraWrite:
    """A condition check on the customer's profile, as `Customer.can_receive_at` decides it."""
    condition = (CustomerItem.account_status == "open") & CustomerItem.warehouse_codes.contains(
        customer.gwms_warehouse_code
    )

    def check(transaction: TransactWrite) -> None:
        transaction.condition_check(CustomerItem, *customer_key(customer.customer_code), condition)

    return check


def _batch_item(delta: StockDelta) -> LedgerBatchItem:
    return LedgerBatchItem(_ledger_pk(delta.key.gwms_warehouse_code), _batch_sk(delta.key))


def ledger_batch_item(batch: LedgerBatch) -> LedgerBatchItem:
    """The item of a batch as the ledger stores it, for bulk loads (the inventory benchmark's seed)."""
    key = batch.key
    return LedgerBatchItem(
        _ledger_pk(key.gwms_warehouse_code),
        _batch_sk(key),
        gsku=key.gsku,
        inventory_type=key.inventory_type,
        proxy_inbound_no=key.proxy_inbound_no,
        local_inbound_no=key.local_inbound_no,
        inbound_at=to_iso(key.inbound_at),
        location=batch.location,
        quantity=batch.quantity,
    )


def _add_actions(delta: StockDelta, stamp: str) -> list[Action]:
    key = delta.key
    return [
        LedgerBatchItem.quantity.add(delta.delta),
        LedgerBatchItem.gsku.set(key.gsku),
        LedgerBatchItem.inventory_type.set(key.inventory_type),
        LedgerBatchItem.proxy_inbound_no.set(key.proxy_inbound_no),
        LedgerBatchItem.local_inbound_no.set(key.local_inbound_no),
        LedgerBatchItem.inbound_at.set(to_iso(key.inbound_at)),
        LedgerBatchItem.location.set(delta.location),
        LedgerBatchItem.updated_at.set(stamp),
    ]


def _correction_record(correction: Correction) -> dict[str, Any]:
    key = correction.key
    return {
        "gsku": key.gsku,
        "inventory_type": key.inventory_type,
        "proxy_inbound_no": key.proxy_inbound_no,
        "local_inbound_no": key.local_inbound_no,
        "inbound_at": to_iso(key.inbound_at),
        "location": correction.location,
        "before": correction.before,
        "after": correction.after,
        "delta": correction.delta,
        "available": correction.available,
        "locked": correction.locked,
    }


def _recorded_blocks(task_id: str, start: str | None) -> Iterator[tuple[str, list[Correction]]]:
    """(block id, corrections) of a sync task from `start` on: the adjustment records of syncs made
    before the corrections moved in with their snapshot pages, then the pages and absent blocks."""
    from proxyhub.dal.snapshot_repository import corrections_recorded, is_recorded_block

    if start is None or not is_recorded_block(start):
        legacy = AdjustmentItem.query(
            f"ADJUSTMENTS#{task_id}", range_key_condition=AdjustmentItem.sk >= start if start else None
        )
        for item in legacy:
            yield item.sk, _corrections_in(item)
        start = None
    yield from corrections_recorded(task_id, start)


def encode_corrections(corrections: Sequence[Correction]) -> bytes | None:
    """The records of a page's (or block's) corrections, compactly: zlib JSON."""
    if not corrections:
        return None
    records = [_correction_record(correction) for correction in corrections]
    return zlib.compress(json.dumps(records, separators=(",", ":")).encode())


def decode_corrections(blob: bytes, gwms_warehouse_code: str) -> list[Correction]:
    return [
        _correction_from_record(gwms_warehouse_code, record) for record in json.loads(zlib.decompress(blob))
    ]


def correction_update(transaction: TransactWrite, correction: Correction, stamp: str) -> None:
    """The batch corrected in a transaction, on the condition that it still holds `before`."""
    delta = correction.stock_delta()
    if correction.before == 0:
        condition = LedgerBatchItem.pk.does_not_exist() | (LedgerBatchItem.quantity == 0)
    else:
        condition = LedgerBatchItem.quantity == correction.before
    transaction.update(_batch_item(delta), actions=_add_actions(delta, stamp), condition=condition)


def effect_marker(effect_id: str, stamp: str, expires_at: datetime | None = None) -> EffectMarkerItem:
    return EffectMarkerItem(f"EFFECT#{effect_id}", "0000", applied_at=stamp, expires_at=expires_at)


def _corrections_in(item: AdjustmentItem) -> list[Correction]:
    records = json.loads(item.corrections or "[]")
    return [_correction_from_record(item.gwms_warehouse_code or "", record) for record in records]


def _block_cursor(block_id: str, served: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"b": block_id, "o": served}).encode()).decode()


def _decode_block_cursor(cursor: str) -> tuple[str, int]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        block_id, served = decoded["b"], decoded["o"]
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise InvalidInputError("Invalid cursor: it does not belong to this query", field="cursor") from error
    if not isinstance(block_id, str) or not isinstance(served, int) or served < 0:
        raise InvalidInputError("Invalid cursor: it does not belong to this query", field="cursor")
    return block_id, served


def _correction_from_record(gwms_warehouse_code: str, record: dict[str, Any]) -> Correction:
    key = BatchKey(
        gwms_warehouse_code=gwms_warehouse_code,
        gsku=record["gsku"],
        inventory_type=_inventory_type(record["inventory_type"]),
        proxy_inbound_no=record["proxy_inbound_no"],
        local_inbound_no=record["local_inbound_no"],
        inbound_at=from_iso(record["inbound_at"]),
    )
    return Correction(
        key,
        record["location"],
        int(record["before"]),
        int(record["after"]),
        # Records written before the proxy's quantities were kept have neither.
        available=int(record.get("available", 0)),
        locked=int(record.get("locked", 0)),
    )
