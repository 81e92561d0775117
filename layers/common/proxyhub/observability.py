"""The single module that creates the logger, tracer and metrics."""

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE_NAME = "proxy-hub"
METRICS_NAMESPACE = "ProxyHub"

logger = Logger(service=SERVICE_NAME)
tracer = Tracer(service=SERVICE_NAME)
metrics = Metrics(service=SERVICE_NAME, namespace=METRICS_NAMESPACE)
