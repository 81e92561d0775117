"""The local stack under load: does it hold its speed and its memory as the tables fill?

    .venv/bin/python bench/api_load.py [--orders 1000] [--requests 10000] [--clients 4]

Starts `python -m proxyhub_dev.local` in its own process on free ports (the HPK simulator with it) and
drives it over 127.0.0.1 with `--clients` threads, each request signed as GWMS signs (SigV4):

1. `--orders` inbound orders. Each is a 201 from the API and then a create task that the stack runs
   at once (the push to the HPK simulator). Throughput is measured per window of 100 orders, so the
   first window (0-100 tasks in the table) can be set beside the last (900-1,000).
2. Reads and writes mixed (an order, its task, the task list, the overview; one new order in ten)
   until `--requests` requests in all.

Then it prints orders/s per window, request latency, the stack's RSS (now and peak, from /proc) and
the internal errors moto reported (`proxyhub_dev.local.moto_trims` counts and logs them; botocore
would otherwise retry them out of sight). `MOTO_TRIMS=off` runs moto untrimmed, for comparison;
`KEEP_STACK_LOGS=1` keeps the handlers' logs.
"""

import argparse
import itertools
import os
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from proxyhub_dev.local.auth import GwmsCredentials, GwmsSigner
from proxyhub_dev.local.stack import DEFAULT_REGION
from proxyhub_dev.local.stack_process import local_stack_process, seed_hpk_routing

ROOT = Path(__file__).resolve().parents[1]
SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, CUSTOMER = "HPK-LOAD", "HPK-WH-LOAD", "GW-LOAD", "C-LOAD"
SKUS = ("LOAD-MUG", "LOAD-BOWL", "LOAD-PLATE")
WINDOW = 100
GOALS = {"ratio": 0.8, "orders_per_second": 10.0, "rss_mib": 1024.0}
MOTO_ERROR = re.compile(r"moto internal error")


@dataclass
class Load:
    api: httpx.Client
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def call(self, name: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        started = time.perf_counter()
        response = self.api.request(method, path, json=body)
        elapsed = time.perf_counter() - started
        with self._guard:
            self.requests += 1
            self.latencies.setdefault(name, []).append(elapsed)
            if response.status_code != expect:
                self.failures.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response.json() if response.content else None


@dataclass(frozen=True)
class Names:
    system: str = SYSTEM
    proxy_warehouse: str = PROXY_WAREHOUSE
    warehouse: str = WAREHOUSE
    customer: str = CUSTOMER
    skus: tuple[str, ...] = SKUS


def inbound(order_no: str) -> dict[str, Any]:
    return {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": WAREHOUSE,
        "customer_code": CUSTOMER,
        "items": [{"gsku": gsku, "qty": 5} for gsku in SKUS],
    }


def in_parallel(clients: int, work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(client,)) for client in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def create_orders(load: Load, count: int, clients: int, numbers: Iterator[int]) -> list[float]:
    """Creates `count` orders; returns the time each one was answered (monotonic), in order."""
    guard = threading.Lock()
    answered: list[float] = []

    def work(_client: int) -> None:
        while True:
            with guard:
                if len(answered) + pending[0] >= count:
                    return
                pending[0] += 1
                number = next(numbers)
            load.call("create order", "POST", "/v1/inbound-orders", inbound(f"LOAD-{number:06d}"), expect=201)
            with guard:
                pending[0] -= 1
                answered.append(time.monotonic())

    pending = [0]
    in_parallel(clients, work)
    return sorted(answered)


def windows(started: float, answered: list[float]) -> list[float]:
    """Orders per second of each window of 100 orders."""
    rates = []
    previous = started
    for end in range(WINDOW, len(answered) + 1, WINDOW):
        finished = answered[end - 1]
        rates.append(WINDOW / (finished - previous))
        previous = finished
    return rates


def mixed_traffic(load: Load, total: int, clients: int, numbers: Iterator[int]) -> None:
    guard = threading.Lock()
    known: list[str] = [f"LOAD-{n:06d}" for n in range(1, 101)]

    def work(client: int) -> None:
        for step in itertools.count(client):
            with guard:
                if load.requests >= total:
                    return
                order_no = known[step % len(known)]
            match step % 10:
                case 0:
                    with guard:
                        number = next(numbers)
                    load.call(
                        "create order", "POST", "/v1/inbound-orders", inbound(f"LOAD-{number:06d}"), 201
                    )
                case 1 | 2 | 3:
                    load.call("get order", "GET", f"/v1/inbound-orders/{order_no}")
                case 4 | 5 | 6:
                    load.call("task list", "GET", "/v1/tasks?limit=20")
                case 7 | 8:
                    load.call("overview", "GET", "/v1/tasks/overview")
                case _:
                    load.call("order's tasks", "GET", f"/v1/tasks?order_no={order_no}")

    in_parallel(clients, work)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    signer = GwmsSigner(GwmsCredentials.from_environment(DEFAULT_REGION))
    numbers = itertools.count(1)
    keep_logs = bool(os.environ.get("KEEP_STACK_LOGS"))
    with (
        tempfile.TemporaryDirectory() as scratch,
        local_stack_process(Path(scratch), keep_handler_logs=keep_logs) as stack,
    ):
        rss_start, _ = stack.rss_mib()
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        with httpx.Client(base_url=stack.api_url, auth=signer, timeout=60, limits=limits) as api:
            load = Load(api)
            seed_hpk_routing(api, stack.hpk_url, Names())
            started = time.monotonic()
            answered = create_orders(load, args.orders, args.clients, numbers)
            rates = windows(started, answered)
            rss_orders, _ = stack.rss_mib()
            mixed_traffic(load, args.requests, args.clients, numbers)
            rss_end, rss_peak = stack.rss_mib()
        report(args, load, rates, (rss_start, rss_orders, rss_end, rss_peak), stack.moto_errors())


def report(
    args: argparse.Namespace,
    load: Load,
    rates: list[float],
    rss: tuple[float, float, float, float],
    moto_errors: list[str],
) -> None:
    trims = os.environ.get("MOTO_TRIMS", "on")
    print(f"local stack, {args.clients} clients, moto trims {trims}; {load.requests:,} requests in all")
    print("orders/s per window of 100 orders (tasks in the table at the window's end):")
    for number, rate in enumerate(rates, start=1):
        print(f"  {number * WINDOW:>6,}  {rate:6.1f}")
    if rates:
        first, last = rates[0], rates[-1]
        print(f"first window {first:.1f} orders/s, last {last:.1f}: ratio {last / first:.2f}")
        print(f"mean over {len(rates) * WINDOW:,} orders: {statistics.mean(rates):.1f} orders/s")
    print("latency (ms): p50 / p95 / max")
    for name, values in sorted(load.latencies.items()):
        millis = [value * 1000 for value in values]
        print(
            f"  {name:15} {len(values):>6,}  {percentile(millis, 0.5):7.0f} {percentile(millis, 0.95):7.0f} "
            f"{max(millis):7.0f}"
        )
    start, after_orders, end, peak = rss
    print(
        f"stack RSS: {start:,.0f} MiB at start, {after_orders:,.0f} after the orders, {end:,.0f} after "
        f"{load.requests:,} requests (peak {peak:,.0f})"
    )
    print(f"moto internal errors: {len(moto_errors)}")
    for line in moto_errors[:5]:
        print(f"  {line}")
    print(f"failed requests: {len(load.failures)}")
    for failure in load.failures[:5]:
        print(f"  {failure}")
    if rates:
        verdicts = [
            ("last/first window ≥ 0.8", rates[-1] / rates[0] >= GOALS["ratio"]),
            ("≥ 10 orders/s", statistics.mean(rates) >= GOALS["orders_per_second"]),
            ("RSS ≤ 1 GB", peak <= GOALS["rss_mib"]),
            ("0 moto errors", not moto_errors),
        ]
        print("goals: " + ", ".join(f"{name}: {'met' if met else 'MISSED'}" for name, met in verdicts))


if __name__ == "__main__":
    main()
