"""Inventory sync end to end: the HPK simulator over 127.0.0.1, the task engine and the ledger on moto."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import fakes
from fakes import ListRequestLogSink, RecordingEvents
from proxyhub.adapters.hpk.client import HpkClient
from proxyhub.clock import to_iso
from proxyhub.config.service import ConfigService
from proxyhub.dal.task_repository import DynamoTaskRepository
from proxyhub.errors import ConflictError
from proxyhub.inventory.executor import InventorySyncExecutor
from proxyhub.inventory.service import InventorySyncService
from proxyhub.inventory.sync_pass import RUN_RESERVE
from proxyhub.models.config import ProxySystemCreate, SkuInput, WarehouseMappingInput
from proxyhub.models.inventory import BatchKey, Correction
from proxyhub.models.tasks import BusinessType, Route, Task, TaskStatus, TaskType, Trigger
from proxyhub.proxy.ports import ProxyConnection
from proxyhub.settings import Settings
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.executors import ExecutionContext, ExecutorRegistry
from proxyhub.tasks.outcomes import Done, NotYet, Outcome
from proxyhub.wiring.container import Container
from proxyhub_dev.simulators.hpk import DEFAULT_ACCOUNT, DEFAULT_PASSWORD, HpkSimulator

pytestmark = pytest.mark.integration

SYSTEM, PROXY_WAREHOUSE, WAREHOUSE = "HPK01", "HPK-LA1", "GW-LA"
PUTAWAY, DEFECTIVE = "HPK-VPA", "HPK-DEF"
NOW = datetime(2026, 6, 4, 8, 0, tzinfo=UTC)
INBOUND_AT = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
MINUS = "\N{MINUS SIGN}"
SKUS = [f"SKU-{n}" for n in range(1, 9)]


class FixedClock:
    def now(self) -> datetime:
        return NOW


def hpk_batch(
    sku: str = "SKU-1",
    inbound_no: str = "HPKI-1",
    reference_no: str | None = "IB-1",
    *,
    defective: bool = False,
    available: int = 10,
    locked: int = 0,
    inbound_at: datetime = INBOUND_AT,
) -> dict[str, Any]:
    return {
        "sku": sku,
        "inventory_type": "DEFECTIVE" if defective else "QUALIFIED",
        "inbound_no": inbound_no,
        "reference_no": reference_no,
        "inbound_at": to_iso(inbound_at),
        "available_qty": available,
        "locked_qty": locked,
    }


def batch_key(
    sku: str = "SKU-1", inbound_no: str = "HPKI-1", reference_no: str = "IB-1", *, defective: bool = False
) -> BatchKey:
    return BatchKey(
        gwms_warehouse_code=WAREHOUSE,
        gsku=sku,
        inventory_type="defective" if defective else "qualified",
        proxy_inbound_no=inbound_no,
        local_inbound_no=reference_no,
        inbound_at=INBOUND_AT,
    )


@dataclass
class Hub:
    """One deployment's composition root, with a fixed clock and recording fakes."""

    components: Container
    events: RecordingEvents
    simulator: HpkSimulator
    seeded: int = 0
    # The invocation's time left, as the task runner passes Lambda's; None: runs are not cut short.
    remaining_ms: Callable[[], int] | None = None

    @property
    def settings(self) -> Settings:
        return self.components.settings

    @property
    def config(self) -> ConfigService:
        return self.components.config_service

    @property
    def engine(self) -> TaskEngine:
        return self.components.task_engine

    @property
    def tasks(self) -> DynamoTaskRepository:
        return self.components.task_repository

    @property
    def registry(self) -> ExecutorRegistry:
        return self.components.executor_registry

    @property
    def service(self) -> InventorySyncService:
        return self.components.inventory_sync_service

    def seed_hpk(self, *batches: dict[str, Any]) -> None:
        self.simulator.control.seed_inventory(PROXY_WAREHOUSE, list(batches))

    def hold(self, key: BatchKey, quantity: int, location: str | None = None) -> None:
        self.seeded += 1
        where = location or (DEFECTIVE if key.inventory_type == "defective" else PUTAWAY)
        self.components.stock_ledger.apply_corrections(
            f"seed-{self.seeded}",
            [Correction(key, where, 0, quantity)],
            NOW,
            task_id="seed",
            block_id=f"{self.seeded:04d}",
            gwms_warehouse_code=WAREHOUSE,
        )

    def ledger(self) -> dict[BatchKey, tuple[str, int]]:
        batches = self.components.stock_ledger.batches(WAREHOUSE)
        return {batch.key: (batch.location, batch.quantity) for batch in batches}

    def start(self) -> Task:
        return self.service.start(SYSTEM, PROXY_WAREHOUSE)

    def run(self, task: Task, trigger: Trigger = Trigger.CREATED) -> Task:
        self.engine.run_task(task.task_id, trigger, remaining_ms=self.remaining_ms)
        stored = self.tasks.get(task.task_id)
        assert stored is not None
        return stored

    def sync(self) -> Task:
        return self.run(self.start())

    def adjustments(self, task: Task) -> list[tuple[str, int, int, int]]:
        return sorted(
            (c.key.gsku, c.before, c.after, c.delta)
            for c in self.components.stock_ledger.corrections_of(task.task_id)
        )

    def hpk_records(self) -> list[dict[str, Any]]:
        connection = ProxyConnection(SYSTEM, self.simulator.base_url, DEFAULT_ACCOUNT, DEFAULT_PASSWORD, "5")
        with HpkClient(connection, ListRequestLogSink()) as client:
            return [
                {
                    "proxy_sku": batch.sku,
                    "available": batch.available,
                    "locked": batch.locked,
                    "total": batch.total,
                    "inventory_type": batch.inventory_type,
                    "proxy_inbound_no": batch.proxy_inbound_no,
                    "local_inbound_no": batch.local_inbound_no,
                    "inbound_at": to_iso(batch.inbound_at),
                }
                for page in client.iter_inventory(PROXY_WAREHOUSE)
                for batch in page
            ]


@pytest.fixture
def simulator() -> Iterator[HpkSimulator]:
    with HpkSimulator(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def make_hub(aws: Settings, simulator: HpkSimulator) -> Callable[..., Hub]:
    def make(*, one_page_per_run: bool = False, **settings_overrides: Any) -> Hub:
        components = Container(aws.model_copy(update=settings_overrides))
        # Only inventory sync's executor: tests script the flows whose tasks a sync runs first.
        components.install_production_executors = False
        components.clock = FixedClock()
        components.task_scheduler = fakes.RecordingScheduler()
        components.task_invoker = fakes.RecordingInvoker()
        components.mapping_schedules = fakes.RecordingMappingSchedules()
        components.domain_events = events = RecordingEvents()
        components.executor_registry.register(
            TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, InventorySyncExecutor(components.inventory_sync)
        )
        config = components.config_service
        config.create_proxy_system(
            ProxySystemCreate(
                code=SYSTEM,
                name="HPK",
                system_type="HPK",
                api_endpoint=simulator.base_url,
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
        for sku in SKUS:
            config.put_sku(sku, SkuInput(name=sku, local_sku=f"L-{sku}"))
        # The clock stands still: an invocation with just the sync's reserve left reads one page per run.
        remaining_ms = (lambda: int(RUN_RESERVE.total_seconds() * 1000)) if one_page_per_run else None
        return Hub(components, events, simulator, remaining_ms=remaining_ms)

    return make


@pytest.fixture
def hub(make_hub: Callable[..., Hub]) -> Hub:
    return make_hub()


def test_locked_stock_is_part_of_the_total_so_an_available_only_ledger_is_corrected(hub: Hub) -> None:
    # Given HPK holds 80 available + 20 locked of a batch, another 50 + 50 of a second one,
    # and the ledger has 80 of the first and the full 100 of the second
    hub.seed_hpk(
        hpk_batch("SKU-1", available=80, locked=20),
        hpk_batch("SKU-2", "HPKI-2", "IB-2", available=50, locked=50),
    )
    hub.hold(batch_key("SKU-1"), 80)
    hub.hold(batch_key("SKU-2", "HPKI-2", "IB-2"), 100)
    # When the warehouse is synced
    task = hub.sync()
    # Then only the first batch moves, to its total of 100, within the same run
    assert task.status is TaskStatus.SUCCESS
    assert task.execution_summary == f"2 batches compared, 1 corrected (+20 / {MINUS}0), 0 unmatched SKUs"
    assert hub.ledger() == {
        batch_key("SKU-1"): (PUTAWAY, 100),
        batch_key("SKU-2", "HPKI-2", "IB-2"): (PUTAWAY, 100),
    }
    assert hub.adjustments(task) == [("SKU-1", 80, 100, 20)]


def test_one_inventory_corrected_event_per_task_and_none_without_corrections(hub: Hub) -> None:
    # Given two discrepancies
    hub.seed_hpk(hpk_batch("SKU-1", available=5), hpk_batch("SKU-2", "HPKI-2", "IB-2", available=7))
    # When the warehouse is synced twice
    first = hub.sync()
    hub.sync()
    # Then one event describes both corrections of the first task; the second task corrects nothing
    assert [detail_type for detail_type, _ in hub.events.published] == ["InventoryCorrected"]
    detail = hub.events.published[0][1]
    assert (detail["task_id"], detail["corrected"], detail["units_added"]) == (first.task_id, 2, 12)
    assert sorted(c["gsku"] for c in detail["corrections"]) == ["SKU-1", "SKU-2"]
    assert detail["corrections_truncated"] is False


def test_an_unmatched_sku_is_reported_kept_in_the_snapshot_and_corrects_nothing(hub: Hub) -> None:
    # Given HPK lists a SKU we have no master data for
    hub.seed_hpk(hpk_batch("GHOST", "HPKI-9", "IB-9", available=4), hpk_batch("SKU-1", available=3))
    hub.hold(batch_key("SKU-1"), 3)
    # When the warehouse is synced
    task = hub.sync()
    # Then the summary counts it, the ledger is untouched and the snapshot shows it without a GSKU
    assert task.execution_summary == f"1 batch compared, 0 corrected (+0 / {MINUS}0), 1 unmatched SKU"
    assert hub.ledger() == {batch_key("SKU-1"): (PUTAWAY, 3)}
    entries, _ = hub.service.snapshot(task.task_id, 10, None)
    ghost = next(entry.line for entry in entries if entry.line.proxy_sku == "GHOST")
    assert (ghost.gsku, ghost.local_sku, ghost.total) == (None, None, 4)


def test_a_batch_on_one_side_only_is_created_or_zeroed(hub: Hub) -> None:
    # Given a batch only HPK has and one only we have
    hub.seed_hpk(hpk_batch("SKU-1", available=6, locked=2))
    hub.hold(batch_key("SKU-3", "HPKI-3", "IB-3"), 9)
    # When the warehouse is synced
    task = hub.sync()
    # Then ours is created with HPK's total and theirs-lacking is zeroed
    assert hub.ledger() == {
        batch_key("SKU-1"): (PUTAWAY, 8),
        batch_key("SKU-3", "HPKI-3", "IB-3"): (PUTAWAY, 0),
    }
    assert hub.adjustments(task) == [("SKU-1", 0, 8, 8), ("SKU-3", 9, 0, -9)]
    assert task.execution_summary == f"2 batches compared, 2 corrected (+8 / {MINUS}9), 0 unmatched SKUs"


def test_defective_stock_is_corrected_on_the_defective_location(hub: Hub) -> None:
    # Given HPK's defective batch of 2 and a qualified one of the same inbound, the ledger has 5 defective
    hub.seed_hpk(hpk_batch("SKU-1", defective=True, available=2), hpk_batch("SKU-1", available=10))
    hub.hold(batch_key("SKU-1", defective=True), 5)
    hub.hold(batch_key("SKU-1"), 10)
    # When the warehouse is synced
    hub.sync()
    # Then the defective location drops to 2; the qualified batch is unchanged
    assert hub.ledger() == {
        batch_key("SKU-1", defective=True): (DEFECTIVE, 2),
        batch_key("SKU-1"): (PUTAWAY, 10),
    }


def test_batches_on_other_locations_are_never_touched(hub: Hub) -> None:
    # Given a batch HPK lists differently and one HPK lacks, both held on a general location
    hub.seed_hpk(hpk_batch("SKU-1", available=10))
    hub.hold(batch_key("SKU-1"), 4, location="A-01-01")
    hub.hold(batch_key("SKU-2", "HPKI-2", "IB-2"), 6, location="A-01-02")
    # When the warehouse is synced
    task = hub.sync()
    # Then neither moves
    assert hub.ledger() == {
        batch_key("SKU-1"): ("A-01-01", 4),
        batch_key("SKU-2", "HPKI-2", "IB-2"): ("A-01-02", 6),
    }
    assert hub.adjustments(task) == []


def test_the_snapshot_is_what_hpk_returned_paged_through_the_api(
    make_hub: Callable[..., Hub], api: Callable[..., tuple[int, Any]]
) -> None:
    # Given seven batches over three HPK pages, one of an unknown SKU and one without our inbound number
    hub = make_hub(inventory_sync_page_size=3)
    hub.seed_hpk(
        *(hpk_batch(f"SKU-{n}", f"HPKI-{n}", f"IB-{n}", available=n, locked=n % 3) for n in range(1, 6)),
        hpk_batch("GHOST", "HPKI-9", "IB-9", defective=True, available=1, locked=1),
        hpk_batch("SKU-6", "HPKI-6", None, available=2),
    )
    task = hub.sync()
    # When the operator pages through the snapshot two lines at a time
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        status, body = api("GET", f"/v1/tasks/{task.task_id}/inventory-snapshot", query=query)
        assert status == 200, body
        items.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    # Then every line is what HPK listed, in HPK's order, with our codes and one snapshot time
    assert pages == 4
    hpk_fields = ("proxy_sku", "available", "locked", "total", "inventory_type", "proxy_inbound_no")
    shown = [{name: item[name] for name in (*hpk_fields, "local_inbound_no", "inbound_at")} for item in items]
    assert shown == hub.hpk_records()
    assert {
        (item["snapshot_at"], item["gwms_warehouse_code"], item["proxy_warehouse_code"]) for item in items
    } == {(to_iso(NOW), WAREHOUSE, PROXY_WAREHOUSE)}
    assert [(item["gsku"], item["local_sku"]) for item in items][:2] == [
        ("SKU-1", "L-SKU-1"),
        ("SKU-2", "L-SKU-2"),
    ]
    assert items[5]["gsku"] is None


def test_the_adjustments_are_the_corrections_with_hpk_quantities_paged_through_the_api(
    make_hub: Callable[..., Hub], api: Callable[..., tuple[int, Any]]
) -> None:
    # Given a ledger that disagrees with HPK on three batches over two HPK pages, and holds one HPK lost
    hub = make_hub(inventory_sync_page_size=2)
    hub.hold(batch_key("SKU-1", "HPKI-1", "IB-1"), 4)
    hub.hold(batch_key("SKU-2", "HPKI-2", "IB-2", defective=True), 9)
    hub.hold(batch_key("SKU-3", "HPKI-3", "IB-3"), 3)
    hub.hold(batch_key("SKU-4", "HPKI-4", "IB-4"), 6)
    hub.seed_hpk(
        hpk_batch("SKU-1", "HPKI-1", "IB-1", available=7, locked=3),
        hpk_batch("SKU-2", "HPKI-2", "IB-2", defective=True, available=1, locked=1),
        hpk_batch("SKU-3", "HPKI-3", "IB-3", available=3),
        hpk_batch("SKU-5", "HPKI-5", "IB-5", available=0, locked=5),
    )
    task = hub.sync()

    def paged(limit: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
            status, body = api("GET", f"/v1/tasks/{task.task_id}/adjustments", query=query)
            assert status == 200, body
            items.extend(body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                return items

    # When the operator pages through the adjustments tab, one row, two or three at a time
    items = paged(2)
    assert paged(1) == items == paged(3)
    # Then each row is one correction the sync made: the batch, its location, before and after, and
    # HPK's available and locked behind "after"
    shown = sorted(
        (
            item["gsku"],
            item["location"],
            item["before"],
            item["after"],
            item["delta"],
            item["available"],
            item["locked"],
        )
        for item in items
    )
    assert shown == [
        ("SKU-1", PUTAWAY, 4, 10, 6, 7, 3),
        ("SKU-2", DEFECTIVE, 9, 2, -7, 1, 1),
        ("SKU-4", PUTAWAY, 6, 0, -6, 0, 0),
        ("SKU-5", PUTAWAY, 0, 5, 5, 0, 5),
    ]
    assert [tuple(row[:5]) for row in shown] == [
        (gsku, location, before, after, delta)
        for gsku, location, before, after, delta in sorted(
            (c.key.gsku, c.location, c.before, c.after, c.delta)
            for c in hub.components.stock_ledger.corrections_of(task.task_id)
        )
    ]
    assert {(item["gwms_warehouse_code"], item["inbound_at"]) for item in items} == {
        (WAREHOUSE, to_iso(INBOUND_AT))
    }
    # And the adjustments of a task that is no inventory sync are not found
    other = hub.engine.create_task(
        TaskType.CREATE, BusinessType.INBOUND, Route(WAREHOUSE, PROXY_WAREHOUSE, SYSTEM)
    )
    assert api("GET", f"/v1/tasks/{other.task_id}/adjustments")[0] == 404
    assert api("GET", f"/v1/tasks/{task.task_id}/adjustments", query={"cursor": "bm9wZQ"})[0] == 422


def test_the_snapshot_of_an_unknown_or_other_task_is_not_found(
    hub: Hub, api: Callable[..., tuple[int, Any]]
) -> None:
    other = hub.engine.create_task(
        TaskType.CREATE, BusinessType.INBOUND, Route(WAREHOUSE, PROXY_WAREHOUSE, SYSTEM)
    )
    for task_id in ("nope", other.task_id):
        status, body = api("GET", f"/v1/tasks/{task_id}/inventory-snapshot")
        assert status == 404, body


def test_a_rerun_with_unchanged_stock_corrects_nothing(hub: Hub) -> None:
    # Given a first sync that corrected three batches
    hub.seed_hpk(hpk_batch("SKU-1", available=3), hpk_batch("SKU-2", "HPKI-2", "IB-2", available=4, locked=1))
    hub.hold(batch_key("SKU-3", "HPKI-3", "IB-3"), 2)
    hub.sync()
    corrected = hub.ledger()
    # When the warehouse is synced again
    again = hub.sync()
    # Then nothing changes (the zeroed batch holds nothing left to compare)
    assert again.execution_summary == f"2 batches compared, 0 corrected (+0 / {MINUS}0), 0 unmatched SKUs"
    assert hub.ledger() == corrected
    assert hub.adjustments(again) == []


def test_a_run_repeated_after_a_crash_never_corrects_twice(make_hub: Callable[..., Hub]) -> None:
    # Given a sync whose first run stopped after page 1 (budget 0: one page per run)
    hub = make_hub(inventory_sync_page_size=2, one_page_per_run=True)
    hub.seed_hpk(*(hpk_batch(f"SKU-{n}", f"HPKI-{n}", f"IB-{n}", available=n) for n in range(1, 5)))
    task = hub.run(hub.start())
    assert task.status is TaskStatus.WAITING
    before_page_2 = hub.components.snapshots.load_progress(task.task_id)
    assert before_page_2 is not None
    # When page 2 is corrected, an older progress is saved as if the run had died before its own
    # (a page and the progress after it are written together, so the page's wins), and it runs again
    hub.run(task, Trigger.SYNC_NOW)
    hub.components.snapshots.save_progress(task.task_id, before_page_2, NOW + timedelta(days=1))
    for _ in range(3):
        task = hub.run(task, Trigger.SYNC_NOW)
        if task.status is TaskStatus.SUCCESS:
            break
    # Then every batch was corrected exactly once
    assert task.status is TaskStatus.SUCCESS
    assert {key.gsku: quantity for key, (_, quantity) in hub.ledger().items()} == {
        "SKU-1": 1,
        "SKU-2": 2,
        "SKU-3": 3,
        "SKU-4": 4,
    }
    assert hub.adjustments(task) == [(f"SKU-{n}", 0, n, n) for n in range(1, 5)]
    assert task.execution_summary == f"4 batches compared, 4 corrected (+10 / {MINUS}0), 0 unmatched SKUs"


@pytest.mark.parametrize("lines", [3, 4])
def test_listing_page_boundaries(make_hub: Callable[..., Hub], lines: int) -> None:
    # Given exactly one page of lines (3), or one more (4), and the ledger holding one batch HPK lacks
    hub = make_hub(inventory_sync_page_size=3)
    hub.seed_hpk(*(hpk_batch(f"SKU-{n}", f"HPKI-{n}", f"IB-{n}", available=n) for n in range(1, lines + 1)))
    for n in range(1, lines + 1):
        hub.hold(batch_key(f"SKU-{n}", f"HPKI-{n}", f"IB-{n}"), n)
    hub.hold(batch_key("SKU-8", "HPKI-8", "IB-8"), 5)
    # When the warehouse is synced
    task = hub.sync()
    # Then every listed line is compared and kept, and only the batch HPK lacks is corrected
    entries, _ = hub.service.snapshot(task.task_id, 100, None)
    assert [entry.line.proxy_sku for entry in entries] == [f"SKU-{n}" for n in range(1, lines + 1)]
    assert hub.adjustments(task) == [("SKU-8", 5, 0, -5)]
    assert task.execution_summary == (
        f"{lines + 1} batches compared, 1 corrected (+0 / {MINUS}5), 0 unmatched SKUs"
    )


def test_a_warehouse_too_large_for_one_run_continues_in_the_next_runs_as_one_task(
    make_hub: Callable[..., Hub],
) -> None:
    # Given five lines, pages of two, and a run budget that ends each run after one page
    hub = make_hub(inventory_sync_page_size=2, one_page_per_run=True)
    hub.seed_hpk(*(hpk_batch(f"SKU-{n}", f"HPKI-{n}", f"IB-{n}", available=1) for n in range(1, 6)))
    task = hub.start()
    # When the task runs until it finishes
    runs: list[tuple[TaskStatus, str | None]] = []
    while task.status is not TaskStatus.SUCCESS and len(runs) < 5:
        task = hub.run(task, Trigger.SYNC_NOW)
        runs.append((task.status, task.execution_summary))
    # Then each run read one page and said so, and the last one finished the pass
    assert runs[0] == (
        TaskStatus.WAITING,
        "Continues in the next run: 2 lines read, 2 batches compared so far",
    )
    assert task.status is TaskStatus.SUCCESS
    assert task.execution_summary == f"5 batches compared, 5 corrected (+5 / {MINUS}0), 0 unmatched SKUs"
    entries, _ = hub.service.snapshot(task.task_id, 100, None)
    assert len(entries) == 5


def test_unfinished_inbound_and_outbound_tasks_run_first_and_those_left_are_reported(hub: Hub) -> None:
    # Given an inbound task that finishes when run, an outbound one that keeps waiting, and another
    # warehouse's task
    ran: list[str] = []

    def executor(outcome: Outcome) -> Any:
        class Scripted:
            def execute(self, task: Task, context: ExecutionContext) -> Outcome:
                ran.append(task.order_no or "")
                return outcome

        return Scripted()

    hub.registry.register(TaskType.CREATE, BusinessType.INBOUND, executor(Done("Put away")))
    hub.registry.register(TaskType.CREATE, BusinessType.OUTBOUND, executor(NotYet("Waiting to ship")))
    route = Route(WAREHOUSE, PROXY_WAREHOUSE, SYSTEM)
    hub.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, route, order_no="IB-1")
    hub.engine.create_task(TaskType.CREATE, BusinessType.OUTBOUND, route, order_no="OB-1")
    hub.engine.create_task(
        TaskType.CREATE, BusinessType.INBOUND, Route("GW-NY", "HPK-NY1", SYSTEM), order_no="IB-NY"
    )
    # When the warehouse is synced
    task = hub.sync()
    # Then both of its tasks ran once, and the one still unfinished is named
    assert sorted(ran) == ["IB-1", "OB-1"]
    assert task.status is TaskStatus.SUCCESS
    assert task.execution_summary == (
        f"0 batches compared, 0 corrected (+0 / {MINUS}0), 0 unmatched SKUs; "
        "1 inbound/outbound task still unfinished: OB-1 (waiting)"
    )


def test_a_second_sync_of_the_warehouse_is_refused_while_one_runs(hub: Hub) -> None:
    # Given a sync that has not run yet
    first = hub.start()
    # When another is asked for
    with pytest.raises(ConflictError) as refused:
        hub.start()
    # Then the refusal names the running task; once it has finished, a new sync may start
    assert (
        str(refused.value)
        == f"Inventory sync task {first.task_id} is already running for warehouse {WAREHOUSE}"
    )
    hub.run(first)
    assert hub.start().task_id != first.task_id


def test_a_sync_that_lost_the_warehouse_to_another_stands_down(hub: Hub) -> None:
    # Given a sync task created outside the trigger while another holds the warehouse
    holder = hub.start()
    stray = hub.engine.create_task(
        TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, Route(WAREHOUSE, PROXY_WAREHOUSE, SYSTEM)
    )
    # When it runs
    stray = hub.run(stray)
    # Then it cancels itself, naming the holder
    assert stray.status is TaskStatus.CANCELLED
    assert (
        stray.execution_summary
        == f"Inventory sync task {holder.task_id} is already running for this warehouse"
    )


def test_the_sync_api_starts_a_task_or_explains_the_conflict(
    hub: Hub, api: Callable[..., tuple[int, Any]]
) -> None:
    path = f"/v1/proxy-systems/{SYSTEM}/warehouse-mappings/{PROXY_WAREHOUSE}/inventory-sync"
    # Given a complete mapping: the sync starts
    status, body = api("POST", path)
    assert status == 202, body
    started = body["task_id"]
    # While it runs, a second request is refused naming it
    status, body = api("POST", path)
    assert (status, body["message"]) == (
        409,
        f"Inventory sync task {started} is already running for warehouse {WAREHOUSE}",
    )
    # Without a defective location, or without either dedicated location, the sync is refused
    for locations, message in (
        ({"virtual_putaway_location": PUTAWAY}, "Defective location not configured"),
        ({"defective_location": DEFECTIVE}, "Virtual putaway location not configured"),
    ):
        mapping = WarehouseMappingInput(gwms_warehouse_code=WAREHOUSE, **locations)
        hub.config.put_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE, mapping)
        status, body = api("POST", path)
        assert (status, body["message"]) == (409, message)
    # And an unknown mapping is not found
    status, _ = api("POST", f"/v1/proxy-systems/{SYSTEM}/warehouse-mappings/NOPE/inventory-sync")
    assert status == 404


def test_a_sync_whose_mapping_lost_a_location_needs_manual_handling(hub: Hub) -> None:
    task = hub.start()
    hub.config.put_warehouse_mapping(
        SYSTEM,
        PROXY_WAREHOUSE,
        WarehouseMappingInput(gwms_warehouse_code=WAREHOUSE, defective_location=DEFECTIVE),
    )
    task = hub.run(task)
    assert (task.status, task.error_message) == (TaskStatus.MANUAL, "Virtual putaway location not configured")
