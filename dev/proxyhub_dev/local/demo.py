"""`make demo`: the product's flows end to end on the local stack, step by step.

Against a running `make run` (API on --api-url, HPK simulator on --hpk-url, OneWarehouse simulator on
--onewarehouse-url). When nothing answers on the API URL, the demo starts the whole stack in this
process on free ports instead (time scale: TIME_SCALE or --time-scale), runs the same steps, stops it.

Each step acts as GWMS (our API) and as HPK (the simulator's `/_sim` endpoints), then waits, bounded by
--timeout, for the order to reach its expected state. HPK's signed status callbacks wake the tasks;
when a state is not reached within a few seconds the demo presses Sync Now, as an operator would,
rather than wait for the 30-minute poll. Exit code 1 when a step does not reach its expected state.
"""

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

import httpx

from proxyhub_dev.local.demo_session import (
    DemoNames,
    DemoSession,
    DemoTargets,
    StepFailedError,
    new_run_id,
    wait_until,
)
from proxyhub_dev.local.template import SamTemplate

if TYPE_CHECKING:
    from proxyhub_dev.simulators.onewarehouse import OneWarehouseSimulatorControl

DEFAULT_API_URL = "http://127.0.0.1:3000"
DEFAULT_HPK_URL = "http://127.0.0.1:3100"
DEFAULT_ONEWAREHOUSE_URL = "http://127.0.0.1:3200"
DEFAULT_TIMEOUT_SECONDS = 60.0
MUG, PLATE, CUP = "MUG", "PLATE", "OW-CUP"
# Read by Powertools when it flushes metrics.
METRICS_DISABLED = "POWERTOOLS_METRICS_DISABLED"

Step = tuple[str, Callable[[], None]]


def run_demo(targets: DemoTargets, out: TextIO, timeout_seconds: float, run_id: str) -> bool:
    """Runs every step in order; False (after saying why) at the first that misses its expected state."""
    session = DemoSession(targets, DemoNames(run_id), out, timeout_seconds)
    steps = [*GwmsScenario(session).steps(), *OneWarehouseScenario(session).steps()]
    try:
        for number, (title, step) in enumerate(steps, start=1):
            session.say(f"\n[{number}/{len(steps)}] {title}")
            step()
            session.say("    OK")
        show_final_ledger(session)
    except StepFailedError as failure:
        session.say(f"    FAILED: {failure}")
        return False
    finally:
        session.close()
    session.say("\nDemo complete: every step reached its expected state.")
    return True


class GwmsScenario:
    """GWMS's orders through HPK: inbound, drop shipping, a transfer cancelled, an inventory sync."""

    def __init__(self, session: DemoSession) -> None:
        self._session = session
        self._names = session.names
        self._mug = session.names.gsku(MUG)
        self._plate = session.names.gsku(PLATE)
        # Learnt in the inbound step; the inventory step changes HPK's count of that batch.
        self._proxy_inbound_no = ""
        self._hpk_mug_sku = ""

    def steps(self) -> list[Step]:
        return [
            ("Seed: HPK proxy system, complete warehouse mapping, channel, customer, SKUs", self.seed),
            ("Inbound: pushed to HPK, received partly defective, put away", self.inbound),
            ("Outbound, drop shipping: pushed, shipped, stock deducted", self.drop_shipping),
            ("Outbound, transfer staging: cancel while HPK picks, backoff, cancelled", self.transfer_cancel),
            ("Inventory sync: HPK counts one mug less, the sync corrects the ledger", self.inventory_sync),
        ]

    def seed(self) -> None:
        session, names = self._session, self._names
        self._upsert_proxy_system()
        mapping = session.call(
            "PUT",
            f"/v1/proxy-systems/{names.system}/warehouse-mappings/{names.proxy_warehouse}",
            {
                "gwms_warehouse_code": names.warehouse,
                "virtual_putaway_location": names.putaway_location,
                "defective_location": names.defective_location,
            },
        )
        if not mapping["complete"]:
            raise StepFailedError(f"warehouse mapping incomplete: missing {mapping['missing']}")
        channel = {"proxy_channel_code": names.proxy_channel}
        session.call("PUT", f"/v1/proxy-systems/{names.system}/channel-mappings/{names.channel}", channel)
        customer = {"name": "Demo Ceramics", "account_status": "open", "warehouse_codes": [names.warehouse]}
        session.call("PUT", f"/v1/customers/{names.customer}", customer)
        for gsku, name in ((self._mug, "Ceramic mug"), (self._plate, "Dinner plate")):
            sku = {"name": name, "spec": "white", "weight_kg": 0.4, "customer_code": names.customer}
            session.call("PUT", f"/v1/skus/{gsku}", sku)
        session.say(
            f"    {names.system} -> {session.targets.hpk_url}; {names.proxy_warehouse} <-> {names.warehouse} "
            f"(putaway {names.putaway_location}, defective {names.defective_location}); "
            f"channel {names.channel} -> {names.proxy_channel}; SKUs {self._mug}, {self._plate}"
        )

    def inbound(self) -> None:
        session, names = self._session, self._names
        order_no = names.order_no("IN")
        session.create_order(
            "inbound",
            {
                "order_no": order_no,
                "inbound_type": "purchase",
                "warehouse_code": names.warehouse,
                "customer_code": names.customer,
                "expected_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                "items": [{"gsku": self._mug, "qty": 10}, {"gsku": self._plate, "qty": 4}],
            },
        )
        self._proxy_inbound_no = session.wait_for_order("inbound", order_no, "pushed")["proxy_order_no"]
        mug_sku, plate_sku = hpk_skus_of(session, self._proxy_inbound_no)
        self._hpk_mug_sku = mug_sku
        session.say(f"    HPK completes {self._proxy_inbound_no}: 8 mugs + 2 defective, 4 plates")
        session.hpk.complete_inbound(
            self._proxy_inbound_no,
            [
                {"sku": mug_sku, "qualified_qty": 8, "defective_qty": 2},
                {"sku": plate_sku, "qualified_qty": 4, "defective_qty": 0},
            ],
        )
        order = session.wait_for_order("inbound", order_no, "put_away")
        session.expect_task(order, "create", "success")
        session.show_tasks(order)
        session.expect_ledger(self._mug, names.qualified(8) | names.defective(2))
        session.expect_ledger(self._plate, names.qualified(4))

    def drop_shipping(self) -> None:
        session, names = self._session, self._names
        order_no = names.order_no("DS")
        session.create_order(
            "outbound",
            {
                "order_no": order_no,
                "outbound_type": "drop_shipping",
                "warehouse_code": names.warehouse,
                "customer_code": names.customer,
                "channel_code": names.channel,
                "recipient": DEMO_RECIPIENT,
                "items": [{"gsku": self._mug, "qty": 3}],
            },
        )
        proxy_order_no = session.wait_for_order("outbound", order_no, "pushed")["proxy_order_no"]
        session.say(f"    HPK ships {proxy_order_no}")
        session.hpk.advance_outbound(proxy_order_no, "SHIPPED")
        order = session.wait_for_order("outbound", order_no, "shipped")
        shipment = order.get("shipment") or {}
        session.say(f"    carrier {shipment.get('carrier')}, tracking no {shipment.get('tracking_no')}")
        session.expect_task(order, "create", "success")
        session.show_tasks(order)
        session.expect_ledger(self._mug, names.qualified(5) | names.defective(2))

    def transfer_cancel(self) -> None:
        session, names = self._session, self._names
        order_no = names.order_no("TS")
        session.create_order(
            "outbound",
            {
                "order_no": order_no,
                "outbound_type": "transfer_staging",
                "warehouse_code": names.warehouse,
                "customer_code": names.customer,
                "transfer": {"destination_code": "ONT8", "fba_shipment_id": f"FBA{names.run_id}"},
                "items": [{"gsku": self._mug, "qty": 2}],
            },
        )
        proxy_order_no = session.wait_for_order("outbound", order_no, "pushed")["proxy_order_no"]
        session.say(f"    HPK starts picking {proxy_order_no}; GWMS cancels")
        session.hpk.advance_outbound(proxy_order_no, "PICKING")
        order = session.call("POST", f"/v1/outbound-orders/{order_no}/cancel", {"reason": "Plan changed"})
        if order["status"] != "cancelling":
            raise StepFailedError(f"expected cancelling while HPK picks, got {order['status']}")
        session.say("    HPK answers CANCELLING: a cancel task and its backoff state machine take over")
        session.show_tasks(order)
        session.say("    HPK confirms the cancellation")
        session.hpk.resolve_cancel(proxy_order_no, "CANCELLED")
        order = session.wait_for_order("outbound", order_no, "cancelled")
        session.expect_task(order, "cancel", "success")
        session.expect_task(order, "create", "cancelled")
        session.show_tasks(order)
        # Never shipped: nothing left the ledger.
        session.expect_ledger(self._mug, names.qualified(5) | names.defective(2))

    def inventory_sync(self) -> None:
        session, names = self._session, self._names
        session.say(f"    HPK's count of {self._mug} in batch {self._proxy_inbound_no} drops by one")
        session.hpk.adjust_inventory(
            warehouse_code=names.proxy_warehouse,
            sku=self._hpk_mug_sku,
            inventory_type="QUALIFIED",
            inbound_no=self._proxy_inbound_no,
            delta_available=-1,
        )
        mapping_path = f"/v1/proxy-systems/{names.system}/warehouse-mappings/{names.proxy_warehouse}"
        started = session.call("POST", f"{mapping_path}/inventory-sync", expected=(202,))
        task = session.wait_for_task(started["task_id"], "success")
        session.say(f"    task inventory_sync {task['status']}: {task['execution_summary']}")
        snapshot = session.call("GET", f"/v1/tasks/{task['task_id']}/inventory-snapshot?limit=1000")
        session.say(f"    snapshot: {len(snapshot['items'])} HPK batch lines saved with the task")
        session.expect_ledger(self._mug, names.qualified(4) | names.defective(2))

    def _upsert_proxy_system(self) -> None:
        session, names = self._session, self._names
        system = {
            "name": "HPK (local simulator)",
            "system_type": "HPK",
            "api_endpoint": session.targets.hpk_url,
            "account": "demo",
            "password": "demo-secret",
            "version": "5",
            "enabled": True,
        }
        created = session.request("POST", "/v1/proxy-systems", {"code": names.system, **system})
        if created.status_code == 409:
            # Seeded by an earlier run: point it at this run's simulator.
            session.call("PUT", f"/v1/proxy-systems/{names.system}", system)
        elif created.status_code != 201:
            raise StepFailedError(f"POST /v1/proxy-systems answered {created.status_code}: {created.text}")


DEMO_RECIPIENT = {
    "name": "Ada Lovelace",
    "phone": "+1 555 0100",
    "country": "US",
    "state": "CA",
    "city": "Los Angeles",
    "postcode": "90001",
    "address1": "1 Demo Street",
}


class OneWarehouseScenario:
    """OneWarehouse pushes a product and a purchase inbound; HPK receives it; we call back.

    Skipped, with the reason, while the API has no OneWarehouse webhooks or no simulator answers.
    """

    OWNER = "OWN-DEMO"
    WAREHOUSE = "OW-LAX"

    def __init__(self, session: DemoSession) -> None:
        self._session = session
        self._names = session.names
        self._cup = session.names.gsku(CUP)

    def steps(self) -> list[Step]:
        return [("OneWarehouse: purchase inbound pushed, put away, inbound callback", self.purchase_inbound)]

    def purchase_inbound(self) -> None:
        skipped = self._unavailable()
        if skipped:
            self._session.say(f"    skipped: {skipped}")
            return
        session, names = self._session, self._names
        inbound_no = names.order_no("OW")
        self._connect()
        self._push("products", self._product())
        self._push(
            "purchase-inbound",
            {
                "inbound_no": inbound_no,
                "warehouse_code": self.WAREHOUSE,
                "owner_code": self.OWNER,
                "expected_arrival": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
                "items": [{"sku_id": self._cup, "qty": 6}],
                "remark": "make demo",
            },
        )
        proxy_inbound_no = session.wait_for_order("inbound", inbound_no, "pushed")["proxy_order_no"]
        session.say(f"    HPK completes {proxy_inbound_no}: 6 cups")
        session.hpk.complete_inbound(proxy_inbound_no)
        order = session.wait_for_order("inbound", inbound_no, "put_away")
        session.expect_task(order, "create", "success")
        session.show_tasks(order)
        session.expect_ledger(self._cup, names.qualified(6))
        self._wait_for_inbound_callback(inbound_no)

    def _unavailable(self) -> str | None:
        url = self._session.targets.onewarehouse_url
        if not url:
            return "no OneWarehouse simulator"
        if not any(route.path.startswith("/onewarehouse/") for route in SamTemplate.load().http_routes()):
            return "template.yaml has no /onewarehouse/* webhook routes yet"
        try:
            httpx.get(f"{url}/_sim/state", timeout=5)
        except httpx.TransportError:
            return f"nothing answers on {url}"
        return None

    def _simulator(self) -> "OneWarehouseSimulatorControl":
        from proxyhub_dev.simulators.onewarehouse import OneWarehouseSimulatorControl

        assert self._session.targets.onewarehouse_url is not None
        return OneWarehouseSimulatorControl(self._session.targets.onewarehouse_url)

    def _connect(self) -> None:
        from proxyhub_dev.simulators.onewarehouse import (
            DEFAULT_APP_KEY,
            DEFAULT_APP_SECRET,
            DEFAULT_CALLBACK_KEY,
        )

        connection = {
            "app_key": DEFAULT_APP_KEY,
            "app_secret": DEFAULT_APP_SECRET,
            "callback_key": DEFAULT_CALLBACK_KEY,
            "api_base_url": self._session.targets.onewarehouse_url,
            "verify_mode": "enforce",
            "owner_map": {self.OWNER: self._names.customer},
            "warehouse_map": {self.WAREHOUSE: self._names.warehouse},
            "active": True,
        }
        self._session.call("PUT", "/v1/onewarehouse/connections/sandbox", connection)
        self._session.say("    the sandbox connection to the OneWarehouse simulator is active")

    def _product(self) -> dict[str, Any]:
        return {
            "sku_id": self._cup,
            "sku_code": self._cup,
            "name": "Espresso cup",
            "spec": "90 ml",
            "weight_kg": 0.2,
            "length_cm": 8,
            "width_cm": 8,
            "height_cm": 7,
            "barcode": f"690{self._names.run_id}",
            "declared_value": 4.5,
            "currency": "USD",
            "owner_code": self.OWNER,
        }

    def _push(self, topic: str, body: dict[str, Any]) -> None:
        answer = self._simulator().push(topic, body)
        reply = answer["reply"]
        if answer["status"] != 200 or not isinstance(reply, dict) or reply.get("code") != 0:
            raise StepFailedError(f"OneWarehouse push {topic} answered {answer['status']}: {reply}")
        self._session.say(f"    OneWarehouse pushes {topic}: {reply.get('data')}")

    def _wait_for_inbound_callback(self, inbound_no: str) -> None:
        def inbound_callbacks() -> list[dict[str, Any]]:
            return [
                call
                for call in self._simulator().state()["callbacks"]
                if call["topic"] == "inbound/callback" and call["body"].get("inbound_no") == inbound_no
            ]

        received = wait_until(
            f"the inbound callback of {inbound_no}",
            observe=inbound_callbacks,
            done=lambda calls: any(call["code"] == 0 for call in calls),
            timeout_seconds=self._session.timeout_seconds,
        )
        self._session.say(f"    OneWarehouse got the inbound callback: {received[-1]['body'].get('items')}")


def hpk_skus_of(session: DemoSession, proxy_inbound_no: str) -> list[str]:
    """HPK's SKUs of an inbound, in our order's line order (the push keeps it)."""
    inbounds = [
        inbound for inbound in session.hpk.state()["inbounds"] if inbound["inbound_no"] == proxy_inbound_no
    ]
    if not inbounds:
        raise StepFailedError(f"HPK has no inbound {proxy_inbound_no}")
    return [item["sku"] for item in inbounds[0]["items"]]


def show_final_ledger(session: DemoSession) -> None:
    names = session.names
    gskus = {names.gsku(product) for product in (MUG, PLATE, CUP)}
    session.say(f"\nFinal ledger of {names.warehouse} (dedicated locations, this run's SKUs):")
    session.say(f"    {'GSKU':<20} {'location':<9} {'type':<10} {'qty':>4}  batch (proxy / local inbound no)")
    for item in session.ledger():
        if item["gsku"] in gskus and item["quantity"]:
            session.say(
                f"    {item['gsku']:<20} {item['location']:<9} {item['inventory_type']:<10} "
                f"{item['quantity']:>4}  {item['proxy_inbound_no']} / {item['local_inbound_no']}"
            )


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if _answers(args.api_url):
        print(f"Using the local stack running at {args.api_url}", flush=True)
        return _exit_code(DemoTargets(args.api_url, args.hpk_url, args.onewarehouse_url), args)
    print(f"Nothing answers on {args.api_url}: starting the local stack in this process", flush=True)
    try:
        with _stack_in_this_process(args.time_scale) as targets:
            return _exit_code(targets, args)
    except OSError as error:
        print(f"Cannot start the local stack: {error}", file=sys.stderr)
        return 2


def _exit_code(targets: DemoTargets, args: argparse.Namespace) -> int:
    return 0 if run_demo(targets, sys.stdout, args.timeout, args.run_id or new_run_id()) else 1


@contextmanager
def _stack_in_this_process(time_scale: float | None) -> Iterator[DemoTargets]:
    from proxyhub_dev.local.runner import run_local_stack

    with run_local_stack(time_scale=time_scale) as services, _quiet_handlers():
        if services.hpk_url is None:
            raise OSError("the HPK simulator did not start")
        yield DemoTargets(services.api_url, services.hpk_url, services.onewarehouse_url)


@contextmanager
def _quiet_handlers() -> Iterator[None]:
    """The handlers share this terminal: keep their warnings, drop routine lines and metrics (EMF)."""
    from proxyhub.observability import logger

    level = logger.log_level
    metrics_disabled = os.environ.get(METRICS_DISABLED)
    logger.setLevel(logging.WARNING)
    os.environ[METRICS_DISABLED] = "true"
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="No application metrics to publish")
            yield
    finally:
        logger.setLevel(level)
        if metrics_disabled is None:
            os.environ.pop(METRICS_DISABLED, None)
        else:
            os.environ[METRICS_DISABLED] = metrics_disabled


def _answers(api_url: str) -> bool:
    try:
        httpx.get(f"{api_url}/v1/openapi.json", timeout=5)
    except httpx.TransportError:
        return False
    return True


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m proxyhub_dev.local.demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--api-url", default=DEFAULT_API_URL)
    parser.add_argument("--hpk-url", default=DEFAULT_HPK_URL)
    parser.add_argument("--onewarehouse-url", default=DEFAULT_ONEWAREHOUSE_URL)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, help="seconds per state")
    parser.add_argument("--time-scale", type=float, help="in-process stack only (default: TIME_SCALE or 1)")
    parser.add_argument("--run-id", help="suffix of this run's order numbers and SKUs (default: the time)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
