"""Inbound, outbound and cancel flows end to end: the real API handler and task executors on moto,
against the HPK simulator over HTTP on 127.0.0.1, driven by its /_sim control endpoints."""

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from tasks_moto_kit import fakes

from fakes import RecordingEvents
from proxyhub import wiring
from proxyhub.adapters.hpk.signing import signed_callback_headers
from proxyhub.aws.cancel_backoff import CancelBackoffStarter
from proxyhub.models.orders import OrderKind
from proxyhub.models.tasks import Trigger
from proxyhub.settings import Settings, get_settings
from proxyhub.tasks.engine import TaskEngine
from proxyhub_dev.local.invoker import DeployedFunction, LocalInvoker, route_lambda_invokes_to
from proxyhub_dev.local.stepfunctions import compress_state_machine_waits
from proxyhub_dev.simulators.hpk import HpkSimulator

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE = "GW-LA"
RECIPIENT = {
    "name": "Ada Lovelace",
    "phone": "+1 555 0100",
    "country": "US",
    "state": "CA",
    "city": "Los Angeles",
    "postcode": "90001",
    "address1": "1 Main St",
}


@dataclass
class Hub:
    api: Callable[..., tuple[int, Any]]
    hpk: HpkSimulator
    invoker: Any
    events: RecordingEvents
    settings: Settings
    seen: dict[str, Any] = field(default_factory=dict)

    def sim(self, path: str, body: Any = None) -> Any:
        import httpx

        response = httpx.post(f"{self.hpk.base_url}{path}", json=body)
        assert response.json()["code"] == 0, response.text
        return response.json()["data"]

    def hpk_calls(self, suffix: str) -> list[str]:
        import httpx

        calls = httpx.get(f"{self.hpk.base_url}/_sim/state").json()["data"]["calls"]
        return [path for path in calls if path.endswith(suffix)]

    def run(self, task_id: str, trigger: Trigger = Trigger.SYNC_NOW) -> dict[str, Any]:
        return wiring.container().task_engine.run_task(task_id, trigger).as_dict()

    def order(self, kind: str, order_no: str) -> dict[str, Any]:
        status, body = self.api("GET", f"/v1/{kind}-orders/{order_no}")
        assert status == 200, body
        return dict(body)

    def task(self, task_id: str) -> dict[str, Any]:
        status, body = self.api("GET", f"/v1/tasks/{task_id}")
        assert status == 200, body
        return dict(body)

    def stock(self) -> list[tuple[str, str, str, int]]:
        _, body = self.api("GET", "/v1/inventory", query={"warehouse_code": WAREHOUSE})
        return sorted(
            (item["gsku"], item["inventory_type"], item["location"], item["quantity"])
            for item in body["items"]
        )

    def create_inbound(
        self, order_no: str, items: list[dict[str, Any]], inbound_type: str = "purchase"
    ) -> Any:
        order = {
            "order_no": order_no,
            "inbound_type": inbound_type,
            "warehouse_code": WAREHOUSE,
            "customer_code": "C-ACME",
            "items": items,
        }
        status, body = self.api("POST", "/v1/inbound-orders", order)
        assert status == 201, body
        return body

    def receive(self, order_no: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        """An inbound pushed, completed by HPK with these quantities, and run to its end."""
        task_id = self.create_inbound(
            order_no, [{"gsku": i["sku"], "qty": i["qualified_qty"] + i["defective_qty"]} for i in items]
        )["tasks"][0]["task_id"]
        self.run(task_id)
        self.sim(
            f"/_sim/inbound/{self.order('inbound', order_no)['proxy_order_no']}/complete", {"items": items}
        )
        self.run(task_id)
        return self.task(task_id)

    def create_outbound(self, order_no: str, outbound_type: str, items: list[dict[str, Any]]) -> Any:
        order: dict[str, Any] = {
            "order_no": order_no,
            "outbound_type": outbound_type,
            "warehouse_code": WAREHOUSE,
            "customer_code": "C-ACME",
            "items": items,
        }
        if outbound_type == "drop_shipping":
            order |= {"channel_code": "UPS-GROUND", "recipient": RECIPIENT}
        else:
            order |= {"transfer": {"destination_code": "FBA-ONT8", "fba_shipment_id": "FBA15ABC"}}
        status, body = self.api("POST", "/v1/outbound-orders", order)
        assert status == 201, body
        return body


def seed_configuration(api: Callable[..., tuple[int, Any]], endpoint: str, complete: bool = True) -> None:
    system = {
        "code": "HPK01",
        "name": "Hipacking",
        "system_type": "HPK",
        "api_endpoint": endpoint,
        "account": "demo",
        "password": "demo-secret",
        "version": "5",
    }
    assert api("POST", "/v1/proxy-systems", system)[0] == 201
    mapping: dict[str, Any] = {"gwms_warehouse_code": WAREHOUSE, "virtual_putaway_location": "HPK-VPA"}
    if complete:
        mapping["defective_location"] = "HPK-DEF"
    assert api("PUT", "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1", mapping)[0] == 200
    assert (
        api("PUT", "/v1/proxy-systems/HPK01/channel-mappings/UPS-GROUND", {"proxy_channel_code": "UPSG"})[0]
        == 200
    )
    customer = {"name": "Acme", "account_status": "open", "warehouse_codes": [WAREHOUSE]}
    assert api("PUT", "/v1/customers/C-ACME", customer)[0] == 200
    for gsku in ("MUG", "BOWL"):
        sku = {"name": gsku.title(), "spec": "standard", "weight_kg": 0.5, "customer_code": "C-ACME"}
        assert api("PUT", f"/v1/skus/{gsku}", sku)[0] == 200


class RecordingBackoff:
    """Stands in for the cancel state machine, except in the test that runs the real one."""

    started: list[tuple[str, list[int]]] = []

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def start(
        self, task_id: str, waits: list[int], *, first_wait_seconds: int | None = None, attempt: int = 0
    ) -> str:
        RecordingBackoff.started.append((task_id, waits))
        return f"execution-{task_id}"


@pytest.fixture
def hub(aws: Settings, api: Any) -> Iterator[Hub]:
    invoker, events = fakes.RecordingInvoker(), RecordingEvents()
    RecordingBackoff.started = []
    wiring.override(task_invoker=invoker, domain_events=events, cancel_backoff=RecordingBackoff(aws))
    boto3.client("scheduler").create_schedule_group(Name=aws.schedule_group_name)
    with HpkSimulator(port=0) as hpk:
        seed_configuration(api, hpk.base_url)
        yield Hub(api, hpk, invoker, events, aws)


# ---------------------------------------------------------------- inbound


@pytest.mark.parametrize("inbound_type", ["purchase", "return"])
def test_inbound_is_pushed_then_received_and_put_away_on_the_dedicated_locations(
    hub: Hub, inbound_type: str
) -> None:
    # Given an inbound order from GWMS
    created = hub.create_inbound(
        "IN-1", [{"gsku": "MUG", "qty": 10}, {"gsku": "BOWL", "qty": 5}], inbound_type
    )
    task_id = created["tasks"][0]["task_id"]
    assert created["status"] == "created" and created["tasks"][0]["task_type"] == "create"
    assert (task_id, Trigger.CREATED) in hub.invoker.calls

    # When its create task runs, the GSKUs are synced and the order is pushed to HPK
    hub.run(task_id)
    pushed = hub.order("inbound", "IN-1")
    assert pushed["status"] == "pushed" and pushed["proxy_order_no"]
    assert hub.task(task_id)["status"] == "waiting"
    assert hub.task(task_id)["third_party_order_no"] == pushed["proxy_order_no"]
    _, skus = hub.api("GET", "/v1/proxy-systems/HPK01/sku-mappings", query={"status": "synced"})
    assert sorted(item["gsku"] for item in skus["items"]) == ["BOWL", "MUG"]

    # And when HPK completes it partly defective, the next run receives and puts away
    hub.sim(
        f"/_sim/inbound/{pushed['proxy_order_no']}/complete",
        {
            "items": [
                {"sku": "MUG", "qualified_qty": 8, "defective_qty": 2},
                {"sku": "BOWL", "qualified_qty": 5, "defective_qty": 0},
            ]
        },
    )
    hub.run(task_id)

    # Then
    task = hub.task(task_id)
    order = hub.order("inbound", "IN-1")
    assert task["status"] == "success", task
    assert order["status"] == "put_away"
    assert [
        (line["gsku"], line["qualified_qty"], line["defective_qty"]) for line in order["receipt"]["lines"]
    ] == [
        ("MUG", 8, 2),
        ("BOWL", 5, 0),
    ]
    assert hub.stock() == [
        ("BOWL", "qualified", "HPK-VPA", 5),
        ("MUG", "defective", "HPK-DEF", 2),
        ("MUG", "qualified", "HPK-VPA", 8),
    ]
    assert hub.events.types() == ["InboundReceived", "InboundPutAway"]


def test_a_repeated_push_returns_the_same_order_and_creates_nothing_new(hub: Hub) -> None:
    first = hub.create_inbound("IN-1", [{"gsku": "MUG", "qty": 10}])
    order = {
        "order_no": "IN-1",
        "inbound_type": "purchase",
        "warehouse_code": WAREHOUSE,
        "customer_code": "C-ACME",
        "items": [{"gsku": "MUG", "qty": 10}],
    }

    status, again = hub.api("POST", "/v1/inbound-orders", order)
    assert status == 200
    assert [t["task_id"] for t in again["tasks"]] == [t["task_id"] for t in first["tasks"]]

    status, body = hub.api("POST", "/v1/inbound-orders", {**order, "items": [{"gsku": "MUG", "qty": 11}]})
    assert status == 409 and "different content" in body["message"]
    _, tasks = hub.api("GET", "/v1/tasks")
    assert len(tasks["items"]) == 1


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"warehouse_code": "GW-NOWHERE"}, 422, "warehouse_code"),
        ({"items": [{"gsku": "UNKNOWN", "qty": 1}]}, 422, "items[0].gsku"),
        ({"items": [{"gsku": "MUG", "qty": 0}]}, 422, "items.0.qty"),
    ],
)
def test_orders_that_cannot_flow_are_refused_up_front_and_nothing_is_written(
    hub: Hub, change: dict[str, Any], status: int, field: str
) -> None:
    order = {
        "order_no": "IN-X",
        "inbound_type": "purchase",
        "warehouse_code": WAREHOUSE,
        "customer_code": "C-ACME",
        "items": [{"gsku": "MUG", "qty": 1}],
    }

    code, body = hub.api("POST", "/v1/inbound-orders", {**order, **change})

    assert code == status and field in [error["field"] for error in body["errors"]]
    assert hub.api("GET", "/v1/inbound-orders/IN-X")[0] == 404
    assert hub.api("GET", "/v1/tasks")[1]["items"] == []


def test_a_disabled_proxy_system_refuses_orders_with_a_configuration_error(hub: Hub) -> None:
    system = {
        "name": "Hipacking",
        "system_type": "HPK",
        "api_endpoint": hub.hpk.base_url,
        "account": "demo",
        "version": "5",
        "enabled": False,
    }
    hub.api("PUT", "/v1/proxy-systems/HPK01", system)

    status, body = hub.api(
        "POST",
        "/v1/inbound-orders",
        {
            "order_no": "IN-X",
            "inbound_type": "purchase",
            "warehouse_code": WAREHOUSE,
            "customer_code": "C-ACME",
            "items": [{"gsku": "MUG", "qty": 1}],
        },
    )

    assert status == 409 and body["message"] == "System configuration error: proxy system HPK01 is disabled"
    assert hub.api("GET", "/v1/inbound-orders/IN-X")[0] == 404


def test_incomplete_sku_data_keeps_the_task_in_manual_until_resynced(hub: Hub) -> None:
    hub.api("PUT", "/v1/skus/PLATE", {"name": "Plate"})
    task_id = hub.create_inbound("IN-1", [{"gsku": "PLATE", "qty": 3}])["tasks"][0]["task_id"]

    hub.run(task_id)

    task = hub.task(task_id)
    assert task["status"] == "manual" and task["error_message"].startswith(
        "SKU sync failed: PLATE missing spec, weight_kg"
    )
    assert hub.hpk_calls("/inbound/create") == []

    hub.api("PUT", "/v1/skus/PLATE", {"name": "Plate", "spec": "27 cm", "weight_kg": 0.7})
    status, mapping = hub.api("POST", "/v1/proxy-systems/HPK01/sku-mappings/PLATE/resync")
    assert status == 200 and mapping["status"] == "synced"
    hub.run(task_id)
    assert hub.order("inbound", "IN-1")["status"] == "pushed"


def test_putaway_waits_for_the_missing_location_and_completes_once_after_the_fix(hub: Hub) -> None:
    hub.api(
        "PUT",
        "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1",
        {"gwms_warehouse_code": WAREHOUSE, "virtual_putaway_location": "HPK-VPA"},
    )

    task = hub.receive("IN-1", [{"sku": "MUG", "qualified_qty": 4, "defective_qty": 1}])

    assert task["status"] == "manual"
    assert task["error_message"] == "Received, not put away: Defective location not configured"
    assert hub.order("inbound", "IN-1")["status"] == "received"
    assert hub.stock() == []

    hub.api(
        "PUT",
        "/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1",
        {
            "gwms_warehouse_code": WAREHOUSE,
            "virtual_putaway_location": "HPK-VPA",
            "defective_location": "HPK-DEF",
        },
    )
    assert hub.api("POST", f"/v1/tasks/{task['task_id']}/sync-now")[0] == 202
    hub.run(task["task_id"])
    hub.run(task["task_id"])

    assert hub.task(task["task_id"])["status"] == "success"
    assert hub.stock() == [("MUG", "defective", "HPK-DEF", 1), ("MUG", "qualified", "HPK-VPA", 4)]
    assert hub.events.types().count("InboundReceived") == 1


def test_a_closed_customer_account_blocks_receiving_until_it_is_reopened(hub: Hub) -> None:
    hub.api(
        "PUT",
        "/v1/customers/C-ACME",
        {"name": "Acme", "account_status": "closed", "warehouse_codes": [WAREHOUSE]},
    )

    task = hub.receive("IN-1", [{"sku": "MUG", "qualified_qty": 6, "defective_qty": 0}])

    assert task["status"] == "manual" and task["error_message"] == "Customer account not open, cannot receive"
    assert hub.order("inbound", "IN-1")["receipt"] is None and hub.stock() == []

    hub.api(
        "PUT",
        "/v1/customers/C-ACME",
        {"name": "Acme", "account_status": "open", "warehouse_codes": [WAREHOUSE]},
    )
    hub.run(task["task_id"])

    assert hub.task(task["task_id"])["status"] == "success"
    assert hub.stock() == [("MUG", "qualified", "HPK-VPA", 6)]


def test_a_run_repeated_after_a_crash_changes_stock_once(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    # Leases expire at once here, so the retried run need not wait for the dead one's lease.
    monkeypatch.setenv("LEASE_SECONDS", "0")
    wiring.reset()
    task_id = hub.create_inbound("IN-1", [{"gsku": "MUG", "qty": 5}])["tasks"][0]["task_id"]
    hub.run(task_id)
    hub.sim(f"/_sim/inbound/{hub.order('inbound', 'IN-1')['proxy_order_no']}/complete")

    # The runner dies after the putaway transaction, before the task records its success.
    def killed(*_args: Any) -> Any:
        raise RuntimeError("runner killed")

    with monkeypatch.context() as dying:
        dying.setattr(TaskEngine, "_settle", killed)
        with pytest.raises(RuntimeError):
            hub.run(task_id)
    assert hub.task(task_id)["status"] == "running"
    assert hub.stock() == [("MUG", "qualified", "HPK-VPA", 5)]

    # The retried run finds the work done: the task succeeds and the stock does not change.
    hub.run(task_id, Trigger.SWEEPER)

    assert hub.task(task_id)["status"] == "success"
    assert hub.stock() == [("MUG", "qualified", "HPK-VPA", 5)]
    assert hub.events.types().count("InboundPutAway") == 1


# ---------------------------------------------------------------- outbound


def stocked_hub(hub: Hub) -> Hub:
    hub.receive("IN-1", [{"sku": "MUG", "qualified_qty": 8, "defective_qty": 2}])
    assert hub.stock() == [("MUG", "defective", "HPK-DEF", 2), ("MUG", "qualified", "HPK-VPA", 8)]
    return hub


@pytest.mark.parametrize("outbound_type", ["drop_shipping", "transfer_staging"])
def test_outbound_ships_and_deducts_exactly_the_reported_batches(hub: Hub, outbound_type: str) -> None:
    stocked_hub(hub)
    task_id = hub.create_outbound("OUT-1", outbound_type, [{"gsku": "MUG", "qty": 3}])["tasks"][0]["task_id"]

    hub.run(task_id)
    pushed = hub.order("outbound", "OUT-1")
    assert pushed["status"] == "pushed"
    hub.sim(f"/_sim/outbound/{pushed['proxy_order_no']}/advance", {"status": "SHIPPED"})
    hub.run(task_id)

    order = hub.order("outbound", "OUT-1")
    assert hub.task(task_id)["status"] == "success"
    assert order["status"] == "shipped"
    assert order["shipment"]["carrier"] and order["shipment"]["tracking_no"]
    assert [
        (b["gsku"], b["inventory_type"], b["local_inbound_no"], b["qty"])
        for b in order["shipment"]["batches"]
    ] == [("MUG", "qualified", "IN-1", 3)]
    assert hub.stock() == [("MUG", "defective", "HPK-DEF", 2), ("MUG", "qualified", "HPK-VPA", 5)]
    assert "OutboundShipped" in hub.events.types()


def test_drop_shipping_goes_to_hpk_with_the_mapped_channel_and_the_recipient(hub: Hub) -> None:
    stocked_hub(hub)
    task_id = hub.create_outbound("OUT-1", "drop_shipping", [{"gsku": "MUG", "qty": 1}])["tasks"][0][
        "task_id"
    ]
    hub.run(task_id)

    outbounds = [o for o in _sim_state(hub)["outbounds"] if o["reference_no"] == "OUT-1"]
    assert outbounds[0]["channel_code"] == "UPSG"
    assert outbounds[0]["recipient"]["postcode"] == "90001"


def _sim_state(hub: Hub) -> dict[str, Any]:
    import httpx

    return dict(httpx.get(f"{hub.hpk.base_url}/_sim/state").json()["data"])


def test_drop_shipping_without_a_channel_mapping_is_refused(hub: Hub) -> None:
    hub.api("DELETE", "/v1/proxy-systems/HPK01/channel-mappings/UPS-GROUND")
    order = {
        "order_no": "OUT-1",
        "outbound_type": "drop_shipping",
        "warehouse_code": WAREHOUSE,
        "customer_code": "C-ACME",
        "channel_code": "UPS-GROUND",
        "recipient": RECIPIENT,
        "items": [{"gsku": "MUG", "qty": 1}],
    }

    status, body = hub.api("POST", "/v1/outbound-orders", order)

    assert status == 422 and body["errors"][0]["field"] == "channel_code"
    assert hub.api("GET", "/v1/outbound-orders/OUT-1")[0] == 404


def test_an_hpk_exception_puts_the_task_in_manual_handling_with_hpks_reason(hub: Hub) -> None:
    stocked_hub(hub)
    task_id = hub.create_outbound("OUT-1", "transfer_staging", [{"gsku": "MUG", "qty": 2}])["tasks"][0][
        "task_id"
    ]
    hub.run(task_id)
    proxy_no = hub.order("outbound", "OUT-1")["proxy_order_no"]
    hub.sim(f"/_sim/outbound/{proxy_no}/advance", {"status": "EXCEPTION", "reason": "Carton damaged"})

    hub.run(task_id)

    task = hub.task(task_id)
    assert task["status"] == "manual" and task["error_message"] == "Proxy warehouse exception: Carton damaged"
    assert hub.order("outbound", "OUT-1")["status"] == "exception"
    assert hub.stock() == [("MUG", "defective", "HPK-DEF", 2), ("MUG", "qualified", "HPK-VPA", 8)]


# ---------------------------------------------------------------- cancels


def test_a_drop_shipping_cancel_is_refused_without_calling_hpk(hub: Hub) -> None:
    stocked_hub(hub)
    task_id = hub.create_outbound("OUT-1", "drop_shipping", [{"gsku": "MUG", "qty": 1}])["tasks"][0][
        "task_id"
    ]
    hub.run(task_id)

    status, body = hub.api("POST", "/v1/outbound-orders/OUT-1/cancel", {"reason": "customer changed mind"})

    assert status == 409 and body["message"] == "Drop shipping orders cannot be cancelled"
    assert hub.hpk_calls("/outbound/cancel") == []
    assert [t["task_type"] for t in hub.order("outbound", "OUT-1")["tasks"]] == ["create"]


def test_a_transfer_cancelled_by_hpk_at_once_ends_the_order_and_its_create_task(hub: Hub) -> None:
    stocked_hub(hub)
    task_id = hub.create_outbound("OUT-1", "transfer_staging", [{"gsku": "MUG", "qty": 2}])["tasks"][0][
        "task_id"
    ]
    hub.run(task_id)

    status, order = hub.api("POST", "/v1/outbound-orders/OUT-1/cancel", {"reason": "wrong destination"})

    assert status == 200 and order["status"] == "cancelled"
    assert order["cancel"] == {
        "status": "cancelled",
        "reason": "wrong destination",
        "result": "Cancelled in the proxy warehouse",
    }
    assert hub.task(task_id)["status"] == "cancelled"
    assert "OrderCancelled" in hub.events.types()
    assert hub.stock() == [("MUG", "defective", "HPK-DEF", 2), ("MUG", "qualified", "HPK-VPA", 8)]


def test_an_order_not_yet_pushed_is_cancelled_locally(hub: Hub) -> None:
    task_id = hub.create_inbound("IN-9", [{"gsku": "MUG", "qty": 1}])["tasks"][0]["task_id"]

    status, order = hub.api("POST", "/v1/inbound-orders/IN-9/cancel")

    assert status == 200 and order["status"] == "cancelled"
    assert hub.task(task_id)["status"] == "cancelled"
    assert hub.hpk_calls("/inbound/create") == []


def test_an_inbound_hpk_is_already_receiving_cannot_be_cancelled(hub: Hub) -> None:
    task_id = hub.create_inbound("IN-1", [{"gsku": "MUG", "qty": 1}])["tasks"][0]["task_id"]
    hub.run(task_id)
    hub.sim(
        f"/_sim/inbound/{hub.order('inbound', 'IN-1')['proxy_order_no']}/advance", {"status": "RECEIVING"}
    )

    status, body = hub.api("POST", "/v1/inbound-orders/IN-1/cancel", {"reason": "late"})

    assert status == 409 and body["message"].startswith("Cancel rejected by the proxy warehouse")
    order = hub.order("inbound", "IN-1")
    assert order["status"] == "pushed" and order["cancel"]["status"] == "rejected"


def start_cancelling_transfer(hub: Hub) -> tuple[str, str]:
    stocked_hub(hub)
    create_id = hub.create_outbound("OUT-1", "transfer_staging", [{"gsku": "MUG", "qty": 2}])["tasks"][0][
        "task_id"
    ]
    hub.run(create_id)
    hub.sim(
        f"/_sim/outbound/{hub.order('outbound', 'OUT-1')['proxy_order_no']}/advance", {"status": "PICKING"}
    )
    status, order = hub.api("POST", "/v1/outbound-orders/OUT-1/cancel", {"reason": "wrong destination"})
    assert status == 200 and order["status"] == "cancelling"
    cancel_id = next(t["task_id"] for t in order["tasks"] if t["task_type"] == "cancel")
    return create_id, cancel_id


def test_a_rejected_cancel_lets_the_order_ship(hub: Hub) -> None:
    create_id, cancel_id = start_cancelling_transfer(hub)
    assert RecordingBackoff.started == [(cancel_id, [600, 1200, 3600, 14400])]
    proxy_no = hub.order("outbound", "OUT-1")["proxy_order_no"]
    hub.sim(f"/_sim/outbound/{proxy_no}/resolve-cancel", {"result": "REJECTED"})

    hub.run(cancel_id, Trigger.STATE_MACHINE)

    assert hub.task(cancel_id)["status"] == "success"
    order = hub.order("outbound", "OUT-1")
    assert order["status"] == "pushed" and order["cancel"]["status"] == "rejected"
    hub.sim(f"/_sim/outbound/{proxy_no}/advance", {"status": "SHIPPED"})
    hub.run(create_id)
    assert hub.order("outbound", "OUT-1")["status"] == "shipped"
    assert hub.stock() == [("MUG", "defective", "HPK-DEF", 2), ("MUG", "qualified", "HPK-VPA", 6)]


def test_cancelling_then_cancelled_through_the_real_state_machine(
    hub: Hub, step_functions: list[dict[str, Any]]
) -> None:
    # Given a transfer HPK is picking, whose cancel HPK is still deciding
    create_id, cancel_id = start_cancelling_transfer(hub)
    execution = step_functions[0]
    assert json.loads(execution["input"])["task_id"] == cancel_id

    # When HPK resolves it as cancelled and the state machine's next check runs
    hub.sim(
        f"/_sim/outbound/{hub.order('outbound', 'OUT-1')['proxy_order_no']}/resolve-cancel",
        {"result": "CANCELLED"},
    )
    result = wait_for_execution(execution["executionArn"])

    # Then the state machine stops, and the order, the cancel task and the create task are settled
    assert result["status"] == "SUCCEEDED"
    assert hub.task(cancel_id)["status"] == "success"
    assert hub.order("outbound", "OUT-1")["status"] == "cancelled"
    assert hub.task(create_id)["status"] == "cancelled"


@pytest.fixture
def step_functions(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The real cancel ASL executed by moto; its Lambda task runs the real task-runner handler."""
    runner_name = f"{hub.settings.stack_name}-task-runner"
    role = boto3.client("iam").create_role(RoleName="runner", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    runner_arn = boto3.client("lambda").create_function(
        FunctionName=runner_name,
        Runtime="python3.13",
        Role=role,
        Handler="app.lambda_handler",
        Code={"ZipFile": b"0"},
    )["FunctionArn"]
    definition = (ROOT / "statemachine" / "cancel_backoff.asl.json").read_text()
    sfn = boto3.client("stepfunctions")
    machine_arn = sfn.create_state_machine(
        name="cancel-backoff",
        definition=definition.replace("${TaskRunnerFunctionArn}", runner_arn),
        roleArn=role,
    )["stateMachineArn"]
    invoker = LocalInvoker(
        [
            DeployedFunction(
                "TaskRunnerFunction",
                runner_name,
                runner_arn,
                ROOT / "functions/task_runner/app.py",
                "lambda_handler",
                timeout_seconds=900,
            )
        ]
    )
    undo_invokes = route_lambda_invokes_to(invoker)
    # Backoff steps of 2 s, 4 s, 12 s, 48 s: the first check comes after the test resolved the cancel.
    undo_waits = compress_state_machine_waits(time_scale=300)
    monkeypatch.setenv("CANCEL_STATE_MACHINE_ARN", machine_arn)
    wiring.reset()
    wiring.override(cancel_backoff=CancelBackoffStarter(get_settings()))
    executions: list[dict[str, Any]] = []
    real_start = CancelBackoffStarter.start

    def recording_start(self: CancelBackoffStarter, task_id: str, waits: list[int]) -> str:
        arn = real_start(self, task_id, waits)
        executions.append(dict(sfn.describe_execution(executionArn=arn)))
        return arn

    monkeypatch.setattr(CancelBackoffStarter, "start", recording_start)
    yield executions
    undo_waits()
    undo_invokes()
    invoker.close()


def wait_for_execution(execution_arn: str, timeout_seconds: float = 60) -> dict[str, Any]:
    """moto runs executions on a daemon thread; poll until it ends (bounded)."""
    sfn = boto3.client("stepfunctions")
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        execution = sfn.describe_execution(executionArn=execution_arn)
        if execution["status"] != "RUNNING":
            return dict(execution)
        time.sleep(0.2)
    raise AssertionError(f"Execution {execution_arn} still running after {timeout_seconds} s")


# ---------------------------------------------------------------- HPK status callbacks


@pytest.fixture
def callback(
    hub: Hub, monkeypatch: pytest.MonkeyPatch, function_handler: Any, make_http_event: Any
) -> Callable[[bytes, dict[str, str] | None], tuple[int, Any]]:
    """POSTs to /hpk/callbacks through the real webhook handler, with the callback secret in moto."""
    boto3.client("secretsmanager").create_secret(
        Name="test-stack/hpk/callback-secret", SecretString=CALLBACK_SECRET
    )
    monkeypatch.setenv("HPK_CALLBACK_SECRET_NAME", "test-stack/hpk/callback-secret")
    wiring.reset()
    handler = function_handler("webhooks")

    def post(raw_body: bytes, headers: dict[str, str] | None) -> tuple[int, Any]:
        response = handler(make_http_event("POST", "/hpk/callbacks", raw_body.decode(), headers=headers))
        return response["statusCode"], json.loads(response["body"])

    return post


CALLBACK_SECRET = "hpk-callback-secret-for-tests"


def test_a_signed_status_callback_runs_the_orders_task_now(hub: Hub, callback: Any) -> None:
    task_id = hub.create_inbound("IN-1", [{"gsku": "MUG", "qty": 1}])["tasks"][0]["task_id"]
    hub.run(task_id)
    proxy_no = hub.order("inbound", "IN-1")["proxy_order_no"]
    body = json.dumps({"event": "INBOUND_COMPLETED", "inbound_no": proxy_no, "reference_no": "IN-1"}).encode()

    status, reply = callback(body, signed(body))

    assert status == 202 and reply["tasks_triggered"] == [task_id]
    assert hub.invoker.calls[-1] == (task_id, Trigger.CALLBACK)


def signed(body: bytes, now: datetime | None = None) -> dict[str, str]:
    headers = signed_callback_headers(CALLBACK_SECRET, body, now or datetime.now(UTC))
    return {name.lower(): value for name, value in headers.items()}


@pytest.mark.parametrize("signature", [None, "00" * 32, "not-hex"])
def test_a_callback_without_our_signature_is_refused_and_runs_nothing(
    hub: Hub, callback: Any, signature: str | None
) -> None:
    hub.create_inbound("IN-1", [{"gsku": "MUG", "qty": 1}])
    calls_before = list(hub.invoker.calls)
    body = json.dumps({"event": "INBOUND_COMPLETED", "inbound_no": "X", "reference_no": "IN-1"}).encode()
    headers = {k: v for k, v in signed(body).items() if k != "x-hpk-signature"}

    status, reply = callback(body, headers | ({"x-hpk-signature": signature} if signature else {}))

    assert status == 401 and "signature" in reply["message"].lower()
    assert hub.invoker.calls == calls_before


def test_a_replayed_or_stale_callback_is_refused_and_runs_nothing(hub: Hub, callback: Any) -> None:
    # Given a callback HPK signed and we accepted
    task_id = hub.create_inbound("IN-1", [{"gsku": "MUG", "qty": 1}])["tasks"][0]["task_id"]
    hub.run(task_id)
    proxy_no = hub.order("inbound", "IN-1")["proxy_order_no"]
    body = json.dumps({"event": "INBOUND_COMPLETED", "inbound_no": proxy_no, "reference_no": "IN-1"}).encode()
    headers = signed(body)
    assert callback(body, headers)[0] == 202
    calls_before = list(hub.invoker.calls)

    # When the same callback is replayed, and another one arrives signed an hour ago
    replay_status, replay = callback(body, headers)
    stale_status, stale = callback(body, signed(body, now=datetime.now(UTC) - timedelta(hours=1)))

    # Then both are refused and nothing runs
    assert replay_status == 401 and "already used" in replay["message"]
    assert stale_status == 401 and "window" in stale["message"]
    assert hub.invoker.calls == calls_before


def test_a_malformed_signed_callback_is_a_422_naming_the_field(hub: Hub, callback: Any) -> None:
    body = b'{"event": "SOMETHING_ELSE"}'
    status, reply = callback(body, signed(body))
    assert status == 422 and reply["field"] == "event"


def test_both_tasks_learning_of_the_cancel_at_once_settle_without_manual_handling(hub: Hub) -> None:
    # Given a transfer whose cancel HPK confirmed, read by two runs before either wrote
    create_id, cancel_id = start_cancelling_transfer(hub)
    hub.sim(
        f"/_sim/outbound/{hub.order('outbound', 'OUT-1')['proxy_order_no']}/resolve-cancel",
        {"result": "CANCELLED"},
    )
    stale = wiring.container().order_store.find(OrderKind.OUTBOUND, "OUT-1")
    assert stale is not None

    # When one run confirms the cancel, then the other confirms from its stale read
    hub.run(cancel_id, Trigger.STATE_MACHINE)
    order = wiring.container().order_cancellation.confirm(stale, "late", "Cancelled", stale.order.updated_at)

    # Then the loser sees the cancelled order, and the create task ends cancelled, not manual
    assert order.status.value == "cancelled"
    hub.run(create_id)
    assert hub.task(create_id)["status"] == "cancelled"
    assert hub.task(cancel_id)["status"] == "success"
    assert hub.events.types().count("OrderCancelled") == 1
