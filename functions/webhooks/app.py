"""Webhooks from outside platforms (OneWarehouse pushes): routes live in proxyhub.webhooks."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from proxyhub.observability import logger, metrics, tracer
from proxyhub.webhooks.resolver import build_webhook_resolver

app = build_webhook_resolver()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
