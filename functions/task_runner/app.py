"""Runs one sync task. Invoked by the task's schedule, Sync Now, the sweeper or the cancel state machine
with `{"task_id": ..., "trigger"?: ...}`; returns the run result the state machine loops on."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from proxyhub.models.tasks import Trigger
from proxyhub.observability import logger, metrics, tracer
from proxyhub.wiring import container


class RunRequest(BaseModel):
    task_id: str = Field(min_length=1, max_length=64)
    # A schedule's input is just the task id.
    trigger: Trigger = Trigger.SCHEDULE
    # The cancel state machine passes its backoff steps (seconds), so tests and local runs can shorten them.
    waits: list[int] | None = Field(default=None, min_length=1)
    # Who pressed Sync Now, for the run's history entry.
    actor: str | None = Field(default=None, max_length=256)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = RunRequest.model_validate(event)
    logger.append_keys(task_id=request.task_id, trigger=request.trigger.value)
    # Long work (a large inventory sync) stops in time and continues in a fresh invocation.
    result = container().task_engine.run_task(
        request.task_id,
        request.trigger,
        request_id=context.aws_request_id,
        remaining_ms=context.get_remaining_time_in_millis,
        actor=request.actor,
    )
    return result.as_dict(waits=request.waits)
