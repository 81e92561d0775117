"""Tasks, counters and request logs in DynamoDB (moto), tables created from template.yaml."""

import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from moto.dynamodb.responses import DynamoHandler
from tasks_moto_kit import START, MotoKit, log_record, moto_kit

from proxyhub.dal.request_log_store import RequestLogItem
from proxyhub.dal.task_repository import COUNTERS_PK, TaskCounterItem
from proxyhub.errors import InvalidInputError
from proxyhub.models.tasks import BusinessType, Route, Task, TaskStatus, TaskType, Trigger
from proxyhub.settings import Settings
from proxyhub.tasks.executors import ExecutionContext
from proxyhub.tasks.outcomes import Cancelled, Done, FailedPermanent, NotYet, Outcome
from proxyhub.tasks.ports import LogSearch, TaskFilter

pytestmark = pytest.mark.integration

MIN = timedelta(minutes=1)


class RunnerDied(BaseException):
    """Escapes the engine's error handling, like a Lambda timeout killing the run."""


@pytest.fixture
def kit(aws: Settings) -> MotoKit:
    return moto_kit(aws)


@pytest.fixture
def atomic_dynamodb_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each request atomically; moto checks a transaction's conditions, writes, and on
    failure restores a table snapshot, all without a lock. Serializing its requests restores the
    service's guarantee, so a threaded test exercises our conditions rather than moto's races."""
    lock = threading.Lock()
    call_action = DynamoHandler.call_action

    def one_at_a_time(self: DynamoHandler) -> Any:
        with lock:
            return call_action(self)

    monkeypatch.setattr(DynamoHandler, "call_action", one_at_a_time)


def test_a_task_round_trips_with_every_field(kit: MotoKit) -> None:
    created = kit.engine.create_task(
        TaskType.CREATE,
        BusinessType.OUTBOUND,
        Route("GW09", "HPK-WH9", "HPK01"),
        order_no="OUT-7",
        third_party_order_no="HPK-OUT-7",
        payload={"lines": [{"gsku": "G1", "qty": 2}]},
        request_id="req-1",
    )

    assert kit.repository.get(created.task_id) == created
    assert kit.repository.get("missing") is None


@pytest.mark.usefixtures("atomic_dynamodb_requests")
def test_two_concurrent_runs_of_one_task_execute_once(kit: MotoKit) -> None:
    second_attempt_over = threading.Event()
    executions: list[str] = []

    def hold_the_lease(task: Task, context: ExecutionContext) -> Outcome:
        executions.append(task.lease_owner or "")
        # Keep running until the other trigger has tried, so the two runs really overlap.
        second_attempt_over.wait(timeout=10)
        return Done("ran once")

    kit.executor(hold_the_lease, hold_the_lease)
    task = kit.create()
    start = threading.Barrier(2)
    results: list[dict[str, Any]] = []

    def trigger(name: Trigger) -> None:
        start.wait()
        result = kit.engine.run_task(task.task_id, name).as_dict()
        results.append(result)
        if result["skipped"]:
            second_attempt_over.set()

    threads = [
        threading.Thread(target=trigger, args=(name,)) for name in (Trigger.SCHEDULE, Trigger.SYNC_NOW)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(executions) == 1
    assert sorted(str(result["skipped"]) for result in results) == ["None", "Task is already running"]
    stored = kit.repository.get(task.task_id)
    assert stored is not None and stored.status is TaskStatus.SUCCESS and stored.attempts == 1


def test_a_run_that_died_is_found_by_the_sweeper_and_rerun_after_its_lease(
    kit: MotoKit, aws: Settings
) -> None:
    def die(task: Task, context: ExecutionContext) -> Outcome:
        raise RunnerDied

    executor = kit.executor(die, Done("recovered"))
    task = kit.create()
    kit.clock.advance(minutes=30)
    with pytest.raises(RunnerDied):
        kit.engine.run_task(task.task_id, Trigger.SCHEDULE)
    died = kit.repository.get(task.task_id)
    assert died is not None and died.status is TaskStatus.RUNNING and died.lease_owner

    kit.clock.advance(seconds=aws.lease_seconds)
    assert kit.engine.due_task_ids(limit=10) == [], "lease expired, but not yet by the grace period"
    kit.clock.advance(seconds=aws.sweeper_grace_seconds + 1)
    assert kit.engine.sweep(limit=10) == [task.task_id]
    result = kit.engine.run_task(task.task_id, Trigger.SWEEPER)

    assert len(executor.seen) == 2
    assert result.status is TaskStatus.SUCCESS and result.attempts == 2
    assert kit.engine.due_task_ids(limit=10) == []


def test_the_sweeper_picks_only_overdue_non_terminal_tasks(kit: MotoKit) -> None:
    kit.executor(Done("ok"), FailedPermanent("rejected"), NotYet("later"))
    overdue = kit.create(order_no="A")  # due 08:30
    kit.clock.advance(minutes=1)
    succeeded = kit.create(order_no="B")
    manual = kit.create(order_no="C")
    rescheduled = kit.create(order_no="D")
    for task in (succeeded, manual, rescheduled):
        kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)
    kit.clock.advance(minutes=10)
    kit.create(order_no="E")  # due 08:41
    kit.clock.advance(minutes=26)  # 08:37, grace 5 minutes: A (08:30) and D (next run 08:31) are overdue

    assert set(kit.engine.due_task_ids(limit=50)) == {overdue.task_id, rescheduled.task_id}
    assert kit.engine.due_task_ids(limit=1) == [overdue.task_id], "oldest first"


def test_every_list_filter_and_the_cursor(kit: MotoKit) -> None:
    kit.executor(Done("ok"), Done("ok"))
    kit.executor(NotYet("later"), task_type=TaskType.QUERY, business_type=BusinessType.OUTBOUND)
    kit.executor(
        FailedPermanent("bad"), task_type=TaskType.INVENTORY_SYNC, business_type=BusinessType.INVENTORY
    )
    made: list[Task] = []
    plan = [
        (TaskType.CREATE, BusinessType.INBOUND, "GW01"),
        (TaskType.CREATE, BusinessType.OUTBOUND, "GW01"),
        (TaskType.QUERY, BusinessType.OUTBOUND, "GW02"),
        (TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, "GW02"),
        (TaskType.CANCEL, BusinessType.INBOUND, "GW01"),
        (TaskType.CREATE, BusinessType.INBOUND, "GW02"),
    ]
    for task_type, business_type, warehouse in plan:
        kit.clock.advance(minutes=1)
        made.append(kit.create(task_type, business_type, warehouse, order_no=f"O{len(made)}"))
    for index in (0, 2, 3, 5):
        kit.engine.run_task(made[index].task_id, Trigger.SYNC_NOW)
    # Now: 0 success, 1 pending, 2 waiting, 3 manual, 4 pending, 5 success.

    def ids(**filters: Any) -> list[int]:
        page = kit.repository.list_tasks(TaskFilter(**filters), limit=50, cursor=None)
        return [made.index(next(t for t in made if t.task_id == task.task_id)) for task in page.items]

    assert ids() == [5, 4, 3, 2, 1, 0], "newest first"
    assert ids(statuses=(TaskStatus.SUCCESS,)) == [5, 0]
    assert ids(statuses=(TaskStatus.PENDING, TaskStatus.WAITING)) == [4, 2, 1]
    assert ids(business_type=BusinessType.OUTBOUND) == [2, 1]
    assert ids(task_type=TaskType.CREATE) == [5, 1, 0]
    assert ids(warehouse_code="GW02") == [5, 3, 2]
    assert ids(warehouse_code="GW01", statuses=(TaskStatus.PENDING,)) == [4, 1]
    assert ids(task_type=TaskType.CREATE, business_type=BusinessType.INBOUND, warehouse_code="GW02") == [5]
    assert ids(created_from=made[1].created_at, created_to=made[3].created_at) == [3, 2, 1]
    assert ids(created_from=made[4].created_at) == [5, 4]
    assert ids(created_to=made[0].created_at) == [0]
    assert ids(statuses=(TaskStatus.CANCELLED,)) == []

    walked: list[str] = []
    cursor = None
    while True:
        page = kit.repository.list_tasks(TaskFilter(), limit=4, cursor=cursor)
        walked += [task.task_id for task in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert walked == [task.task_id for task in reversed(made)]


def test_a_cursor_only_continues_the_query_it_came_from(kit: MotoKit) -> None:
    for order_no in ("A", "B", "C"):
        kit.create(order_no=order_no)
    cursor = kit.repository.list_tasks(TaskFilter(), limit=1, cursor=None).next_cursor
    assert cursor is not None

    with pytest.raises(InvalidInputError, match="Invalid cursor"):
        kit.repository.list_tasks(TaskFilter(warehouse_code="GW01"), limit=1, cursor=cursor)
    with pytest.raises(InvalidInputError, match="Invalid cursor"):
        kit.repository.list_tasks(TaskFilter(), limit=1, cursor="not-a-cursor")


def test_overview_counters_follow_a_mixed_history(kit: MotoKit) -> None:
    kit.executor(Done("ok"), NotYet("later"), FailedPermanent("bad"), NotYet("later"))
    kit.executor(Cancelled("order cancelled"), task_type=TaskType.CANCEL)
    tasks = [kit.create(warehouse="GW01") for _ in range(4)]
    other = kit.create(TaskType.CANCEL, warehouse="GW02")
    for task in tasks:
        kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)
    kit.engine.run_task(other.task_id, Trigger.STATE_MACHINE)
    kit.create(TaskType.QUERY, BusinessType.OUTBOUND, warehouse="GW02")
    kit.engine.cancel_task(tasks[3].task_id, "order cancelled")
    # GW01 create/inbound: success, waiting, manual, cancelled. GW02: cancel cancelled, query pending.
    kit.clock.advance(hours=1)
    now = kit.clock.now()
    overdue_before = now - timedelta(minutes=5)

    everything = kit.repository.overview_counts(TaskFilter(), now, overdue_before)
    gw01 = kit.repository.overview_counts(TaskFilter(warehouse_code="GW01"), now, overdue_before)
    cancels = kit.repository.overview_counts(TaskFilter(task_type=TaskType.CANCEL), now, overdue_before)
    outbound = kit.repository.overview_counts(
        TaskFilter(business_type=BusinessType.OUTBOUND), now, overdue_before
    )

    assert everything.by_status == {
        TaskStatus.SUCCESS: 1,
        TaskStatus.WAITING: 1,
        TaskStatus.MANUAL: 1,
        TaskStatus.CANCELLED: 2,
        TaskStatus.PENDING: 1,
    }
    assert (everything.success_today, everything.cancelled_today) == (1, 2)
    assert everything.overdue == 1, "the waiting task was due at 08:30"
    assert everything.oldest_waiting is not None and everything.oldest_waiting.task_id == tasks[1].task_id
    assert gw01.by_status[TaskStatus.CANCELLED] == 1 and gw01.cancelled_today == 1
    assert cancels.by_status == {TaskStatus.CANCELLED: 1} and cancels.success_today == 0
    assert outbound.by_status == {TaskStatus.PENDING: 1} and outbound.overdue == 0
    assert outbound.oldest_waiting is None
    status_counters = [item for item in TaskCounterItem.query(COUNTERS_PK) if not item.sk.startswith("#DAY#")]
    counted = Counter(TaskStatus(item.status) for item in status_counters for _ in range(int(item.total)))
    assert counted == everything.by_status, "counter items hold no negative or stray counts"

    # And the next UTC day starts with nothing finished "today", the status counters unchanged
    kit.clock.advance(hours=24)
    tomorrow = kit.repository.overview_counts(TaskFilter(), kit.clock.now(), kit.clock.now())
    assert (tomorrow.success_today, tomorrow.cancelled_today) == (0, 0)
    assert tomorrow.by_status == everything.by_status


def test_a_created_time_range_is_counted_from_the_tasks(kit: MotoKit) -> None:
    kit.executor(Done("ok"))
    early = kit.create(order_no="early")
    kit.clock.advance(hours=2)
    late = kit.create(order_no="late")
    kit.engine.run_task(late.task_id, Trigger.SYNC_NOW)
    now = kit.clock.now()

    counts = kit.repository.overview_counts(TaskFilter(created_from=now - MIN), now, now - 5 * MIN)

    assert counts.by_status == {TaskStatus.SUCCESS: 1} and counts.success_today == 1
    assert not counts.truncated
    assert early.status is TaskStatus.PENDING


def test_the_daily_counters_start_afresh_each_utc_day(kit: MotoKit) -> None:
    kit.executor(Done("ok"))
    task = kit.create()
    kit.engine.run_task(task.task_id, Trigger.SYNC_NOW)
    tomorrow = START + timedelta(days=1)

    counts = kit.repository.overview_counts(TaskFilter(), tomorrow, tomorrow)

    assert counts.success_today == 0 and counts.by_status == {TaskStatus.SUCCESS: 1}


def test_tasks_of_an_order(kit: MotoKit) -> None:
    create = kit.create(order_no="IN-9")
    kit.clock.advance(minutes=1)
    cancel = kit.create(TaskType.CANCEL, order_no="IN-9")
    kit.create(order_no="IN-10")

    assert [task.task_id for task in kit.repository.tasks_of_order("IN-9")] == [
        create.task_id,
        cancel.task_id,
    ]


def test_request_logs_by_task_newest_first_with_a_ttl(kit: MotoKit, aws: Settings) -> None:
    kit.logs.record(
        log_record(task_id="T1", api_name="inbound/create", request_headers={"Authorization": "x"})
    )
    kit.clock.advance(minutes=1)
    kit.logs.record(log_record(task_id="T1", api_name="inbound/get"))
    kit.logs.record(log_record(task_id="T2"))

    first = kit.logs.for_task("T1", limit=1)
    second = kit.logs.for_task("T1", limit=1, cursor=first.next_cursor)
    logs = [*first.items, *second.items]

    assert [log.api_name for log in logs] == ["inbound/get", "inbound/create"]
    assert second.next_cursor is None or kit.logs.for_task("T1", 1, second.next_cursor).items == []
    assert logs[1].request_headers == {"Authorization": "***"}
    stored = next(iter(RequestLogItem.query("TASK#T1")))
    assert stored.expires_at == START + timedelta(days=aws.request_log_ttl_days)


def test_the_logs_page_filters_and_pages(kit: MotoKit) -> None:
    kit.logs.record(log_record(order_no="IN-1", warehouse_code="GW01", system_code="HPK01"))
    kit.clock.advance(hours=1)
    kit.logs.record(log_record(order_no="IN-2", warehouse_code="GW01", system_code="HPK01"))
    kit.clock.advance(hours=1)
    kit.logs.record(log_record(order_no="OUT-1", warehouse_code="GW02", system_code="HPK02"))
    kit.clock.advance(days=1, minutes=1)
    kit.logs.record(log_record(order_no="IN-3", warehouse_code="GW01", system_code="HPK01", task_id="T3"))

    def orders(**search: Any) -> list[str | None]:
        return [log.order_no for log in kit.logs.search(LogSearch(**search), limit=50, cursor=None).items]

    assert orders(order_no="IN-2") == ["IN-2"]
    assert orders(warehouse_code="GW01") == ["IN-3", "IN-2", "IN-1"]
    assert orders(system_code="HPK02") == ["OUT-1"]
    assert orders(warehouse_code="GW01", system_code="HPK02") == []
    assert orders(order_no="IN-1", warehouse_code="GW01") == ["IN-1"]
    assert orders(warehouse_code="GW01", recorded_from=START + 30 * MIN, recorded_to=START + 90 * MIN) == [
        "IN-2"
    ]
    assert orders() == ["IN-3"], "unfiltered: the last 24 hours"
    assert orders(recorded_from=START, recorded_to=kit.clock.now()) == ["IN-3", "OUT-1", "IN-2", "IN-1"]

    first = kit.logs.search(LogSearch(recorded_from=START), limit=3, cursor=None)
    rest = kit.logs.search(LogSearch(recorded_from=START), limit=3, cursor=first.next_cursor)
    assert [log.order_no for log in first.items + rest.items] == ["IN-3", "OUT-1", "IN-2", "IN-1"]
    assert rest.next_cursor is None
    with pytest.raises(InvalidInputError):
        kit.logs.search(LogSearch(recorded_from=START - timedelta(days=40)), limit=3, cursor=None)


def test_a_stored_task_keeps_its_lease_fields(kit: MotoKit) -> None:
    task = kit.create()
    leased = replace(task, status=TaskStatus.RUNNING, lease_owner="me", lease_expires_at=START + 15 * MIN)

    stored = kit.repository.transition(task, leased, lease_free_at=START)

    assert stored is not None and kit.repository.get(task.task_id) == stored
    assert kit.repository.transition(task, leased) is None, "a stale version never overwrites"
    assert kit.repository.transition(stored, replace(stored, attempts=9), lease_free_at=START) is None
