"""Sync tasks and their status counters in the tasks table.

Key design (one table, `pk`/`sk`, GSIs `gsi1`..`gsi6` with string keys `gsi{n}pk`/`gsi{n}sk`):
- task:            pk=TASK#<task_id>            sk=TASK
  - gsi1 all tasks     gsi1pk=TASKS                   gsi1sk=<created_at>
  - gsi2 by status     gsi2pk=STATUS#<status>         gsi2sk=<created_at>
  - gsi3 due (sparse)  gsi3pk=DUE                     gsi3sk=<due_at>   only pending/waiting/running
  - gsi4 by warehouse  gsi4pk=WAREHOUSE#<gwms code>   gsi4sk=<created_at>
  - gsi5 by task type  gsi5pk=TYPE#<task_type>        gsi5sk=<created_at>
  - gsi6 by order no   gsi6pk=ORDER#<order_no>        gsi6sk=<created_at>   only tasks of an order
  An index's sort key need not be unique (a page's cursor holds the task's own key too), so the
  keys hold no task id: six copies of it made a task item more than 1 KB, which doubled what every
  write of it costs in the table and in each index. Items written before, with `#<task_id>` after
  the time, sort among these by their time all the same.
- run history:     pk=TASK#<task_id>            sk=RUN#<started_at>#<run_id>   one per run (TTL 90 days)
- status counter:  pk=COUNTERS  sk=<warehouse>#<task_type>#<business_type>#<status>
- daily counter:   pk=COUNTERS  sk=#DAY#<yyyy-mm-dd>#<same>   success/cancelled reached that UTC day (TTL)

A running task is due again when its lease expires (a run that died), a pending or waiting one at its
next execution time; manual and finished tasks are absent from `gsi3`, so the sweeper never sees them.
Every write of a task is conditional on the version it read and moves its counters in the same
transaction, so the overview reads a few counter items instead of a read per task. "#" sorts before
any warehouse code, so one query from `#DAY#<today>` reads today's daily counters and every status
counter, and none of the days before.
"""

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from proxyhub.clock import Clock, from_iso, to_iso
from proxyhub.dal.paging import ITEMS_PER_READ, IndexQuery, read_page
from proxyhub.dal.request_log_store import DynamoRequestLogStore
from proxyhub.dal.tables import bound_to
from proxyhub.models.tasks import BusinessType, RunOutcome, Task, TaskRun, TaskStatus, TaskType, Trigger
from proxyhub.request_log import RequestLogRecord
from proxyhub.settings import Settings
from proxyhub.tasks.ports import OverviewCounts, Page, TaskFilter

ALL_TASKS_PK = "TASKS"
DUE_PK = "DUE"
COUNTERS_PK = "COUNTERS"
TASK_SK = "TASK"
RUN_SK_PREFIX = "RUN#"
RUN_HISTORY_DAYS = 90
# Sorts after any task id, so "<created_to>#~" bounds a created-time range inclusively.
AFTER_ANY_ID = "~"
DAILY_COUNTER_DAYS = 35
# A created-time overview counts the tasks themselves; beyond this many it says it is approximate.
OVERVIEW_SAMPLE_LIMIT = 5000
OVERVIEW_MAX_READS = OVERVIEW_SAMPLE_LIMIT // ITEMS_PER_READ
TRANSACTION_ATTEMPTS = 4
# What the sweeper reads, and what the overdue list filters on before fetching whole tasks.
DUE_INDEX_ATTRIBUTES = (
    "task_id",
    "gwms_warehouse_code",
    "task_type",
    "business_type",
    "status",
    "created_at",
    "updated_at",
)


class AllTasksIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class StatusIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex[Any]):
    """Sparse and narrow: only what the sweeper and the overdue count read."""

    class Meta:
        index_name = "gsi3"
        projection = IncludeProjection(list(DUE_INDEX_ATTRIBUTES))

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class WarehouseIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class TaskTypeIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi5"
        projection = AllProjection()

    gsi5pk = UnicodeAttribute(hash_key=True)
    gsi5sk = UnicodeAttribute(range_key=True)


class OrderIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "gsi6"
        projection = AllProjection()

    gsi6pk = UnicodeAttribute(hash_key=True)
    gsi6sk = UnicodeAttribute(range_key=True)


@bound_to("tasks_table_name")
class TaskItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute()
    gsi4sk = UnicodeAttribute()
    gsi5pk = UnicodeAttribute()
    gsi5sk = UnicodeAttribute()
    gsi6pk = UnicodeAttribute(null=True)
    gsi6sk = UnicodeAttribute(null=True)
    all_tasks = AllTasksIndex()
    by_status = StatusIndex()
    due = DueIndex()
    by_warehouse = WarehouseIndex()
    by_task_type = TaskTypeIndex()
    by_order = OrderIndex()

    task_id = UnicodeAttribute()
    task_type = UnicodeAttribute()
    business_type = UnicodeAttribute()
    status = UnicodeAttribute()
    gwms_warehouse_code = UnicodeAttribute()
    proxy_warehouse_code = UnicodeAttribute()
    system_code = UnicodeAttribute()
    created_at = UnicodeAttribute()
    order_no = UnicodeAttribute(null=True)
    third_party_order_no = UnicodeAttribute(null=True)
    execution_summary = UnicodeAttribute(null=True)
    error_message = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    consecutive_failures = NumberAttribute(default=0)
    last_executed_at = UnicodeAttribute(null=True)
    next_execution_at = UnicodeAttribute(null=True)
    payload = JSONAttribute(null=True)
    started_at = UnicodeAttribute(null=True)
    phase_attempts = NumberAttribute(default=0)
    lease_owner = UnicodeAttribute(null=True)
    lease_expires_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)
    progress = UnicodeAttribute(null=True)


@bound_to("tasks_table_name")
class TaskCounterItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gwms_warehouse_code = UnicodeAttribute()
    task_type = UnicodeAttribute()
    business_type = UnicodeAttribute()
    status = UnicodeAttribute()
    total = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)


@bound_to("tasks_table_name")
class TaskRunItem(Model):
    """One history entry; beside its task (same partition), in no index."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    run_id = UnicodeAttribute()
    trigger = UnicodeAttribute()
    actor = UnicodeAttribute(null=True)
    started_at = UnicodeAttribute()
    ended_at = UnicodeAttribute()
    outcome = UnicodeAttribute()
    status = UnicodeAttribute()
    summary = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    log_ids = ListAttribute[UnicodeAttribute](of=UnicodeAttribute, null=True)
    expires_at = TTLAttribute()


class StaleTaskError(Exception):
    """The task changed since it was read: another run or writer got there first."""


class DynamoTaskRepository:
    """The `TaskStore` and `TaskQueries` ports on DynamoDB."""

    def __init__(
        self, settings: Settings, clock: Clock, request_logs: DynamoRequestLogStore | None = None
    ) -> None:
        self._clock = clock
        self._connection = Connection(region=settings.aws_region)
        # A run's last request-log records are written in its final transaction.
        self._request_logs = request_logs or DynamoRequestLogStore(settings, clock)

    # ------------------------------------------------------------ writes

    def save_new(self, task: Task) -> Task:
        stored = replace(task, version=1)
        if not self._commit(lambda transaction: add_new_task(transaction, stored, self._clock.now())):
            raise StaleTaskError(f"Task {task.task_id} already exists")
        return stored

    def transition(
        self,
        before: Task,
        after: Task,
        *,
        lease_free_at: datetime | None = None,
        run: TaskRun | None = None,
        request_logs: Sequence[RequestLogRecord] = (),
    ) -> Task | None:
        stored = replace(after, version=before.version + 1)
        condition = TaskItem.version == before.version
        if lease_free_at is not None:
            condition &= TaskItem.lease_expires_at.does_not_exist() | (
                TaskItem.lease_expires_at < to_iso(lease_free_at)
            )

        def write(transaction: TransactWrite) -> None:
            transaction.save(_to_item(stored), condition=condition)
            self._move_counters(transaction, before, stored)
            if run is not None:
                transaction.save(_run_item(run))
            for entry in request_logs:
                transaction.save(self._request_logs.item_for(entry))

        return stored if self._commit(write) else None

    def add_run(self, run: TaskRun) -> None:
        _run_item(run).save()

    def _commit(self, write: Callable[[TransactWrite], None]) -> bool:
        """False when a condition failed; retries only DynamoDB's transient transaction conflicts,
        which two tasks moving the same counter at the same moment can cause."""
        for attempt in range(TRANSACTION_ATTEMPTS):
            try:
                with TransactWrite(connection=self._connection) as transaction:
                    write(transaction)
            except TransactWriteError as error:
                codes = {reason.code for reason in error.cancellation_reasons if reason is not None}
                if "ConditionalCheckFailed" in codes:
                    return False
                if "TransactionConflict" not in codes or attempt + 1 == TRANSACTION_ATTEMPTS:
                    raise
                time.sleep(0.05 * 2**attempt)
            else:
                return True
        return False

    def _move_counters(self, transaction: TransactWrite, before: Task | None, after: Task) -> None:
        _move_counters(transaction, before, after, self._clock.now())

    # ------------------------------------------------------------ reads for the engine

    def get(self, task_id: str) -> Task | None:
        try:
            return _to_task(TaskItem.get(_task_pk(task_id), TASK_SK, consistent_read=True))
        except TaskItem.DoesNotExist:
            return None

    def get_many(self, task_ids: Sequence[str]) -> dict[str, Task]:
        keys = [(_task_pk(task_id), TASK_SK) for task_id in dict.fromkeys(task_ids)]
        return {item.task_id: _to_task(item) for item in TaskItem.batch_get(keys, consistent_read=True)}

    def find_due(self, before: datetime, limit: int) -> list[str]:
        items = TaskItem.due.query(
            DUE_PK, range_key_condition=TaskItem.gsi3sk < to_iso(before), scan_index_forward=True, limit=limit
        )
        return [item.task_id for item in items]

    # ------------------------------------------------------------ reads for the operator API

    def list_tasks(self, task_filter: TaskFilter, limit: int, cursor: str | None) -> Page[Task]:
        query = _list_query(task_filter)
        raw_items, next_cursor = read_page(query, limit, cursor)
        if query.index is TaskItem.due:
            return Page(_whole_tasks(raw_items), next_cursor)
        return Page([_to_task(TaskItem.from_raw_data(raw)) for raw in raw_items], next_cursor)

    def runs_of(self, task_id: str, limit: int, cursor: str | None) -> Page[TaskRun]:
        query = IndexQuery(
            index=TaskRunItem,
            key_names=("pk", "sk"),
            hash_name="pk",
            partitions=(_task_pk(task_id),),
            range_condition=TaskRunItem.sk.startswith(RUN_SK_PREFIX),
        )
        raw_items, next_cursor = read_page(query, limit, cursor)
        return Page([_to_run(TaskRunItem.from_raw_data(raw)) for raw in raw_items], next_cursor)

    def tasks_of_order(self, order_no: str) -> list[Task]:
        """Every task of one business order, oldest first (an order has a handful at most)."""
        return [_to_task(item) for item in TaskItem.by_order.query(_order_pk(order_no))]

    def overview_counts(
        self, task_filter: TaskFilter, now: datetime, overdue_before: datetime
    ) -> OverviewCounts:
        # The overview shows every status; a status, order or overdue filter narrows the list, not the cards.
        task_filter = replace(task_filter, statuses=(), order_no=None, overdue_before=None, updated_from=None)
        if task_filter.has_created_range:
            return self._counts_from_tasks(task_filter, now, overdue_before)
        by_status, today = self._sum_counters(task_filter, now)
        return OverviewCounts(
            by_status=by_status,
            success_today=today[TaskStatus.SUCCESS],
            cancelled_today=today[TaskStatus.CANCELLED],
            overdue=self._count_overdue(task_filter, overdue_before),
            oldest_waiting=self._oldest_waiting(task_filter),
        )

    def _sum_counters(
        self, task_filter: TaskFilter, now: datetime
    ) -> tuple[Counter[TaskStatus], Counter[TaskStatus]]:
        """(tasks per status now, tasks finished today per status), from one query."""
        today = _daily_prefix(now)
        warehouse = task_filter.warehouse_code
        counters = TaskCounterItem.query(
            COUNTERS_PK,
            range_key_condition=TaskCounterItem.sk >= today,
            filter_condition=TaskCounterItem.gwms_warehouse_code == warehouse if warehouse else None,
        )
        by_status: Counter[TaskStatus] = Counter()
        finished_today: Counter[TaskStatus] = Counter()
        for counter in counters:
            if counter.total and _counter_matches(counter, task_filter):
                totals = finished_today if counter.sk.startswith(today) else by_status
                totals[TaskStatus(counter.status)] += int(counter.total)
        return by_status, finished_today

    def _count_overdue(self, task_filter: TaskFilter, overdue_before: datetime) -> int:
        return TaskItem.count(
            DUE_PK,
            range_key_condition=TaskItem.gsi3sk < to_iso(overdue_before),
            filter_condition=_attribute_filter(task_filter),
            index_name=DueIndex.Meta.index_name,
        )

    def _oldest_waiting(self, task_filter: TaskFilter) -> Task | None:
        query = replace(_list_query(replace(task_filter, statuses=(TaskStatus.WAITING,))), newest_first=False)
        raw_items, _ = read_page(query, limit=1, cursor=None)
        return _to_task(TaskItem.from_raw_data(raw_items[0])) if raw_items else None

    def _counts_from_tasks(
        self, task_filter: TaskFilter, now: datetime, overdue_before: datetime
    ) -> OverviewCounts:
        """A created-time range cannot use the counters: count the tasks, up to a bound."""
        query = _list_query(task_filter)
        raw_items, cursor = read_page(query, OVERVIEW_SAMPLE_LIMIT, None, max_reads=OVERVIEW_MAX_READS)
        tasks = [_to_task(TaskItem.from_raw_data(raw)) for raw in raw_items]
        waiting = [task for task in tasks if task.status is TaskStatus.WAITING]
        return OverviewCounts(
            by_status=Counter(task.status for task in tasks),
            success_today=sum(_finished_on(task, TaskStatus.SUCCESS, now) for task in tasks),
            cancelled_today=sum(_finished_on(task, TaskStatus.CANCELLED, now) for task in tasks),
            overdue=sum(_is_overdue(task, overdue_before) for task in tasks),
            oldest_waiting=min(waiting, key=lambda task: task.created_at, default=None),
            truncated=cursor is not None,
        )


def add_new_task(transaction: TransactWrite, task: Task, now: datetime) -> None:
    """A new task (version 1) and its count, in a transaction: also how an order's first task is
    stored, with the order (`DynamoOrderStore.insert_with_task`)."""
    transaction.save(_to_item(replace(task, version=1)), condition=TaskItem.pk.does_not_exist())
    _move_counters(transaction, None, task, now)


def _move_counters(transaction: TransactWrite, before: Task | None, after: Task, now: datetime) -> None:
    deltas: Counter[str] = Counter()
    if before is not None:
        deltas[_counter_sk(before)] -= 1
    deltas[_counter_sk(after)] += 1
    for sk, delta in deltas.items():
        if delta:
            transaction.update(TaskCounterItem(COUNTERS_PK, sk), actions=_counter_actions(sk, delta))
    if after.status.terminal and (before is None or before.status is not after.status):
        daily = TaskCounterItem(COUNTERS_PK, f"{_daily_prefix(now)}{_counter_sk(after)}")
        actions = [
            *_counter_actions(_counter_sk(after), 1),
            TaskCounterItem.expires_at.set(now + timedelta(days=DAILY_COUNTER_DAYS)),
        ]
        transaction.update(daily, actions=actions)


# ---------------------------------------------------------------- list queries


def _list_query(task_filter: TaskFilter) -> IndexQuery:
    """Serves the filter from the most selective index; the remaining filters run in DynamoDB."""
    if task_filter.overdue_before is not None:
        return _overdue_query(task_filter)
    statuses = task_filter.statuses
    index: GlobalSecondaryIndex[Any]
    if task_filter.order_no:
        index, name, partition = TaskItem.by_order, "gsi6", _order_pk(task_filter.order_no)
        task_filter = replace(task_filter, order_no=None)
    elif len(statuses) == 1:
        index, name, partition = TaskItem.by_status, "gsi2", _status_pk(statuses[0])
        task_filter = replace(task_filter, statuses=())
    elif task_filter.warehouse_code:
        index, name, partition = TaskItem.by_warehouse, "gsi4", _warehouse_pk(task_filter.warehouse_code)
        task_filter = replace(task_filter, warehouse_code=None)
    elif task_filter.task_type:
        index, name, partition = TaskItem.by_task_type, "gsi5", _task_type_pk(task_filter.task_type)
        task_filter = replace(task_filter, task_type=None)
    else:
        index, name, partition = TaskItem.all_tasks, "gsi1", ALL_TASKS_PK
    return IndexQuery(
        index=index,
        key_names=("pk", "sk", f"{name}pk", f"{name}sk"),
        hash_name=f"{name}pk",
        partitions=(partition,),
        range_condition=_created_range(getattr(TaskItem, f"{name}sk"), task_filter),
        filter_condition=_attribute_filter(task_filter),
    )


def _overdue_query(task_filter: TaskFilter) -> IndexQuery:
    """The sparse due index, most overdue first; it sorts by due time, so created times are filters."""
    assert task_filter.overdue_before is not None
    created = _created_range(TaskItem.created_at, task_filter)
    others = _attribute_filter(task_filter)
    return IndexQuery(
        index=TaskItem.due,
        key_names=("pk", "sk", "gsi3pk", "gsi3sk"),
        hash_name="gsi3pk",
        partitions=(DUE_PK,),
        range_condition=TaskItem.gsi3sk < to_iso(task_filter.overdue_before),
        filter_condition=_all_of([condition for condition in (created, others) if condition is not None]),
        newest_first=False,
    )


def _whole_tasks(raw_items: list[dict[str, Any]]) -> list[Task]:
    """The due index holds a few attributes of each task: fetch the tasks, in the index's order."""
    keys = [(raw["pk"]["S"], raw["sk"]["S"]) for raw in raw_items]
    found = {item.pk: item for item in TaskItem.batch_get(keys, consistent_read=True)}
    return [_to_task(found[pk]) for pk, _ in keys if pk in found]


def _created_range(sort_key: UnicodeAttribute, task_filter: TaskFilter) -> Condition | None:
    lower = to_iso(task_filter.created_from) if task_filter.created_from else None
    upper = f"{to_iso(task_filter.created_to)}#{AFTER_ANY_ID}" if task_filter.created_to else None
    if lower and upper:
        return sort_key.between(lower, upper)
    if lower:
        return sort_key >= lower
    if upper:
        return sort_key <= upper
    return None


def _attribute_filter(task_filter: TaskFilter) -> Condition | None:
    conditions: list[Condition] = []
    if task_filter.statuses:
        conditions.append(TaskItem.status.is_in(*(status.value for status in task_filter.statuses)))
    if task_filter.warehouse_code:
        conditions.append(TaskItem.gwms_warehouse_code == task_filter.warehouse_code)
    if task_filter.task_type:
        conditions.append(TaskItem.task_type == task_filter.task_type.value)
    if task_filter.business_type:
        conditions.append(TaskItem.business_type == task_filter.business_type.value)
    if task_filter.order_no:
        conditions.append(TaskItem.order_no == task_filter.order_no)
    if task_filter.updated_from:
        conditions.append(TaskItem.updated_at >= to_iso(task_filter.updated_from))
    return _all_of(conditions)


def _all_of(conditions: list[Condition]) -> Condition | None:
    combined: Condition | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def _counter_matches(counter: TaskCounterItem, task_filter: TaskFilter) -> bool:
    if task_filter.task_type and counter.task_type != task_filter.task_type.value:
        return False
    return not (task_filter.business_type and counter.business_type != task_filter.business_type.value)


# ---------------------------------------------------------------- keys and mapping


def _task_pk(task_id: str) -> str:
    return f"TASK#{task_id}"


def _status_pk(status: TaskStatus) -> str:
    return f"STATUS#{status.value}"


def _warehouse_pk(warehouse_code: str) -> str:
    return f"WAREHOUSE#{warehouse_code}"


def _order_pk(order_no: str) -> str:
    return f"ORDER#{order_no}"


def _task_type_pk(task_type: TaskType) -> str:
    return f"TYPE#{task_type.value}"


def _daily_prefix(now: datetime) -> str:
    return f"#DAY#{to_iso(now)[:10]}#"


def _counter_sk(task: Task) -> str:
    return f"{task.gwms_warehouse_code}#{task.task_type.value}#{task.business_type.value}#{task.status.value}"


def _counter_actions(sk: str, delta: int) -> list[Any]:
    warehouse, task_type, business_type, status = sk.split("#")
    return [
        TaskCounterItem.total.add(delta),
        TaskCounterItem.gwms_warehouse_code.set(warehouse),
        TaskCounterItem.task_type.set(task_type),
        TaskCounterItem.business_type.set(business_type),
        TaskCounterItem.status.set(status),
    ]


def _finished_on(task: Task, status: TaskStatus, now: datetime) -> bool:
    return task.status is status and task.updated_at is not None and task.updated_at.date() == now.date()


def _is_overdue(task: Task, overdue_before: datetime) -> bool:
    due_at = task.due_at
    return due_at is not None and due_at < overdue_before


def _iso(moment: datetime | None) -> str | None:
    return to_iso(moment) if moment else None


def _parse(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def _to_item(task: Task) -> TaskItem:
    created_key = to_iso(task.created_at)
    due_at = task.due_at
    return TaskItem(
        _task_pk(task.task_id),
        TASK_SK,
        gsi1pk=ALL_TASKS_PK,
        gsi1sk=created_key,
        gsi2pk=_status_pk(task.status),
        gsi2sk=created_key,
        gsi3pk=DUE_PK if due_at else None,
        gsi3sk=to_iso(due_at) if due_at else None,
        gsi4pk=_warehouse_pk(task.gwms_warehouse_code),
        gsi4sk=created_key,
        gsi5pk=_task_type_pk(task.task_type),
        gsi5sk=created_key,
        gsi6pk=_order_pk(task.order_no) if task.order_no else None,
        gsi6sk=created_key if task.order_no else None,
        task_id=task.task_id,
        task_type=task.task_type.value,
        business_type=task.business_type.value,
        status=task.status.value,
        gwms_warehouse_code=task.gwms_warehouse_code,
        proxy_warehouse_code=task.proxy_warehouse_code,
        system_code=task.system_code,
        created_at=to_iso(task.created_at),
        order_no=task.order_no,
        third_party_order_no=task.third_party_order_no,
        execution_summary=task.execution_summary,
        error_message=task.error_message,
        request_id=task.request_id,
        attempts=task.attempts,
        consecutive_failures=task.consecutive_failures,
        last_executed_at=_iso(task.last_executed_at),
        next_execution_at=_iso(task.next_execution_at),
        payload=task.payload or None,
        started_at=_iso(task.started_at),
        phase_attempts=task.phase_attempts,
        lease_owner=task.lease_owner,
        lease_expires_at=_iso(task.lease_expires_at),
        updated_at=_iso(task.updated_at),
        version=task.version,
        progress=task.progress,
    )


def _run_item(run: TaskRun) -> TaskRunItem:
    return TaskRunItem(
        _task_pk(run.task_id),
        f"{RUN_SK_PREFIX}{to_iso(run.started_at)}#{run.run_id}",
        run_id=run.run_id,
        trigger=run.trigger.value,
        actor=run.actor,
        started_at=to_iso(run.started_at),
        ended_at=to_iso(run.ended_at),
        outcome=run.outcome.value,
        status=run.status.value,
        summary=run.summary,
        error=run.error,
        log_ids=list(run.log_ids) or None,
        expires_at=run.ended_at + timedelta(days=RUN_HISTORY_DAYS),
    )


def _to_run(item: TaskRunItem) -> TaskRun:
    return TaskRun(
        task_id=item.pk.removeprefix("TASK#"),
        run_id=item.run_id,
        trigger=Trigger(item.trigger),
        actor=item.actor,
        started_at=from_iso(item.started_at),
        ended_at=from_iso(item.ended_at),
        outcome=RunOutcome(item.outcome),
        status=TaskStatus(item.status),
        summary=item.summary,
        error=item.error,
        log_ids=tuple(str(log_id) for log_id in item.log_ids or ()),
    )


def _to_task(item: TaskItem) -> Task:
    return Task(
        task_id=item.task_id,
        task_type=TaskType(item.task_type),
        business_type=BusinessType(item.business_type),
        status=TaskStatus(item.status),
        gwms_warehouse_code=item.gwms_warehouse_code,
        proxy_warehouse_code=item.proxy_warehouse_code,
        system_code=item.system_code,
        created_at=from_iso(item.created_at),
        order_no=item.order_no,
        third_party_order_no=item.third_party_order_no,
        execution_summary=item.execution_summary,
        error_message=item.error_message,
        request_id=item.request_id,
        attempts=int(item.attempts),
        consecutive_failures=int(item.consecutive_failures),
        last_executed_at=_parse(item.last_executed_at),
        next_execution_at=_parse(item.next_execution_at),
        updated_at=_parse(item.updated_at),
        payload=dict(item.payload or {}),
        started_at=_parse(item.started_at),
        phase_attempts=int(item.phase_attempts),
        lease_owner=item.lease_owner,
        lease_expires_at=_parse(item.lease_expires_at),
        version=int(item.version),
        progress=item.progress,
    )
