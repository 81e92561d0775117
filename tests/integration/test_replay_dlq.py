"""`make replay-dlq` on moto's SQS: each dead-lettered run goes back to its function, then leaves the queue."""

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from proxyhub_dev.replay_dlq import replay

pytestmark = pytest.mark.integration

STACK = "proxy-hub-prod"


class RecordingLambda:
    def __init__(self) -> None:
        self.invoked: list[tuple[str, str, dict[str, Any]]] = []

    def invoke(self, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803 - boto3's names
        self.invoked.append((FunctionName, InvocationType, json.loads(Payload)))
        return {"StatusCode": 202}


def dead_letters(sqs: Any) -> str:
    url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    for body in (
        {"task_id": "7f3c", "trigger": "sync_now"},  # an async Sync Now the runner failed
        {"task_id": "9a1b"},  # a schedule that could not invoke the runner
        {"system_code": "HPK01", "proxy_warehouse_code": "HPK-LA1"},  # a mapping's 12-hour sync
        {},  # the sweeper's own schedule
    ):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
    sqs.send_message(QueueUrl=url, MessageBody="not json")
    return url


def waiting(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_each_dead_lettered_run_goes_back_to_its_function_and_leaves_the_queue() -> None:
    with mock_aws():
        sqs, functions = boto3.client("sqs", region_name="us-east-1"), RecordingLambda()
        url = dead_letters(sqs)

        replayed = replay(sqs, functions, url, STACK)

        assert sorted(entry.action for entry in replayed) == [
            "dropped",
            "dropped",
            "inventory-sync",
            "task-runner",
            "task-runner",
        ]
        assert sorted(functions.invoked, key=str) == sorted(
            [
                ("proxy-hub-prod-task-runner", "Event", {"task_id": "7f3c", "trigger": "sync_now"}),
                ("proxy-hub-prod-task-runner", "Event", {"task_id": "9a1b"}),
                (
                    "proxy-hub-prod-inventory-sync",
                    "Event",
                    {"system_code": "HPK01", "proxy_warehouse_code": "HPK-LA1"},
                ),
            ],
            key=str,
        )
        assert waiting(sqs, url) == 0


def test_a_dry_run_lists_and_leaves_everything_in_place() -> None:
    with mock_aws():
        sqs, functions = boto3.client("sqs", region_name="us-east-1"), RecordingLambda()
        url = dead_letters(sqs)

        listed = replay(sqs, functions, url, STACK, dry_run=True)

        assert len(listed) == 5 and functions.invoked == []
        assert waiting(sqs, url) == 5
