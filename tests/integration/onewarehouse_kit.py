"""The hub wired for OneWarehouse on moto: both simulators, the real webhook handler behind a local
HTTP gateway (so the OneWarehouse simulator's signed pushes reach it unchanged), tasks run by hand.

Tasks are driven by the tests rather than by schedules: the scheduler and invoker are recorders, and
`run_tasks_of` runs an order's unfinished tasks as a schedule or Sync Now would.

A test module gets the `simulators` and `hub` fixtures with `pytest_plugins = ["onewarehouse_kit"]`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from tasks_moto_kit import fakes

from proxyhub import wiring
from proxyhub.models.config import (
    ChannelMappingInput,
    CustomerInput,
    ProxySystemCreate,
    SkuInput,
    WarehouseMappingInput,
)
from proxyhub.models.orders import Order, OrderKind
from proxyhub.models.tasks import Task, Trigger
from proxyhub.settings import Settings, get_settings
from proxyhub.tasks.engine import RunResult
from proxyhub.tasks.ports import LogSearch, StoredRequestLog
from proxyhub.upstream.connections import ConnectionInput
from proxyhub_dev.local.gateway import LocalHttpApi
from proxyhub_dev.local.invoker import DeployedFunction, LocalInvoker
from proxyhub_dev.local.template import SamTemplate
from proxyhub_dev.simulators.hpk import DEFAULT_ACCOUNT, DEFAULT_PASSWORD, HpkSimulator
from proxyhub_dev.simulators.onewarehouse import (
    DEFAULT_APP_KEY,
    DEFAULT_APP_SECRET,
    DEFAULT_CALLBACK_KEY,
    OneWarehouseSimulator,
    OneWarehouseSimulatorControl,
)

SYSTEM = "HPK01"
PROXY_WAREHOUSE = "HPK-BKK"
GWMS_WAREHOUSE = "GW-BKK"
OW_WAREHOUSE = "OW-BKK"
OWNER = "OWNER-ACME"
CUSTOMER = "C-ACME"
GSKU = "GSKU-MUG"
CARRIER = "KERRY"
RECIPIENT = {
    "name": "Somchai Jaidee",
    "phone": "+66 2 000 0000",
    "country": "TH",
    "city": "Bangkok",
    "postcode": "10110",
    "address1": "1 Sukhumvit Rd",
}


def purchase_body(inbound_no: str = "OW-PI-1", qty: int = 10, **changes: Any) -> dict[str, Any]:
    return {
        "inbound_no": inbound_no,
        "warehouse_code": OW_WAREHOUSE,
        "owner_code": OWNER,
        "expected_arrival": "2026-12-01T00:00:00Z",
        "items": [{"sku_id": GSKU, "qty": qty}],
        **changes,
    }


def return_body(return_no: str = "OW-RI-1", **changes: Any) -> dict[str, Any]:
    return {
        "return_no": return_no,
        "original_outbound_no": "OW-OB-0",
        "warehouse_code": OW_WAREHOUSE,
        "owner_code": OWNER,
        "items": [{"sku_id": GSKU, "qty": 1}],
        "reason": "damaged",
        **changes,
    }


def outbound_body(outbound_no: str = "OW-OB-1", qty: int = 2, **changes: Any) -> dict[str, Any]:
    return {
        "outbound_no": outbound_no,
        "warehouse_code": OW_WAREHOUSE,
        "owner_code": OWNER,
        "recipient": RECIPIENT,
        "logistics": {"carrier_code": CARRIER, "service_code": "STD"},
        "items": [{"sku_id": GSKU, "qty": qty}],
        **changes,
    }


def product_body(sku_id: str = "GSKU-NEW", **changes: Any) -> dict[str, Any]:
    return {
        "sku_id": sku_id,
        "sku_code": "ACME-NEW",
        "name": "Travel mug",
        "spec": "450 ml",
        "weight_kg": 0.5,
        "owner_code": OWNER,
        **changes,
    }


@dataclass
class Hub:
    """The hub on moto with HPK and OneWarehouse simulators around it."""

    hpk: HpkSimulator
    onewarehouse: OneWarehouseSimulator
    invoker: Any

    @property
    def ow(self) -> OneWarehouseSimulatorControl:
        return self.onewarehouse.control

    def push(self, topic: str, body: dict[str, Any], **options: Any) -> tuple[int, dict[str, Any]]:
        """The OneWarehouse simulator signs and sends the push; returns our HTTP status and reply."""
        answer = self.ow.push(topic, body, **options)
        return answer["status"], answer["reply"]

    def order(self, kind: OrderKind, order_no: str) -> Order:
        return wiring.container().order_service.get(kind, order_no)

    def tasks_of(self, order_no: str) -> list[Task]:
        return wiring.container().task_repository.tasks_of_order(order_no)

    def run(self, task_id: str, trigger: Trigger = Trigger.SCHEDULE) -> RunResult:
        return wiring.container().task_engine.run_task(task_id, trigger)

    def run_tasks_of(self, order_no: str) -> list[RunResult]:
        """Runs the order's unfinished tasks once each, oldest first."""
        tasks = sorted(self.tasks_of(order_no), key=lambda task: task.created_at)
        return [self.run(task.task_id) for task in tasks if not task.status.terminal]

    def drain(self) -> list[RunResult]:
        """Runs what was asked to run at once (new notify tasks, Sync Now), as the task runner would."""
        results = []
        while self.invoker.calls:
            task_id, trigger = self.invoker.calls.pop(0)
            results.append(self.run(task_id, trigger))
        return results

    def ow_calls(self) -> list[tuple[str, int]]:
        return [(call["topic"], call["code"]) for call in self.ow.state()["callbacks"]]

    def connect(self, **changes: Any) -> None:
        """(Re)configures the active sandbox OneWarehouse connection."""
        settings = {
            "app_key": DEFAULT_APP_KEY,
            "app_secret": DEFAULT_APP_SECRET,
            "callback_key": DEFAULT_CALLBACK_KEY,
            "api_base_url": self.onewarehouse.base_url,
            "verify_mode": "enforce",
            "owner_map": {OWNER: CUSTOMER},
            "warehouse_map": {OW_WAREHOUSE: GWMS_WAREHOUSE},
            "active": True,
            **changes,
        }
        wiring.container().connection_service.put("sandbox", ConnectionInput.model_validate(settings))


def configure_master_data(hpk: HpkSimulator) -> None:
    config = wiring.container().config_service
    config.create_proxy_system(
        ProxySystemCreate(
            code=SYSTEM,
            name="HPK Bangkok",
            system_type="HPK",
            api_endpoint=hpk.base_url,
            account=DEFAULT_ACCOUNT,
            password=DEFAULT_PASSWORD,
            version="5",
        )
    )
    config.put_warehouse_mapping(
        SYSTEM,
        PROXY_WAREHOUSE,
        WarehouseMappingInput(
            gwms_warehouse_code=GWMS_WAREHOUSE,
            virtual_putaway_location="VP-01",
            defective_location="DF-01",
        ),
    )
    config.put_channel_mapping(SYSTEM, CARRIER, ChannelMappingInput(proxy_channel_code="HPK-KERRY"))
    config.put_customer(
        CUSTOMER, CustomerInput(name="Acme", account_status="open", warehouse_codes=[GWMS_WAREHOUSE])
    )
    config.put_sku(GSKU, SkuInput(name="Ceramic mug", spec="350 ml", weight_kg=0.4, customer_code=CUSTOMER))


@contextmanager
def webhook_gateway() -> Iterator[LocalHttpApi]:
    """API Gateway in front of the real webhook function, with the template's webhook routes."""
    template = SamTemplate.load()
    spec = template.functions["WebhookFunction"]
    function = DeployedFunction(
        logical_id="WebhookFunction",
        name="webhooks",
        arn="arn:aws:lambda:us-east-1:123456789012:function:webhooks",
        handler_file=spec.handler_file(template.directory),
        handler_name=spec.handler_name,
        timeout_seconds=29,
    )
    invoker = LocalInvoker([function])
    routes = [route for route in template.http_routes() if route.function_id == "WebhookFunction"]
    gateway = LocalHttpApi(routes, invoker.invoke, port=0)
    gateway.start()
    try:
        yield gateway
    finally:
        gateway.stop()
        invoker.close()


@dataclass
class Simulators:
    hpk: HpkSimulator
    onewarehouse: OneWarehouseSimulator


@pytest.fixture(scope="module")
def simulators() -> Iterator[Simulators]:
    """Both simulators and the gateway; slow to stop, so a test module shares them (see `hub`)."""
    with (
        HpkSimulator("127.0.0.1", 0) as hpk,
        webhook_gateway() as gateway,
        OneWarehouseSimulator("127.0.0.1", 0, target_base_url=gateway.base_url) as onewarehouse,
    ):
        yield Simulators(hpk, onewarehouse)


@pytest.fixture
def hub(aws: Settings, monkeypatch: pytest.MonkeyPatch, simulators: Simulators) -> Iterator[Hub]:
    """A fresh hub on the `aws` fixture's moto account, around freshly reset simulators; the executors
    and the order observer are production's, only schedules and async runs are recorded."""
    simulators.hpk.control.reset()
    simulators.onewarehouse.reset()
    # Saving a warehouse mapping schedules its inventory sync in the project's group.
    boto3.client("scheduler").create_schedule_group(Name=get_settings().schedule_group_name)
    boto3.client("events").create_event_bus(Name=get_settings().event_bus_name)
    invoker = fakes.RecordingInvoker()
    wiring.override(task_scheduler=fakes.RecordingScheduler(), task_invoker=invoker)
    configure_master_data(simulators.hpk)
    wired = Hub(simulators.hpk, simulators.onewarehouse, invoker)
    wired.connect()
    yield wired
    wiring.reset()


def request_logs(order_no: str | None = None) -> list[StoredRequestLog]:
    """Request-log records, newest first, as the Logs page finds them: by order, else all OneWarehouse."""
    search = LogSearch(order_no=order_no) if order_no else LogSearch(system_code="ONEWAREHOUSE-sandbox")
    return wiring.container().request_log_store.search(search, 100, None).items
