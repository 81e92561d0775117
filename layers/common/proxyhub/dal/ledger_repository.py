"""The dedicated-location stock ledger in the inventory table.

- batch:  pk=LEDGER#<gwms warehouse>  sk=BATCH#<gsku>#<type>#<proxy inbound>#<local inbound>#<inbound at>
- effect: pk=EFFECT#<effect id>       sk=<chunk>   (marks a stock change as applied, for idempotency)

A stock change (putaway, shipment deduction, correction) is applied in DynamoDB transactions of at
most 100 items: each chunk carries a marker written only if absent, so a retried run skips the chunks
already applied and never changes stock twice.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from proxyhub.clock import from_iso, to_iso
from proxyhub.dal.tables import bound_to, transact_write
from proxyhub.inventory.ledger import BatchKey, InventoryType, LedgerBatch, StockDelta

# One item of each transaction is the effect marker (and, in the last chunk, the caller's extra write).
_CHUNK = 98


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


def _inventory_type(value: str) -> InventoryType:
    return "defective" if value == "defective" else "qualified"


def _ledger_pk(gwms_warehouse_code: str) -> str:
    return f"LEDGER#{gwms_warehouse_code}"


def _batch_sk(key: BatchKey) -> str:
    return f"BATCH#{key.sort_key()}"


class EffectAlreadyAppliedError(Exception):
    """The whole stock change was applied before (a retried or duplicated run)."""


class FinalWrite:
    """A caller's extra update for the last transaction, e.g. the order's status change."""

    def __init__(self, model: Model, actions: list[Action], condition: Condition | None = None) -> None:
        self.model = model
        self.actions = actions
        self.condition = condition


def apply_stock_change(
    effect_id: str,
    deltas: Sequence[StockDelta],
    now: datetime,
    final_write: FinalWrite | None = None,
) -> bool:
    """Applies the deltas once per effect id; returns False when everything had been applied before.

    `final_write` joins the last chunk's transaction, so the stock and the order move together.
    """
    chunks = [deltas[start : start + _CHUNK] for start in range(0, len(deltas), _CHUNK)] or [[]]
    applied_any = False
    for index, chunk in enumerate(chunks):
        is_last = index == len(chunks) - 1
        applied_any |= _apply_chunk(effect_id, index, chunk, now, final_write if is_last else None)
    return applied_any


def _apply_chunk(
    effect_id: str, index: int, chunk: Sequence[StockDelta], now: datetime, final_write: FinalWrite | None
) -> bool:
    stamp = to_iso(now)
    marker = EffectMarkerItem(f"EFFECT#{effect_id}", f"{index:04d}", applied_at=stamp)
    try:
        with transact_write() as transaction:
            transaction.save(marker, condition=EffectMarkerItem.pk.does_not_exist())
            for delta in chunk:
                transaction.update(_batch_item(delta), actions=_add_actions(delta, stamp))
            if final_write is not None:
                transaction.update(
                    final_write.model, actions=final_write.actions, condition=final_write.condition
                )
    except TransactWriteError as error:
        if _marker_existed(error):
            return False
        raise
    return True


def _marker_existed(error: TransactWriteError) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    return bool(reasons) and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed"


def _batch_item(delta: StockDelta) -> LedgerBatchItem:
    return LedgerBatchItem(_ledger_pk(delta.key.gwms_warehouse_code), _batch_sk(delta.key))


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


def list_batches(gwms_warehouse_code: str, gsku: str | None = None) -> Iterator[LedgerBatch]:
    prefix = f"BATCH#{gsku}#" if gsku else "BATCH#"
    items = LedgerBatchItem.query(_ledger_pk(gwms_warehouse_code), LedgerBatchItem.sk.startswith(prefix))
    for item in items:
        yield item.to_domain(gwms_warehouse_code)
