"""Operations on moto, with template.yaml itself deployed (as the local stack deploys it): the
TaskNeedsManualHandling rule, its queue and the digest function turn 200 tasks going manual into one
message on the operations topic; the schedule repair recreates schedules deleted behind its back."""

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from tasks_moto_kit import LambdaContext, load_handler, patch_wiring

import fakes
from proxyhub import wiring
from proxyhub.aws.event_bus import EventBridgePublisher
from proxyhub.aws.inventory_schedules import inventory_schedule_name
from proxyhub.aws.scheduler import at_expression, schedule_name
from proxyhub.dal.tables import bind_tables
from proxyhub.models.tasks import BusinessType, Route, TaskStatus, TaskType, Trigger
from proxyhub.orders.inbound_flow import CUSTOMER_NOT_OPEN
from proxyhub.settings import get_settings
from proxyhub.tasks.outcomes import NeedsManual, NotYet
from proxyhub_dev.local.deploy import DeployedStack, deploy_template
from proxyhub_dev.local.template import SamTemplate

pytestmark = [
    pytest.mark.integration,
    # moto names each template resource type its CloudFormation skips (the local stack creates or stands in for them).
    pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning"),
]

STACK = "proxy-hub"
ROUTE = Route("GW-LA", "HPK-LA1", "HPK01")


@pytest.fixture(scope="module")
def stack() -> Iterator[DeployedStack]:
    """template.yaml in moto, and this process's environment set as the functions' is."""
    template = SamTemplate.load()
    with (
        pytest.MonkeyPatch.context() as environment,
        mock_aws(config={"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}),
    ):
        deployed = deploy_template(template, STACK, "us-east-1")
        client = boto3.client("lambda")
        for logical_id in template.functions:
            configuration = client.get_function_configuration(FunctionName=deployed.physical_ids[logical_id])
            for name, value in configuration.get("Environment", {}).get("Variables", {}).items():
                environment.setenv(name, value)
        wiring.clear_overrides()
        bind_tables(get_settings())
        yield deployed
    wiring.clear_overrides()


@pytest.fixture
def clock(stack: DeployedStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[fakes.FakeClock]:
    """The production composition root on the deployed stack, with a clock the test moves, domain
    events really published to the bus, and runs never invoked (the test runs tasks itself)."""
    fake_clock = fakes.FakeClock()
    patch_wiring(
        monkeypatch,
        clock=fake_clock,
        domain_events=EventBridgePublisher(get_settings()),
        task_invoker=fakes.RecordingInvoker(),
    )
    yield fake_clock
    wiring.clear_overrides()


def mailbox_on_the_operations_topic() -> str:
    """An SQS queue subscribed to the topic, standing in for the operators' e-mail."""
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="operators-mailbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(TopicArn=get_settings().operations_topic_arn, Protocol="sqs", Endpoint=arn)
    return url


def delivered(mailbox: str) -> list[dict[str, Any]]:
    sqs, messages = boto3.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=mailbox, MaxNumberOfMessages=10).get("Messages", []):
        messages += [json.loads(message["Body"]) for message in batch]
        sqs.delete_message_batch(
            QueueUrl=mailbox,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )
    return messages


def test_two_hundred_manual_tasks_produce_one_digest_with_a_count_of_200(clock: fakes.FakeClock) -> None:
    # Given operators subscribed to the topic, and 200 inbound create tasks whose customer is closed
    mailbox = mailbox_on_the_operations_topic()
    components = wiring.container()
    components.executor_registry.register(
        TaskType.CREATE, BusinessType.INBOUND, fakes.ScriptedExecutor(*[NeedsManual(CUSTOMER_NOT_OPEN)] * 200)
    )
    engine = components.task_engine
    task_ids = [
        engine.create_task(TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no=f"IN-{n:04d}").task_id
        for n in range(200)
    ]

    # When all 200 go to manual handling at once (the engine publishes TaskNeedsManualHandling each
    # time, and the rule queues every event), then the digest runs
    clock.advance(minutes=30)
    for task_id in task_ids:
        assert engine.run_task(task_id, Trigger.SCHEDULE).status is TaskStatus.MANUAL
    result = load_handler("manual_handling_digest")({}, LambdaContext(function_name="digest"))

    # Then operators got exactly one message, counting 200 and listing the first ten
    assert result == {"sent": True, "tasks": 200, "unreadable": 0}
    (notification,) = delivered(mailbox)
    assert notification["Subject"] == f"[{STACK}] 200 sync tasks need manual handling"
    message = notification["Message"]
    assert message.startswith("200 sync tasks went to manual handling")
    assert "The first 10:" in message and "... and 190 more." in message
    listed = [
        line.split(" · ")[0].split(". ", 1)[1]
        for line in message.splitlines()
        if re.match(r"^ ?\d+\. IN-", line)
    ]
    assert len(set(listed)) == 10 and set(listed) <= {f"IN-{n:04d}" for n in range(200)}
    assert message.count(f"· {CUSTOMER_NOT_OPEN}") == 10
    assert message.count("/console/tasks/") == 10

    # And the queue is empty: the next digest has nothing to say
    again = load_handler("manual_handling_digest")({}, LambdaContext(function_name="digest"))
    assert again == {"sent": False, "tasks": 0, "unreadable": 0}
    assert delivered(mailbox) == []


def test_schedules_deleted_behind_the_system_s_back_are_recreated_by_the_repair(
    clock: fakes.FakeClock,
) -> None:
    scheduler, settings = boto3.client("scheduler"), get_settings()
    components = wiring.container()
    # Given a complete warehouse mapping with its 12-hour schedule
    components.config_store.insert_proxy_system(fakes.proxy_system_record("HPK09"))
    mapping = components.config_store.save_warehouse_mapping(
        "HPK09", "HPK-SF1", "GW-SF", "VPA", "DEF", "2026-06-04T08:00:00Z"
    )
    components.mapping_schedules.mapping_saved(mapping)
    # and a waiting task with its one-time schedule for the next poll
    components.executor_registry.register(
        TaskType.CREATE, BusinessType.INBOUND, fakes.ScriptedExecutor(NotYet("RECEIVING"))
    )
    task = components.task_engine.create_task(
        TaskType.CREATE, BusinessType.INBOUND, ROUTE, order_no="IN-REPAIR"
    )
    clock.advance(minutes=30)
    components.task_engine.run_task(task.task_id, Trigger.SCHEDULE)
    waiting = components.task_repository.get(task.task_id)
    assert waiting is not None and waiting.status is TaskStatus.WAITING and waiting.next_execution_at
    mapping_schedule = inventory_schedule_name("HPK09", "HPK-SF1")
    group = settings.schedule_group_name
    scheduler.get_schedule(Name=mapping_schedule, GroupName=group)
    scheduler.get_schedule(Name=schedule_name(task.task_id), GroupName=group)

    # When someone deletes both in the AWS console, and the hourly repair runs a while later
    scheduler.delete_schedule(Name=mapping_schedule, GroupName=group)
    scheduler.delete_schedule(Name=schedule_name(task.task_id), GroupName=group)
    clock.advance(minutes=11)
    repair = load_handler("schedule_repair")
    report = repair({}, LambdaContext(function_name="schedule-repair"))

    # Then both are back, as the system makes them
    assert report["mapping_schedules_recreated"] == ["HPK09/HPK-SF1"]
    assert report["task_schedules_recreated"] == [task.task_id]
    recreated = scheduler.get_schedule(Name=mapping_schedule, GroupName=group)
    assert recreated["ScheduleExpression"] == "rate(12 hours)"
    assert json.loads(recreated["Target"]["Input"]) == {
        "system_code": "HPK09",
        "proxy_warehouse_code": "HPK-SF1",
    }
    next_run = scheduler.get_schedule(Name=schedule_name(task.task_id), GroupName=group)
    assert next_run["ScheduleExpression"] == at_expression(waiting.next_execution_at)
    assert json.loads(next_run["Target"]["Input"]) == {"task_id": task.task_id}

    # And a second pass finds nothing to repair
    again = repair({}, LambdaContext(function_name="schedule-repair"))
    assert again["mapping_schedules_recreated"] == [] and again["task_schedules_recreated"] == []
