"""Soak bench: randomized order flows against HPK faults, then an inventory sync; the ledger must equal
HPK's truth and every task must end finished or in manual handling with a reason.

    .venv/bin/python bench/soak.py [--flows 500] [--fault-rate 0.3] [--seed 14]

Each flow is an inbound (HPK receives it, some of it defective), a transfer-staging outbound of stock
already received (HPK ships it), or an inbound cancelled before HPK receives it. Every run of a task
may meet a fault HPK injects for its next call: HTTP 500, a timeout, a malformed body, an expired
token or a 429, or a crash between HPK's success and our write (the order store fails once right after
the HPK call returned). Tasks are driven by Sync Now until they finish or need manual handling; at
the end one inventory sync reconciles, and the script compares the dedicated-location ledger with
HPK's inventory (total = available + locked) per SKU and inventory type.

CI runs 50 flows (tests/integration/test_race_and_soak.py); the bench default is 500.
"""

import argparse
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A timed-out HPK call must fail fast here: the simulator answers 0.5 s late, our client waits 0.3 s.
os.environ.setdefault("HPK_READ_TIMEOUT_SECONDS", "0.3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto_hub import CUSTOMER, PROXY_WAREHOUSE, SYSTEM, WAREHOUSE, MotoHub, moto_hub, put_skus

from proxyhub.models.orders import (
    InboundOrderCreate,
    OrderKind,
    OrderLineInput,
    OutboundOrderCreate,
    Transfer,
)
from proxyhub.models.tasks import TaskStatus, Trigger
from proxyhub.request_log import RequestLogRecord

FAULTS = ("http500", "timeout", "malformed", "token_expired", "rate_limited", "crash_after_hpk")
MAX_RUNS_PER_TASK = 40
SKUS = [f"SOAK-SKU-{index:02d}" for index in range(8)]


@dataclass
class SoakReport:
    flows: int
    seconds: float = 0.0
    flows_by_kind: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    tasks_by_status: Counter[str] = field(default_factory=Counter)
    manual_without_reason: int = 0
    unfinished: list[str] = field(default_factory=list)
    ledger_units: int = 0
    hpk_units: int = 0
    mismatched_batches: list[str] = field(default_factory=list)
    sync_summary: str = ""

    @property
    def clean(self) -> bool:
        return not self.mismatched_batches and not self.unfinished and self.manual_without_reason == 0

    def lines(self) -> list[str]:
        return [
            f"soak: {self.flows} flows, {self.seconds:.1f} s",
            f"  flows: {dict(self.flows_by_kind)}",
            f"  faults injected: {dict(self.faults)} ({sum(self.faults.values())} in all)",
            f"  tasks by final status: {dict(self.tasks_by_status)}",
            f"  manual without a reason: {self.manual_without_reason}; unfinished: {len(self.unfinished)}",
            f"  inventory sync: {self.sync_summary}",
            f"  ledger {self.ledger_units} units vs HPK {self.hpk_units} (available + locked); "
            f"mismatched SKU/type pairs: {self.mismatched_batches or 0}",
            f"  verdict: {'clean' if self.clean else 'NOT CLEAN'}",
        ]


class CrashAfterHpk:
    """Makes the order store fail once, on its next save: HPK already did what the run asked."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.armed = False

    def save(self, *args: Any, **kwargs: Any) -> Any:
        if self.armed:
            self.armed = False
            raise RuntimeError("simulated crash between HPK's success and our write")
        return self._store.save(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def run_soak(flows: int, fault_rate: float = 0.3, seed: int = 14) -> SoakReport:
    report = SoakReport(flows)
    started = time.perf_counter()
    rng = random.Random(seed)
    with moto_hub() as hub:
        # Before the order service and flows are built, so that both write through it.
        crash = CrashAfterHpk(hub.components.order_store)
        hub.components.order_store = crash
        put_skus(hub.components, SKUS)
        soak = _Soak(hub, rng, fault_rate, crash, report)
        for index in range(flows):
            soak.flow(index)
        soak.reconcile()
        soak.check_tasks()
        soak.compare_with_hpk()
    report.seconds = time.perf_counter() - started
    return report


class _Soak:
    def __init__(
        self, hub: MotoHub, rng: random.Random, fault_rate: float, crash: CrashAfterHpk, report: SoakReport
    ):
        self.hub, self.rng, self.fault_rate, self.crash, self.report = hub, rng, fault_rate, crash, report
        self.components = hub.components
        self.received: list[str] = []  # SKUs HPK has received stock of
        self.task_ids: list[str] = []

    def flow(self, index: int) -> None:
        kind = self.rng.choice(["inbound", "inbound", "outbound", "cancel"]) if self.received else "inbound"
        self.report.flows_by_kind[kind] += 1
        if kind == "outbound":
            self._outbound(index)
        else:
            self._inbound(index, cancel=kind == "cancel")

    def _inbound(self, index: int, *, cancel: bool) -> None:
        sku = self.rng.choice(SKUS)
        order_no = f"SOAK-IN-{index:05d}"
        request = InboundOrderCreate(
            order_no=order_no,
            inbound_type="purchase",
            warehouse_code=WAREHOUSE,
            customer_code=CUSTOMER,
            items=[OrderLineInput(gsku=sku, qty=self.rng.randint(5, 20))],
        )
        order, _ = self.components.order_service.create_inbound(request)
        task_id = order.create_task_id
        assert task_id is not None
        self.task_ids.append(task_id)
        self.drive(task_id, until_pushed=(OrderKind.INBOUND, order_no))
        proxy_no = self.components.order_service.get(OrderKind.INBOUND, order_no).proxy_order_no
        if proxy_no is None:
            return  # the push itself ended in manual handling; reported with the tasks
        if cancel:
            self._cancel(order_no)
            return
        qty = request.items[0].qty
        defective = self.rng.randint(0, 2)
        items = [{"sku": sku, "qualified_qty": qty - defective, "defective_qty": defective}]
        self.hub.hpk.control.complete_inbound(proxy_no, items)
        self.drive(task_id)
        self.received.append(sku)

    def _cancel(self, order_no: str) -> None:
        try:
            cancelled = self.components.order_service.cancel(OrderKind.INBOUND, order_no, "soak cancel")
        except Exception as error:  # a 503 to GWMS while HPK fails: GWMS asks again
            self.report.faults[f"cancel refused: {type(error).__name__}"] += 1
            cancelled = self.components.order_service.cancel(OrderKind.INBOUND, order_no, "soak cancel")
        self.task_ids += [task.task_id for task in cancelled.tasks]

    def _outbound(self, index: int) -> None:
        sku = self.rng.choice(self.received)
        order_no = f"SOAK-OUT-{index:05d}"
        request = OutboundOrderCreate(
            order_no=order_no,
            outbound_type="transfer_staging",
            warehouse_code=WAREHOUSE,
            customer_code=CUSTOMER,
            transfer=Transfer(destination_code="FBA-1"),
            items=[OrderLineInput(gsku=sku, qty=1)],
        )
        order, _ = self.components.order_service.create_outbound(request)
        assert order.create_task_id is not None
        self.task_ids.append(order.create_task_id)
        self.drive(order.create_task_id, until_pushed=(OrderKind.OUTBOUND, order_no))
        proxy_no = self.components.order_service.get(OrderKind.OUTBOUND, order_no).proxy_order_no
        if proxy_no is None:
            return  # HPK refused it (stock short) or it needs manual handling
        self.hub.hpk.control.advance_outbound(proxy_no, "SHIPPED")
        self.drive(order.create_task_id)

    def drive(self, task_id: str, until_pushed: tuple[OrderKind, str] | None = None) -> None:
        """Sync Now until the task finishes or needs manual handling (or, with `until_pushed`, until
        HPK has the order); each run may meet one fault."""
        engine = self.components.task_engine
        for _ in range(MAX_RUNS_PER_TASK):
            task = engine.get_task(task_id)
            if task.status.terminal or task.status is TaskStatus.MANUAL:
                return
            if until_pushed and self.components.order_service.get(*until_pushed).proxy_order_no:
                return
            self.maybe_fault()
            if (
                task.next_execution_at
                and task.status is TaskStatus.WAITING
                and "Waiting:" in (task.execution_summary or "")
            ):
                time.sleep(0.2)  # deferred (429 or circuit): the guard refuses until Retry-After
            engine.run_task(task_id, Trigger.SYNC_NOW)
            self.crash.armed = False  # a run that saved nothing does not carry the crash to the next
        # Still running after this many: counted as unfinished by check_tasks.

    def maybe_fault(self) -> None:
        if self.rng.random() >= self.fault_rate:
            return
        kind = self.rng.choice(FAULTS)
        self.report.faults[kind] += 1
        if kind == "crash_after_hpk":
            self.crash.armed = True
        else:
            self.hub.hpk.control.inject_fault(kind, count=1, delay_seconds=0.5)

    def reconcile(self) -> None:
        # HPK's pending faults are spent first, so the sync reads a healthy HPK.
        task = self.components.inventory_sync_service.start(SYSTEM, PROXY_WAREHOUSE)
        self.task_ids.append(task.task_id)
        engine = self.components.task_engine
        for _ in range(MAX_RUNS_PER_TASK):
            engine.run_task(task.task_id, Trigger.SYNC_NOW)
            current = engine.get_task(task.task_id)
            if current.status.terminal or current.status is TaskStatus.MANUAL:
                break
            time.sleep(0.2)
        self.report.sync_summary = engine.get_task(task.task_id).execution_summary or ""

    def check_tasks(self) -> None:
        engine = self.components.task_engine
        for task_id in self.task_ids:
            task = engine.get_task(task_id)
            self.report.tasks_by_status[task.status.value] += 1
            if task.status is TaskStatus.MANUAL and not task.execution_summary:
                self.report.manual_without_reason += 1
            if not (task.status.terminal or task.status is TaskStatus.MANUAL):
                self.report.unfinished.append(f"{task.task_type.value} {task.order_no}: {task.status.value}")

    def compare_with_hpk(self) -> None:
        ledger: Counter[tuple[str, str]] = Counter()
        for batch in self.components.inventory_sync_service.stock(WAREHOUSE):
            ledger[(batch.key.gsku, batch.key.inventory_type)] += batch.quantity
        hpk: Counter[tuple[str, str]] = Counter()
        client = self.components.proxy_clients.client_for(SYSTEM, _NoLog())
        for page in client.iter_inventory(PROXY_WAREHOUSE):
            for batch in page:
                hpk[(batch.sku, batch.inventory_type)] += batch.total
        self.report.ledger_units, self.report.hpk_units = sum(ledger.values()), sum(hpk.values())
        self.report.mismatched_batches = [
            f"{sku}/{kind}: ledger {ledger[(sku, kind)]}, HPK {hpk[(sku, kind)]}"
            for sku, kind in sorted(set(ledger) | set(hpk))
            if ledger[(sku, kind)] != hpk[(sku, kind)]
        ]


class _NoLog:
    def record(self, entry: RequestLogRecord) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--flows", type=int, default=500)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=14)
    args: Any = parser.parse_args(argv)
    report = run_soak(args.flows, args.fault_rate, args.seed)
    print("\n".join(report.lines()))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
