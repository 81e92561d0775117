"""Race bench: N tasks x M concurrent triggers (Sync Now, HPK callbacks, schedule fires) at once.

    .venv/bin/python bench/race.py [--tasks 100] [--triggers 1000] [--workers 32]

N inbound orders are created; then two bursts hit every create task with M triggers each, all mixed
and released together from a thread pool: the push burst (HPK has nothing yet) and, after HPK
completes every inbound, the putaway burst. The real engine, executors and repositories run on moto
in this process, HPK is the simulator over 127.0.0.1. Counted:

- pushes: `inbound/create` calls per order (HPK dedupes on our number, so a duplicate would be a
  second call) and inbounds HPK holds per order; 0 duplicates is the goal;
- double stock: units on the dedicated locations per order against what HPK received;
- runs: how many triggers of a burst got a run (the rest were refused: already running, already
  finished), and the most runs of one task at the same moment, which the lease keeps at 1.

CI runs 20 x 200 (tests/integration/test_race_and_soak.py); the bench default is 100 x 1,000.
"""

import argparse
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto_hub import CUSTOMER, WAREHOUSE, MotoHub, moto_hub, put_skus

from proxyhub.models.orders import InboundOrderCreate, OrderLineInput
from proxyhub.models.tasks import Task, Trigger
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Outcome

TRIGGERS = (Trigger.SYNC_NOW, Trigger.CALLBACK, Trigger.SCHEDULE)
QTY = 7


@dataclass
class RaceReport:
    tasks: int
    triggers: int
    seconds: float = 0.0
    runs_per_burst: dict[str, Counter[int]] = field(default_factory=dict)
    refusals: Counter[str] = field(default_factory=Counter)
    max_concurrent_runs: int = 0
    duplicate_pushes: int = 0
    hpk_inbounds_per_order: Counter[int] = field(default_factory=Counter)
    double_stock: int = 0
    missing_stock: int = 0
    unfinished_tasks: int = 0

    @property
    def clean(self) -> bool:
        return (
            self.duplicate_pushes == 0
            and self.double_stock == 0
            and self.missing_stock == 0
            and self.max_concurrent_runs == 1
            and set(self.hpk_inbounds_per_order) == {1}
            and all(min(runs) >= 1 for runs in self.runs_per_burst.values())
        )

    def lines(self) -> list[str]:
        per_burst = {burst: dict(sorted(runs.items())) for burst, runs in self.runs_per_burst.items()}
        return [
            f"race: {self.tasks} tasks x {self.triggers} concurrent triggers, {self.seconds:.1f} s",
            f"  runs per task per burst (runs: tasks): {per_burst}",
            f"  refused triggers: {dict(self.refusals.most_common())}",
            f"  most runs of one task at once: {self.max_concurrent_runs}",
            f"  duplicate HPK pushes: {self.duplicate_pushes}; HPK inbounds per order: {dict(self.hpk_inbounds_per_order)}",
            f"  orders with double stock: {self.double_stock}; without their stock: {self.missing_stock}",
            f"  tasks not finished after the putaway burst: {self.unfinished_tasks}",
            f"  verdict: {'clean' if self.clean else 'NOT CLEAN'}",
        ]


class ConcurrencyProbe:
    """Wraps the registered executors: the most runs of one task inside an executor at the same time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self.max_concurrent = 0

    def wrap(self, execute: Callable[[Task, ExecutionContext], Outcome]) -> Callable[..., Outcome]:
        def probed(task: Task, context: ExecutionContext) -> Outcome:
            with self._lock:
                self._running[task.task_id] += 1
                self.max_concurrent = max(self.max_concurrent, self._running[task.task_id])
            try:
                time.sleep(0.005)  # widen the window a second run would need to overlap this one
                return execute(task, context)
            finally:
                with self._lock:
                    self._running[task.task_id] -= 1

        return probed


def run_race(tasks: int, triggers: int, workers: int = 32, seed: int = 14) -> RaceReport:
    report = RaceReport(tasks, triggers)
    started = time.perf_counter()
    with moto_hub() as hub:
        engine = hub.components.task_engine
        probe = ConcurrencyProbe()
        for executor in {id(e): e for e in hub.components.executor_registry._executors.values()}.values():
            executor.execute = probe.wrap(executor.execute)
        task_ids = create_orders(hub, tasks)
        rng = random.Random(seed)
        report.runs_per_burst["push"] = burst(hub, task_ids, triggers, workers, rng, report)
        for inbound in hub.hpk.control.state()["inbounds"]:
            hub.hpk.control.complete_inbound(inbound["inbound_no"])
        report.runs_per_burst["putaway"] = burst(hub, task_ids, triggers, workers, rng, report)
        report.max_concurrent_runs = probe.max_concurrent
        count_effects(hub, tasks, report)
        report.unfinished_tasks = sum(
            1 for task_id in task_ids if not engine.get_task(task_id).status.terminal
        )
    report.seconds = time.perf_counter() - started
    return report


def create_orders(hub: MotoHub, tasks: int) -> list[str]:
    gskus = [f"RACE-SKU-{index:03d}" for index in range(min(tasks, 50))]
    put_skus(hub.components, gskus)
    task_ids = []
    for index in range(tasks):
        request = InboundOrderCreate(
            order_no=f"RACE-IN-{index:05d}",
            inbound_type="purchase",
            warehouse_code=WAREHOUSE,
            customer_code=CUSTOMER,
            items=[OrderLineInput(gsku=gskus[index % len(gskus)], qty=QTY)],
        )
        order, _ = hub.components.order_service.create_inbound(request)
        assert order.create_task_id is not None
        task_ids.append(order.create_task_id)
    return task_ids


def burst(
    hub: MotoHub, task_ids: list[str], triggers: int, workers: int, rng: random.Random, report: RaceReport
) -> Counter[int]:
    """Every task gets `triggers` runs asked at once; returns how many tasks got how many runs."""
    engine = hub.components.task_engine
    calls = [(task_id, TRIGGERS[index % len(TRIGGERS)]) for task_id in task_ids for index in range(triggers)]
    rng.shuffle(calls)
    gate = threading.Barrier(workers)
    ran: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(share: list[tuple[str, Trigger]]) -> None:
        gate.wait()
        for task_id, trigger in share:
            result = engine.run_task(task_id, trigger)
            with lock:
                if result.skipped is None:
                    ran[task_id] += 1
                else:
                    report.refusals[_reason(result.skipped)] += 1

    shares = [calls[index::workers] for index in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(worker, shares))
    return Counter(ran[task_id] for task_id in task_ids)


def _reason(skipped: str) -> str:
    return "already finished" if skipped.startswith("Task is already success") else skipped


def count_effects(hub: MotoHub, tasks: int, report: RaceReport) -> None:
    # Counted by HPK (the simulator): every inbound/create call per reference, repeats included.
    state = hub.hpk.control.state()
    creates = state["create_calls"]
    report.duplicate_pushes = sum(calls - 1 for calls in creates.values() if calls > 1) + max(
        0, tasks - len(creates)
    )
    per_reference = Counter(inbound["reference_no"] for inbound in state["inbounds"])
    report.hpk_inbounds_per_order = Counter(per_reference.values())
    ledger = hub.ledger_by_order()
    for index in range(tasks):
        units = ledger.get(f"RACE-IN-{index:05d}", 0)
        report.double_stock += units > QTY
        report.missing_stock += units < QTY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--triggers", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=32)
    args: Any = parser.parse_args(argv)
    report = run_race(args.tasks, args.triggers, args.workers)
    print("\n".join(report.lines()))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
