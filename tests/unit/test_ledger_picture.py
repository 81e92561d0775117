"""The picture of our ledger a sync reads once per run: lookups by batch, and the batches the listing
lacked, in key order, from where a continued run left off."""

from datetime import UTC, datetime

import pytest

from proxyhub.inventory.ports import Holding
from proxyhub.inventory.reconcile import LedgerPicture, SeenBatches, batch_fingerprint
from proxyhub.models.inventory import BatchKey, DedicatedLocations, LedgerBatch

pytestmark = pytest.mark.unit

WAREHOUSE = "GW01"
LOCATIONS = DedicatedLocations(putaway="VPA", defective="DEF")
BEFORE = datetime(2026, 5, 1, tzinfo=UTC)
SNAPSHOT_AT = datetime(2026, 6, 1, tzinfo=UTC)


def key(gsku: str, inventory_type: str = "qualified", proxy_inbound_no: str = "HPK-1") -> BatchKey:
    return BatchKey(
        WAREHOUSE,
        gsku,
        "defective" if inventory_type == "defective" else "qualified",
        proxy_inbound_no,
        "IN-1",
        BEFORE,
    )


def holding(batch_key: BatchKey, location: str, quantity: int) -> Holding:
    return Holding(batch_key.sort_key(), location, quantity)


def test_a_sort_key_gives_its_batch_key_back_even_with_a_hash_in_the_proxy_number() -> None:
    odd = key("SKU-1", "defective", "HPK#IN#7")
    assert BatchKey.from_sort_key(WAREHOUSE, odd.sort_key()) == odd


def test_the_picture_answers_for_our_batches_and_leaves_other_locations_alone() -> None:
    picture = LedgerPicture(
        WAREHOUSE,
        [
            holding(key("SKU-1"), "VPA", 5),
            holding(key("SKU-2", "defective"), "DEF", 2),
            holding(key("SKU-3"), "QC", 4),
        ],
        LOCATIONS,
    )

    assert len(picture) == 3
    assert picture.get(key("SKU-1")) == LedgerBatch(key("SKU-1"), "VPA", 5)
    assert picture.get(key("SKU-2", "defective")) == LedgerBatch(key("SKU-2", "defective"), "DEF", 2)
    # On another location: no location, so a sync never corrects it
    held_elsewhere = picture.get(key("SKU-3"))
    assert held_elsewhere is not None and not LOCATIONS.holds(held_elsewhere)
    assert picture.get(key("SKU-9")) is None


def test_the_batches_the_listing_lacked_come_in_key_order_from_where_a_run_stopped() -> None:
    listed, gone_a, gone_b, elsewhere = key("SKU-1"), key("SKU-2"), key("SKU-4"), key("SKU-3")
    later = BatchKey(WAREHOUSE, "SKU-5", "qualified", "HPK-2", "IN-2", datetime(2026, 7, 1, tzinfo=UTC))
    unmatched = key("ODD-1")
    picture = LedgerPicture(
        WAREHOUSE,
        sorted(
            (
                holding(listed, "VPA", 5),
                holding(gone_a, "VPA", 2),
                holding(elsewhere, "QC", 1),
                holding(gone_b, "VPA", 0),
                holding(later, "VPA", 3),
                holding(unmatched, "VPA", 7),
            ),
            key=lambda h: h.sort_key,
        ),
        LOCATIONS,
    )
    seen = SeenBatches([batch_fingerprint(listed)])

    missing = list(picture.missing(seen, SNAPSHOT_AT, {"ODD-1"}))

    # Not the listed one, nor one on another location, one put away after the snapshot began, or
    # one of an unmatched SKU; zero or not, each missing batch comes back, in key order
    assert missing == [LedgerBatch(gone_a, "VPA", 2), LedgerBatch(gone_b, "VPA", 0)]
    assert list(picture.missing(seen, SNAPSHOT_AT, {"ODD-1"}, after=gone_a.sort_key())) == [
        LedgerBatch(gone_b, "VPA", 0)
    ]
