"""CSV export benchmark: a large Sync Tasks filter exported through the real API handler, memory watched.

    .venv/bin/python bench/export_memory.py [--rows 10000] [--noise 0.1]

AWS is a moto server in its own process on 127.0.0.1 (with the shared trims of
`proxyhub_dev.local.moto_trims`), so this process holds only what an API Lambda would: the handler,
PynamoDB, botocore and the export's own buffers. It seeds `--rows` tasks in one warehouse (and a share
`--noise` of tasks in another, which the filter leaves out) straight into the tasks table, runs one
warm-up export, then exports `POST /v1/exports/tasks {"warehouse_code": ...}` while a thread samples
the resident set every few milliseconds. It prints the rows, the time split between the AWS stand-in
and the rest, rows per second, the file's size and upload parts, and the RSS growth during the export:
flat means the growth does not follow the row count. Numbers are printed, never asserted.

moto answers a 1,000-item Query in seconds where DynamoDB takes tens of milliseconds, so the wall time
is moto's, and the bench lifts the API's 25-second export budget (which would stop it). What the export
costs a Lambda is this process's CPU time (the handler, PynamoDB, botocore parsing the pages, csv, the
uploads): it is printed with a projection for the API function's memory (Lambda gives 1 vCPU at
1,769 MB, proportionally less below) plus an assumed DynamoDB page time.
"""

import argparse
import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
import httpx
from botocore.client import BaseClient
from template_tables import create_template_tables

ROOT = Path(__file__).resolve().parents[1]
WAREHOUSE, OTHER_WAREHOUSE = "GW-BENCH", "GW-NOISE"
BUCKET = "bench-exports"
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# Projection: Lambda's CPU share per MB of memory, the API function's memory, and a DynamoDB Query
# returning a full 1 MB page (1,000 tasks) from the same region.
FULL_VCPU_MB = 1769
API_MEMORY_MB = 512
DYNAMODB_PAGE_SECONDS = 0.05
MOTO_SERVER = """
import sys, time
from proxyhub_dev.local.moto_trims import apply_moto_trims
from moto.server import ThreadedMotoServer
apply_moto_trims()
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
while True:
    time.sleep(3600)
"""


# ---------------------------------------------------------------- the AWS stand-in, apart


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def moto_server_process() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", MOTO_SERVER, str(port)], stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{endpoint}/moto-api/", timeout=1)
                break
            time.sleep(0.05)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def create_aws_resources() -> None:
    """The template's tables (keys, GSIs) and an exports bucket; settings via the environment."""
    os.environ.update(create_template_tables("bench"))
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    os.environ["EXPORTS_BUCKET_NAME"] = BUCKET


# ---------------------------------------------------------------- seed


def seed_tasks(rows: int, noise: int) -> None:
    """Tasks written as the repository stores them, 25 to a BatchWriteItem (no counters: the export
    does not read them)."""
    from proxyhub.dal.task_repository import TaskItem, _to_item
    from proxyhub.models.tasks import BusinessType, Task, TaskStatus, TaskType

    statuses = [TaskStatus.WAITING, TaskStatus.SUCCESS, TaskStatus.MANUAL, TaskStatus.PENDING]
    start = datetime(2026, 6, 1, tzinfo=UTC)
    with TaskItem.batch_write() as batch:
        for number in range(rows + noise):
            created = start + timedelta(seconds=number)
            status = statuses[number % len(statuses)]
            task = Task(
                task_id=uuid.uuid4().hex,
                task_type=TaskType.CREATE if number % 3 else TaskType.QUERY,
                business_type=BusinessType.INBOUND if number % 2 else BusinessType.OUTBOUND,
                status=status,
                gwms_warehouse_code=WAREHOUSE if number < rows else OTHER_WAREHOUSE,
                proxy_warehouse_code="HPK-LA1",
                system_code="HPK01",
                created_at=created,
                order_no=f"ORD-{number:07d}",
                third_party_order_no=f"HPK-{number:07d}",
                execution_summary="Inbound order pushed; waiting for HPK to receive it (status PENDING)",
                error_message="HPK answered 503 Service Unavailable" if status is TaskStatus.MANUAL else None,
                attempts=3,
                last_executed_at=created + timedelta(minutes=30),
                next_execution_at=created + timedelta(minutes=60),
                updated_at=created + timedelta(minutes=30),
                payload={"lines": [{"gsku": "GSKU-1", "qty": 12}, {"gsku": "GSKU-2", "qty": 4}]},
            )
            batch.save(_to_item(task))


# ---------------------------------------------------------------- measure


class ResidentSetSampler:
    """The process's resident set, sampled every `interval` seconds on a thread; the peak is kept."""

    def __init__(self, interval: float = 0.01) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def current() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            time.sleep(self._interval)

    def __enter__(self) -> "ResidentSetSampler":
        self.peak = self.current()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())


class AwsCallTimer:
    """Time spent waiting for the AWS stand-in, per service, and the calls made."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    @contextlib.contextmanager
    def timing(self) -> Iterator[None]:
        original = BaseClient._make_api_call  # type: ignore[attr-defined]
        timer = self

        def timed(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                service = client.meta.service_model.service_name
                timer.seconds[service] += time.perf_counter() - started
                timer.calls[f"{service}:{operation}"] += 1

        BaseClient._make_api_call = timed  # type: ignore[attr-defined]
        try:
            yield
        finally:
            BaseClient._make_api_call = original  # type: ignore[attr-defined]


def load_api_handler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("function_api_app", ROOT / "functions" / "api" / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    function_name = "bench-api"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-api"
    aws_request_id = "bench"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 3_600_000


def export_event(body: dict[str, Any]) -> dict[str, Any]:
    event = json.loads((ROOT / "events" / "export_sync_tasks.json").read_text())
    event["body"] = json.dumps(body)
    event["requestContext"]["requestId"] = uuid.uuid4().hex
    return event


def export(api: ModuleType, body: dict[str, Any]) -> dict[str, Any]:
    response = api.lambda_handler(export_event(body), LambdaContext())
    assert response["statusCode"] == 200, response
    answer: dict[str, Any] = json.loads(response["body"])
    return answer


def stored_file(answer: dict[str, Any]) -> tuple[int, int]:
    """Size and part count of the exported object (a multipart ETag ends in -<parts>)."""
    key = unquote(urlparse(answer["url"]).path).lstrip("/").removeprefix(f"{BUCKET}/")
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=key)
    etag = head["ETag"].strip('"')
    return int(head["ContentLength"]), int(etag.rsplit("-", 1)[1]) if "-" in etag else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--noise", type=float, default=0.1, help="share of tasks the filter leaves out")
    args = parser.parse_args()

    # moto takes tens of seconds for a 1,000-item page of a 100,000-item partition: PynamoDB must wait.
    settings_file = Path(tempfile.mkdtemp()) / "pynamodb_settings.py"
    settings_file.write_text("read_timeout_seconds = 600\n")
    os.environ["PYNAMODB_CONFIG"] = str(settings_file)
    with moto_server_process() as endpoint:
        os.environ.update(
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_REGION="us-east-1",
            POWERTOOLS_TRACE_DISABLED="true",
            POWERTOOLS_METRICS_NAMESPACE="ProxyHubBench",
            POWERTOOLS_LOG_LEVEL="WARNING",
            SECRETS_PREFIX="bench",
        )
        create_aws_resources()
        from proxyhub import wiring

        wiring.reset()
        wiring.container()  # binds the table models to the bench tables
        noise = round(args.rows * args.noise)
        started = time.perf_counter()
        seed_tasks(args.rows, noise)
        print(
            f"seeded {args.rows:,} tasks in {WAREHOUSE} and {noise:,} elsewhere in {time.perf_counter() - started:.0f} s"
        )

        api = load_api_handler()
        from proxyhub.api import exports

        exports.GATEWAY_SECONDS = 3600.0  # moto is a hundred times slower than DynamoDB
        export(api, {"warehouse_code": OTHER_WAREHOUSE})  # warm-up: imports, clients, first connections
        timer = AwsCallTimer()
        baseline = ResidentSetSampler.current()
        with ResidentSetSampler() as sampler, timer.timing():
            started, cpu_started = time.perf_counter(), time.process_time()
            answer = export(api, {"warehouse_code": WAREHOUSE})
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        size, parts = stored_file(answer)
        report(answer, wall, cpu, timer, baseline, sampler.peak, size, parts)


def report(
    answer: dict[str, Any],
    wall: float,
    cpu: float,
    timer: AwsCallTimer,
    baseline: int,
    peak: int,
    size: int,
    parts: int,
) -> None:
    rows, mib = answer["rows"], 1024 * 1024
    waiting = sum(timer.seconds.values())
    queries = timer.calls["dynamodb:Query"]
    projected = cpu * FULL_VCPU_MB / API_MEMORY_MB + queries * DYNAMODB_PAGE_SECONDS
    calls = ", ".join(f"{name} {count:,}" for name, count in sorted(timer.calls.items()))
    print(f"exported           {rows:,} rows to {answer['filename']}")
    print(f"wall time          {wall:.1f} s, {rows / wall:,.0f} rows/s")
    print(
        f"  waiting on moto  {waiting:.1f} s (DynamoDB {timer.seconds['dynamodb']:.1f} s, S3 {timer.seconds['s3']:.1f} s)"
    )
    print(f"  calls            {calls}")
    print(
        f"CPU time here      {cpu:.1f} s: {rows / cpu:,.0f} rows per CPU second (handler, PynamoDB, botocore, csv)"
    )
    print(
        f"projected Lambda   {projected:.1f} s at {API_MEMORY_MB} MB ({API_MEMORY_MB / FULL_VCPU_MB:.2f} vCPU), "
        f"{queries} Query pages at {DYNAMODB_PAGE_SECONDS * 1000:.0f} ms; the API stops an export at 25 s"
    )
    print(f"file               {size / mib:,.1f} MiB in {parts} part(s)")
    print(
        f"RSS                {baseline / mib:,.0f} MiB before, peak {peak / mib:,.0f} MiB: "
        f"grew {(peak - baseline) / mib:,.1f} MiB during the export"
    )


if __name__ == "__main__":
    main()
