"""The local stack's clocks and recovery paths: scheduled polls, the cancel state machine, the sweeper.

One stack for the module at time scale 300 (a 30-minute poll fires after 6 s, the cancel backoff's
first 10-minute wait lasts 2 s, the 5-minute sweeper runs every second) with a 3-second task lease.
No test presses Sync Now: every run comes from the trigger under test.
"""

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from proxyhub.aws.scheduler import schedule_name
from proxyhub.clock import from_iso, to_iso
from proxyhub.settings import Settings
from proxyhub_dev.local.demo import GwmsScenario
from proxyhub_dev.local.demo_session import DemoNames, DemoSession, DemoTargets, wait_until
from proxyhub_dev.local.runner import LocalServices, run_local_stack
from proxyhub_dev.local.stepfunctions import scaled_wait_seconds

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TIME_SCALE = 300
LEASE_SECONDS = 3
TIMEOUT_SECONDS = 30
SCALED_POLL_SECONDS = 30 * 60 / TIME_SCALE
TASK_RUNNER = "TaskRunnerFunction"

# A task runner in a process of its own, like a Lambda container: it runs one task and can be killed.
RUNNER_PROCESS = """
import json, sys
from pathlib import Path
from proxyhub_dev.local.invoker import DeployedFunction, LocalInvoker

spec = json.loads(sys.argv[1])
function = DeployedFunction(**{**spec, "handler_file": Path(spec["handler_file"])})
LocalInvoker([function]).invoke(function.logical_id, json.loads(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("LEASE_SECONDS", str(LEASE_SECONDS))
        environment.setenv("SWEEPER_GRACE_SECONDS", "0")
        with run_local_stack(time_scale=TIME_SCALE) as running:
            yield running


@pytest.fixture(scope="module")
def session(services: LocalServices) -> Iterator[DemoSession]:
    assert services.hpk_url is not None
    targets = DemoTargets(services.api_url, services.hpk_url)
    session = DemoSession(targets, DemoNames("rec"), io.StringIO(), TIMEOUT_SECONDS)
    GwmsScenario(session).seed()
    yield session
    session.close()


def push_inbound(session: DemoSession, order_no: str) -> tuple[str, str]:
    """Creates an inbound order; returns its create task and HPK inbound no once the push run settled."""
    names = session.names
    session.create_order(
        "inbound",
        {
            "order_no": order_no,
            "inbound_type": "purchase",
            "warehouse_code": names.warehouse,
            "customer_code": names.customer,
            "items": [{"gsku": names.gsku("MUG"), "qty": 5}],
        },
    )
    order = session.wait_for_order("inbound", order_no, "pushed", sync_now=False)
    task_id = task_id_of(order, "create")
    wait_for_task(session, task_id, lambda task: task["status"] == "waiting")
    return task_id, order["proxy_order_no"]


def task_id_of(order: dict[str, Any], task_type: str) -> str:
    (task_id,) = [task["task_id"] for task in order["tasks"] if task["task_type"] == task_type]
    return str(task_id)


def wait_for_task(session: DemoSession, task_id: str, done: Any) -> Any:
    return wait_until(
        f"task {task_id}", observe=lambda: session.task(task_id), done=done, timeout_seconds=TIMEOUT_SECONDS
    )


def wait_for_runs(session: DemoSession, task_id: str, attempts: int) -> Any:
    """The task once its `attempts`-th run has finished."""
    return wait_for_task(session, task_id, lambda t: t["attempts"] == attempts and t["status"] != "running")


# ---------------------------------------------------------------- schedules


def test_a_waiting_task_is_polled_when_its_scaled_schedule_fires(session: DemoSession) -> None:
    # Given an inbound pushed to HPK: its create task waits 30 minutes for the next poll
    task_id, _ = push_inbound(session, "REC-SCHEDULE")
    pushed = session.task(task_id)
    assert pushed["attempts"] == 1

    # When the schedule fires
    polled = wait_for_runs(session, task_id, 2)

    # Then it fired 30 minutes / 300 later, and the poll found HPK still waiting for the goods
    elapsed = from_iso(polled["last_executed_at"]) - from_iso(pushed["last_executed_at"])
    assert SCALED_POLL_SECONDS - 0.5 <= elapsed.total_seconds() <= SCALED_POLL_SECONDS + 3
    assert polled["status"] == "waiting"


# ---------------------------------------------------------------- the cancel state machine


def test_the_cancel_state_machine_runs_the_real_cancel_check(session: DemoSession) -> None:
    # Given a transfer order HPK is picking, and a cancel HPK answers with CANCELLING
    proxy_order_no = push_transfer(session, "REC-CANCEL")
    session.hpk.advance_outbound(proxy_order_no, "PICKING")
    order = session.call("POST", "/v1/outbound-orders/REC-CANCEL/cancel", {"reason": "Plan changed"})
    assert order["status"] == "cancelling"
    task_id = task_id_of(order, "cancel")
    execution_arn = cancel_execution_arn(task_id)

    # When the first (scaled) wait is over, the state machine has the task runner check the cancel
    checked = wait_for_runs(session, task_id, 1)

    # Then the real executor asked HPK, which is still deciding, and the machine keeps polling
    assert checked["status"] == "waiting"
    assert checked["execution_summary"] == "Waiting for the proxy warehouse to decide the cancel"

    # And when HPK rejects the cancel (it sends no callback for that), the machine's next check
    # settles the task and the machine stops
    session.hpk.resolve_cancel(proxy_order_no, "REJECTED")
    wait_until(
        "the cancel execution to finish",
        observe=lambda: describe_execution(execution_arn)["status"],
        done=lambda status: status != "RUNNING",
        timeout_seconds=TIMEOUT_SECONDS,
    )
    assert describe_execution(execution_arn)["status"] == "SUCCEEDED"
    assert [result["status"] for result in check_results(execution_arn)] == ["waiting", "success"]
    rejected = session.order("outbound", "REC-CANCEL")
    assert rejected["status"] == "pushed" and rejected["cancel"]["status"] == "rejected"


def test_wait_states_last_whole_scaled_seconds() -> None:
    # moto's wait loop counts whole seconds: a fraction would never finish waiting.
    assert scaled_wait_seconds(600, TIME_SCALE) == 2
    assert scaled_wait_seconds(600, 1000) == 1
    assert scaled_wait_seconds(0, TIME_SCALE) == 0
    assert scaled_wait_seconds(600, 1) == 600


def push_transfer(session: DemoSession, order_no: str) -> str:
    names = session.names
    mug = names.gsku("MUG")
    batch = {
        "sku": mug,
        "inventory_type": "QUALIFIED",
        "inbound_no": "HPKI-SEEDED",
        "inbound_at": to_iso(datetime.now(UTC)),
        "available_qty": 10,
        "locked_qty": 0,
    }
    session.hpk.seed_inventory(names.proxy_warehouse, [batch])
    session.create_order(
        "outbound",
        {
            "order_no": order_no,
            "outbound_type": "transfer_staging",
            "warehouse_code": names.warehouse,
            "customer_code": names.customer,
            "transfer": {"destination_code": "ONT8"},
            "items": [{"gsku": mug, "qty": 2}],
        },
    )
    return str(session.wait_for_order("outbound", order_no, "pushed", sync_now=False)["proxy_order_no"])


def cancel_execution_arn(task_id: str) -> str:
    # The test process's environment points at moto and holds the functions' variables.
    state_machine_arn = Settings().cancel_state_machine_arn
    executions = boto3.client("stepfunctions").list_executions(stateMachineArn=state_machine_arn)
    (arn,) = [e["executionArn"] for e in executions["executions"] if e["name"] == f"cancel-{task_id}"]
    return str(arn)


def describe_execution(execution_arn: str) -> Any:
    return boto3.client("stepfunctions").describe_execution(executionArn=execution_arn)


def check_results(execution_arn: str) -> list[dict[str, Any]]:
    """What the task runner returned to each of the execution's checks."""
    history = boto3.client("stepfunctions").get_execution_history(executionArn=execution_arn)["events"]
    outputs = [
        event["taskSucceededEventDetails"]["output"] for event in history if event["type"] == "TaskSucceeded"
    ]
    return [json.loads(output)["Payload"] for output in outputs]


# ---------------------------------------------------------------- the sweeper


def test_a_run_killed_mid_task_is_recovered_by_the_sweeper(
    session: DemoSession, services: LocalServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner_events = record_task_runner_events(services, monkeypatch)
    task_id, proxy_inbound_no = push_inbound(session, "REC-SWEEP")
    # Given a runner that claimed the task and hangs on HPK, then dies (its lease stays behind)
    session.hpk.inject_fault("timeout", path_prefix="/api/v5/inbound/get", delay_seconds=60)
    with runner_process(services, task_id) as runner:
        wait_for_task(session, task_id, lambda task: task["status"] == "running")
        runner.kill()
    # and whose schedule already fired: in AWS it deleted itself when it started the dead run
    with contextlib.suppress(boto3.client("scheduler").exceptions.ResourceNotFoundException):
        boto3.client("scheduler").delete_schedule(
            Name=schedule_name(task_id), GroupName=Settings().schedule_group_name
        )

    # When HPK completes the inbound (its callback finds the task leased) and the lease expires
    session.hpk.complete_inbound(proxy_inbound_no)
    order = session.wait_for_order("inbound", "REC-SWEEP", "put_away", sync_now=False)

    # Then the sweeper handed the task to the runner, its run is in the history, and a run after the
    # dead one finished it (the dead run wrote no history: it never reached its final write). Which
    # one finished depends on timing: the sweeper's, HPK's retried callback once the lease expired,
    # or the retry the sweeper's run scheduled when HPK was still slow.
    task = session.task(task_id)
    assert task["status"] == "success"
    assert {"task_id": task_id, "trigger": "sweeper"} in runner_events
    runs = session.call("GET", f"/v1/tasks/{task_id}/runs")["items"]
    assert "sweeper" in [run["trigger"] for run in runs]
    assert runs[0]["outcome"] == "done"
    assert order["receipt"]["proxy_inbound_no"] == proxy_inbound_no


def record_task_runner_events(services: LocalServices, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The events of the task runner's asynchronous invocations (sweeper, callbacks, schedules)."""
    events: list[Any] = []
    invoke = services.invoker.invoke

    def recording_invoke(function: str, event: Any) -> Any:
        if services.invoker.resolve(function).logical_id == TASK_RUNNER:
            events.append(event)
        return invoke(function, event)

    monkeypatch.setattr(services.invoker, "invoke", recording_invoke)
    return events


@contextlib.contextmanager
def runner_process(services: LocalServices, task_id: str) -> Iterator[subprocess.Popen[bytes]]:
    """Runs the task in a new process, with this process's environment (moto, the functions' variables)."""
    (function,) = [f for f in services.stack.deployed_functions() if f.logical_id == TASK_RUNNER]
    spec = json.dumps({**asdict(function), "handler_file": str(function.handler_file)})
    event = json.dumps({"task_id": task_id, "trigger": "sync_now"})
    process = subprocess.Popen([sys.executable, "-c", RUNNER_PROCESS, spec, event], cwd=ROOT)
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)
