"""The DynamoDB round-trip budget per operation, counted with a botocore event hook on moto.

Counts are deterministic (no timing), so they are asserted: the table in the README's performance
section is this test's. The HPK simulator answers over 127.0.0.1; every AWS client is real (moto),
except the Lambda invoke, recorded instead (moto's echo backend has no task runner to invoke).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest
from aws_calls import AwsCalls, counting_aws_calls

import fakes
from proxyhub import wiring
from proxyhub.adapters.hpk.signing import signed_callback_headers
from proxyhub.clock import SystemClock
from proxyhub.models.config import CustomerInput, ProxySystemCreate, SkuInput, WarehouseMappingInput
from proxyhub.models.orders import InboundOrderCreate, OrderKind
from proxyhub.models.tasks import TaskStatus, Trigger
from proxyhub.settings import Settings
from proxyhub.tasks.ports import TaskFilter
from proxyhub.wiring.container import Container
from proxyhub_dev.simulators.hpk import HpkSimulator

pytestmark = pytest.mark.integration

WAREHOUSE = "GW-LA"
CALLBACK_SECRET = "round-trip-callback-secret"


@dataclass
class Hub:
    components: Container
    hpk: HpkSimulator
    invoker: fakes.RecordingInvoker
    counter: AwsCalls

    def sim(self, path: str, body: Any = None) -> Any:
        response = httpx.post(f"{self.hpk.base_url}{path}", json=body)
        assert response.json()["code"] == 0, response.text
        return response.json()["data"]

    def create_inbound(self, order_no: str) -> str:
        order, created = self.components.order_service.create_inbound(
            InboundOrderCreate.model_validate(
                {
                    "order_no": order_no,
                    "inbound_type": "purchase",
                    "warehouse_code": WAREHOUSE,
                    "customer_code": "C-ACME",
                    "items": [{"gsku": "MUG", "qty": 10}, {"gsku": "BOWL", "qty": 5}],
                }
            )
        )
        assert created
        return order.tasks[0].task_id

    def run(self, task_id: str, trigger: Trigger) -> TaskStatus | None:
        return self.components.task_engine.run_task(task_id, trigger).status


@pytest.fixture
def hub(aws: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    boto3.client("scheduler").create_schedule_group(Name=aws.schedule_group_name)
    boto3.client("events").create_event_bus(Name=aws.event_bus_name)
    secrets = boto3.client("secretsmanager")
    secret_name = "test-stack/hpk/callback-secret"
    secrets.create_secret(Name=secret_name, SecretString=CALLBACK_SECRET)
    monkeypatch.setenv("HPK_CALLBACK_SECRET_NAME", secret_name)
    wiring.reset()
    invoker = fakes.RecordingInvoker()
    with HpkSimulator(port=0) as hpk, counting_aws_calls() as counter:
        components = wiring.override(
            task_invoker=invoker, mapping_schedules=fakes.RecordingMappingSchedules()
        )
        seed_configuration(components, hpk.base_url)
        yield Hub(components, hpk, invoker, counter)


def seed_configuration(components: Container, endpoint: str) -> None:
    config = components.config_service
    config.create_proxy_system(
        ProxySystemCreate(
            code="HPK01",
            name="Hipacking",
            system_type="HPK",
            api_endpoint=endpoint,
            account="demo",
            password="demo-secret",
            version="5",
        )
    )
    config.put_warehouse_mapping(
        "HPK01",
        "HPK-LA1",
        WarehouseMappingInput(
            gwms_warehouse_code=WAREHOUSE, virtual_putaway_location="HPK-VPA", defective_location="HPK-DEF"
        ),
    )
    config.put_customer(
        "C-ACME", CustomerInput(name="Acme", account_status="open", warehouse_codes=[WAREHOUSE])
    )
    for gsku in ("MUG", "BOWL"):
        config.put_sku(
            gsku, SkuInput(name=gsku.title(), spec="standard", weight_kg=0.5, customer_code="C-ACME")
        )


def fired(hub: Hub, task_id: str) -> None:
    settings = hub.components.settings
    boto3.client("scheduler").delete_schedule(Name=f"task-{task_id}", GroupName=settings.schedule_group_name)


def test_round_trips_of_an_inbound_order_from_creation_to_putaway(hub: Hub) -> None:
    # Given a configured proxy system, mapping, customer and two GSKUs

    # When GWMS creates an inbound order: its configuration in one batched read (two rounds: the
    # warehouse names the proxy system), and the order with its create task in one transaction
    with hub.counter.window() as calls:
        task_id = hub.create_inbound("IN-1")
    assert calls.of("dynamodb") == {"GetItem": 1, "BatchGetItem": 2, "TransactWriteItems": 1}
    assert calls.others() == {}, "the first run is invoked (recorded here), no schedule is made"
    assert hub.invoker.calls == [(task_id, Trigger.CREATED)]

    # And its first run pushes it (not in the budget: SKU sync, login, push)
    hub.run(task_id, Trigger.CREATED)

    # When the next poll finds HPK still busy: the task, its claim, its result with the run's request
    # log; the order is not read, the proxy system's record is the one read moments ago
    fired(hub, task_id)
    with hub.counter.window() as calls:
        assert hub.run(task_id, Trigger.SCHEDULE) is TaskStatus.WAITING
    assert calls.of("dynamodb") == {"GetItem": 1, "TransactWriteItems": 2}
    assert calls.others() == {"scheduler:CreateSchedule": 1}

    # When an operator presses Sync Now: one read, then the asynchronous invoke
    with hub.counter.window() as calls:
        hub.components.task_engine.sync_now(task_id)
    assert calls.of("dynamodb") == {"GetItem": 1}

    # When HPK completes the inbound and the callback wakes the task: the order and its mapping in one
    # read, receipt and putaway in one transaction that also checks the customer, then the result
    proxy_order_no = hub.components.order_service.get(OrderKind.INBOUND, "IN-1").proxy_order_no
    assert proxy_order_no
    hub.sim(f"/_sim/inbound/{proxy_order_no}/complete", {})
    with hub.counter.window() as calls:
        assert hub.run(task_id, Trigger.CALLBACK) is TaskStatus.SUCCESS
    assert calls.of("dynamodb") == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 3}
    assert calls.total("dynamodb") <= 5
    assert calls.others() == {"events:PutEvents": 2, "scheduler:DeleteSchedule": 1}

    # When the Sync Tasks page lists 20 of 26 tasks: one query, asking for the 20 it shows
    for order_no in range(2, 27):
        hub.create_inbound(f"IN-{order_no}")
    with hub.counter.window() as calls:
        page = hub.components.sync_tasks.list_tasks(TaskFilter(), 20, None)
    assert len(page.items) == 20 and page.next_cursor
    assert calls.of("dynamodb") == {"Query": 1}
    assert [params["Limit"] for params in calls.params_of("dynamodb", "Query")] == [20]

    # And its overview: the counters (today's finished ones included), the overdue count and the
    # oldest waiting task, each one query, the last asking for one item
    with hub.counter.window() as calls:
        hub.components.sync_tasks.overview(TaskFilter())
    assert calls.of("dynamodb") == {"Query": 3}
    assert [params.get("Limit") for params in calls.params_of("dynamodb", "Query")] == [None, None, 1]


def test_the_hpk_callback_secret_is_read_once_and_cached(hub: Hub) -> None:
    # Given two HPK callbacks signed with the stack's secret
    reader = hub.components.hpk_callback_reader
    bodies = [
        json.dumps(
            {"event": "INBOUND_COMPLETED", "inbound_no": f"HPK-IN-{n}", "reference_no": f"IN-{n}"}
        ).encode()
        for n in (1, 2)
    ]

    # When both are verified
    with hub.counter.window() as calls:
        for body in bodies:
            reader.read(body, signed_callback_headers(CALLBACK_SECRET, body, SystemClock().now()))

    # Then Secrets Manager was asked once (Powertools parameters keep it a minute)
    assert calls.others()["secretsmanager:GetSecretValue"] == 1
