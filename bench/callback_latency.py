"""From HPK's callback to the putaway: how long goods wait to be booked when HPK completes many at once.

    .venv/bin/python bench/callback_latency.py [--orders 50]

Starts the local stack in its own process on free ports (the HPK simulator with it, sending its
signed status callbacks to the stack's `/hpk/callbacks`), creates `--orders` inbound orders signed as
GWMS, waits until each one's create task has pushed it to HPK, then has HPK complete them all at
once (one request each, from as many threads). For every order the latency is the time from HPK's
completion (`receipt.received_at`, the simulator's clock) to the putaway (the order's `updated_at`
when it reached `put_away`, the stack's clock: one machine, one clock). Prints p50, p95 and max.

Without the callback the next poll would come after the seed's 30 minutes: about 15 minutes on
average. The goal here is p95 ≤ 1 s.
"""

import argparse
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from proxyhub_dev.local.auth import GwmsCredentials, GwmsSigner
from proxyhub_dev.local.stack import DEFAULT_REGION
from proxyhub_dev.local.stack_process import local_stack_process, seed_hpk_routing

GOAL_P95_SECONDS = 1.0
WAIT_SECONDS = 300


@dataclass(frozen=True)
class Names:
    system: str = "HPK-CB"
    proxy_warehouse: str = "HPK-WH-CB"
    warehouse: str = "GW-CB"
    customer: str = "C-CB"
    skus: tuple[str, ...] = ("CB-MUG", "CB-BOWL")


def inbound(order_no: str, names: Names) -> dict[str, Any]:
    return {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": names.warehouse,
        "customer_code": names.customer,
        "items": [{"gsku": gsku, "qty": 4} for gsku in names.skus],
    }


def wait_for(api: httpx.Client, order_nos: list[str], status: str) -> dict[str, dict[str, Any]]:
    """The orders once every one of them has reached `status`.

    One order is asked about at a time, and again half a second later while it has not: the stack
    serves the API one request at a time, and polling all of them at once would be most of its work.
    The latencies come from the orders' own timestamps, so how soon we look does not change them."""
    deadline = time.monotonic() + WAIT_SECONDS
    reached: dict[str, dict[str, Any]] = {}
    for order_no in order_nos:
        while time.monotonic() < deadline:
            order = api.get(f"/v1/inbound-orders/{order_no}").json()
            if order.get("status") == status:
                reached[order_no] = order
                break
            time.sleep(0.5)
    missing = sorted(set(order_nos) - set(reached))
    if missing:
        raise RuntimeError(f"{len(missing)} orders never reached {status}: {missing[:5]}")
    return reached


def complete_all_at_once(hpk_url: str, proxy_order_nos: list[str]) -> None:
    start = threading.Barrier(len(proxy_order_nos))

    def complete(proxy_order_no: str) -> None:
        start.wait()
        response = httpx.post(f"{hpk_url}/_sim/inbound/{proxy_order_no}/complete", json={}, timeout=30)
        response.raise_for_status()

    threads = [threading.Thread(target=complete, args=(number,)) for number in proxy_order_nos]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=50)
    args = parser.parse_args()
    names = Names()
    signer = GwmsSigner(GwmsCredentials.from_environment(DEFAULT_REGION))
    with tempfile.TemporaryDirectory() as scratch, local_stack_process(Path(scratch)) as stack:
        with httpx.Client(base_url=stack.api_url, auth=signer, timeout=60) as api:
            seed_hpk_routing(api, stack.hpk_url, names)
            order_nos = [f"CB-{number:04d}" for number in range(1, args.orders + 1)]
            for order_no in order_nos:
                response = api.post("/v1/inbound-orders", json=inbound(order_no, names))
                if response.status_code != 201:
                    raise RuntimeError(f"{order_no}: {response.status_code} {response.text[:300]}")
            pushed = wait_for(api, order_nos, "pushed")
            completed = time.monotonic()
            complete_all_at_once(stack.hpk_url, [order["proxy_order_no"] for order in pushed.values()])
            put_away = wait_for(api, order_nos, "put_away")
            seen_after = time.monotonic() - completed
        latencies = [
            (
                datetime.fromisoformat(order["updated_at"])
                - datetime.fromisoformat(order["receipt"]["received_at"])
            ).total_seconds()
            for order in put_away.values()
        ]
        report(args.orders, latencies, seen_after, stack.moto_errors())


def report(orders: int, latencies: list[float], seen_after: float, moto_errors: list[str]) -> None:
    p50, p95, worst = percentile(latencies, 0.5), percentile(latencies, 0.95), max(latencies)
    print(f"{orders} inbound orders completed by HPK at once; callback to putaway, per order:")
    print(f"  p50 {p50 * 1000:,.0f} ms   p95 {p95 * 1000:,.0f} ms   max {worst * 1000:,.0f} ms")
    print(
        f"  mean {statistics.mean(latencies) * 1000:,.0f} ms; all put away (as polled) {seen_after:,.1f} s after"
    )
    print(f"moto internal errors: {len(moto_errors)}")
    verdict = "met" if p95 <= GOAL_P95_SECONDS else "MISSED"
    print(f"goal p95 ≤ {GOAL_P95_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
