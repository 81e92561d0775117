"""Dollars per 1,000 orders end to end: the AWS calls the real code makes, counted, times published prices.

    .venv/bin/python bench/cost_model.py [--orders 20] [--polls 8] [--hpk-ms 200]

Runs `--orders` inbound and as many outbound orders through their whole life on moto (in this
process) with the HPK simulator over 127.0.0.1, the way AWS would run them: the API function creates
each order (GWMS's signed call: access check, audit record, order and task); the task runner pushes
it; `--polls` scheduled polls find HPK still at work (each a schedule firing, then the next one
made); HPK completes it and calls back (the webhook function verifies and wakes the task); the task
runner puts the inbound away or books the outbound's shipment. Every AWS call is counted with its
request and response sizes, so DynamoDB's request units come from the items' sizes (4 KB reads,
1 KB writes, twice for transactions, each global index an item is written to charged apart).

Lambda's GB-seconds come from each invocation's own work (its wall time here, less the time moto
and the simulator took), plus a modelled 10 ms per DynamoDB call, 20 ms per other AWS call and
`--hpk-ms` per HPK call, at the functions' 512 MB (arm64). Prices are us-east-1 on-demand list prices
(below, with the date they were read); free tiers are left out. Not modelled: CloudWatch Logs and
metrics, X-Ray, data transfer, Secrets Manager's monthly price per secret, KMS.
"""

import argparse
import json
import math
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.client import BaseClient
from moto import mock_aws
from samtranslator.yaml_helper import yaml_parse
from template_tables import create_template_tables

ROOT = Path(__file__).resolve().parents[1]
MEMORY_GB = 0.5
DYNAMODB_CALL_SECONDS = 0.010
OTHER_AWS_CALL_SECONDS = 0.020
CALLBACK_SECRET = "cost-model-callback-secret"

# us-east-1 list prices, read 2026-12 from the services' pricing pages (on-demand, no free tier).
PRICES = {
    "Lambda GB-second (arm64)": 0.0000133334,
    "Lambda request": 0.20 / 1e6,
    "DynamoDB write request unit": 0.625 / 1e6,
    "DynamoDB read request unit": 0.125 / 1e6,
    "HTTP API request": 1.00 / 1e6,
    "Scheduler invocation": 1.00 / 1e6,
    "Step Functions state transition": 0.025 / 1e3,
    "EventBridge event": 1.00 / 1e6,
    "Secrets Manager API call": 0.05 / 1e4,
}


# ---------------------------------------------------------------- sizes and request units


def attribute_size(value: dict[str, Any]) -> int:
    """DynamoDB's size of one attribute value, as its documentation counts it (near enough)."""
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(str(raw).encode())
    if kind == "N":
        return len(Decimal(raw).as_tuple().digits) // 2 + 2
    if kind == "B":
        return len(raw) if isinstance(raw, bytes) else len(str(raw)) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(attribute_size(element) + 1 for element in raw)
    if kind == "M":
        return 3 + sum(len(name.encode()) + attribute_size(element) + 1 for name, element in raw.items())
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(element)) for element in raw)
    return 0


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


@dataclass(frozen=True)
class Index:
    hash_key: str
    range_key: str | None
    projection: str  # ALL, KEYS_ONLY or INCLUDE
    included: tuple[str, ...]


@dataclass(frozen=True)
class TableShape:
    """A table's key attributes and its global indexes."""

    keys: tuple[str, ...]
    indexes: tuple[Index, ...]

    def key_of(self, item: dict[str, Any]) -> dict[str, Any]:
        return {name: item[name] for name in self.keys if name in item}


def _key_names(schema: list[dict[str, str]]) -> tuple[str, str | None]:
    hash_key = next(key["AttributeName"] for key in schema if key["KeyType"] == "HASH")
    range_key = next((key["AttributeName"] for key in schema if key["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def table_shapes() -> dict[str, TableShape]:
    shapes = {}
    for logical_id, resource in yaml_parse((ROOT / "template.yaml").read_text())["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        table_hash, table_range = _key_names(resource["Properties"]["KeySchema"])
        indexes = tuple(
            Index(
                *_key_names(index["KeySchema"]),
                index["Projection"]["ProjectionType"],
                tuple(index["Projection"].get("NonKeyAttributes", ())),
            )
            for index in resource["Properties"].get("GlobalSecondaryIndexes", ())
        )
        keys = (table_hash,) if table_range is None else (table_hash, table_range)
        shapes[f"cost-{logical_id}"] = TableShape(keys, indexes)
    return shapes


def write_units(
    shape: TableShape, before: dict[str, Any], after: dict[str, Any], *, transactional: bool
) -> int:
    """What DynamoDB charges for one item written, as it documents it: the larger of the item's
    sizes before and after, per 1 KB (twice in a transaction), plus for each global index the item
    enters, leaves or changes in (with `ALL`, any attribute; otherwise a projected one): one write of
    its projected size, or two when the index's key changed (a delete and a put)."""
    units = math.ceil(max(item_size(before), item_size(after), 1) / 1024) * (2 if transactional else 1)
    for index in shape.indexes:
        index_keys = tuple(name for name in (index.hash_key, index.range_key) if name)

        def projected(
            image: dict[str, Any], index: Index = index, index_keys: tuple[str, ...] = index_keys
        ) -> dict[str, Any]:
            if index.projection == "ALL":
                return image
            names = {*shape.keys, *index_keys, *index.included}
            return {name: value for name, value in image.items() if name in names}

        was_in = all(name in before for name in index_keys)
        is_in = all(name in after for name in index_keys)
        old, new = projected(before), projected(after)
        if was_in and is_in:
            if any(before[name] != after[name] for name in index_keys):
                units += math.ceil(max(item_size(old), 1) / 1024) + math.ceil(max(item_size(new), 1) / 1024)
            elif old != new:
                units += math.ceil(max(item_size(old), item_size(new), 1) / 1024)
        elif is_in:
            units += math.ceil(max(item_size(new), 1) / 1024)
        elif was_in:
            units += math.ceil(max(item_size(old), 1) / 1024)
    return units


@dataclass
class Usage:
    """What one invocation (or the whole run) used."""

    calls: Counter[str] = field(default_factory=Counter)
    write_units: float = 0.0
    read_units: float = 0.0
    aws_seconds: float = 0.0
    hpk_calls: int = 0
    hpk_seconds: float = 0.0
    wall_seconds: float = 0.0
    lambda_invocations: Counter[str] = field(default_factory=Counter)
    lambda_seconds: float = 0.0
    extra: Counter[str] = field(default_factory=Counter)

    def add(self, other: "Usage") -> None:
        self.calls.update(other.calls)
        self.write_units += other.write_units
        self.read_units += other.read_units
        self.aws_seconds += other.aws_seconds
        self.hpk_calls += other.hpk_calls
        self.hpk_seconds += other.hpk_seconds
        self.wall_seconds += other.wall_seconds
        self.lambda_invocations.update(other.lambda_invocations)
        self.lambda_seconds += other.lambda_seconds
        self.extra.update(other.extra)

    @property
    def dynamodb_calls(self) -> int:
        return sum(count for name, count in self.calls.items() if name.startswith("dynamodb:"))

    @property
    def other_aws_calls(self) -> int:
        return sum(count for name, count in self.calls.items() if not name.startswith("dynamodb:"))


class Meter:
    """Counts every AWS call of the process (and what DynamoDB charges for it) into `current`.

    A write is charged from the item as it was before and as it is after (read back, uncounted, around
    the call), so an update costs its item's whole size and every index it changes in."""

    def __init__(self, shapes: dict[str, TableShape]) -> None:
        self.shapes = shapes
        self.current = Usage()

    def written_keys(self, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
        """(table, key, transactional) of each item the write operation may change."""
        if operation == "PutItem":
            return [(params["TableName"], self.shapes[params["TableName"]].key_of(params["Item"]), False)]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"], False)]
        if operation == "BatchWriteItem":
            keys = []
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        keys.append((table, self.shapes[table].key_of(request["PutRequest"]["Item"]), False))
                    else:
                        keys.append((table, request["DeleteRequest"]["Key"], False))
            return keys
        if operation == "TransactWriteItems":
            keys = []
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                if kind == "ConditionCheck":
                    continue
                key = self.shapes[body["TableName"]].key_of(body["Item"]) if kind == "Put" else body["Key"]
                keys.append((body["TableName"], key, True))
            return keys
        return []

    def charge_writes(
        self,
        written: list[tuple[str, dict[str, Any], bool]],
        before: list[dict[str, Any]],
        after: list[dict[str, Any]],
    ) -> None:
        for (table, _, transactional), old, new in zip(written, before, after, strict=True):
            units = write_units(self.shapes[table], old, new, transactional=transactional)
            self.current.write_units += units
            self.current.extra[f"WRU {table.removeprefix('cost-')}"] += units

    def read(self, items: list[dict[str, Any]], *, consistent: bool, per_item: bool) -> None:
        factor = 1.0 if consistent else 0.5
        if per_item:
            self.current.read_units += sum(math.ceil(max(item_size(i), 1) / 4096) for i in items) * factor
        else:
            self.current.read_units += max(1, math.ceil(sum(item_size(i) for i in items) / 4096)) * factor

    def dynamodb(self, operation: str, params: dict[str, Any], answer: dict[str, Any]) -> None:
        """The reads' units (the writes' are charged around the call)."""
        if operation == "TransactWriteItems":
            # A condition check is charged as a transactional write of the item it checks (2 per 1 KB):
            # the items we check are small, so 2 each.
            checks = sum(1 for entry in params["TransactItems"] if "ConditionCheck" in entry)
            self.current.write_units += 2 * checks
        elif operation == "GetItem":
            self.read([answer.get("Item", {})], consistent=bool(params.get("ConsistentRead")), per_item=True)
        elif operation == "BatchGetItem":
            for table, items in answer.get("Responses", {}).items():
                consistent = bool(params["RequestItems"][table].get("ConsistentRead"))
                self.read(items, consistent=consistent, per_item=True)
        elif operation in ("Query", "Scan"):
            self.read(answer.get("Items", []), consistent=bool(params.get("ConsistentRead")), per_item=False)


@contextmanager
def metering(meter: Meter) -> Iterator[None]:
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def metered(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        written = meter.written_keys(operation, params) if service == "dynamodb" else []

        def images() -> list[dict[str, Any]]:
            return [
                original(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get(
                    "Item", {}
                )
                for table, key, _ in written
            ]

        started = time.perf_counter()  # the images' reads are moto's time too, not the function's
        before = images()
        answer = original(client, operation, params)
        after = images()
        meter.current.aws_seconds += time.perf_counter() - started
        meter.current.calls[f"{service}:{operation}"] += 1
        if service == "dynamodb":
            meter.charge_writes(written, before, after)
            meter.dynamodb(operation, params, answer)
        return answer

    BaseClient._make_api_call = metered  # type: ignore[attr-defined]
    try:
        yield
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the hub on moto


def create_resources(settings_env: dict[str, str]) -> None:
    settings_env.update(create_template_tables("cost"))
    boto3.client("events").create_event_bus(Name="cost-events")
    boto3.client("scheduler").create_schedule_group(Name="cost-tasks")
    boto3.client("secretsmanager").create_secret(
        Name="cost/hpk/callback-secret", SecretString=CALLBACK_SECRET
    )
    settings_env.update(
        EVENT_BUS_NAME="cost-events",
        SCHEDULE_GROUP_NAME="cost-tasks",
        HPK_CALLBACK_SECRET_NAME="cost/hpk/callback-secret",
        SECRETS_PREFIX="cost",
    )


def api_event(method: str, path: str, body: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / "api_base.json").read_text())
    event.update(
        routeKey=f"{method} {path}", rawPath=path, rawQueryString="", body=json.dumps(body) if body else None
    )
    event["requestContext"]["http"].update(method=method, path=path)
    event["requestContext"]["requestId"] = str(uuid.uuid4())
    return event


def webhook_event(path: str, raw_body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    event = api_event("POST", path)
    event["requestContext"].pop("authorizer", None)
    event["body"] = raw_body.decode()
    event["headers"] = {**event["headers"], **{name.lower(): value for name, value in headers.items()}}
    return event


class LambdaContext:
    function_name = "cost-model"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cost-model"
    aws_request_id = "cost-model"
    log_group_name = "/aws/lambda/cost-model"
    log_stream_name = "cost-model"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def load_handler(function: str) -> Callable[[dict[str, Any], Any], Any]:
    import importlib.util

    path = ROOT / "functions" / function / "app.py"
    spec = importlib.util.spec_from_file_location(f"cost_{function}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Callable[[dict[str, Any], Any], Any] = module.lambda_handler
    return handler


@dataclass
class Hub:
    meter: Meter
    hpk: Any
    handlers: dict[str, Callable[[dict[str, Any], Any], Any]]
    invoked: list[tuple[str, str]]
    hpk_ms: float
    usage: Usage = field(default_factory=Usage)

    @contextmanager
    def invocation(self, function: str) -> Iterator[None]:
        """One Lambda invocation: its calls are metered and its billed duration modelled."""
        self.meter.current = Usage()
        logs_before = self.hpk_time()
        started = time.perf_counter()
        try:
            yield
        finally:
            current = self.meter.current
            current.wall_seconds = time.perf_counter() - started
            calls, seconds = self.hpk_time()
            current.hpk_calls, current.hpk_seconds = calls - logs_before[0], seconds - logs_before[1]
            own = max(0.0, current.wall_seconds - current.aws_seconds - current.hpk_seconds)
            modelled = (
                own
                + current.dynamodb_calls * DYNAMODB_CALL_SECONDS
                + current.other_aws_calls * OTHER_AWS_CALL_SECONDS
                + current.hpk_calls * self.hpk_ms / 1000
            )
            # Lambda bills each invocation by the millisecond, at least one.
            current.lambda_seconds = max(0.001, math.ceil(modelled * 1000) / 1000)
            current.lambda_invocations[function] += 1
            self.usage.add(current)

    def hpk_time(self) -> tuple[int, float]:
        return HPK_REQUESTS.count, HPK_REQUESTS.seconds

    def sim(self, path: str, body: Any = None) -> Any:
        response = httpx.post(f"{self.hpk.base_url}{path}", json=body or {})
        assert response.json()["code"] == 0, response.text
        return response.json()["data"]

    def api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        with self.invocation("api"):
            self.usage.extra["HTTP API request"] += 1
            response = self.handlers["api"](api_event(method, path, body), LambdaContext())
        assert response["statusCode"] < 300, response
        answer: dict[str, Any] = json.loads(response["body"])
        return answer

    def run(self, task_id: str, trigger: str) -> None:
        with self.invocation("task_runner"):
            self.handlers["task_runner"]({"task_id": task_id, "trigger": trigger}, LambdaContext())

    def scheduled_run(self, task_id: str) -> None:
        """A schedule fires (and deletes itself), the runner polls."""
        from proxyhub import wiring

        settings = wiring.container().settings
        self.usage.extra["Scheduler invocation"] += 1
        boto3.client("scheduler").delete_schedule(
            Name=f"task-{task_id}", GroupName=settings.schedule_group_name
        )
        self.run(task_id, "schedule")

    def api_get_quietly(self, path: str) -> dict[str, Any]:
        """A look at an order (not part of its life: not counted)."""
        saved, self.meter.current = self.meter.current, Usage()
        try:
            response = self.handlers["api"](api_event("GET", path), LambdaContext())
        finally:
            self.meter.current = saved
        answer: dict[str, Any] = json.loads(response["body"])
        return answer

    def callback_then_run(self, kind: str, proxy_no: str, order_no: str, event: str) -> None:
        """HPK's signed callback arrives (the webhook function wakes the task), then the woken run."""
        from proxyhub.adapters.hpk.signing import signed_callback_headers
        from proxyhub.clock import SystemClock

        before = len(self.invoked)
        raw = json.dumps({"event": event, f"{kind}_no": proxy_no, "reference_no": order_no}).encode()
        with self.invocation("webhooks"):
            self.usage.extra["HTTP API request"] += 1
            headers = signed_callback_headers(CALLBACK_SECRET, raw, SystemClock().now())
            response = self.handlers["webhooks"](
                webhook_event("/hpk/callbacks", raw, headers), LambdaContext()
            )
        assert response["statusCode"] < 300, response
        for task_id, trigger in self.invoked[before:]:
            self.run(task_id, trigger)


class _HpkRequests:
    """Counts the requests that go to the HPK simulator, and how long they took."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.host = ""


HPK_REQUESTS = _HpkRequests()


@contextmanager
def timing_hpk_requests(host: str) -> Iterator[None]:
    original = httpx.HTTPTransport.handle_request
    HPK_REQUESTS.host = host

    def timed(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        if request.url.host != HPK_REQUESTS.host or request.url.path.startswith("/_sim"):
            return original(transport, request)
        started = time.perf_counter()
        try:
            return original(transport, request)
        finally:
            HPK_REQUESTS.count += 1
            HPK_REQUESTS.seconds += time.perf_counter() - started

    httpx.HTTPTransport.handle_request = timed  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        httpx.HTTPTransport.handle_request = original  # type: ignore[method-assign]


# ---------------------------------------------------------------- one order's life


def inbound_life(hub: Hub, order_no: str, polls: int) -> None:
    order = hub.api("POST", "/v1/inbound-orders", inbound(order_no))
    task_id = order["tasks"][0]["task_id"]
    hub.run(task_id, "created")
    for _ in range(polls):
        hub.scheduled_run(task_id)
    proxy_no = hub.api_get_quietly(f"/v1/inbound-orders/{order_no}")["proxy_order_no"]
    hub.sim(f"/_sim/inbound/{proxy_no}/complete")
    hub.callback_then_run("inbound", proxy_no, order_no, "INBOUND_COMPLETED")


def outbound_life(hub: Hub, order_no: str, polls: int) -> None:
    order = hub.api("POST", "/v1/outbound-orders", outbound(order_no))
    task_id = order["tasks"][0]["task_id"]
    hub.run(task_id, "created")
    for _ in range(polls):
        hub.scheduled_run(task_id)
    proxy_no = hub.api_get_quietly(f"/v1/outbound-orders/{order_no}")["proxy_order_no"]
    hub.sim(f"/_sim/outbound/{proxy_no}/advance", {"status": "SHIPPED"})
    hub.callback_then_run("outbound", proxy_no, order_no, "OUTBOUND_SHIPPED")


def inbound(order_no: str) -> dict[str, Any]:
    return {
        "order_no": order_no,
        "inbound_type": "purchase",
        "warehouse_code": "GW-COST",
        "customer_code": "C-COST",
        "items": [{"gsku": "COST-MUG", "qty": 10}, {"gsku": "COST-BOWL", "qty": 6}],
    }


def outbound(order_no: str) -> dict[str, Any]:
    return {
        "order_no": order_no,
        "outbound_type": "transfer_staging",
        "warehouse_code": "GW-COST",
        "customer_code": "C-COST",
        "transfer": {"destination_code": "FBA-ONT8", "fba_shipment_id": "FBA15COST"},
        "items": [{"gsku": "COST-MUG", "qty": 2}],
    }


def seed(hub: Hub) -> None:
    hub.api(
        "POST",
        "/v1/proxy-systems",
        {
            "code": "HPK-COST",
            "name": "HPK",
            "system_type": "HPK",
            "api_endpoint": hub.hpk.base_url,
            "account": "demo",
            "password": "demo-secret",
            "version": "5",
            "enabled": True,
        },
    )
    hub.api(
        "PUT",
        "/v1/proxy-systems/HPK-COST/warehouse-mappings/HPK-WH-COST",
        {"gwms_warehouse_code": "GW-COST", "virtual_putaway_location": "VPA", "defective_location": "DEF"},
    )
    hub.api(
        "PUT",
        "/v1/customers/C-COST",
        {"name": "Cost", "account_status": "open", "warehouse_codes": ["GW-COST"]},
    )
    for gsku in ("COST-MUG", "COST-BOWL"):
        hub.api(
            "PUT",
            f"/v1/skus/{gsku}",
            {"name": gsku, "spec": "standard", "weight_kg": 0.5, "customer_code": "C-COST"},
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=20, help="inbound orders, and as many outbound")
    parser.add_argument("--polls", type=int, default=8, help="polls that find HPK still busy, per order")
    parser.add_argument("--hpk-ms", type=float, default=200, help="an HPK call's time in production")
    args = parser.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="cost",
        AWS_SECRET_ACCESS_KEY="cost",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    from proxyhub_dev.local.moto_trims import apply_moto_trims
    from proxyhub_dev.simulators.hpk import HpkSimulator

    apply_moto_trims()
    with mock_aws(), HpkSimulator(port=0) as hpk, timing_hpk_requests("127.0.0.1"):
        settings_env: dict[str, str] = {}
        create_resources(settings_env)
        os.environ.update(settings_env)
        from proxyhub import wiring
        from proxyhub.observability import logger

        logger.setLevel("WARNING")
        wiring.clear_overrides()
        invoked: list[tuple[str, str]] = []

        class RecordingInvoker:
            def run_async(self, task_id: str, trigger: Any, **_: Any) -> None:
                invoked.append((task_id, trigger.value))

        wiring.override(task_invoker=RecordingInvoker())
        handlers = {name: load_handler(name) for name in ("api", "task_runner", "webhooks")}
        meter = Meter(table_shapes())
        hub = Hub(meter, hpk, handlers, invoked, args.hpk_ms)
        with metering(meter):
            seed(hub)
            hub.usage = Usage()
            for number in range(1, args.orders + 1):
                inbound_life(hub, f"COST-IN-{number:04d}", args.polls)
            inbound_usage, hub.usage = hub.usage, Usage()
            for number in range(1, args.orders + 1):
                outbound_life(hub, f"COST-OUT-{number:04d}", args.polls)
            outbound_usage = hub.usage
    report(args, inbound_usage, outbound_usage)


def costs(usage: Usage, orders: int) -> dict[str, tuple[float, float]]:
    """(quantity, dollars) per 1,000 orders, by price line."""
    scale = 1000 / orders
    quantities = {
        "Lambda GB-second (arm64)": usage.lambda_seconds * MEMORY_GB,
        "Lambda request": float(sum(usage.lambda_invocations.values())),
        "DynamoDB write request unit": usage.write_units,
        "DynamoDB read request unit": usage.read_units,
        "HTTP API request": float(usage.extra["HTTP API request"]),
        "Scheduler invocation": float(usage.extra["Scheduler invocation"]),
        "Step Functions state transition": 0.0,
        "EventBridge event": float(usage.calls["events:PutEvents"]),
        "Secrets Manager API call": float(usage.calls["secretsmanager:GetSecretValue"]),
    }
    return {name: (amount * scale, amount * scale * PRICES[name]) for name, amount in quantities.items()}


def report(args: argparse.Namespace, inbound_usage: Usage, outbound_usage: Usage) -> None:
    print(
        f"per 1,000 orders: {args.orders} inbound and {args.orders} outbound measured, {args.polls} busy polls "
        f"each, HPK at {args.hpk_ms:.0f} ms a call"
    )
    total = 0.0
    for title, usage in (
        ("inbound (create, push, polls, callback, putaway)", inbound_usage),
        ("outbound (create, push, polls, callback, shipment)", outbound_usage),
    ):
        lines = costs(usage, args.orders)
        subtotal = sum(dollars for _, dollars in lines.values())
        total += subtotal / 2
        invocations = ", ".join(
            f"{name} {count / args.orders:.1f}" for name, count in sorted(usage.lambda_invocations.items())
        )
        print(f"\n{title}: ${subtotal:.4f} per 1,000")
        print(
            f"  per order: {usage.dynamodb_calls / args.orders:.1f} DynamoDB calls, "
            f"{usage.write_units / args.orders:.1f} WRU, {usage.read_units / args.orders:.1f} RRU, "
            f"{usage.lambda_seconds / args.orders * 1000:.0f} ms of Lambda ({invocations})"
        )
        for name, (amount, dollars) in lines.items():
            print(f"  {name:34} {amount:>12,.1f}  ${dollars:.5f}")
        by_table = {name: count for name, count in usage.extra.items() if name.startswith("WRU ")}
        print(
            "  write units by table, per order: "
            + ", ".join(
                f"{name[4:]} {count / args.orders:.1f}"
                for name, count in sorted(by_table.items(), key=lambda kv: -kv[1])
            )
        )
    verdict = "met" if total <= 0.10 else "MISSED"
    print(f"\ntotal, half inbound and half outbound: ${total:.4f} per 1,000 orders (goal ≤ $0.10: {verdict})")


if __name__ == "__main__":
    main()
