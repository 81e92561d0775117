"""Binds PynamoDB models to the table names in Settings, at cold start rather than import time.

Models declare which setting names their table (`@bound_to("tasks_table_name")`), so tests and the
local runner can point every model at moto simply by calling `bind_tables(settings)` again.
"""

from collections.abc import Callable

from pynamodb.connection import Connection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from proxyhub.settings import Settings

_BINDINGS: list[tuple[type[Model], str]] = []
_region = "us-east-1"


def bound_to[M: type[Model]](setting_name: str) -> Callable[[M], M]:
    def register(model: M) -> M:
        _BINDINGS.append((model, setting_name))
        return model

    return register


def bind_tables(settings: Settings) -> None:
    global _region  # noqa: PLW0603 - one region per process, set at cold start like the table names
    _region = settings.aws_region
    for model, setting_name in _BINDINGS:
        model.Meta.table_name = getattr(settings, setting_name)
        model.Meta.region = settings.aws_region
        # PynamoDB caches a connection per model class; drop it so the new table and endpoint apply.
        model._connection = None


def transact_write() -> TransactWrite:
    """A DynamoDB transaction in the bound region: several items change together or not at all."""
    return TransactWrite(connection=Connection(region=_region))
