"""Every 5 minutes: finds sync tasks whose run is overdue (a missed or throttled schedule, a run that
died) and asks the task runner to run them; then publishes the task gauges (tasks by status and type,
the manual backlog, the oldest backlog task) that the dashboard and the backlog alarm read.

Runs are invoked asynchronously rather than run here: each task gets the runner's full 15 minutes and
its retries and DLQ, one slow proxy warehouse cannot starve the rest of the sweep, and the sweep
itself stays a quick index read. The lease makes a duplicate invocation harmless.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from proxyhub.observability import logger, metrics, tracer
from proxyhub.wiring import container

# More overdue tasks than this wait for the next sweep, five minutes later.
SWEEP_LIMIT = 500


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    task_ids = container().task_engine.sweep(SWEEP_LIMIT)
    if task_ids:
        logger.warning("Overdue tasks sent to the runner", extra={"task_ids": task_ids})
    metrics.add_metric(name="OverdueTasksSwept", unit=MetricUnit.Count, value=len(task_ids))
    try:
        container().task_gauges.publish_if_due()
    except Exception:
        # The sweep is what keeps tasks moving; missing gauges show as gaps on the dashboard.
        logger.exception("Task gauges not published")
    return {"swept": len(task_ids), "task_ids": task_ids}
