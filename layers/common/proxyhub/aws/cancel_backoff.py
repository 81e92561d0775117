"""Starts the cancel-backoff state machine (statemachine/cancel_backoff.asl.json) for a cancel task."""

import json
from collections.abc import Sequence

import boto3

from proxyhub.settings import Settings


class CancelBackoffStarter:
    def __init__(self, settings: Settings) -> None:
        self._state_machine_arn = settings.cancel_state_machine_arn
        self._client = boto3.client("stepfunctions", region_name=settings.aws_region)

    def start(self, task_id: str, waits: Sequence[int]) -> str:
        """One execution per cancel task; its name makes a second start of the same task fail."""
        execution_input = {"task_id": task_id, "wait_seconds": waits[0], "waits": list(waits)}
        response = self._client.start_execution(
            stateMachineArn=self._state_machine_arn,
            name=f"cancel-{task_id}",
            input=json.dumps(execution_input),
        )
        return str(response["executionArn"])
