"""Outbound protection toward HPK (rate limit honouring 429/Retry-After, circuit), deferred task runs,
and a cancel task rescued from manual handling getting a fresh state machine (finding 12)."""

from datetime import timedelta
from typing import Any

import httpx
import pytest

from fakes import ROUTE, ListRequestLogSink, engine_kit
from fakes.orders import RecordingCancelBackoff
from proxyhub.adapters.hpk.client import HpkClient
from proxyhub.adapters.outbound_guard import GuardSettings, HeldBack, OutboundGuard
from proxyhub.api.errors import vendor_error_status
from proxyhub.models.tasks import BusinessType, TaskStatus, TaskType, Trigger
from proxyhub.proxy.ports import ProxyConfigurationError, ProxyConnection, ProxyThrottled, TransientProxyError
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.outcomes import Deferred, FailedTransient, NeedsManual, NotYet, outcome_for_error

pytestmark = pytest.mark.unit


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def guard(clock: ManualClock, **settings: Any) -> OutboundGuard:
    return OutboundGuard("HPK01", GuardSettings(**settings), monotonic=clock, sleep=clock.sleep)


# ---------------------------------------------------------------- the guard


def test_five_failures_in_a_row_open_the_circuit_until_a_trial_call_succeeds() -> None:
    clock = ManualClock()
    hpk = guard(clock)
    for _ in range(5):
        hpk.admit()
        hpk.failed()

    with pytest.raises(HeldBack, match="circuit open") as held:
        hpk.admit()
    assert held.value.retry_after_seconds == pytest.approx(30)

    clock.now += 30
    hpk.admit()  # the half-open trial
    with pytest.raises(HeldBack):
        hpk.admit()  # only one trial at a time
    hpk.succeeded()
    hpk.admit()
    assert not hpk.circuit_open


def test_a_failed_trial_opens_the_circuit_for_twice_as_long() -> None:
    clock = ManualClock()
    hpk = guard(clock, failures_to_open=1)
    hpk.admit()
    hpk.failed()
    clock.now += 30
    hpk.admit()
    hpk.failed()

    with pytest.raises(HeldBack) as held:
        hpk.admit()
    assert held.value.retry_after_seconds == pytest.approx(60)


def test_a_429_pauses_calls_for_its_retry_after() -> None:
    clock = ManualClock()
    hpk = guard(clock)
    hpk.admit()
    hpk.throttled(7)

    with pytest.raises(HeldBack, match="429") as held:
        hpk.admit()
    assert held.value.retry_after_seconds == pytest.approx(7)
    clock.now += 7
    hpk.admit()


def test_the_rate_limit_waits_for_a_close_slot_and_refuses_a_far_one() -> None:
    # Callers at the same moment (the clock does not move while they wait), as concurrent runs would be
    clock = ManualClock()
    slept: list[float] = []
    hpk = OutboundGuard(
        "HPK01",
        GuardSettings(rate_per_second=10, burst=2, max_wait_seconds=0.15),
        monotonic=clock,
        sleep=slept.append,
    )
    hpk.admit()
    hpk.admit()
    hpk.admit()  # the next slot is 0.1 s away: waited for

    with pytest.raises(HeldBack, match="rate limit") as held:
        hpk.admit()  # 0.2 s away: refused, the token given back

    assert slept == [pytest.approx(0.1)] and held.value.retry_after_seconds == pytest.approx(0.2)
    clock.now += 0.2
    hpk.admit()


# ---------------------------------------------------------------- the HPK client behind the guard


def hpk_client(handler: Any, hpk_guard: OutboundGuard) -> HpkClient:
    connection = ProxyConnection("HPK01", "http://hpk.test", "demo", "pw", "5")
    return HpkClient(
        connection, ListRequestLogSink(), transport=httpx.MockTransport(handler), guard=hpk_guard
    )


def test_after_a_429_the_client_sends_nothing_until_retry_after() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if request.url.path.endswith("auth/token"):
            return httpx.Response(200, json={"code": 0, "data": {"access_token": "t", "expires_in": 7200}})
        return httpx.Response(429, headers={"Retry-After": "30"}, json={"code": 42901, "message": "slow"})

    client = hpk_client(handler, guard(ManualClock()))

    with pytest.raises(ProxyThrottled) as first:
        client.get_inbound("HPKI1")
    with pytest.raises(ProxyThrottled, match="not sent") as second:
        client.get_inbound("HPKI1")

    assert first.value.retry_after_seconds == 30 and second.value.retry_after_seconds == pytest.approx(30)
    assert sent == ["/api/v5/auth/token", "/api/v5/inbound/get"]


def test_a_down_system_opens_the_circuit_and_is_no_longer_called() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(503, text="down")

    client = hpk_client(handler, guard(ManualClock(), failures_to_open=3))
    for _ in range(3):
        with pytest.raises(TransientProxyError):
            client.get_inbound("HPKI1")

    with pytest.raises(ProxyThrottled, match="circuit open"):
        client.get_inbound("HPKI1")
    assert len(sent) == 3


# ---------------------------------------------------------------- tasks wait, without counting a failure


def test_throttled_and_held_back_calls_defer_the_task() -> None:
    outcome = outcome_for_error(ProxyThrottled("HPK rate limit", retry_after_seconds=12))

    assert outcome == Deferred("HPK rate limit", 12)
    assert isinstance(outcome_for_error(TransientProxyError("HPK answered HTTP 500")), FailedTransient)


def test_a_deferred_run_counts_neither_as_a_failure_nor_against_the_retry_limit() -> None:
    # Given a task that already failed 4 times in a row (one short of manual handling)
    kit = engine_kit()
    steps = [FailedTransient("HPK 500")] * 4 + [Deferred("HPK rate limit", 20)] * 10 + [NotYet("still")]
    kit.executor(*steps, task_type=TaskType.CANCEL)
    task = kit.engine.create_task(TaskType.CANCEL, BusinessType.INBOUND, ROUTE, order_no="IN-1")

    # When it is throttled ten times, then polled once more
    for _ in steps:
        kit.clock.advance(hours=5)
        kit.engine.run_task(task.task_id, Trigger.STATE_MACHINE)

    # Then it is still waiting: 4 failures, and 5 runs against the cancel rule's 12
    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.WAITING
    assert stored.consecutive_failures == 0 and stored.phase_attempts == 5


def test_a_deferred_task_comes_back_after_retry_after() -> None:
    kit = engine_kit()
    kit.executor(Deferred("circuit open", 90))
    task = kit.engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-1")
    kit.clock.advance(minutes=30)

    kit.engine.run_task(task.task_id, Trigger.SCHEDULE)

    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.WAITING and stored.execution_summary == "Waiting: circuit open"
    assert stored.next_execution_at == kit.clock.now() + timedelta(seconds=90)
    assert kit.scheduler.schedules[task.task_id] == stored.next_execution_at


# ---------------------------------------------------------------- finding 11: never a 500


@pytest.mark.parametrize(
    ("error", "status", "retry_after"),
    [
        (TransientProxyError("HPK did not answer in time"), 503, 60),
        (ProxyThrottled("HPK rate limit", retry_after_seconds=7), 503, 7),
        (ProxyConfigurationError("HPK login refused"), 503, 60),
    ],
)
def test_a_proxy_that_cannot_answer_now_is_a_503_with_retry_after(
    error: Exception, status: int, retry_after: int
) -> None:
    assert vendor_error_status(error) == (status, retry_after)  # type: ignore[arg-type]


# ---------------------------------------------------------------- finding 12: a fresh state machine


def test_a_cancel_task_rescued_from_manual_by_sync_now_gets_a_fresh_state_machine() -> None:
    # Given a cancel task its state machine drove into manual handling
    kit = engine_kit()
    backoff = RecordingCancelBackoff()
    engine = TaskEngine(
        store=kit.store,
        scheduler=kit.scheduler,
        invoker=kit.invoker,
        events=kit.events,
        clock=kit.clock,
        request_log=kit.request_log,
        executors=kit.registry,
        policy=kit.engine._policy,
        settings=kit.settings,
        backoff=backoff,
    )
    kit.executor(NeedsManual("HPK says nothing"), NotYet("Waiting for HPK"), task_type=TaskType.CANCEL)
    task = engine.create_task(TaskType.CANCEL, BusinessType.INBOUND, ROUTE, order_no="IN-1")
    backoff.start(task.task_id, [600, 1200])  # what start_cancel_task does
    engine.run_task(task.task_id, Trigger.STATE_MACHINE)
    assert kit.task(task.task_id).status is TaskStatus.MANUAL

    # When an operator presses Sync Now and the run finds HPK still deciding
    engine.run_task(task.task_id, Trigger.SYNC_NOW)

    # Then a new execution, under a new name, drives the task on from its next check
    assert backoff.names == [f"cancel-{task.task_id}", f"cancel-{task.task_id}-2"]
    stored = kit.task(task.task_id)
    assert stored.status is TaskStatus.WAITING and stored.next_execution_at is not None
    assert backoff.first_waits[-1] == (stored.next_execution_at - kit.clock.now()).total_seconds()
    assert kit.scheduler.schedules == {}


def test_runs_that_do_not_rescue_a_task_start_no_second_state_machine() -> None:
    kit = engine_kit()
    backoff = RecordingCancelBackoff()
    engine = TaskEngine(
        store=kit.store,
        scheduler=kit.scheduler,
        invoker=kit.invoker,
        events=kit.events,
        clock=kit.clock,
        request_log=kit.request_log,
        executors=kit.registry,
        policy=kit.engine._policy,
        settings=kit.settings,
        backoff=backoff,
    )
    kit.executor(NotYet("Waiting for HPK"), NotYet("Waiting for HPK"), task_type=TaskType.CANCEL)
    task = engine.create_task(TaskType.CANCEL, BusinessType.INBOUND, ROUTE, order_no="IN-1")

    engine.run_task(task.task_id, Trigger.STATE_MACHINE)
    engine.run_task(task.task_id, Trigger.SYNC_NOW)

    assert backoff.names == []
