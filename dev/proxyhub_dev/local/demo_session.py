"""What the demo's steps share: the API and HPK simulator clients, bounded waiting, checks, output."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

import httpx

from proxyhub_dev.local.auth import GwmsCredentials, GwmsSigner
from proxyhub_dev.local.stack import DEFAULT_REGION

if TYPE_CHECKING:
    pass

POLL_SECONDS = 0.25
# Time for a status callback to wake the task before the demo presses Sync Now (and again after this).
NUDGE_AFTER_SECONDS = 3.0
UNFINISHED_TASK_STATUSES = ("pending", "running", "waiting", "manual")
SETTLED_TASK_STATUSES = ("success", "manual", "cancelled")


class StepFailedError(Exception):
    """A step did not reach its expected state."""


@dataclass(frozen=True)
class DemoTargets:
    api_url: str
    hpk_url: str
    onewarehouse_url: str | None = None


@dataclass(frozen=True)
class DemoNames:
    """Configuration is shared by every run; orders and SKUs are new per run, so runs never collide."""

    run_id: str
    system: str = "HPK-DEMO"
    proxy_warehouse: str = "HPK-LAX"
    warehouse: str = "GW-DEMO"
    putaway_location: str = "HPK-VPA"
    defective_location: str = "HPK-DEF"
    channel: str = "UPS-GROUND"
    proxy_channel: str = "HPK-UPS"
    customer: str = "C-DEMO"

    def gsku(self, product: str) -> str:
        return f"{product}-{self.run_id}"

    def order_no(self, kind: str) -> str:
        return f"DEMO-{kind}-{self.run_id}"

    def qualified(self, quantity: int) -> dict[tuple[str, str], int]:
        return {("qualified", self.putaway_location): quantity}

    def defective(self, quantity: int) -> dict[tuple[str, str], int]:
        return {("defective", self.defective_location): quantity}


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%m%d%H%M%S")


class DemoSession:
    def __init__(self, targets: DemoTargets, names: DemoNames, out: TextIO, timeout_seconds: float) -> None:
        # Imported here, after an in-process stack has set the functions' environment (the
        # simulator module brings the handlers' logger with it).
        from proxyhub_dev.simulators.hpk import HpkSimulatorControl

        self.targets = targets
        self.names = names
        self.timeout_seconds = timeout_seconds
        self.hpk: HpkSimulatorControl = HpkSimulatorControl(targets.hpk_url)
        self._out = out
        # GWMS signs its calls (SigV4) with the local stack's development credentials.
        signer = GwmsSigner(GwmsCredentials.from_environment(DEFAULT_REGION))
        self._api = httpx.Client(base_url=targets.api_url, timeout=30, auth=signer)

    def close(self) -> None:
        self._api.close()

    def say(self, line: str) -> None:
        print(line, file=self._out, flush=True)

    # ------------------------------------------------------------ the API

    def call(self, method: str, path: str, body: Any = None, expected: tuple[int, ...] = (200, 201)) -> Any:
        response = self.request(method, path, body)
        if response.status_code not in expected:
            raise StepFailedError(f"{method} {path} answered {response.status_code}: {response.text}")
        return response.json()

    def request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self._api.request(method, path, json=body)

    def create_order(self, kind: str, body: dict[str, Any]) -> Any:
        order = self.call("POST", f"/v1/{kind}-orders", body, expected=(201,))
        self.say(f"    GWMS creates {kind} order {order['order_no']}: {order['status']}")
        return order

    def order(self, kind: str, order_no: str) -> Any:
        return self.call("GET", f"/v1/{kind}-orders/{order_no}", expected=(200,))

    def task(self, task_id: str) -> Any:
        return self.call("GET", f"/v1/tasks/{task_id}", expected=(200,))

    def sync_now(self, task_id: str) -> None:
        # 409: the task is running right now or has just finished; either way there is nothing to press.
        response = self.request("POST", f"/v1/tasks/{task_id}/sync-now")
        if response.status_code not in (202, 409):
            raise StepFailedError(f"Sync Now of {task_id} answered {response.status_code}: {response.text}")
        self.say(f"    (Sync Now on task {task_id})")

    # ------------------------------------------------------------ waiting and checking

    def wait_for_order(self, kind: str, order_no: str, status: str, *, sync_now: bool = True) -> Any:
        """`sync_now=False` leaves the order's tasks to their own triggers (schedules, callbacks, sweeper)."""
        order = wait_until(
            f"{kind} order {order_no} to be {status}",
            observe=lambda: self.order(kind, order_no),
            done=lambda order: order["status"] == status,
            timeout_seconds=self.timeout_seconds,
            nudge=(lambda: self._sync_now_unfinished(kind, order_no)) if sync_now else None,
        )
        self.say(f"    {kind} order {order_no}: {status}")
        return order

    def wait_for_task(self, task_id: str, status: str) -> Any:
        """The task once it settles; a task that settles otherwise (e.g. manual) fails the step at once."""
        task = wait_until(
            f"task {task_id} to be {status}",
            observe=lambda: self.task(task_id),
            done=lambda task: task["status"] == status or task["status"] in SETTLED_TASK_STATUSES,
            timeout_seconds=self.timeout_seconds,
        )
        if task["status"] != status:
            raise StepFailedError(f"task {task_id} ended {task['status']}: {task['execution_summary']}")
        return task

    def show_tasks(self, order: dict[str, Any]) -> None:
        for ref in order["tasks"]:
            task = self.task(ref["task_id"])
            summary = task.get("execution_summary") or ""
            self.say(f"    task {task['task_type']:<14} {task['status']:<9} {summary}")

    def expect_task(self, order: dict[str, Any], task_type: str, status: str) -> None:
        """The order has one task of this type, and it settles with this status."""
        task_ids = [task["task_id"] for task in order["tasks"] if task["task_type"] == task_type]
        if len(task_ids) != 1:
            raise StepFailedError(f"expected one {task_type} task, found {len(task_ids)}")
        self.wait_for_task(task_ids[0], status)

    def ledger(self, gsku: str | None = None) -> list[dict[str, Any]]:
        query = f"warehouse_code={self.names.warehouse}" + (f"&gsku={gsku}" if gsku else "")
        return list(self.call("GET", f"/v1/inventory?{query}", expected=(200,))["items"])

    def expect_ledger(self, gsku: str, expected: dict[tuple[str, str], int]) -> None:
        actual = ledger_totals(self.ledger(gsku))
        if actual != expected:
            raise StepFailedError(f"ledger of {gsku}: expected {expected}, found {actual}")
        shown = ", ".join(f"{quantity} {kind} on {location}" for (kind, location), quantity in actual.items())
        self.say(f"    ledger {gsku}: {shown}")

    def _sync_now_unfinished(self, kind: str, order_no: str) -> None:
        for task in self.order(kind, order_no)["tasks"]:
            if task["status"] in UNFINISHED_TASK_STATUSES:
                self.sync_now(task["task_id"])


def wait_until(
    what: str,
    *,
    observe: Callable[[], Any],
    done: Callable[[Any], bool],
    timeout_seconds: float,
    nudge: Callable[[], None] | None = None,
) -> Any:
    """Observes until `done`, pressing `nudge` now and then; raises StepFailedError at the deadline."""
    started = time.monotonic()
    next_nudge = started + NUDGE_AFTER_SECONDS
    while True:
        observed = observe()
        if done(observed):
            return observed
        now = time.monotonic()
        if now - started >= timeout_seconds:
            raise StepFailedError(
                f"gave up after {timeout_seconds:g} s waiting for {what}; last seen: {observed}"
            )
        if nudge is not None and now >= next_nudge:
            nudge()
            next_nudge = now + NUDGE_AFTER_SECONDS
        time.sleep(POLL_SECONDS)


def ledger_totals(items: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Quantities per (inventory type, location); emptied batches do not count."""
    totals: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item["inventory_type"], item["location"])
        totals[key] = totals.get(key, 0) + int(item["quantity"])
    return {key: quantity for key, quantity in totals.items() if quantity}
