"""Reconciliation rules: total = available + locked, exact batch matching, dedicated locations only."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from proxyhub.inventory.reconcile import (
    Correction,
    CorrectionTotals,
    DedicatedLocations,
    SeenBatches,
    SnapshotLine,
    batch_fingerprint,
    correction_to_zero,
    corrections_for_observed,
    missing_from_snapshot,
    observations,
    summary_text,
)
from proxyhub.models.inventory import BatchKey, LedgerBatch

pytestmark = pytest.mark.unit

WAREHOUSE = "GW-LA"
LOCATIONS = DedicatedLocations(putaway="HPK-VPA", defective="HPK-DEF")
INBOUND_AT = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
SNAPSHOT_AT = datetime(2026, 6, 4, 8, 0, tzinfo=UTC)


def line(**overrides: Any) -> SnapshotLine:
    values: dict[str, Any] = {
        "proxy_sku": "SKU-1",
        "gsku": "SKU-1",
        "local_sku": "L-1",
        "inventory_type": "qualified",
        "proxy_inbound_no": "HPKI-1",
        "local_inbound_no": "IB-1",
        "inbound_at": INBOUND_AT,
        "available": 80,
        "locked": 20,
    }
    values.update(overrides)
    return SnapshotLine(**values)


def held(snapshot_line: SnapshotLine, quantity: int, location: str | None = None) -> LedgerBatch:
    key = snapshot_line.batch_key(WAREHOUSE)
    assert key is not None
    return LedgerBatch(
        key=key, location=location or LOCATIONS.for_type(key.inventory_type), quantity=quantity
    )


def ledger_of(*batches: LedgerBatch) -> dict[BatchKey, LedgerBatch]:
    return {batch.key: batch for batch in batches}


def reconcile(lines: list[SnapshotLine], ledger: dict[BatchKey, LedgerBatch]) -> list[Correction]:
    return corrections_for_observed(observations(lines, WAREHOUSE), ledger, LOCATIONS)


def test_locked_stock_counts_so_a_batch_with_allocations_is_not_corrected() -> None:
    # Given HPK reports 80 available and 20 locked, and the ledger holds the batch's 100 units
    hpk = line(available=80, locked=20)
    # When they are reconciled
    corrections = reconcile([hpk], ledger_of(held(hpk, 100)))
    # Then nothing is corrected: the total is 100, not 80
    assert corrections == []


def test_a_ledger_matching_only_the_available_quantity_is_corrected_up_to_the_total() -> None:
    # Given the ledger holds only the available 80 of a batch with 20 locked
    hpk = line(available=80, locked=20)
    # When they are reconciled
    [correction] = reconcile([hpk], ledger_of(held(hpk, 80)))
    # Then the batch goes to the total, 100
    assert (correction.before, correction.after, correction.delta) == (80, 100, 20)
    assert correction.location == "HPK-VPA"


def test_a_batch_only_hpk_lists_is_created_on_its_dedicated_location() -> None:
    # Given a defective batch HPK holds and the ledger does not
    hpk = line(inventory_type="defective", available=3, locked=0)
    # When they are reconciled
    [correction] = reconcile([hpk], {})
    # Then it is created on the defective location with HPK's total
    assert correction.location == "HPK-DEF"
    assert (correction.before, correction.after) == (0, 3)
    assert correction.stock_delta().delta == 3


def test_an_empty_batch_only_hpk_lists_creates_nothing() -> None:
    # Given HPK still lists an emptied batch we never had
    # When it is reconciled
    # Then there is nothing to correct
    assert reconcile([line(available=0, locked=0)], {}) == []


def test_defective_stock_is_corrected_on_the_defective_location() -> None:
    # Given a defective batch whose ledger quantity is 2 more than HPK's total
    hpk = line(inventory_type="defective", available=5, locked=1)
    # When they are reconciled
    [correction] = reconcile([hpk], ledger_of(held(hpk, 8)))
    # Then the defective location loses the 2 units
    assert (correction.location, correction.delta) == ("HPK-DEF", -2)


def test_batches_differing_in_any_key_field_do_not_match() -> None:
    # Given ledger batches that differ from HPK's in one key field each
    hpk = line(available=10, locked=0)
    others = [
        replace(hpk, inventory_type="defective"),
        replace(hpk, proxy_inbound_no="HPKI-2"),
        replace(hpk, local_inbound_no="IB-2"),
        replace(hpk, inbound_at=INBOUND_AT + timedelta(seconds=1)),
        replace(hpk, gsku="SKU-2"),
    ]
    # When HPK's batch is reconciled against them
    [correction] = reconcile([hpk], ledger_of(*(held(other, 10) for other in others)))
    # Then none of them stands for it: the batch is created
    assert correction.before == 0


def test_an_unmatched_sku_is_left_out_of_the_comparison() -> None:
    # Given a line whose proxy SKU maps to no GSKU
    ghost = line(proxy_sku="GHOST", gsku=None, local_sku=None)
    # When lines are turned into observations
    # Then it has no batch key and nothing to correct
    assert ghost.batch_key(WAREHOUSE) is None
    assert reconcile([ghost], {}) == []


def test_a_batch_on_another_location_is_never_corrected() -> None:
    # Given the ledger holds HPK's batch on a general location, not a dedicated one
    hpk = line(available=10, locked=0)
    # When they are reconciled
    # Then it is left alone
    assert reconcile([hpk], ledger_of(held(hpk, 4, location="A-01-01"))) == []


def test_a_batch_listed_twice_counts_once_with_both_totals() -> None:
    # Given HPK lists one batch in two lines of 6 and 4
    first, second = line(available=6, locked=0), line(available=3, locked=1)
    # When they are reconciled against a ledger of 10
    # Then the batch matches and nothing changes
    assert reconcile([first, second], ledger_of(held(first, 10))) == []


def test_a_batch_only_we_hold_is_missing_and_zeroed() -> None:
    # Given our batch of 7 that the snapshot did not list
    ours = held(line(), 7)
    seen = SeenBatches([])
    # When it is checked against the snapshot
    missing = missing_from_snapshot(ours, seen, LOCATIONS, SNAPSHOT_AT, frozenset())
    # Then it is missing and corrected to zero
    assert missing
    correction = correction_to_zero(ours)
    assert correction is not None
    assert (correction.before, correction.after, correction.delta) == (7, 0, -7)


def test_a_listed_batch_is_not_missing() -> None:
    ours = held(line(), 7)
    seen = SeenBatches([batch_fingerprint(ours.key)])
    assert ours.key in seen
    assert not missing_from_snapshot(ours, seen, LOCATIONS, SNAPSHOT_AT, frozenset())


def test_batches_that_cannot_be_judged_missing() -> None:
    seen = SeenBatches([])
    # Given a batch on a general location, one put away after the snapshot began,
    # and one whose GSKU is spelled like an unmatched proxy SKU
    elsewhere = held(line(), 7, location="A-01-01")
    arrived_later = held(line(inbound_at=SNAPSHOT_AT + timedelta(minutes=5)), 7)
    unmatched_name = held(line(gsku="GHOST"), 7)
    # Then none of them is zeroed
    for batch in (elsewhere, arrived_later, unmatched_name):
        assert not missing_from_snapshot(batch, seen, LOCATIONS, SNAPSHOT_AT, frozenset({"GHOST"}))


def test_an_empty_missing_batch_needs_no_correction() -> None:
    assert correction_to_zero(held(line(), 0)) is None


def test_the_summary_reads_like_the_sync_tasks_page() -> None:
    # Given 3 corrections of +5 and -2 in all
    key = line().batch_key(WAREHOUSE)
    assert key is not None
    totals = CorrectionTotals()
    for before, after in ((0, 3), (4, 6), (9, 7)):
        totals = totals.plus(Correction(key, "HPK-VPA", before, after))
    # When the summary is written
    text = summary_text(412, totals, 0)
    # Then it names the counts with a true minus sign
    assert text == "412 batches compared, 3 corrected (+5 / \N{MINUS SIGN}2), 0 unmatched SKUs"


def test_the_summary_names_unfinished_tasks_and_counts_the_rest() -> None:
    unfinished = [f"IB-{n} (waiting)" for n in range(7)]
    text = summary_text(1, CorrectionTotals(), 1, unfinished)
    assert text.startswith("1 batch compared, 0 corrected (+0 / \N{MINUS SIGN}0), 1 unmatched SKU; ")
    assert text.endswith(
        "7 inbound/outbound tasks still unfinished: "
        "IB-0 (waiting), IB-1 (waiting), IB-2 (waiting), IB-3 (waiting), IB-4 (waiting) and 2 more"
    )
