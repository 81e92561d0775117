"""The hub on moto in this process, with the HPK simulator over 127.0.0.1: what bench/race.py and
bench/soak.py (and their CI-sized tests) drive through the real engine, executors and repositories.

Tables come from template.yaml; schedules, asynchronous invokes and the cancel state machine are left
out (the scripts trigger every run themselves), and domain events are counted instead of published.
"""

import os

# Quiet handlers: set before proxyhub's logger is created on import.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws
from template_tables import create_template_tables

from proxyhub import wiring
from proxyhub.models.config import CustomerInput, ProxySystemCreate, SkuInput, WarehouseMappingInput
from proxyhub.request_log import RequestLogRecord, RequestLogSink
from proxyhub.wiring.container import Container
from proxyhub_dev.local.moto_trims import apply_moto_trims
from proxyhub_dev.simulators.hpk import DEFAULT_ACCOUNT, DEFAULT_PASSWORD, HpkSimulator

ROOT = Path(__file__).resolve().parents[1]
SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, CUSTOMER = "HPK-RACE", "HPK-WH1", "GW-RACE", "C-RACE"
PUTAWAY, DEFECTIVE = "HPK-VPA", "HPK-DEF"
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
}


class Quiet:
    """Scheduler, invoker, mapping schedules and cancel backoff that do nothing: the scripts trigger."""

    def schedule_next_run(self, task_id: str, at: datetime, **options: Any) -> None:
        pass

    def cancel_schedule(self, task_id: str) -> None:
        pass

    def run_async(self, task_id: str, trigger: Any) -> None:
        pass

    def mapping_saved(self, mapping: Any) -> None:
        pass

    def mapping_deleted(self, mapping: Any) -> None:
        pass

    def start(self, task_id: str, waits: Any, **options: Any) -> str:
        return f"execution-{task_id}"


@dataclass
class CountingEvents:
    published: Counter[str] = field(default_factory=Counter)

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        self.published[detail_type] += 1


class CountingRequestLog:
    """Counts HPK exchanges per (api name, order no) and keeps only the last records; the scripts ask
    "how often was this order pushed" of it, and of the simulator."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str | None]] = Counter()
        self.errors: Counter[str] = Counter()

    def record(self, entry: RequestLogRecord) -> None:
        self.calls[(entry.api_name, entry.order_no)] += 1
        if entry.error:
            self.errors[entry.error.split(":")[0]] += 1


@dataclass
class MotoHub:
    components: Container
    hpk: HpkSimulator
    events: CountingEvents
    hpk_log: CountingRequestLog

    def ledger_by_order(self) -> Counter[str]:
        """Units on the dedicated locations per local inbound order, read from the table itself."""
        table = boto3.resource("dynamodb").Table(self.components.settings.inventory_table_name)
        totals: Counter[str] = Counter()
        for item in _scan(table):
            if "local_inbound_no" in item and "quantity" in item and "location" in item:
                totals[str(item["local_inbound_no"])] += int(item["quantity"])
        return totals


def _scan(table: Any) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@contextmanager
def moto_hub(**simulator_options: Any) -> Iterator[MotoHub]:
    """A configured hub (proxy system, complete mapping, open customer) on a fresh moto and simulator."""
    # As the local stack does: one DynamoDB request at a time, transactions back up touched items only.
    apply_moto_trims()
    saved = {name: os.environ.get(name) for name in FAKE_AWS}
    os.environ.update(FAKE_AWS)
    try:
        with mock_aws(), HpkSimulator(port=0, **simulator_options) as hpk:
            os.environ.update(create_template_tables("bench"))
            os.environ["SECRETS_PREFIX"] = "bench"
            wiring.clear_overrides()
            events, hpk_log, quiet = CountingEvents(), CountingRequestLog(), Quiet()
            components = wiring.override(
                task_scheduler=quiet,
                task_invoker=quiet,
                mapping_schedules=quiet,
                cancel_backoff=quiet,
                domain_events=events,
                request_log_store=_TeeLog(hpk_log, wiring.container().request_log_store),
            )
            _configure(components, hpk.base_url)
            yield MotoHub(components, hpk, events, hpk_log)
            wiring.clear_overrides()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _TeeLog:
    """Counts every exchange and stores it as the stack would (the request-log reader still works)."""

    def __init__(self, counter: CountingRequestLog, store: Any) -> None:
        self._counter = counter
        self._store = store

    def record(self, entry: RequestLogRecord) -> None:
        self._counter.record(entry)
        self._store.record(entry)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _configure(components: Container, hpk_url: str) -> None:
    config = components.config_service
    config.create_proxy_system(
        ProxySystemCreate(
            code=SYSTEM,
            name="HPK race",
            system_type="HPK",
            api_endpoint=hpk_url,
            account=DEFAULT_ACCOUNT,
            password=DEFAULT_PASSWORD,
            version="5",
        )
    )
    config.put_warehouse_mapping(
        SYSTEM,
        PROXY_WAREHOUSE,
        WarehouseMappingInput(
            gwms_warehouse_code=WAREHOUSE, virtual_putaway_location=PUTAWAY, defective_location=DEFECTIVE
        ),
    )
    config.put_customer(
        CUSTOMER, CustomerInput(name="Race", account_status="open", warehouse_codes=[WAREHOUSE])
    )


def put_skus(components: Container, gskus: list[str]) -> None:
    for gsku in gskus:
        components.config_service.put_sku(gsku, SkuInput(name=f"Item {gsku}", spec="1 pc", weight_kg=0.5))


__all__ = ["CUSTOMER", "WAREHOUSE", "MotoHub", "RequestLogSink", "moto_hub", "put_skus"]
