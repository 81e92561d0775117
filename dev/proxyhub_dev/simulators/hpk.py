"""HPK v5 simulator: a real HTTP server (standard library only) for tests and the local stack.

It implements /work/shared/docs/hpk-v5-contract.md with in-memory, thread-safe state, plus `/_sim/...`
control endpoints that are never part of the HPK contract. Run it with
`python -m proxyhub_dev.simulators.hpk --port 3100`, or in-process with `HpkSimulator(port=0).start()`.

Choices the contract leaves open, which tests and tools rely on:
- A refused login is HTTP 200 with code 40101 "invalid account or password"; a version other than
  "5" is 40001 "validation failed: version".
- Times are UTC ISO-8601 strings ending in "Z".
- An inbound reaches ARRIVED / RECEIVING only through `POST /_sim/inbound/{no}/advance`.
- An outbound in EXCEPTION has released its locked stock and is final: cancelling it is 40902.
- A batch emptied by shipping stays listed by inventory/page, with zero quantities.
- Unknown paths answer HTTP 404 with code 40401.

Control endpoints (JSON bodies, envelope replies):
- `POST /_sim/inbound/{inbound_no}/complete` `{"items": [{"sku", "qualified_qty", "defective_qty"}]}`;
  no body or no items: everything planned arrives qualified. SKUs left out receive nothing.
- `POST /_sim/inbound/{inbound_no}/advance` `{"status": "ARRIVED" | "RECEIVING"}`
- `POST /_sim/outbound/{outbound_no}/advance` `{"status": "PICKING" | "PACKED" | "SHIPPED" | "EXCEPTION",
  "reason", "carrier", "tracking_no"}` (carrier and tracking number are generated when left out)
- `POST /_sim/outbound/{outbound_no}/resolve-cancel` `{"result": "CANCELLED" | "REJECTED"}`
- `POST /_sim/inventory/adjust` `{"warehouse_code", "sku", "inventory_type", "inbound_no", "delta_available",
  "delta_locked", "reference_no", "inbound_at"}` (the last two only for a batch it creates)
- `POST /_sim/inventory/seed` `{"warehouse_code", "batches": [{"sku", "inventory_type", "inbound_no",
  "reference_no", "inbound_at", "available_qty", "locked_qty"}]}` or
  `{"warehouse_code", "generate": {"count", "sku_count", "seed"}}` (see `generated_batch_rows`)
- `POST /_sim/faults` `{"kind": "http500" | "timeout" | "malformed" | "token_expired" | "rate_limited",
  "count": 1, "path_prefix": "/api/v5/", "delay_seconds": 30}`
- `POST /_sim/clock/advance` `{"seconds"}`: moves the simulator's time (token expiry, timestamps).
- `GET /_sim/state`; `POST /_sim/reset` (forgets products, orders, stock, faults and calls; keeps tokens).
"""

import argparse
import hmac
import itertools
import json
import random
import re
import secrets
import threading
import urllib.error
import urllib.request
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from proxyhub.adapters.hpk.signing import signed_callback_headers
from proxyhub.clock import Clock, SystemClock, from_iso, to_iso
from proxyhub.observability import logger
from proxyhub_dev.simulators.http_base import (
    BackgroundHttpServer,
    HttpReply,
    IncomingRequest,
    JsonHttpClient,
    json_reply,
    serve_until_terminated,
)

DEFAULT_ACCOUNT = "demo"
DEFAULT_PASSWORD = "demo-secret"
DEFAULT_TOKEN_TTL_SECONDS = 7200
MAX_PAGE_SIZE = 500
LOGIN_PATH = "/api/v5/auth/token"
FAULT_KINDS = ("http500", "timeout", "malformed", "token_expired", "rate_limited")
QUALIFIED, DEFECTIVE = "QUALIFIED", "DEFECTIVE"
_ACTIVE_OUTBOUND = ("CREATED", "PICKING", "PACKED")
_INBOUND_FLOW = ("CREATED", "ARRIVED", "RECEIVING")
_CALL_LOG_LIMIT = 10_000
_CALLBACK_TIMEOUT_SECONDS = 5
# 0.5 s, 1 s, 2 s, 4 s, 8 s, 16 s between the 7 attempts: about half a minute of an unreachable API.
DEFAULT_CALLBACK_ATTEMPTS = 7
DEFAULT_CALLBACK_BACKOFF_SECONDS = 0.5


class EnvelopeError(Exception):
    """Becomes an envelope with a non-zero code (and HTTP 200, as HPK answers business results)."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


def _invalid(*fields: str, detail: str = "") -> EnvelopeError:
    suffix = f" {detail}" if detail else ""
    return EnvelopeError(40001, f"validation failed: {', '.join(fields)}{suffix}")


def _not_found(what: str) -> EnvelopeError:
    return EnvelopeError(40401, f"{what} not found")


def _forbidden(message: str) -> EnvelopeError:
    return EnvelopeError(40902, message)


# --- request validation --------------------------------------------------------------------------


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(name)
    return value


def _one_of(body: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = body.get(name)
    if value not in allowed:
        raise _invalid(name, detail=f"must be one of {', '.join(allowed)}")
    return str(value)


def _count(value: Any, name: str, *, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _invalid(name, detail=f"must be an integer >= {minimum}")
    return value


def _object(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = body.get(name)
    if value is not None and not isinstance(value, dict):
        raise _invalid(name, detail="must be an object")
    return value or None


def _order_items(body: dict[str, Any]) -> list[tuple[str, int]]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise _invalid("items")
    lines = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _invalid(f"items[{index}]")
        lines.append((_text(item, "sku"), _count(item.get("qty"), f"items[{index}].qty", minimum=1)))
    return lines


def _json_object(request: IncomingRequest) -> dict[str, Any]:
    try:
        return request.json_object()
    except ValueError as error:
        raise _invalid("body", detail=str(error)) from None


# --- in-memory model -----------------------------------------------------------------------------

_BatchKey = tuple[str, str, str, str]  # warehouse, sku, inventory type, inbound_no


@dataclass(slots=True)
class _Batch:
    warehouse_code: str
    sku: str
    inventory_type: str
    inbound_no: str
    reference_no: str | None
    inbound_at: str
    available: int
    locked: int

    def record(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "inventory_type": self.inventory_type,
            "inbound_no": self.inbound_no,
            "reference_no": self.reference_no,
            "inbound_at": self.inbound_at,
            "available_qty": self.available,
            "locked_qty": self.locked,
        }


class _Stock:
    """Batches per warehouse in arrival order, so pages are stable, with lookups by key and SKU."""

    def __init__(self) -> None:
        self._by_warehouse: dict[str, list[_Batch]] = {}
        self._by_key: dict[_BatchKey, _Batch] = {}
        self._by_sku: dict[tuple[str, str], list[_Batch]] = {}

    def find(self, key: _BatchKey) -> _Batch | None:
        return self._by_key.get(key)

    def add(self, batch: _Batch) -> _Batch:
        key = (batch.warehouse_code, batch.sku, batch.inventory_type, batch.inbound_no)
        existing = self._by_key.get(key)
        if existing is not None:
            existing.available += batch.available
            existing.locked += batch.locked
            return existing
        self._by_key[key] = batch
        self._by_warehouse.setdefault(batch.warehouse_code, []).append(batch)
        self._by_sku.setdefault((batch.warehouse_code, batch.sku), []).append(batch)
        return batch

    def page(self, warehouse_code: str, page_no: int, page_size: int) -> tuple[int, list[_Batch]]:
        batches = self._by_warehouse.get(warehouse_code, [])
        start = (page_no - 1) * page_size
        return len(batches), batches[start : start + page_size]

    def qualified_oldest_first(self, warehouse_code: str, sku: str) -> list[_Batch]:
        batches = self._by_sku.get((warehouse_code, sku), [])
        return sorted(
            (b for b in batches if b.inventory_type == QUALIFIED), key=lambda b: from_iso(b.inbound_at)
        )

    def available_qualified(self, warehouse_code: str, sku: str) -> int:
        return sum(
            b.available for b in self._by_sku.get((warehouse_code, sku), []) if b.inventory_type == QUALIFIED
        )

    def warehouse_summary(self, warehouse_code: str) -> dict[str, int]:
        batches = self._by_warehouse.get(warehouse_code, [])
        return {
            "count": len(batches),
            "available": sum(b.available for b in batches),
            "locked": sum(b.locked for b in batches),
        }

    def summary(self) -> dict[str, dict[str, int]]:
        return {warehouse: self.warehouse_summary(warehouse) for warehouse in self._by_warehouse}


@dataclass(slots=True)
class _InboundLine:
    sku: str
    planned_qty: int
    qualified_qty: int = 0
    defective_qty: int = 0


@dataclass(slots=True)
class _Inbound:
    inbound_no: str
    reference_no: str
    warehouse_code: str
    inbound_type: str
    customer_code: str | None
    expected_at: str | None
    items: list[_InboundLine]
    status: str = "CREATED"
    completed_at: str | None = None

    def view(self) -> dict[str, Any]:
        return {
            "inbound_no": self.inbound_no,
            "reference_no": self.reference_no,
            "warehouse_code": self.warehouse_code,
            "status": self.status,
            "completed_at": self.completed_at,
            "items": [
                {
                    "sku": line.sku,
                    "planned_qty": line.planned_qty,
                    "qualified_qty": line.qualified_qty,
                    "defective_qty": line.defective_qty,
                }
                for line in self.items
            ],
        }


@dataclass(slots=True)
class _Allocation:
    batch: _Batch
    qty: int


@dataclass(slots=True)
class _OutboundLine:
    sku: str
    qty: int
    allocations: list[_Allocation]
    shipped_qty: int = 0


@dataclass(slots=True)
class _Outbound:
    outbound_no: str
    reference_no: str
    warehouse_code: str
    order_type: str
    channel_code: str | None
    recipient: dict[str, Any] | None
    transfer: dict[str, Any] | None
    label: dict[str, Any] | None
    items: list[_OutboundLine]
    status: str = "CREATED"
    status_before_cancel: str | None = None
    exception_reason: str | None = None
    shipped_at: str | None = None
    carrier: str | None = None
    tracking_no: str | None = None
    cancel_result: str | None = None

    def view(self) -> dict[str, Any]:
        shipped = self.status == "SHIPPED"
        return {
            "outbound_no": self.outbound_no,
            "reference_no": self.reference_no,
            "order_type": self.order_type,
            "status": self.status,
            "exception_reason": self.exception_reason,
            "shipped_at": self.shipped_at,
            "carrier": self.carrier,
            "tracking_no": self.tracking_no,
            "cancel_result": self.cancel_result,
            "items": [
                {
                    "sku": line.sku,
                    "qty": line.qty,
                    "shipped_qty": line.shipped_qty,
                    "batches": [
                        {
                            "inbound_no": allocation.batch.inbound_no,
                            "inbound_at": allocation.batch.inbound_at,
                            "inventory_type": allocation.batch.inventory_type,
                            "qty": allocation.qty,
                        }
                        for allocation in line.allocations
                    ]
                    if shipped
                    else [],
                }
                for line in self.items
            ],
        }

    def dump(self) -> dict[str, Any]:
        extras = {
            "warehouse_code": self.warehouse_code,
            "channel_code": self.channel_code,
            "recipient": self.recipient,
            "transfer": self.transfer,
            "label": self.label,
        }
        return self.view() | extras


def generated_batch_rows(
    count: int, sku_count: int, seed: int
) -> Iterator[tuple[str, str, str, str, str, int, int]]:
    """Deterministic batches for benchmarks: (sku, inventory_type, inbound_no, reference_no, inbound_at,
    available, locked).

    Consecutive batches share an inbound (up to 10 per inbound, never the same SKU twice in one), one
    minute apart from 2024-01-01; about 10 % are DEFECTIVE and 20 % have locked stock. Strings are shared
    between the batches of one inbound, to keep a 200,000-batch warehouse small in memory.
    """
    rng = random.Random(seed)  # noqa: S311 - test data, not cryptography
    skus = [f"SKU-{index:06d}" for index in range(sku_count)]
    per_inbound = min(10, sku_count)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for group_start in range(0, count, per_inbound):
        group = group_start // per_inbound
        inbound_no = f"HPKI-G{seed}-{group:07d}"
        reference_no = f"IB-G{seed}-{group:07d}"
        inbound_at = to_iso(start + timedelta(minutes=group))
        for index in range(group_start, min(group_start + per_inbound, count)):
            inventory_type = DEFECTIVE if rng.random() < 0.1 else QUALIFIED
            locked = rng.randint(1, 20) if rng.random() < 0.2 else 0
            available = rng.randint(0, 500)
            yield (
                skus[index % sku_count],
                inventory_type,
                inbound_no,
                reference_no,
                inbound_at,
                available,
                locked,
            )


class _HpkState:
    """HPK's business rules over the in-memory model. Callers hold the simulator's lock."""

    def __init__(self, now: Callable[[], datetime], notify: Callable[[dict[str, Any]], None]) -> None:
        self._now = now
        self._notify = notify
        self._inbound_numbers = itertools.count(1)
        self._outbound_numbers = itertools.count(1)
        self.products: dict[str, dict[str, Any]] = {}
        self.inbounds: dict[str, _Inbound] = {}
        self.outbounds: dict[str, _Outbound] = {}
        self.stock = _Stock()
        self._inbound_by_reference: dict[str, _Inbound] = {}
        self._outbound_by_reference: dict[str, _Outbound] = {}
        # Every create call per reference_no, repeats included: a second one is a duplicate push.
        self.create_calls: Counter[str] = Counter()

    def now_iso(self) -> str:
        return to_iso(self._now())

    # --- contract ---

    def upsert_product(self, body: dict[str, Any]) -> dict[str, Any]:
        sku = _text(body, "sku")
        missing = [
            name for name in ("name", "spec") if not isinstance(body.get(name), str) or not body[name].strip()
        ]
        weight = body.get("weight_kg")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            missing.append("weight_kg")
        if missing:
            raise _invalid(*missing)
        self.products[sku] = dict(body)
        return {"sku": sku, "status": "ACTIVE"}

    def create_inbound(self, body: dict[str, Any]) -> dict[str, Any]:
        reference_no = _text(body, "reference_no")
        self.create_calls[reference_no] += 1
        warehouse_code = _text(body, "warehouse_code")
        inbound_type = _one_of(body, "inbound_type", ("PURCHASE", "RETURN"))
        items = _order_items(body)
        unknown = [
            f"items[{index}].sku unknown sku {sku!r}"
            for index, (sku, _) in enumerate(items)
            if sku not in self.products
        ]
        if unknown:
            raise _invalid(*unknown)
        existing = self._inbound_by_reference.get(reference_no)
        if existing is not None:
            raise EnvelopeError(40901, f"duplicate reference_no {reference_no}", _order_summary(existing))
        inbound = _Inbound(
            inbound_no=f"HPKI{next(self._inbound_numbers):08d}",
            reference_no=reference_no,
            warehouse_code=warehouse_code,
            inbound_type=inbound_type,
            customer_code=body.get("customer_code"),
            expected_at=body.get("expected_at"),
            items=[_InboundLine(sku, qty) for sku, qty in items],
        )
        self.inbounds[inbound.inbound_no] = inbound
        self._inbound_by_reference[reference_no] = inbound
        return _order_summary(inbound)

    def get_inbound(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._inbound(_text(body, "inbound_no")).view()

    def cancel_inbound(self, body: dict[str, Any]) -> dict[str, Any]:
        inbound = self._inbound(_text(body, "inbound_no"))
        if inbound.status in ("RECEIVING", "COMPLETED"):
            raise _forbidden(f"inbound {inbound.inbound_no} is {inbound.status}, cancellation not allowed")
        if inbound.status != "CANCELLED":
            inbound.status = "CANCELLED"
            self._emit("INBOUND_CANCELLED", "inbound_no", inbound.inbound_no, inbound.reference_no)
        return _order_summary(inbound)

    def create_outbound(self, body: dict[str, Any]) -> dict[str, Any]:
        reference_no = _text(body, "reference_no")
        self.create_calls[reference_no] += 1
        warehouse_code = _text(body, "warehouse_code")
        order_type = _one_of(body, "order_type", ("DROPSHIP", "TRANSFER"))
        items = _order_items(body)
        recipient, transfer, label = (
            _object(body, "recipient"),
            _object(body, "transfer"),
            _object(body, "label"),
        )
        channel_code = body.get("channel_code") or None
        _check_destination(order_type, channel_code, recipient, transfer)
        existing = self._outbound_by_reference.get(reference_no)
        if existing is not None:
            raise EnvelopeError(40901, f"duplicate reference_no {reference_no}", _order_summary(existing))
        self._check_stock(warehouse_code, items)
        outbound = _Outbound(
            outbound_no=f"HPKO{next(self._outbound_numbers):08d}",
            reference_no=reference_no,
            warehouse_code=warehouse_code,
            order_type=order_type,
            channel_code=channel_code,
            recipient=recipient,
            transfer=transfer,
            label=label,
            items=[_OutboundLine(sku, qty, self._lock_stock(warehouse_code, sku, qty)) for sku, qty in items],
        )
        self.outbounds[outbound.outbound_no] = outbound
        self._outbound_by_reference[reference_no] = outbound
        return _order_summary(outbound)

    def get_outbound(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._outbound(_text(body, "outbound_no")).view()

    def cancel_outbound(self, body: dict[str, Any]) -> dict[str, Any]:
        outbound = self._outbound(_text(body, "outbound_no"))
        if outbound.order_type == "DROPSHIP":
            raise _forbidden("cancellation not supported")
        if outbound.status == "CREATED":
            self._finish_cancel(outbound)
        elif outbound.status in ("PICKING", "PACKED"):
            outbound.status_before_cancel, outbound.status = outbound.status, "CANCELLING"
        elif outbound.status not in ("CANCELLING", "CANCELLED"):
            raise _forbidden(
                f"outbound {outbound.outbound_no} is {outbound.status}, cancellation not allowed"
            )
        return _order_summary(outbound)

    def inventory_page(self, body: dict[str, Any]) -> dict[str, Any]:
        warehouse_code = _text(body, "warehouse_code")
        page_no = _count(body.get("page_no"), "page_no", minimum=1)
        page_size = _count(body.get("page_size"), "page_size", minimum=1)
        if page_size > MAX_PAGE_SIZE:
            raise _invalid("page_size", detail=f"must be at most {MAX_PAGE_SIZE}")
        total, batches = self.stock.page(warehouse_code, page_no, page_size)
        return {
            "total": total,
            "page_no": page_no,
            "page_size": page_size,
            "records": [batch.record() for batch in batches],
        }

    # --- control ---

    def advance_inbound(self, inbound_no: str, body: dict[str, Any]) -> dict[str, Any]:
        inbound = self._inbound(inbound_no)
        status = _one_of(body, "status", ("ARRIVED", "RECEIVING"))
        if inbound.status not in _INBOUND_FLOW or _INBOUND_FLOW.index(status) <= _INBOUND_FLOW.index(
            inbound.status
        ):
            raise _forbidden(f"inbound {inbound_no} is {inbound.status}, cannot move to {status}")
        inbound.status = status
        return inbound.view()

    def complete_inbound(self, inbound_no: str, body: dict[str, Any]) -> dict[str, Any]:
        inbound = self._inbound(inbound_no)
        if inbound.status not in _INBOUND_FLOW:
            raise _forbidden(f"inbound {inbound_no} is {inbound.status}, cannot complete")
        received = _received_quantities(inbound, body)
        completed_at = self.now_iso()
        inbound.status, inbound.completed_at = "COMPLETED", completed_at
        for line in inbound.items:
            line.qualified_qty, line.defective_qty = received.pop(line.sku, (0, 0))
            self._shelve(inbound, completed_at, line.sku, QUALIFIED, line.qualified_qty)
            self._shelve(inbound, completed_at, line.sku, DEFECTIVE, line.defective_qty)
        self._emit("INBOUND_COMPLETED", "inbound_no", inbound.inbound_no, inbound.reference_no)
        return inbound.view()

    def advance_outbound(self, outbound_no: str, body: dict[str, Any]) -> dict[str, Any]:
        outbound = self._outbound(outbound_no)
        status = _one_of(body, "status", ("PICKING", "PACKED", "SHIPPED", "EXCEPTION"))
        if outbound.status not in _ACTIVE_OUTBOUND or (
            status in _ACTIVE_OUTBOUND
            and _ACTIVE_OUTBOUND.index(status) <= _ACTIVE_OUTBOUND.index(outbound.status)
        ):
            raise _forbidden(f"outbound {outbound_no} is {outbound.status}, cannot move to {status}")
        if status == "SHIPPED":
            self._ship(outbound, body)
        elif status == "EXCEPTION":
            self._release(outbound)
            outbound.status, outbound.exception_reason = (
                "EXCEPTION",
                body.get("reason") or "simulated exception",
            )
            self._emit("OUTBOUND_EXCEPTION", "outbound_no", outbound.outbound_no, outbound.reference_no)
        else:
            outbound.status = status
        return outbound.view()

    def resolve_cancel(self, outbound_no: str, body: dict[str, Any]) -> dict[str, Any]:
        outbound = self._outbound(outbound_no)
        result = _one_of(body, "result", ("CANCELLED", "REJECTED"))
        if outbound.status != "CANCELLING":
            raise _forbidden(f"outbound {outbound_no} is {outbound.status}, no cancellation to resolve")
        if result == "CANCELLED":
            self._finish_cancel(outbound)
        else:
            outbound.status, outbound.cancel_result = outbound.status_before_cancel or "CREATED", "REJECTED"
        return outbound.view()

    def adjust_inventory(self, body: dict[str, Any]) -> dict[str, Any]:
        key = (
            _text(body, "warehouse_code"),
            _text(body, "sku"),
            _one_of(body, "inventory_type", (QUALIFIED, DEFECTIVE)),
            _text(body, "inbound_no"),
        )
        existing = self.stock.find(key)
        available = (existing.available if existing else 0) + _signed(body, "delta_available")
        locked = (existing.locked if existing else 0) + _signed(body, "delta_locked")
        if available < 0 or locked < 0:
            raise _invalid("delta_available", "delta_locked", detail="would make stock negative")
        batch = existing or self.stock.add(
            _Batch(
                *key,
                body.get("reference_no"),
                body.get("inbound_at") or self.now_iso(),
                available=0,
                locked=0,
            )
        )
        batch.available, batch.locked = available, locked
        return batch.record()

    def seed_inventory(self, body: dict[str, Any]) -> dict[str, Any]:
        warehouse_code = _text(body, "warehouse_code")
        generate = _object(body, "generate")
        if generate is not None:
            rows: Iterator[tuple[str, str, str, str | None, str, int, int]] = generated_batch_rows(
                _count(generate.get("count"), "generate.count"),
                _count(generate.get("sku_count", 1000), "generate.sku_count", minimum=1),
                _count(generate.get("seed", 1), "generate.seed"),
            )
        else:
            rows = _seed_rows(body.get("batches"))
        seeded = 0
        for sku, inventory_type, inbound_no, reference_no, inbound_at, available, locked in rows:
            self.stock.add(
                _Batch(
                    warehouse_code,
                    sku,
                    inventory_type,
                    inbound_no,
                    reference_no,
                    inbound_at,
                    available,
                    locked,
                )
            )
            seeded += 1
        return {
            "warehouse_code": warehouse_code,
            "seeded": seeded,
            "batches": self.stock.warehouse_summary(warehouse_code),
        }

    def dump(self) -> dict[str, Any]:
        return {
            "products": self.products,
            "inbounds": [inbound.view() for inbound in self.inbounds.values()],
            "outbounds": [outbound.dump() for outbound in self.outbounds.values()],
            "batches": self.stock.summary(),
            "create_calls": dict(self.create_calls),
        }

    # --- rules ---

    def _inbound(self, inbound_no: str) -> _Inbound:
        inbound = self.inbounds.get(inbound_no)
        if inbound is None:
            raise _not_found(f"inbound {inbound_no}")
        return inbound

    def _outbound(self, outbound_no: str) -> _Outbound:
        outbound = self.outbounds.get(outbound_no)
        if outbound is None:
            raise _not_found(f"outbound {outbound_no}")
        return outbound

    def _check_stock(self, warehouse_code: str, items: list[tuple[str, int]]) -> None:
        wanted: dict[str, int] = {}
        for sku, qty in items:
            wanted[sku] = wanted.get(sku, 0) + qty
        shortages = [
            f"{sku} needs {qty}, available {available}"
            for sku, qty in wanted.items()
            if (available := self.stock.available_qualified(warehouse_code, sku)) < qty
        ]
        if shortages:
            raise EnvelopeError(40903, f"insufficient inventory: {'; '.join(shortages)}")

    def _lock_stock(self, warehouse_code: str, sku: str, qty: int) -> list[_Allocation]:
        """Locks `qty` from the oldest qualified batches first, remembering which batches gave it."""
        allocations = []
        for batch in self.stock.qualified_oldest_first(warehouse_code, sku):
            taken = min(batch.available, qty)
            if taken:
                batch.available -= taken
                batch.locked += taken
                allocations.append(_Allocation(batch, taken))
                qty -= taken
            if not qty:
                break
        return allocations

    def _release(self, outbound: _Outbound) -> None:
        for line in outbound.items:
            for allocation in line.allocations:
                # min(): a test may have adjusted the locked stock away under the order.
                released = min(allocation.qty, allocation.batch.locked)
                allocation.batch.locked -= released
                allocation.batch.available += released

    def _ship(self, outbound: _Outbound, body: dict[str, Any]) -> None:
        label = outbound.label or {}
        for line in outbound.items:
            for allocation in line.allocations:
                allocation.batch.locked = max(0, allocation.batch.locked - allocation.qty)
            line.shipped_qty = line.qty
        outbound.status, outbound.shipped_at = "SHIPPED", self.now_iso()
        outbound.carrier = body.get("carrier") or label.get("carrier") or "UPS"
        outbound.tracking_no = (
            body.get("tracking_no") or label.get("tracking_no") or f"1Z{outbound.outbound_no[4:]:0>16}"
        )
        self._emit("OUTBOUND_SHIPPED", "outbound_no", outbound.outbound_no, outbound.reference_no)

    def _finish_cancel(self, outbound: _Outbound) -> None:
        self._release(outbound)
        outbound.status, outbound.cancel_result = "CANCELLED", "CANCELLED"
        self._emit("OUTBOUND_CANCELLED", "outbound_no", outbound.outbound_no, outbound.reference_no)

    def _shelve(self, inbound: _Inbound, completed_at: str, sku: str, inventory_type: str, qty: int) -> None:
        if qty > 0:
            batch = _Batch(
                inbound.warehouse_code,
                sku,
                inventory_type,
                inbound.inbound_no,
                inbound.reference_no,
                completed_at,
                qty,
                0,
            )
            self.stock.add(batch)

    def _emit(self, event: str, number_field: str, number: str, reference_no: str) -> None:
        self._notify(
            {
                "event": event,
                number_field: number,
                "reference_no": reference_no,
                "occurred_at": self.now_iso(),
            }
        )


def _order_summary(order: _Inbound | _Outbound) -> dict[str, Any]:
    if isinstance(order, _Inbound):
        return {"inbound_no": order.inbound_no, "status": order.status}
    return {"outbound_no": order.outbound_no, "status": order.status}


def _check_destination(
    order_type: str, channel_code: Any, recipient: dict[str, Any] | None, transfer: dict[str, Any] | None
) -> None:
    if order_type == "DROPSHIP":
        missing = [
            name for name, value in (("recipient", recipient), ("channel_code", channel_code)) if not value
        ]
    else:
        missing = [] if transfer else ["transfer"]
    if missing:
        raise _invalid(*missing, detail=f"required for {order_type}")


def _received_quantities(inbound: _Inbound, body: dict[str, Any]) -> dict[str, tuple[int, int]]:
    items = body.get("items")
    if not items:
        return {line.sku: (line.planned_qty, 0) for line in inbound.items}
    if not isinstance(items, list):
        raise _invalid("items")
    planned = {line.sku for line in inbound.items}
    received = {}
    for index, item in enumerate(items):
        sku = _text(item, "sku") if isinstance(item, dict) else ""
        if sku not in planned:
            raise _invalid(f"items[{index}].sku", detail="not on this inbound")
        received[sku] = (
            _count(item.get("qualified_qty", 0), f"items[{index}].qualified_qty"),
            _count(item.get("defective_qty", 0), f"items[{index}].defective_qty"),
        )
    return received


def _signed(body: dict[str, Any], name: str) -> int:
    value = body.get(name, 0)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(name, detail="must be an integer")
    return value


def _seed_rows(batches: Any) -> Iterator[tuple[str, str, str, str | None, str, int, int]]:
    if not isinstance(batches, list):
        raise _invalid("batches")
    rows = []  # validated in full first, so a bad row seeds nothing
    for index, batch in enumerate(batches):
        if not isinstance(batch, dict):
            raise _invalid(f"batches[{index}]")
        rows.append(
            (
                _text(batch, "sku"),
                _one_of(batch, "inventory_type", (QUALIFIED, DEFECTIVE)),
                _text(batch, "inbound_no"),
                batch.get("reference_no"),
                _text(batch, "inbound_at"),
                _count(batch.get("available_qty", 0), f"batches[{index}].available_qty"),
                _count(batch.get("locked_qty", 0), f"batches[{index}].locked_qty"),
            )
        )
    return iter(rows)


_API_ROUTES: dict[str, Callable[[_HpkState, dict[str, Any]], Any]] = {
    "/api/v5/products/upsert": _HpkState.upsert_product,
    "/api/v5/inbound/create": _HpkState.create_inbound,
    "/api/v5/inbound/get": _HpkState.get_inbound,
    "/api/v5/inbound/cancel": _HpkState.cancel_inbound,
    "/api/v5/outbound/create": _HpkState.create_outbound,
    "/api/v5/outbound/get": _HpkState.get_outbound,
    "/api/v5/outbound/cancel": _HpkState.cancel_outbound,
    "/api/v5/inventory/page": _HpkState.inventory_page,
}
_STOCK_CONTROL_ROUTES: dict[str, Callable[[_HpkState, dict[str, Any]], Any]] = {
    "/_sim/inventory/adjust": _HpkState.adjust_inventory,
    "/_sim/inventory/seed": _HpkState.seed_inventory,
}
_ORDER_CONTROL_ROUTES: list[tuple[re.Pattern[str], Callable[[_HpkState, str, dict[str, Any]], Any]]] = [
    (re.compile(r"^/_sim/inbound/([^/]+)/complete$"), _HpkState.complete_inbound),
    (re.compile(r"^/_sim/inbound/([^/]+)/advance$"), _HpkState.advance_inbound),
    (re.compile(r"^/_sim/outbound/([^/]+)/advance$"), _HpkState.advance_outbound),
    (re.compile(r"^/_sim/outbound/([^/]+)/resolve-cancel$"), _HpkState.resolve_cancel),
]


# --- HTTP server ---------------------------------------------------------------------------------


@dataclass
class _Fault:
    kind: str
    remaining: int
    path_prefix: str
    delay_seconds: float


def _envelope(
    code: int, message: str, data: Any = None, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpReply:
    body = {"code": code, "message": message, "request_id": secrets.token_hex(8), "data": data}
    return json_reply(body, status, headers)


def _internal_error() -> HttpReply:
    return _envelope(50000, "internal error", status=500)


class HpkSimulator(BackgroundHttpServer):
    """The HPK v5 simulator; `start()` serves it on a background thread (port 0 picks a free port)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        account: str = DEFAULT_ACCOUNT,
        password: str = DEFAULT_PASSWORD,
        token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS,
        callback_url: str | None = None,
        callback_secret: str | None = None,
        clock: Clock | None = None,
        callback_attempts: int = DEFAULT_CALLBACK_ATTEMPTS,
        callback_backoff_seconds: float = DEFAULT_CALLBACK_BACKOFF_SECONDS,
    ) -> None:
        if callback_url and urlsplit(callback_url).scheme not in ("http", "https"):
            raise ValueError(f"callback_url must be http(s): {callback_url!r}")
        super().__init__(host, port, self.handle, "HPK simulator", internal_error=_internal_error)
        self._account = account
        self._password = password
        self._token_ttl = timedelta(seconds=token_ttl_seconds)
        self._callback_url = callback_url
        self._callback_secret = callback_secret
        self._callback_attempts = max(1, callback_attempts)
        self._callback_backoff = callback_backoff_seconds
        self._callback_outcomes: deque[int | None] = deque(maxlen=_CALL_LOG_LIMIT)
        self._callbacks_delivered = 0
        self._callbacks_abandoned = 0
        self._clock = clock or SystemClock()
        self._clock_offset = timedelta()
        self._lock = threading.RLock()
        self._tokens: dict[str, datetime] = {}
        self._faults: list[_Fault] = []
        self._calls: deque[str] = deque(maxlen=_CALL_LOG_LIMIT)
        self._state = _HpkState(self._now, self._send_callback)
        self._simulator_routes: dict[str, Callable[[dict[str, Any]], Any]] = {
            "/_sim/faults": self._add_fault,
            "/_sim/clock/advance": self._advance_clock,
            "/_sim/reset": self._reset,
        }

    @property
    def control(self) -> "HpkSimulatorControl":
        return HpkSimulatorControl(self.base_url)

    # --- requests ---

    def handle(self, request: IncomingRequest) -> HttpReply:
        """Answers one HTTP request; `/_sim/` paths are control, everything else the HPK contract."""
        try:
            if request.path.startswith("/_sim/"):
                return self._handle_control(request)
            return self._handle_api(request)
        except EnvelopeError as rejection:
            return _envelope(rejection.code, rejection.message, rejection.data)

    def _handle_api(self, request: IncomingRequest) -> HttpReply:
        path = request.path
        with self._lock:
            self._calls.append(path)
            fault = self._take_fault(path)
        if fault is not None:
            reply = self._fault_reply(fault)
            if reply is not None:
                return reply
        if path != LOGIN_PATH and path not in _API_ROUTES:
            return _envelope(40401, f"no such path {path}", status=404)
        if request.method != "POST":
            return _envelope(40401, "method not allowed, use POST", status=405)
        body = _json_object(request)
        if path == LOGIN_PATH:
            return self._login(body)
        with self._lock:
            self._authenticate(request.header("Authorization"))
            return _envelope(0, "ok", _API_ROUTES[path](self._state, body))

    def _handle_control(self, request: IncomingRequest) -> HttpReply:
        method, path = request.method, request.path
        if method == "GET" and path == "/_sim/state":
            with self._lock:
                state = self._state.dump() | {"calls": list(self._calls)}
                return _envelope(0, "ok", state | {"callbacks": self._callback_counts_locked()})
        if method != "POST":
            return _envelope(40401, f"no such control endpoint {method} {path}", status=404)
        body = _json_object(request)
        with self._lock:
            if path in self._simulator_routes:
                return _envelope(0, "ok", self._simulator_routes[path](body))
            if path in _STOCK_CONTROL_ROUTES:
                return _envelope(0, "ok", _STOCK_CONTROL_ROUTES[path](self._state, body))
            for pattern, order_route in _ORDER_CONTROL_ROUTES:
                if match := pattern.match(path):
                    return _envelope(0, "ok", order_route(self._state, match.group(1), body))
        return _envelope(40401, f"no such control endpoint {method} {path}", status=404)

    def _login(self, body: dict[str, Any]) -> HttpReply:
        if body.get("version") != "5":
            raise _invalid("version", detail="must be '5'")
        account_ok = hmac.compare_digest(str(body.get("account", "")).encode(), self._account.encode())
        password_ok = hmac.compare_digest(str(body.get("password", "")).encode(), self._password.encode())
        if not (account_ok and password_ok):
            raise EnvelopeError(40101, "invalid account or password")
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = self._now()
            self._tokens = {t: expiry for t, expiry in self._tokens.items() if expiry > now}
            self._tokens[token] = now + self._token_ttl
        return _envelope(0, "ok", {"access_token": token, "expires_in": int(self._token_ttl.total_seconds())})

    def _authenticate(self, authorization: str | None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        expiry = self._tokens.get(token) if scheme == "Bearer" else None
        if expiry is None or expiry <= self._now():
            raise EnvelopeError(40101, "token missing, invalid or expired")

    # --- faults, clock, callbacks ---

    def _add_fault(self, body: dict[str, Any]) -> dict[str, Any]:
        fault = _Fault(
            kind=_one_of(body, "kind", FAULT_KINDS),
            remaining=_count(body.get("count", 1), "count", minimum=1),
            path_prefix=str(body.get("path_prefix") or "/api/v5/"),
            delay_seconds=float(body.get("delay_seconds", 30)),
        )
        self._faults.append(fault)
        return {"kind": fault.kind, "count": fault.remaining, "path_prefix": fault.path_prefix}

    def _take_fault(self, path: str) -> _Fault | None:
        for fault in self._faults:
            if path.startswith(fault.path_prefix):
                fault.remaining -= 1
                if not fault.remaining:
                    self._faults.remove(fault)
                return fault
        return None

    def _fault_reply(self, fault: _Fault) -> HttpReply | None:
        """The faulty answer, or None when the call proceeds (late) after a simulated timeout."""
        match fault.kind:
            case "http500":
                return _envelope(50000, "simulated internal error", status=500)
            case "malformed":
                return HttpReply(
                    200, b"<html><body>502 upstream hiccup</body></html>", {"Content-Type": "text/html"}
                )
            case "token_expired":
                return _envelope(40101, "token missing, invalid or expired")
            case "rate_limited":
                return _envelope(42901, "rate limited", status=429, headers={"Retry-After": "1"})
        # A timeout: answer too late, yet still do the work, as a slow real server would.
        self.sleep_unless_stopped(fault.delay_seconds)
        return None

    def _advance_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise _invalid("seconds")
        self._clock_offset += timedelta(seconds=seconds)
        return {"now": to_iso(self._now())}

    def _reset(self, _body: dict[str, Any]) -> dict[str, Any]:
        self._state = _HpkState(self._now, self._send_callback)
        self._faults.clear()
        self._calls.clear()
        self._clock_offset = timedelta()
        return {"reset": True}

    def _now(self) -> datetime:
        return self._clock.now() + self._clock_offset

    def _send_callback(self, event: dict[str, Any]) -> None:
        """Pushes the event from a background thread; HPK's delivery never blocks or fails a request."""
        if not self._callback_url:
            return
        raw_body = json.dumps(event).encode()
        threading.Thread(
            target=self._deliver_callback, args=(self._callback_url, raw_body), daemon=True
        ).start()

    def _deliver_callback(self, url: str, raw_body: bytes) -> None:
        """Delivers with retries and exponential backoff (with jitter) until a 2xx or a refusal that
        repeating cannot change (4xx other than 408/429); each attempt is signed afresh, as a real
        sender's retry would be, so it carries a new timestamp and nonce."""
        for attempt in range(1, self._callback_attempts + 1):
            status = self._attempt_callback(url, raw_body)
            with self._lock:
                self._callback_outcomes.append(status)
            if status is not None and (200 <= status < 300 or _final_refusal(status)):
                with self._lock:
                    self._callbacks_delivered += 200 <= status < 300
                return
            if attempt < self._callback_attempts:
                delay = self._callback_backoff * 2 ** (attempt - 1)
                self.sleep_unless_stopped(delay + random.uniform(0, delay / 2))  # noqa: S311 - jitter
        with self._lock:
            self._callbacks_abandoned += 1
        logger.warning(
            "HPK simulator callback abandoned", extra={"url": url, "attempts": self._callback_attempts}
        )

    def _attempt_callback(self, url: str, raw_body: bytes) -> int | None:
        """The HTTP status of one delivery attempt; None when no answer came (connection reset, timeout)."""
        headers = {"Content-Type": "application/json"}
        if self._callback_secret:
            # Signed on the wall clock: `/_sim/clock/advance` moves HPK's business time, not the
            # timestamp the receiver checks against its own clock.
            headers |= signed_callback_headers(self._callback_secret, raw_body, self._clock.now())
        request = urllib.request.Request(url, data=raw_body, headers=headers, method="POST")  # noqa: S310 - scheme checked in __init__
        try:
            with urllib.request.urlopen(request, timeout=_CALLBACK_TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked in __init__
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except OSError as error:
            logger.info("HPK simulator callback attempt failed", extra={"url": url, "error": str(error)})
            return None

    def callback_counts(self) -> dict[str, int]:
        """Callbacks delivered (2xx) and abandoned after every attempt, and how many attempts failed."""
        with self._lock:
            return self._callback_counts_locked()

    def _callback_counts_locked(self) -> dict[str, int]:
        failed = sum(1 for status in self._callback_outcomes if status is None or status >= 300)
        return {
            "delivered": self._callbacks_delivered,
            "abandoned": self._callbacks_abandoned,
            "failed_attempts": failed,
        }


def _final_refusal(status: int) -> bool:
    return 400 <= status < 500 and status not in (408, 429)


class HpkSimulatorControl(JsonHttpClient):
    """Drives a running simulator (in-process or `python -m`) over HTTP through its `/_sim/` endpoints."""

    def complete_inbound(self, inbound_no: str, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """`items`: [{"sku", "qualified_qty", "defective_qty"}]; None: all planned arrives qualified."""
        return self._post(f"/_sim/inbound/{inbound_no}/complete", {"items": items} if items else {})

    def advance_inbound(self, inbound_no: str, status: str) -> dict[str, Any]:
        return self._post(f"/_sim/inbound/{inbound_no}/advance", {"status": status})

    def advance_outbound(self, outbound_no: str, status: str, **details: str) -> dict[str, Any]:
        """`details`: reason (EXCEPTION), carrier and tracking_no (SHIPPED)."""
        return self._post(f"/_sim/outbound/{outbound_no}/advance", {"status": status, **details})

    def resolve_cancel(self, outbound_no: str, result: str) -> dict[str, Any]:
        return self._post(f"/_sim/outbound/{outbound_no}/resolve-cancel", {"result": result})

    def adjust_inventory(self, **adjustment: Any) -> dict[str, Any]:
        return self._post("/_sim/inventory/adjust", adjustment)

    def seed_inventory(self, warehouse_code: str, batches: list[dict[str, Any]]) -> dict[str, Any]:
        return self._post("/_sim/inventory/seed", {"warehouse_code": warehouse_code, "batches": batches})

    def generate_inventory(
        self, warehouse_code: str, count: int, sku_count: int, seed: int = 1
    ) -> dict[str, Any]:
        generate = {"count": count, "sku_count": sku_count, "seed": seed}
        return self._post("/_sim/inventory/seed", {"warehouse_code": warehouse_code, "generate": generate})

    def inject_fault(
        self, kind: str, count: int = 1, path_prefix: str = "/api/v5/", delay_seconds: float = 30
    ) -> dict[str, Any]:
        fault = {"kind": kind, "count": count, "path_prefix": path_prefix, "delay_seconds": delay_seconds}
        return self._post("/_sim/faults", fault)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return self._post("/_sim/clock/advance", {"seconds": seconds})

    def reset(self) -> dict[str, Any]:
        return self._post("/_sim/reset", {})

    def state(self) -> dict[str, Any]:
        return self._send("GET", "/_sim/state")

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._send("POST", path, body)

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """The envelope's data; a non-zero code raises `EnvelopeError` (also on HTTP error statuses)."""
        envelope = self._exchange(method, path, body)
        if envelope["code"] != 0:
            raise EnvelopeError(envelope["code"], envelope["message"], envelope.get("data"))
        return envelope["data"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m proxyhub_dev.simulators.hpk", description="HPK v5 simulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3100)
    parser.add_argument("--account", default=DEFAULT_ACCOUNT)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--callback-url")
    parser.add_argument("--callback-secret")
    parser.add_argument("--token-ttl", type=int, default=DEFAULT_TOKEN_TTL_SECONDS, help="seconds")
    args = parser.parse_args(argv)
    simulator = HpkSimulator(
        args.host,
        args.port,
        account=args.account,
        password=args.password,
        token_ttl_seconds=args.token_ttl,
        callback_url=args.callback_url,
        callback_secret=args.callback_secret,
    )
    serve_until_terminated(simulator, "HPK simulator")


if __name__ == "__main__":
    main()
