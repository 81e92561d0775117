"""Binds PynamoDB models to the table names in Settings, at cold start rather than import time.

Models declare which setting names their table (`@bound_to("tasks_table_name")`), so tests and the
local runner can point every model at moto simply by calling `bind_tables(settings)` again.
"""

from collections.abc import Callable

from pynamodb.models import Model

from proxyhub.settings import Settings

_BINDINGS: list[tuple[type[Model], str]] = []


def bound_to[M: type[Model]](setting_name: str) -> Callable[[M], M]:
    def register(model: M) -> M:
        _BINDINGS.append((model, setting_name))
        return model

    return register


def bind_tables(settings: Settings) -> None:
    for model, setting_name in _BINDINGS:
        model.Meta.table_name = getattr(settings, setting_name)
        model.Meta.region = settings.aws_region
        # PynamoDB caches a connection per model class; drop it so the new table and endpoint apply.
        model._connection = None
