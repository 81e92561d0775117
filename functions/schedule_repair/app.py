"""Every hour: recreates the schedules that should exist and do not, the 12-hour inventory sync of
every complete warehouse mapping and the next run of every waiting task, with a metric and a log line
for each (see proxyhub.operations.schedule_repair)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from proxyhub.observability import logger, metrics, tracer
from proxyhub.wiring import container


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = container().schedule_repair.repair()
    if report.repaired:
        logger.warning("Schedules repaired", extra={"repaired": report.repaired})
    return {
        "tasks_checked": report.tasks_checked,
        "task_schedules_recreated": report.task_schedules_recreated,
        "mappings_checked": report.mappings_checked,
        "mapping_schedules_recreated": report.mapping_schedules_recreated,
    }
