"""Inventory sync on in-memory fakes, run by the real task engine: the executor and its pass against a
fake proxy warehouse listing, the ledger and the snapshot store; and the refusals of starting a sync."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from fakes.hub import (
    DEFECTIVE_LOCATION,
    PROXY_WAREHOUSE,
    PUTAWAY_LOCATION,
    SYSTEM,
    WAREHOUSE,
    HubKit,
    hub_kit,
)
from fakes.proxy import inventory_batch
from proxyhub.clock import to_iso
from proxyhub.errors import ConflictError, NotFoundError
from proxyhub.inventory.sync_pass import RUN_RESERVE
from proxyhub.models.inventory import BatchKey, Correction
from proxyhub.models.orders import InboundOrderCreate
from proxyhub.models.skus import SkuMapping, SkuSyncStatus
from proxyhub.models.tasks import BusinessType, Route, Task, TaskStatus, TaskType, Trigger
from proxyhub.proxy.ports import TransientProxyError

pytestmark = pytest.mark.unit

MINUS = "\N{MINUS SIGN}"
T1 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
T3 = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
OTHER_LOCATION = "QC-HOLD"


def key(
    gsku: str, inventory_type: str, proxy_inbound_no: str, local_inbound_no: str, inbound_at: datetime
) -> BatchKey:
    return BatchKey(
        gwms_warehouse_code=WAREHOUSE,
        gsku=gsku,
        inventory_type="defective" if inventory_type == "defective" else "qualified",
        proxy_inbound_no=proxy_inbound_no,
        local_inbound_no=local_inbound_no,
        inbound_at=inbound_at,
    )


# The batches of the main scenario.
CHANGED = key("SKU-1", "qualified", "HPK-IN-0001", "IN-1", T1)  # ours 5, HPK 7 available + 3 locked
MISSING = key("SKU-2", "defective", "HPK-IN-0002", "IN-2", T2)  # HPK 2, ours none
UNCHANGED = key("SKU-1", "qualified", "HPK-IN-0003", "IN-3", T3)  # 4 on both sides
ABSENT = key("SKU-2", "qualified", "HPK-IN-0004", "IN-4", T2)  # ours 2, HPK none
ELSEWHERE = key("SKU-2", "defective", "HPK-IN-0005", "IN-5", T2)  # ours 4 on a non-dedicated location


@pytest.fixture
def hub() -> HubKit:
    return hub_kit()


def seed_main_scenario(hub: HubKit) -> None:
    hub.ledger.put_batch(CHANGED, PUTAWAY_LOCATION, 5)
    hub.ledger.put_batch(UNCHANGED, PUTAWAY_LOCATION, 4)
    hub.ledger.put_batch(ABSENT, PUTAWAY_LOCATION, 2)
    hub.ledger.put_batch(ELSEWHERE, OTHER_LOCATION, 4)
    hub.warehouse.inventory[PROXY_WAREHOUSE] = [
        inventory_batch(
            "SKU-1", T1, available=7, locked=3, proxy_inbound_no="HPK-IN-0001", local_inbound_no="IN-1"
        ),
        inventory_batch(
            "SKU-2",
            T2,
            available=2,
            inventory_type="defective",
            proxy_inbound_no="HPK-IN-0002",
            local_inbound_no="IN-2",
        ),
        inventory_batch("SKU-1", T3, available=4, proxy_inbound_no="HPK-IN-0003", local_inbound_no="IN-3"),
    ]


def start_and_run(hub: HubKit) -> Task:
    task = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE, request_id="req-1")
    hub.run(task.task_id, Trigger.CREATED)
    return hub.task(task.task_id)


# ---------------------------------------------------------------- one pass


def test_a_sync_corrects_the_dedicated_locations_to_the_proxy_totals(hub: HubKit) -> None:
    # Given our ledger and the proxy's listing disagree on some batches
    seed_main_scenario(hub)

    # When an operator starts an inventory sync and it runs
    task = start_and_run(hub)

    # Then the task succeeds with the operators' summary, a true minus sign included
    assert task.status is TaskStatus.SUCCESS
    assert task.execution_summary == f"4 batches compared, 3 corrected (+7 / {MINUS}2), 0 unmatched SKUs"
    # And each dedicated-location batch now holds the proxy's total (available + locked)
    assert hub.ledger.quantity(CHANGED) == 10
    assert hub.ledger.quantity(MISSING) == 2
    assert hub.ledger.quantity(UNCHANGED) == 4
    assert hub.ledger.quantity(ABSENT) == 0
    # And the missing batch was created on the defective location, as its type asks
    assert [(b.location, b.quantity) for b in hub.ledger.batches(WAREHOUSE, "SKU-2") if b.key == MISSING] == [
        (DEFECTIVE_LOCATION, 2)
    ]
    # And stock on any other location was left alone, though the proxy does not list it
    assert [(b.location, b.quantity) for b in hub.ledger.batches(WAREHOUSE) if b.key == ELSEWHERE] == [
        (OTHER_LOCATION, 4)
    ]


def test_every_correction_has_an_adjustment_record_and_gwms_hears_of_them_once(hub: HubKit) -> None:
    # Given our ledger and the proxy's listing disagree on three batches
    seed_main_scenario(hub)

    # When a sync runs
    task = start_and_run(hub)

    # Then each correction has its adjustment record with the proxy's available and locked, and one
    # event carries them all
    expected = {
        Correction(CHANGED, PUTAWAY_LOCATION, 5, 10, available=7, locked=3),
        Correction(MISSING, DEFECTIVE_LOCATION, 0, 2, available=2, locked=0),
        Correction(ABSENT, PUTAWAY_LOCATION, 2, 0, available=0, locked=0),
    }
    records = list(hub.ledger.corrections_of(task.task_id))
    assert len(records) == 3 and set(records) == expected
    [event] = hub.published("InventoryCorrected")
    corrections = event.pop("corrections")
    assert event == {
        "task_id": task.task_id,
        "gwms_warehouse_code": WAREHOUSE,
        "proxy_warehouse_code": PROXY_WAREHOUSE,
        "system_code": SYSTEM,
        "snapshot_at": to_iso(hub.tasks.clock.now()),
        "corrected": 3,
        "units_added": 7,
        "units_removed": 2,
        "corrections_truncated": False,
    }
    assert sorted(
        (c["gsku"], c["inventory_type"], c["location"], c["before"], c["after"], c["delta"])
        for c in corrections
    ) == [
        ("SKU-1", "qualified", PUTAWAY_LOCATION, 5, 10, 5),
        ("SKU-2", "defective", DEFECTIVE_LOCATION, 0, 2, 2),
        ("SKU-2", "qualified", PUTAWAY_LOCATION, 2, 0, -2),
    ]
    assert hub.tasks.events.types() == ["InventoryCorrected"]


def test_the_snapshot_is_saved_with_the_task(hub: HubKit) -> None:
    # Given a proxy listing of three batches
    seed_main_scenario(hub)

    # When a sync runs
    task = start_and_run(hub)

    # Then the task's snapshot holds every line with its GSKU, local SKU and total
    entries, cursor = hub.inventory_service.snapshot(task.task_id, 10, None)
    assert cursor is None
    assert [
        (
            e.line.proxy_sku,
            e.line.gsku,
            e.line.local_sku,
            e.line.inventory_type,
            e.line.available,
            e.line.locked,
            e.line.total,
        )
        for e in entries
    ] == [
        ("SKU-1", "SKU-1", "L-1", "qualified", 7, 3, 10),
        ("SKU-2", "SKU-2", "L-2", "defective", 2, 0, 2),
        ("SKU-1", "SKU-1", "L-1", "qualified", 4, 0, 4),
    ]
    assert {(e.snapshot_at, e.gwms_warehouse_code, e.proxy_warehouse_code) for e in entries} == {
        (hub.tasks.clock.now(), WAREHOUSE, PROXY_WAREHOUSE)
    }
    # And the snapshot is read page by page through a cursor
    first_two, cursor = hub.inventory_service.snapshot(task.task_id, 2, None)
    rest, end = hub.inventory_service.snapshot(task.task_id, 2, cursor)
    assert [e.line.total for e in first_two + rest] == [10, 2, 4] and end is None


def test_a_rerun_with_unchanged_stock_corrects_nothing(hub: HubKit) -> None:
    # Given a sync that corrected the ledger
    seed_main_scenario(hub)
    first = start_and_run(hub)
    stock = hub.ledger.stock(WAREHOUSE)

    # When the next sync runs and the proxy's stock has not changed
    hub.tasks.clock.advance(hours=12)
    second = start_and_run(hub)

    # Then nothing is corrected, no adjustment is recorded and GWMS is not told again
    assert second.task_id != first.task_id and second.status is TaskStatus.SUCCESS
    assert second.execution_summary == f"3 batches compared, 0 corrected (+0 / {MINUS}0), 0 unmatched SKUs"
    assert hub.ledger.stock(WAREHOUSE) == stock
    assert list(hub.ledger.corrections_of(second.task_id)) == []
    assert len(hub.published("InventoryCorrected")) == 1


def test_a_proxy_sku_without_a_gsku_is_counted_unmatched_and_never_corrected(hub: HubKit) -> None:
    # Given the proxy lists a SKU we have no GSKU for
    hub.warehouse.inventory[PROXY_WAREHOUSE] = [
        inventory_batch("SKU-1", T1, available=3, local_inbound_no="IN-1"),
        inventory_batch("ALIEN-9", T1, available=50),
    ]

    # When a sync runs
    task = start_and_run(hub)

    # Then it is counted unmatched, kept in the snapshot, and no stock is booked for it
    assert task.execution_summary == f"1 batch compared, 1 corrected (+3 / {MINUS}0), 1 unmatched SKU"
    assert [gsku for gsku, *_ in hub.ledger.stock(WAREHOUSE)] == ["SKU-1"]
    assert [(line.proxy_sku, line.gsku) for line in hub.snapshots.lines(task.task_id)] == [
        ("SKU-1", "SKU-1"),
        ("ALIEN-9", None),
    ]


def test_a_sku_the_proxy_renamed_is_matched_through_its_sku_mapping(hub: HubKit) -> None:
    # Given SKU-1 is known to the proxy warehouse as HPK-8841
    hub.sku_mappings.save_sku_mapping(
        SkuMapping(system_code=SYSTEM, gsku="SKU-1", status=SkuSyncStatus.SYNCED, proxy_sku="HPK-8841"), "t0"
    )
    hub.warehouse.inventory[PROXY_WAREHOUSE] = [
        inventory_batch("HPK-8841", T1, available=6, local_inbound_no="IN-1")
    ]

    # When a sync reads HPK-8841's stock
    start_and_run(hub)

    # Then it is booked on SKU-1
    assert hub.ledger.quantity(key("SKU-1", "qualified", "HPK-IN-0001", "IN-1", T1)) == 6


def test_the_warehouses_unfinished_order_tasks_run_first(hub: HubKit) -> None:
    # Given an inbound order of the warehouse whose create task has not run yet
    order, _ = hub.order_service.create_inbound(
        InboundOrderCreate.model_validate(
            {
                "order_no": "IN-7",
                "inbound_type": "purchase",
                "warehouse_code": WAREHOUSE,
                "customer_code": "C-ACME",
                "items": [{"gsku": "SKU-1", "qty": 1}],
            }
        )
    )
    assert order.create_task_id is not None

    # When a sync runs
    task = start_and_run(hub)

    # Then the inbound was pushed before the listing was read, and the summary names what is still open
    names = hub.warehouse.call_names()
    assert names.index("create_inbound") < names.index("inventory_page")
    assert hub.task(order.create_task_id).status is TaskStatus.WAITING
    assert task.execution_summary == (
        f"0 batches compared, 0 corrected (+0 / {MINUS}0), 0 unmatched SKUs; "
        "1 inbound/outbound task still unfinished: IN-7 (waiting)"
    )


# ---------------------------------------------------------------- runs that stop and continue


def in_an_invocation_of(hub: HubKit, seconds: float) -> Callable[[], int]:
    """Lambda's remaining time: `seconds` of work after the sync's reserve, on the fake clock."""
    ends_at = hub.tasks.clock.now() + RUN_RESERVE + timedelta(seconds=seconds)
    return lambda: int((ends_at - hub.tasks.clock.now()).total_seconds() * 1000)


def test_a_run_out_of_time_continues_in_the_next_run_where_it_stopped(hub: HubKit) -> None:
    # Given a listing of two pages, and a proxy so slow that one page uses up a run's time budget
    hub = hub_kit(inventory_sync_page_size=2)
    seed_main_scenario(hub)
    started_at = hub.tasks.clock.now()
    slow_pages: list[int] = []

    def slow_first_page(_call: str, argument: object) -> None:
        if not slow_pages:
            slow_pages.append(1)
            hub.tasks.clock.advance(seconds=61)

    hub.warehouse.on_call("inventory_page", slow_first_page)
    task = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)

    # When the first run, in an invocation with a minute left, reads page 1 and runs out of time
    first = hub.tasks.engine.run_task(
        task.task_id, Trigger.CREATED, remaining_ms=in_an_invocation_of(hub, 60)
    )

    # Then it is due again at once, saying how far it got, with page 1's corrections applied, and the
    # next run is invoked right away
    assert first.status is TaskStatus.WAITING
    continued = hub.task(task.task_id)
    assert continued.execution_summary == "Continues in the next run: 2 lines read, 2 batches compared so far"
    assert (continued.progress, continued.next_execution_at) == ("page 1 of ~2", hub.tasks.clock.now())
    assert hub.tasks.invoker.calls[-1] == (task.task_id, Trigger.CONTINUATION)
    assert (hub.ledger.quantity(CHANGED), hub.ledger.quantity(MISSING), hub.ledger.quantity(ABSENT)) == (
        10,
        2,
        2,
    )
    assert hub.published("InventoryCorrected") == []

    # When the next run comes
    hub.run(task.task_id, Trigger.CONTINUATION)

    # Then it continued with page 2 only, finished the pass, and corrected nothing twice
    assert hub.warehouse.pages_served == [(PROXY_WAREHOUSE, 1), (PROXY_WAREHOUSE, 2)]
    done = hub.task(task.task_id)
    assert done.status is TaskStatus.SUCCESS
    assert done.execution_summary == f"4 batches compared, 3 corrected (+7 / {MINUS}2), 0 unmatched SKUs"
    assert (hub.ledger.quantity(CHANGED), hub.ledger.quantity(MISSING), hub.ledger.quantity(ABSENT)) == (
        10,
        2,
        0,
    )
    assert len(list(hub.ledger.corrections_of(task.task_id))) == 3
    # And the one event reports the snapshot the pass started
    [event] = hub.published("InventoryCorrected")
    assert (event["snapshot_at"], event["corrected"]) == (to_iso(started_at), 3)
    assert len(hub.snapshots.lines(task.task_id)) == 3


def test_a_pass_that_needs_more_runs_than_the_retry_limit_still_completes() -> None:
    # Given a listing of four pages, each using up a run's time budget
    hub = hub_kit(inventory_sync_page_size=1)
    hub.warehouse.inventory[PROXY_WAREHOUSE] = [
        inventory_batch("SKU-1", T1, available=qty, proxy_inbound_no=f"HPK-IN-{qty:04d}")
        for qty in range(1, 5)
    ]
    hub.warehouse.on_call("inventory_page", lambda *_: hub.tasks.clock.advance(seconds=61))
    task = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)

    # When each run, an invocation with a minute to work, continues the pass in the next invocation
    hub.tasks.engine.run_task(task.task_id, Trigger.CREATED, remaining_ms=in_an_invocation_of(hub, 60))
    for _ in range(4):
        if hub.task(task.task_id).status is TaskStatus.SUCCESS:
            break
        assert hub.task(task.task_id).next_execution_at == hub.tasks.clock.now()
        hub.tasks.engine.run_task(
            task.task_id, Trigger.CONTINUATION, remaining_ms=in_an_invocation_of(hub, 60)
        )

    # Then the pass completes
    assert hub.task(task.task_id).status is TaskStatus.SUCCESS
    assert hub.task(task.task_id).execution_summary == (
        f"4 batches compared, 4 corrected (+10 / {MINUS}0), 0 unmatched SKUs"
    )


def test_a_proxy_failure_mid_listing_retries_from_the_page_that_failed(hub: HubKit) -> None:
    # Given a listing of two pages, whose second page fails once
    hub = hub_kit(inventory_sync_page_size=2)
    seed_main_scenario(hub)
    failures: list[int] = []

    def fail_second_page_once(_call: str, argument: object) -> None:
        if argument == (PROXY_WAREHOUSE, 2) and not failures:
            failures.append(2)
            raise TransientProxyError("HPK answered 503")

    hub.warehouse.on_call("inventory_page", fail_second_page_once)
    task = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)
    hub.run(task.task_id, Trigger.CREATED)
    assert hub.task(task.task_id).status is TaskStatus.WAITING
    assert hub.task(task.task_id).error_message == "HPK answered 503"

    # When the task is retried
    hub.run(task.task_id, Trigger.SYNC_NOW)

    # Then page 1 was not read again, and the pass completed as if nothing had failed
    assert hub.warehouse.pages_served == [(PROXY_WAREHOUSE, 1), (PROXY_WAREHOUSE, 2)]
    assert hub.task(task.task_id).execution_summary == (
        f"4 batches compared, 3 corrected (+7 / {MINUS}2), 0 unmatched SKUs"
    )
    assert hub.ledger.quantity(CHANGED) == 10


# ---------------------------------------------------------------- runs that cannot sync


def test_a_mapping_made_incomplete_sends_the_sync_to_manual_handling(hub: HubKit) -> None:
    # Given a sync started while the mapping was complete
    task = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)
    # And the defective location removed before it ran
    hub.config.save_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, PUTAWAY_LOCATION, None, "t1")

    # When it runs
    result = hub.run(task.task_id, Trigger.CREATED)

    # Then an operator must complete the mapping, with the operators' wording; HPK was not asked
    assert result.status is TaskStatus.MANUAL
    assert hub.task(task.task_id).execution_summary == "Defective location not configured"
    assert hub.warehouse.pages_served == []
    assert [detail["reason"] for detail in hub.published("TaskNeedsManualHandling")] == [
        "Defective location not configured"
    ]


def test_a_sync_of_a_deleted_mapping_needs_an_operator(hub: HubKit) -> None:
    # Given a sync whose warehouse mapping was deleted before it ran
    task = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)
    hub.config.delete_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE)

    # When it runs
    hub.run(task.task_id, Trigger.CREATED)

    # Then an operator must act
    assert hub.task(task.task_id).status is TaskStatus.MANUAL
    assert hub.task(task.task_id).error_message == "Warehouse mapping HPK01/HPK-WH1 not found"


def test_a_second_live_sync_of_the_warehouse_cancels_itself(hub: HubKit) -> None:
    # Given a sync of the warehouse that is waiting to continue
    seed_main_scenario(hub)
    first = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)
    # And another sync task of the same warehouse created meanwhile (e.g. by the 12-hour schedule)
    route = Route(WAREHOUSE, PROXY_WAREHOUSE, SYSTEM)
    rival = hub.tasks.engine.create_task(TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, route, run_now=True)

    # When the rival runs
    result = hub.run(rival.task_id, Trigger.CREATED)

    # Then it stands down without touching stock
    assert result.status is TaskStatus.CANCELLED
    assert hub.task(rival.task_id).execution_summary == (
        f"Inventory sync task {first.task_id} is already running for this warehouse"
    )
    assert hub.warehouse.pages_served == [] and hub.ledger.quantity(CHANGED) == 5
    # And the first sync still runs to its end
    hub.run(first.task_id, Trigger.CREATED)
    assert hub.task(first.task_id).status is TaskStatus.SUCCESS


def test_a_sync_takes_over_a_warehouse_whose_last_sync_needs_manual_handling(hub: HubKit) -> None:
    # Given the warehouse's last sync is stuck in manual handling, and the mapping fixed since
    stuck = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)
    hub.config.save_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, None, DEFECTIVE_LOCATION, "t1")
    hub.run(stuck.task_id, Trigger.CREATED)
    assert hub.task(stuck.task_id).status is TaskStatus.MANUAL
    hub.config.save_warehouse_mapping(
        SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, PUTAWAY_LOCATION, DEFECTIVE_LOCATION, "t2"
    )

    # When an operator starts a new sync
    fresh = start_and_run(hub)

    # Then it runs and holds the warehouse
    assert fresh.status is TaskStatus.SUCCESS
    assert hub.snapshots.find_active_sync(WAREHOUSE) == fresh.task_id


# ---------------------------------------------------------------- starting a sync


def test_start_creates_a_sync_task_that_runs_at_once_and_holds_the_warehouse(hub: HubKit) -> None:
    # When an operator starts an inventory sync
    task = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE, request_id="req-7")

    # Then a pending sync task of the warehouse runs at once and holds the warehouse
    assert (task.task_type, task.business_type, task.status) == (
        TaskType.INVENTORY_SYNC,
        BusinessType.INVENTORY,
        TaskStatus.PENDING,
    )
    assert (task.gwms_warehouse_code, task.proxy_warehouse_code, task.system_code) == (
        WAREHOUSE,
        PROXY_WAREHOUSE,
        SYSTEM,
    )
    assert task.request_id == "req-7"
    assert hub.tasks.invoker.calls == [(task.task_id, Trigger.CREATED)]
    assert hub.snapshots.find_active_sync(WAREHOUSE) == task.task_id


def test_start_refuses_an_unknown_mapping(hub: HubKit) -> None:
    # When a sync is started for a proxy warehouse without mapping, it is not found
    with pytest.raises(NotFoundError, match="Warehouse mapping HPK01/HPK-NOPE not found"):
        hub.inventory_service.start(SYSTEM, "HPK-NOPE")

    # Then no task was created
    assert hub.tasks.store.tasks == {}


@pytest.mark.parametrize(
    ("putaway", "defective", "reason"),
    [
        (None, DEFECTIVE_LOCATION, "Virtual putaway location not configured"),
        (PUTAWAY_LOCATION, None, "Defective location not configured"),
    ],
)
def test_start_refuses_an_incomplete_mapping(
    hub: HubKit, putaway: str | None, defective: str | None, reason: str
) -> None:
    # Given a mapping missing a dedicated location
    hub.config.save_warehouse_mapping(SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, putaway, defective, "t1")

    # When an operator starts a sync
    with pytest.raises(ConflictError) as refused:
        hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)

    # Then it is refused with the operators' wording, and nothing was created or claimed
    assert refused.value.message == reason
    assert hub.tasks.store.tasks == {} and hub.snapshots.active == {}


def test_start_refuses_while_a_sync_of_the_warehouse_is_live(hub: HubKit) -> None:
    # Given a sync of the warehouse that has not finished
    first = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)

    # When an operator starts another
    with pytest.raises(ConflictError) as refused:
        hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)

    # Then it is refused naming the live one
    assert (
        refused.value.message
        == f"Inventory sync task {first.task_id} is already running for warehouse {WAREHOUSE}"
    )
    assert list(hub.tasks.store.tasks) == [first.task_id]


def test_start_after_the_last_sync_finished_is_allowed(hub: HubKit) -> None:
    # Given the warehouse's last sync succeeded
    first = start_and_run(hub)

    # When an operator starts another
    second = hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)

    # Then the new one holds the warehouse
    assert first.status is TaskStatus.SUCCESS and second.task_id != first.task_id
    assert hub.snapshots.find_active_sync(WAREHOUSE) == second.task_id


def test_a_start_that_loses_the_race_for_the_warehouse_cancels_its_task(
    hub: HubKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given another start claims the warehouse between our check and our claim
    rival = hub.tasks.engine.create_task(
        TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, Route(WAREHOUSE, PROXY_WAREHOUSE, SYSTEM)
    )
    hub.snapshots.active[WAREHOUSE] = rival.task_id
    reads = iter([None, rival.task_id])
    monkeypatch.setattr(hub.snapshots, "find_active_sync", lambda _warehouse: next(reads))

    # When our start goes on
    with pytest.raises(ConflictError) as refused:
        hub.inventory_service.start(SYSTEM, PROXY_WAREHOUSE)

    # Then it is refused naming the winner, and the task it created stands down
    assert (
        refused.value.message
        == f"Inventory sync task {rival.task_id} is already running for warehouse {WAREHOUSE}"
    )
    [ours] = [task for task in hub.tasks.store.tasks.values() if task.task_id != rival.task_id]
    assert ours.status is TaskStatus.CANCELLED
    assert ours.execution_summary == f"Inventory sync task {rival.task_id} started first"
    assert hub.snapshots.active[WAREHOUSE] == rival.task_id


def test_the_stock_of_a_warehouse_is_read_per_batch(hub: HubKit) -> None:
    # Given stock of SKU-1 in two batches
    seed_main_scenario(hub)

    # When the stock of SKU-1 is read
    stock = hub.inventory_service.stock(WAREHOUSE, "SKU-1")

    # Then each batch shows its location and quantity
    assert [(b.key.proxy_inbound_no, b.location, b.quantity) for b in stock] == [
        ("HPK-IN-0001", PUTAWAY_LOCATION, 5),
        ("HPK-IN-0003", PUTAWAY_LOCATION, 4),
    ]


def test_the_snapshot_of_a_task_that_is_not_a_sync_is_not_found(hub: HubKit) -> None:
    # Given a task that is not an inventory sync
    route = Route(WAREHOUSE, PROXY_WAREHOUSE, SYSTEM)
    other = hub.tasks.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, route, order_no="IN-1")

    # When its snapshot is asked for, it is not found
    with pytest.raises(NotFoundError, match=f"Inventory sync task {other.task_id} not found"):
        hub.inventory_service.snapshot(other.task_id, 10, None)
