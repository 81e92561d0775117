"""Counting AWS calls per service and operation with a botocore event hook, for round-trip budgets.

`counting_aws_calls()` registers a `before-call` handler on every botocore client made while it is
active and on the sessions that make the project's clients (boto3's default one, PynamoDB's
per-thread one), and drops the clients cached before it, so every call of the block is seen. The
counts are deterministic: moto answers in-process, and botocore retries nothing it does not see fail.
"""

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.client
import botocore.session
import pynamodb.connection.base

from proxyhub.dal import tables


class AwsCalls:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()

    def record(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        with self._guard:
            self.calls[(service, model.name)] += 1

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
        before = Counter(self.calls)
        inner = AwsCalls()
        try:
            yield inner
        finally:
            with self._guard:
                inner.calls = self.calls - before


@contextlib.contextmanager
def counting_aws_calls() -> Iterator[AwsCalls]:
    counter = AwsCalls()
    sessions = [boto3.DEFAULT_SESSION._session if boto3.DEFAULT_SESSION else None]
    sessions.append(pynamodb.connection.base.get_session())
    original_create_client = botocore.session.Session.create_client

    def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original_create_client(self, *args, **kwargs)
        client.meta.events.register("before-call", counter.record, unique_id="round-trip-counter")
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    _forget_pynamodb_clients()
    try:
        yield counter
    finally:
        botocore.session.Session.create_client = original_create_client  # type: ignore[method-assign]
        _forget_pynamodb_clients()
        del sessions


def _forget_pynamodb_clients() -> None:
    """PynamoDB keeps a connection (and its botocore client) per model: made again on next use."""
    for model, _ in tables._BINDINGS:
        model._connection = None


def client_count(client: botocore.client.BaseClient) -> None:  # pragma: no cover - typing aid
    del client
