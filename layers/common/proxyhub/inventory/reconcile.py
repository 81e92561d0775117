"""Reconciliation of the proxy warehouse's batches with the dedicated-location ledger, as pure functions.

The proxy warehouse reports each batch with an available and a locked quantity. The batch's stock is
their sum: locked units are allocated to an order but still on the shelf, so comparing available alone
would "correct" every batch with an unshipped allocation. A batch is matched on warehouse, GSKU,
inventory type, proxy inbound order, local inbound order and inbound time (`BatchKey`). Only the
virtual putaway location (qualified) and the defective location (defective) are ever corrected.
"""

from array import array
from bisect import bisect_left
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b
from typing import Protocol

from proxyhub.inventory.ports import Holding
from proxyhub.models.inventory import (
    BatchKey,
    Correction,
    DedicatedLocations,
    LedgerBatch,
    SnapshotLine,
)

MINUS = "\N{MINUS SIGN}"
UNFINISHED_NAMED = 5


@dataclass(frozen=True)
class Observation:
    """The proxy warehouse's quantities of one batch."""

    key: BatchKey
    available: int
    locked: int

    @property
    def total(self) -> int:
        return self.available + self.locked


def observations(lines: Iterable[SnapshotLine], gwms_warehouse_code: str) -> list[Observation]:
    """Quantities of the lines whose SKU matched, one per batch in first-seen order; a batch listed
    twice counts once with both lines' quantities, so its two lines cannot correct each other."""
    seen: dict[BatchKey, Observation] = {}
    for line in lines:
        key = line.batch_key(gwms_warehouse_code)
        if key is not None:
            before = seen.get(key, Observation(key, 0, 0))
            seen[key] = Observation(key, before.available + line.available, before.locked + line.locked)
    return list(seen.values())


class HeldBatches(Protocol):
    def get(self, key: BatchKey) -> LedgerBatch | None: ...


def corrections_for_observed(
    observed: Iterable[Observation],
    ledger: HeldBatches | Mapping[BatchKey, LedgerBatch],
    locations: DedicatedLocations,
) -> list[Correction]:
    """Adjusts batches whose quantity differs and creates the ones we lack (before = 0)."""
    corrections = []
    for observation in observed:
        held = ledger.get(observation.key)
        if held is not None and not locations.holds(held):
            continue
        before = held.quantity if held is not None else 0
        if before != observation.total:
            location = locations.for_type(observation.key.inventory_type)
            corrections.append(
                Correction(
                    observation.key,
                    location,
                    before,
                    observation.total,
                    available=observation.available,
                    locked=observation.locked,
                )
            )
    return corrections


def batch_fingerprint(key: BatchKey) -> int:
    """64 bits standing for a batch of one warehouse: eight bytes per batch instead of its key."""
    return _fingerprint(key.sort_key().encode())


class LedgerPicture:
    """Our batches of one warehouse as a sync compares the listing with them, read once per run (a
    `Holding` each): per batch its sort key, quantity and whether it sits on its dedicated location,
    in key order, with an index by fingerprint. About 100 bytes a batch.

    A page's corrections are computed from this picture and written on the condition that each batch
    still holds what the picture says; one that changed since is read again (`find_batches`). After
    the listing, the same picture names our batches the listing lacked (`missing`)."""

    def __init__(
        self, gwms_warehouse_code: str, holdings: Iterable[Holding], locations: DedicatedLocations
    ) -> None:
        self._warehouse = gwms_warehouse_code
        self._locations = locations
        keys = bytearray()
        self._key_ends = array("I")
        self._quantities = array("q")
        dedicated = bytearray()
        fingerprints = array("Q")
        for holding in holdings:
            key = holding.sort_key.encode()
            keys += key
            self._key_ends.append(len(keys))
            self._quantities.append(holding.quantity)
            inventory_type = holding.sort_key.split("#", 2)[1]
            dedicated.append(
                holding.location
                == locations.for_type("defective" if inventory_type == "defective" else "qualified")
            )
            fingerprints.append(_fingerprint(key))
        self._keys = bytes(keys)
        self._dedicated = bytes(dedicated)
        # (fingerprint, position) sorted by fingerprint: a lookup is a bisection.
        order = sorted(range(len(fingerprints)), key=fingerprints.__getitem__)
        self._fingerprints = array("Q", (fingerprints[index] for index in order))
        self._positions = array("I", order)

    def __len__(self) -> int:
        return len(self._quantities)

    def get(self, key: BatchKey) -> LedgerBatch | None:
        """The batch as the picture has it; on a location other than its dedicated one it comes back
        with no location at all (a sync leaves it alone)."""
        fingerprint = batch_fingerprint(key)
        index = bisect_left(self._fingerprints, fingerprint)
        if index == len(self._fingerprints) or self._fingerprints[index] != fingerprint:
            return None
        position = self._positions[index]
        location = self._locations.for_type(key.inventory_type) if self._dedicated[position] else ""
        return LedgerBatch(key, location, self._quantities[position])

    def missing(
        self,
        seen: "SeenBatches",
        snapshot_at: datetime,
        unmatched_skus: Container[str],
        after: str | None = None,
    ) -> Iterator[LedgerBatch]:
        """Our batches on a dedicated location that the listing did not contain (`missing_from_snapshot`),
        in key order, from just after the sort key `after`."""
        start = 0
        for position, end in enumerate(self._key_ends):
            sort_key = self._keys[start:end].decode()
            start = end
            if not self._dedicated[position] or (after is not None and sort_key <= after):
                continue
            if _fingerprint(sort_key.encode()) in seen.fingerprints:
                continue
            key = BatchKey.from_sort_key(self._warehouse, sort_key)
            batch = LedgerBatch(key, self._locations.for_type(key.inventory_type), self._quantities[position])
            if missing_from_snapshot(batch, seen, self._locations, snapshot_at, unmatched_skus):
                yield batch


def _fingerprint(sort_key: bytes) -> int:
    return int.from_bytes(blake2b(sort_key, digest_size=8).digest(), "big")


class SeenBatches:
    """The batches a snapshot listed, as a sorted array of fingerprints (8 bytes per batch)."""

    def __init__(self, fingerprints: Iterable[int]) -> None:
        self._sorted = array("Q", sorted(fingerprints))
        self.fingerprints = _SortedFingerprints(self._sorted)

    def __contains__(self, key: BatchKey) -> bool:
        return batch_fingerprint(key) in self.fingerprints

    def __len__(self) -> int:
        return len(self._sorted)


class _SortedFingerprints:
    def __init__(self, ordered: array[int]) -> None:
        self._sorted = ordered

    def __contains__(self, fingerprint: int) -> bool:
        index = bisect_left(self._sorted, fingerprint)
        return index < len(self._sorted) and self._sorted[index] == fingerprint


def missing_from_snapshot(
    batch: LedgerBatch,
    seen: SeenBatches,
    locations: DedicatedLocations,
    snapshot_at: datetime,
    unmatched_skus: Container[str],
) -> bool:
    """A batch of ours on a dedicated location that the snapshot did not list.

    A batch that arrived after the snapshot started may simply have been listed on a page already read,
    and a GSKU spelled like an unmatched proxy SKU may be that very stock: neither is taken as missing.
    """
    return (
        locations.holds(batch)
        and batch.key not in seen
        and batch.key.inbound_at < snapshot_at
        and batch.key.gsku not in unmatched_skus
    )


def correction_to_zero(batch: LedgerBatch) -> Correction | None:
    if batch.quantity == 0:
        return None
    return Correction(batch.key, batch.location, batch.quantity, 0)


@dataclass(frozen=True)
class CorrectionTotals:
    corrected: int = 0
    units_added: int = 0
    units_removed: int = 0

    def plus(self, correction: Correction) -> "CorrectionTotals":
        delta = correction.delta
        return CorrectionTotals(
            corrected=self.corrected + 1,
            units_added=self.units_added + max(delta, 0),
            units_removed=self.units_removed + max(-delta, 0),
        )


def summary_text(
    compared: int,
    totals: CorrectionTotals,
    unmatched_skus: int,
    unfinished_tasks: Sequence[str] = (),
) -> str:
    """E.g. "412 batches compared, 3 corrected (+5 / -2), 0 unmatched SKUs", with a true minus sign."""
    text = (
        f"{_count(compared, 'batch', 'batches')} compared, {totals.corrected} corrected "
        f"(+{totals.units_added} / {MINUS}{totals.units_removed}), "
        f"{_count(unmatched_skus, 'unmatched SKU', 'unmatched SKUs')}"
    )
    if unfinished_tasks:
        named = ", ".join(unfinished_tasks[:UNFINISHED_NAMED])
        more = len(unfinished_tasks) - UNFINISHED_NAMED
        if more > 0:
            named += f" and {more} more"
        text += f"; {_count(len(unfinished_tasks), 'inbound/outbound task', 'inbound/outbound tasks')}"
        text += f" still unfinished: {named}"
    return text


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"
