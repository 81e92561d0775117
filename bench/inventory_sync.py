"""Inventory sync benchmark: a large warehouse synced end to end, moto and HPK each in a process of its own.

    .venv/bin/python bench/inventory_sync.py [--lines 200000] [--discrepancy 0.01] [--invocation-seconds 900]

The HPK simulator (`python -m proxyhub_dev.simulators.hpk`) is seeded through its `/_sim/inventory/seed`
generate path; the ledger is built from the same `generated_batch_rows` with the given share of
discrepancies (a third each: changed quantity, batch only HPK has, batch only we have). Then one sync
task runs through the real task engine, executor and repositories, as the task runner runs it: each
run gets an invocation's time (`--invocation-seconds`, Lambda's 900 s by default, passed as
`remaining_ms`), and a run that runs out of it returns `Continue`, whose next run follows at once.

moto serves DynamoDB from its own process (`proxyhub_dev.local.moto_process`, with the shared trims of
`proxyhub_dev.local.moto_trims`), so this process's memory is the sync's own, as in Lambda, and moto's
tables are not in it. moto answers far slower than DynamoDB, so the time spent waiting for it is
printed apart, with a projection for a 10 ms DynamoDB round trip; the items written are counted by
kind, beside the goal of the corrected batches plus one snapshot item per 500 lines.

`--tracemalloc` adds the peak of Python allocations during the sync, at the cost of a slower run.
"""

import argparse
import contextlib
import cProfile
import os
import random
import socket
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.parsers
import botocore.serialize
import httpx
from botocore.client import BaseClient
from template_tables import create_template_tables

from proxyhub.clock import SystemClock, from_iso
from proxyhub.dal.ledger_repository import LedgerBatchItem, ledger_batch_item
from proxyhub.dal.request_log_store import DynamoRequestLogStore
from proxyhub.models.config import ProxySystemCreate, SkuInput, WarehouseMappingInput
from proxyhub.models.inventory import BatchKey, LedgerBatch
from proxyhub.models.tasks import TaskStatus, Trigger
from proxyhub.observability import logger
from proxyhub.request_log import RequestLogRecord
from proxyhub.settings import get_settings
from proxyhub.wiring.container import Container
from proxyhub_dev.simulators.hpk import generated_batch_rows

ROOT = Path(__file__).resolve().parents[1]
SYSTEM, PROXY_WAREHOUSE, WAREHOUSE = "HPK-BENCH", "HPK-WH-BENCH", "GW-BENCH"
PUTAWAY, DEFECTIVE = "HPK-VPA", "HPK-DEF"
WRITE_OPERATIONS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
# An assumed DynamoDB round trip from Lambda in the same region, for projecting moto's figures.
DYNAMODB_CALL_SECONDS = 0.010
LINES_PER_SNAPSHOT_ITEM = 500
GOAL_PROJECTED_SECONDS = 60
GOAL_PEAK_MIB = 512


# ---------------------------------------------------------------- counting DynamoDB calls


class DynamoCounter:
    """Counts DynamoDB calls and the items they write, by kind, for every client in the process."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.written: Counter[str] = Counter()
        self.seconds = 0.0
        # Of `seconds`, what botocore spent turning requests into JSON and answers back into Python:
        # the Lambda would spend it too, so the projection counts it as our own work.
        self.botocore_seconds = 0.0
        self.enabled = False

    @property
    def items_written(self) -> int:
        return sum(self.written.values())

    def record(self, operation: str, params: dict[str, Any]) -> None:
        if not self.enabled:
            return
        self.calls[operation] += 1
        if operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    self.written[written_kind(next(iter(request.values())).get("Item") or {})] += 1
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                kind, body = next(iter(entry.items()))
                if kind != "ConditionCheck":
                    self.written[written_kind(body.get("Item") or body.get("Key") or {})] += 1
        elif operation in WRITE_OPERATIONS:
            self.written[written_kind(params.get("Item") or params.get("Key") or {})] += 1


def written_kind(key: dict[str, Any]) -> str:
    """What an item written is, by its key: a corrected batch, a snapshot item, bookkeeping."""
    pk, sk = key.get("pk", {}).get("S", ""), key.get("sk", {}).get("S", "")
    if pk.startswith("LEDGER#"):
        return "corrected batches"
    if pk.startswith("SNAPSHOT#"):
        return "snapshot items" if sk.startswith(("PAGE#", "ABSENT#")) else "progress (phase changes)"
    if pk.startswith("EFFECT#"):
        return "effect markers"
    if pk.startswith(("TASK#", "COUNTERS", "INVENTORY_SYNC#")) and "log_id" not in key:
        return "task bookkeeping"
    return "request logs"


@contextlib.contextmanager
def counting_dynamodb_calls(counter: DynamoCounter) -> Iterator[None]:
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counted(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name != "dynamodb":
            return original(client, operation, params)
        counter.record(operation, params)
        started = time.perf_counter()
        try:
            return original(client, operation, params)
        finally:
            if counter.enabled:
                counter.seconds += time.perf_counter() - started

    original_parse = botocore.parsers.ResponseParser.parse
    original_serialize = botocore.serialize.JSONSerializer.serialize_to_request

    def timed_parse(parser: Any, response: Any, shape: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_parse(parser, response, shape)
        finally:
            if counter.enabled:
                counter.botocore_seconds += time.perf_counter() - started

    def timed_serialize(serializer: Any, parameters: Any, operation_model: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_serialize(serializer, parameters, operation_model)
        finally:
            if counter.enabled:
                counter.botocore_seconds += time.perf_counter() - started

    BaseClient._make_api_call = counted  # type: ignore[attr-defined]
    botocore.parsers.ResponseParser.parse = timed_parse  # type: ignore[method-assign,assignment]
    botocore.serialize.JSONSerializer.serialize_to_request = timed_serialize  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]
        botocore.parsers.ResponseParser.parse = original_parse  # type: ignore[method-assign]
        botocore.serialize.JSONSerializer.serialize_to_request = original_serialize  # type: ignore[method-assign]


# ---------------------------------------------------------------- the HPK simulator process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def hpk_simulator_process() -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "proxyhub_dev.simulators.hpk",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with background_process(command):
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base_url}/_sim/state")
        yield base_url


@contextlib.contextmanager
def moto_process() -> Iterator["MotoProcess"]:
    """moto's server with the shared trims; this process's AWS clients point at it."""
    port = free_port()
    command = [sys.executable, "-m", "proxyhub_dev.local.moto_process", "--port", str(port)]
    with background_process(command) as process:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{url}/moto-api/")
        os.environ["AWS_ENDPOINT_URL"] = url
        yield MotoProcess(process)


@dataclass
class MotoProcess:
    process: subprocess.Popen[bytes]

    def peak_rss_mib(self) -> float:
        return proc_status_mib(self.process.pid, "VmHWM")


@contextlib.contextmanager
def background_process(command: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def proc_status_mib(pid: int | str, field: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def wait_until_serving(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=1)
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered at {url}")


def seed_hpk(base_url: str, lines: int, sku_count: int, seed: int) -> None:
    generate = {"count": lines, "sku_count": sku_count, "seed": seed}
    response = httpx.post(
        f"{base_url}/_sim/inventory/seed",
        json={"warehouse_code": PROXY_WAREHOUSE, "generate": generate},
        timeout=600,
    )
    response.raise_for_status()
    assert response.json()["code"] == 0, response.text


# ---------------------------------------------------------------- moto, configuration and the ledger


def create_aws_resources() -> None:
    """The template's tables (keys, GSIs, TTL) and the event bus, in moto; settings via the environment."""
    os.environ.update(create_template_tables("bench"))
    os.environ["EVENT_BUS_NAME"] = "bench-events"
    boto3.client("events").create_event_bus(Name="bench-events")


@dataclass(frozen=True)
class LedgerPlan:
    held: int
    discrepancies: int


def seed_configuration(components: Container, base_url: str, sku_count: int) -> None:
    config = components.config_service
    config.create_proxy_system(
        ProxySystemCreate(
            code=SYSTEM,
            name="HPK bench",
            system_type="HPK",
            api_endpoint=base_url,
            account="demo",
            password="demo-secret",
            version="5",
        )
    )
    mapping = WarehouseMappingInput(
        gwms_warehouse_code=WAREHOUSE, virtual_putaway_location=PUTAWAY, defective_location=DEFECTIVE
    )
    config.put_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE, mapping)
    for index in range(sku_count):
        gsku = f"SKU-{index:06d}"
        config.put_sku(gsku, SkuInput(name=gsku, spec="bench", weight_kg=1, local_sku=f"L-{index:06d}"))


def seed_ledger(lines: int, sku_count: int, seed: int, discrepancy: float) -> LedgerPlan:
    """The ledger HPK's listing should match, but for `discrepancy` of the batches."""
    rng = random.Random(seed * 7919)
    discrepancies = 0
    writer = LedgerBatchItem.batch_write()
    for number, (sku, kind, inbound_no, reference_no, inbound_at, available, locked) in enumerate(
        generated_batch_rows(lines, sku_count, seed)
    ):
        key = BatchKey(
            gwms_warehouse_code=WAREHOUSE,
            gsku=sku,
            inventory_type="defective" if kind == "DEFECTIVE" else "qualified",
            proxy_inbound_no=inbound_no,
            local_inbound_no=reference_no,
            inbound_at=from_iso(inbound_at),
        )
        quantity = available + locked
        if rng.random() < discrepancy:
            discrepancies += 1
            choice = rng.randrange(3)
            if choice == 0:
                continue  # only HPK has it
            if choice == 1:
                quantity = changed(quantity, rng)
            else:
                gone = BatchKey(
                    WAREHOUSE, sku, key.inventory_type, f"GONE-{number}", f"IB-GONE-{number}", key.inbound_at
                )
                writer.save(ledger_item(gone, rng.randint(1, 9)))
        writer.save(ledger_item(key, quantity))
    writer.commit()
    return LedgerPlan(held=lines, discrepancies=discrepancies)


def ledger_item(key: BatchKey, quantity: int) -> LedgerBatchItem:
    """A ledger batch as the flows store it, written in bulk: seeding 200,000 batches through stock
    transactions would mostly measure moto's transaction handling."""
    return ledger_batch_item(LedgerBatch(key, location_of(key.inventory_type), quantity))


def changed(quantity: int, rng: random.Random) -> int:
    """A different quantity, never below zero."""
    step = rng.randint(1, 5)
    return quantity - step if quantity >= step and rng.random() < 0.5 else quantity + step


def location_of(inventory_type: str) -> str:
    return DEFECTIVE if inventory_type == "defective" else PUTAWAY


# ---------------------------------------------------------------- the sync


class TimedRequestLog(DynamoRequestLogStore):
    """The engine's request-log store, also adding up how long the HPK calls took (each record is
    turned into its item once, whether stored alone or with a run's result)."""

    calls = 0
    milliseconds = 0

    def item_for(self, entry: RequestLogRecord) -> Any:
        self.calls += 1
        self.milliseconds += entry.duration_ms
        return super().item_for(entry)


def bench_components(hpk_log: TimedRequestLog) -> Container:
    """Production's composition root, with the HPK calls timed and no schedules or async runs."""
    components = Container(get_settings())
    components.request_log_store = hpk_log
    components.task_scheduler = QuietScheduler()
    components.task_invoker = QuietInvoker()
    components.mapping_schedules = QuietMappingSchedules()
    return components


class QuietScheduler:
    def schedule_next_run(self, task_id: str, at: datetime, *, replace_existing: bool = False) -> None:
        pass

    def cancel_schedule(self, task_id: str) -> None:
        pass


class QuietInvoker:
    """The continuation's invoke is the benchmark's loop: it runs the next invocation itself."""

    def __init__(self) -> None:
        self.continuations = 0

    def run_async(self, task_id: str, trigger: Any, **_: Any) -> None:
        if trigger is Trigger.CONTINUATION:
            self.continuations += 1


class QuietMappingSchedules:
    def mapping_saved(self, mapping: Any) -> None:
        pass

    def mapping_deleted(self, mapping: Any) -> None:
        pass


@dataclass
class Invocation:
    """One task-runner invocation: its wall time and where the pass stood after it."""

    seconds: float
    status: str
    progress: str | None


def run_sync(components: Container, invocation_seconds: float) -> tuple[Any, list[Invocation]]:
    """One sync task through the real engine and executor, one invocation after another (each with
    Lambda's remaining time) until it settles; (task, invocations)."""
    engine = components.task_engine
    task = components.inventory_sync_service.start(SYSTEM, PROXY_WAREHOUSE)
    invocations: list[Invocation] = []
    trigger = Trigger.CREATED
    while task.status is not TaskStatus.SUCCESS and len(invocations) < 500:
        started = time.monotonic()
        ends_at = started + invocation_seconds

        def remaining_ms(ends_at: float = ends_at) -> int:
            return int((ends_at - time.monotonic()) * 1000)

        engine.run_task(task.task_id, trigger, remaining_ms=remaining_ms)
        task = engine.get_task(task.task_id)
        invocations.append(Invocation(time.monotonic() - started, task.status.value, task.progress))
        print(
            f"  invocation {len(invocations)}: {invocations[-1].seconds:,.0f} s, {task.status.value}, "
            f"{task.progress or task.execution_summary}",
            flush=True,
        )
        if task.status is not TaskStatus.WAITING:
            break
        trigger = Trigger.CONTINUATION
    return task, invocations


def peak_rss_mib() -> float:
    return proc_status_mib("self", "VmHWM")


def reset_peak_rss() -> None:
    """Linux: the peak RSS (VmHWM) starts again from the current RSS."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--skus", type=int, default=1000)
    parser.add_argument("--discrepancy", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invocation-seconds", type=float, default=900, help="each run's time (Lambda's)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the sync (not the seeding) here")
    args = parser.parse_args()

    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_NAMESPACE="ProxyHubBench",
        # One EMF line per HPK call (the adapters' latency metric) would bury the figures.
        POWERTOOLS_METRICS_DISABLED="true",
        SECRETS_PREFIX="bench",
    )
    logger.setLevel("WARNING")
    with hpk_simulator_process() as base_url, moto_process() as moto:
        create_aws_resources()
        hpk_log = TimedRequestLog(get_settings(), SystemClock())
        components = bench_components(hpk_log)
        started = time.perf_counter()
        seed_hpk(base_url, args.lines, args.skus, args.seed)
        seed_configuration(components, base_url, args.skus)
        plan = seed_ledger(args.lines, args.skus, args.seed, args.discrepancy)
        print(
            f"seeded {args.lines:,} HPK lines and the ledger ({plan.discrepancies:,} discrepancies) "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

        counter = DynamoCounter()
        reset_peak_rss()
        rss_before = peak_rss_mib()
        if args.tracemalloc:
            tracemalloc.start()
        with counting_dynamodb_calls(counter):
            counter.enabled = True
            profile = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            if profile is not None:
                profile.enable()
            task, invocations = run_sync(components, args.invocation_seconds)
            wall = time.perf_counter() - started
            if profile is not None:
                profile.disable()
                profile.dump_stats(args.profile)
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
        report(args.lines, task, invocations, wall, counter, hpk_log, rss_before, traced_peak, moto)


def report(
    lines: int,
    task: Any,
    invocations: list[Invocation],
    wall: float,
    counter: DynamoCounter,
    hpk_log: TimedRequestLog,
    rss_before: float,
    traced_peak: float | None,
    moto: MotoProcess,
) -> None:
    writes = sum(counter.calls[name] for name in WRITE_OPERATIONS)
    calls = sum(counter.calls.values())
    hpk_seconds = hpk_log.milliseconds / 1000
    moto_seconds = counter.seconds - counter.botocore_seconds
    own_seconds = wall - moto_seconds - hpk_seconds
    projected = own_seconds + hpk_seconds + calls * DYNAMODB_CALL_SECONDS
    runs = len(invocations)
    print(f"task {task.task_id}: {task.status.value} after {runs} invocation(s): {task.execution_summary}")
    print(f"wall time          {timedelta(seconds=round(wall))} ({wall:.1f} s)")
    print(f"lines/second       {lines / wall:,.0f}")
    print(f"  waiting for moto {moto_seconds:,.1f} s ({calls:,} DynamoDB calls to moto's process)")
    print(f"  in HPK calls     {hpk_seconds:,.1f} s ({hpk_log.calls:,} calls to the simulator)")
    print(
        f"  our own work     {own_seconds:,.1f} s (proxyhub, PynamoDB, and botocore's "
        f"{counter.botocore_seconds:,.1f} s of (de)serializing)"
    )
    print(
        f"projected          {projected:,.0f} s with DynamoDB at {DYNAMODB_CALL_SECONDS * 1000:.0f} ms a call "
        f"instead of moto (goal ≤ {GOAL_PROJECTED_SECONDS} s at 200,000 lines)"
    )
    print(f"DynamoDB writes    {writes:,} calls, {counter.items_written:,} items")
    for kind, count in counter.written.most_common():
        print(f"  {kind:22} {count:,}")
    corrected = counter.written["corrected batches"]
    budget = corrected + -(-lines // LINES_PER_SNAPSHOT_ITEM)
    sync_items = corrected + counter.written["snapshot items"] + counter.written["effect markers"]
    sync_items += counter.written["progress (phase changes)"]
    print(
        f"  the sync's own   {sync_items:,} items (batches, snapshot, markers, progress); goal ≤ {budget:,} "
        f"= {corrected:,} corrected batches + ⌈{lines:,}/{LINES_PER_SNAPSHOT_ITEM}⌉ snapshot items"
    )
    print(f"DynamoDB reads     {calls - writes:,} calls")
    print(
        "  by operation     "
        + ", ".join(f"{name} {count:,}" for name, count in sorted(counter.calls.items()))
    )
    peak = peak_rss_mib()
    print(
        f"peak RSS           {peak:,.0f} MiB in this process during the sync (from {rss_before:,.0f}; goal ≤ "
        f"{GOAL_PEAK_MIB} MiB); moto's process {moto.peak_rss_mib():,.0f} MiB"
    )
    if traced_peak is not None:
        print(f"traced peak        {traced_peak:,.0f} MiB of Python allocations during the sync")


if __name__ == "__main__":
    main()
