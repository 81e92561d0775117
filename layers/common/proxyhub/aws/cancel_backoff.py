"""Starts the cancel-backoff state machine (statemachine/cancel_backoff.asl.json) for a cancel task."""

import json
from collections.abc import Sequence

import boto3

from proxyhub.settings import Settings


class CancelBackoffStarter:
    def __init__(self, settings: Settings) -> None:
        self._state_machine_arn = settings.cancel_state_machine_arn
        self._client = boto3.client("stepfunctions", region_name=settings.aws_region)

    def start(
        self, task_id: str, waits: Sequence[int], *, first_wait_seconds: int | None = None, attempt: int = 0
    ) -> str:
        """One execution per cancel task and attempt: its name makes a second start of the same one fail,
        while a task re-run from manual handling (`attempt`, its run count) gets a fresh execution."""
        first_wait = waits[0] if first_wait_seconds is None else first_wait_seconds
        execution_input = {"task_id": task_id, "wait_seconds": first_wait, "waits": list(waits)}
        response = self._client.start_execution(
            stateMachineArn=self._state_machine_arn,
            name=execution_name(task_id, attempt),
            input=json.dumps(execution_input),
        )
        return str(response["executionArn"])


def execution_name(task_id: str, attempt: int = 0) -> str:
    return f"cancel-{task_id}" if attempt == 0 else f"cancel-{task_id}-{attempt}"
