"""The single module that creates the logger, tracer and metrics."""

from collections.abc import Mapping

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

SERVICE_NAME = "proxy-hub"
METRICS_NAMESPACE = "ProxyHub"

logger = Logger(service=SERVICE_NAME)
tracer = Tracer(service=SERVICE_NAME)
metrics = Metrics(service=SERVICE_NAME, namespace=METRICS_NAMESPACE)


def record_metrics(
    dimensions: Mapping[str, str | None], values: Mapping[str, tuple[float, MetricUnit]]
) -> None:
    """Metrics with dimensions of their own (a system code, a webhook source), written at once as one
    EMF record: the shared `metrics` object holds one dimension set per invocation, and these vary
    within one. A missing dimension value is written as "unknown", so the dimension set stays whole."""
    record = EphemeralMetrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
    for name, value in dimensions.items():
        record.add_dimension(name=name, value=value or "unknown")
    for name, (amount, unit) in values.items():
        record.add_metric(name=name, unit=unit, value=amount)
    record.flush_metrics()
