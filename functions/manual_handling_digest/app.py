"""Every 5 minutes: one message to the operations topic about the tasks that went to manual handling
since the last digest (the TaskNeedsManualHandling rule queues them); nothing when none did."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from proxyhub.observability import logger, metrics, tracer
from proxyhub.wiring import container

DIGEST_TASKS_METRIC = "ManualHandlingDigestTasks"


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = container().manual_handling_digest.send()
    metrics.add_metric(name=DIGEST_TASKS_METRIC, unit=MetricUnit.Count, value=result.tasks)
    return {"sent": result.sent, "tasks": result.tasks, "unreadable": result.unreadable}
