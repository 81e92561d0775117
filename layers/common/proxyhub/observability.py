"""The single module that creates the logger, tracer and metrics."""

import os
from collections.abc import Generator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

SERVICE_NAME = "proxy-hub"
METRICS_NAMESPACE = "ProxyHub"
# What the functions call out through: AWS (boto3 and PynamoDB both go through botocore) and vendors.
TRACED_MODULES = ("botocore", "httpx")


class _NoSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None: ...

    def add_subsegment(self, subsegment: Any) -> None: ...

    def remove_subsegment(self, subsegment: Any) -> None: ...

    def put_annotation(self, key: str, value: Any) -> None: ...

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None: ...


class _NoTracing(BaseProvider):
    """The tracer's provider where nothing is traced: no X-Ray recorder at all (made outside Lambda,
    the recorder creates an X-Ray client at import, to fetch sampling rules)."""

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Generator[BaseSegment]:
        yield _NoSegment()

    @asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> Any:
        yield _NoSegment()

    def put_annotation(self, key: str, value: Any) -> None: ...

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...

    def patch(self, modules: Sequence[str]) -> None: ...

    def patch_all(self) -> None: ...


def _traced() -> bool:
    """As Powertools decides: in Lambda (not SAM local), unless POWERTOOLS_TRACE_DISABLED."""
    disabled = os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() in {"1", "true", "yes", "on"}
    in_lambda = bool(os.environ.get("LAMBDA_TASK_ROOT")) and not os.environ.get("AWS_SAM_LOCAL")
    return in_lambda and not disabled


def _tracer() -> Tracer:
    if not _traced():
        return Tracer(service=SERVICE_NAME, disabled=True, provider=_NoTracing())
    # X-Ray, patching the two libraries we call out through rather than every one it knows of.
    tracer = Tracer(service=SERVICE_NAME, auto_patch=False)
    tracer.patch(modules=TRACED_MODULES)
    return tracer


logger = Logger(service=SERVICE_NAME)
tracer = _tracer()
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
