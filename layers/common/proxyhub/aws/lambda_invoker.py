"""Sync Now and the sweeper: an asynchronous invocation of the task runner (the `TaskInvoker` port)."""

import json
from typing import TYPE_CHECKING

import boto3

from proxyhub.models.tasks import Trigger
from proxyhub.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


class LambdaTaskInvoker:
    def __init__(self, settings: Settings, client: "LambdaClient | None" = None) -> None:
        self._function_name = settings.task_runner_function_name
        self._client = client or boto3.client("lambda", region_name=settings.aws_region)

    def run_async(self, task_id: str, trigger: Trigger, *, actor: str | None = None) -> None:
        request = {"task_id": task_id, "trigger": trigger.value}
        if actor:
            request["actor"] = actor
        # "Event": Lambda queues the run and answers at once; its retries and DLQ cover failures.
        self._client.invoke(
            FunctionName=self._function_name, InvocationType="Event", Payload=json.dumps(request).encode()
        )
