"""Counting AWS calls per service and operation with a botocore event hook, for round-trip budgets.

`counting_aws_calls()` registers a `before-parameter-build` handler (it fires once per API call, with
the call's parameters) on every botocore client made while it is active, and drops the clients
PynamoDB cached before it, so every call of the block is seen. The counts are deterministic: moto
answers in-process, and a retry would not be counted again.
"""

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import botocore.session

from proxyhub.dal import tables


class AwsCalls:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()
        # (service, operation, request parameters) in call order, e.g. to check a query's Limit.
        self.requests: list[tuple[str, str, dict[str, Any]]] = []

    def record(self, model: Any, params: dict[str, Any] | None = None, **_: Any) -> None:
        service = model.service_model.service_name
        with self._guard:
            self.calls[(service, model.name)] += 1
            self.requests.append((service, model.name, dict(params or {})))

    def params_of(self, service: str, operation: str) -> list[dict[str, Any]]:
        with self._guard:
            return [params for svc, name, params in self.requests if (svc, name) == (service, operation)]

    def clear(self) -> None:
        with self._guard:
            self.calls.clear()

    def of(self, service: str) -> Counter[str]:
        with self._guard:
            return Counter({name: count for (svc, name), count in self.calls.items() if svc == service})

    def total(self, service: str) -> int:
        return sum(self.of(service).values())

    def others(self, service: str = "dynamodb") -> Counter[str]:
        """Calls to any other service, as `service:Operation`."""
        with self._guard:
            return Counter({f"{svc}:{name}": n for (svc, name), n in self.calls.items() if svc != service})

    @contextlib.contextmanager
    def window(self) -> Iterator["AwsCalls"]:
        """The calls made inside the block only."""
        before, requests_before = Counter(self.calls), len(self.requests)
        inner = AwsCalls()
        try:
            yield inner
        finally:
            with self._guard:
                inner.calls = self.calls - before
                inner.requests = self.requests[requests_before:]


@contextlib.contextmanager
def counting_aws_calls() -> Iterator[AwsCalls]:
    counter = AwsCalls()
    original_create_client = botocore.session.Session.create_client

    def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original_create_client(self, *args, **kwargs)
        client.meta.events.register("before-parameter-build", counter.record, unique_id="round-trip-counter")
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    _forget_pynamodb_clients()
    try:
        yield counter
    finally:
        botocore.session.Session.create_client = original_create_client  # type: ignore[method-assign]
        _forget_pynamodb_clients()


def _forget_pynamodb_clients() -> None:
    """PynamoDB keeps a connection (and its botocore client) per model: made again on next use."""
    for model, _ in tables._BINDINGS:
        model._connection = None
