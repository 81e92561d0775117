"""Starts the inventory sync of one warehouse mapping. Invoked every 12 hours by the mapping's schedule
with `{"system_code": ..., "proxy_warehouse_code": ...}`; the sync itself runs as a task in the runner."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from proxyhub.errors import ConflictError, NotFoundError
from proxyhub.observability import logger, metrics, tracer
from proxyhub.wiring import container


class ScheduledSync(BaseModel):
    system_code: str = Field(min_length=1, max_length=64)
    proxy_warehouse_code: str = Field(min_length=1, max_length=64)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ScheduledSync.model_validate(event)
    logger.append_keys(system_code=request.system_code, proxy_warehouse_code=request.proxy_warehouse_code)
    try:
        task = container().inventory_sync_service.start(
            request.system_code, request.proxy_warehouse_code, request_id=context.aws_request_id
        )
    except (ConflictError, NotFoundError) as refusal:
        # A sync still running, or a mapping changed since the schedule was made: skip this round
        # (a retry would be refused alike); the next round starts afresh.
        logger.info("Scheduled inventory sync skipped", extra={"reason": refusal.message})
        return {"started": False, "reason": refusal.message}
    return {"started": True, "task_id": task.task_id}
