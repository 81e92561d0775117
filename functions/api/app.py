"""GWMS and operator HTTP API: routes live in proxyhub.api; this file only wires the handler."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from proxyhub.api.resolver import build_resolver
from proxyhub.observability import logger, metrics, tracer

app = build_resolver()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
