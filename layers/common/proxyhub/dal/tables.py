"""Binds PynamoDB models to the table names in Settings, at cold start rather than import time.

Models declare which setting names their table (`@bound_to("tasks_table_name")`), so tests and the
local runner can point every model at moto simply by calling `bind_tables(settings)` again.
"""

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import botocore.session
import pynamodb.connection.base
from pynamodb.connection import Connection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from proxyhub.settings import Settings

_BINDINGS: list[tuple[type[Model], str]] = []
_region = "us-east-1"
_bound_settings: Settings | None = None
_thread_sessions = threading.local()


def _session_of_this_thread(env_vars: dict[str, Any] | None = None) -> botocore.session.Session:
    session = getattr(_thread_sessions, "session", None)
    if session is None:
        session = _thread_sessions.session = botocore.session.get_session(env_vars)
    return session


# PynamoDB opens a botocore session per model connection, and every new session loads the DynamoDB
# service model again (~0.2 s each, for a dozen models). One session per thread (they are not
# thread-safe) keeps cold starts short.
pynamodb.connection.base.get_session = _session_of_this_thread


def bound_to[M: type[Model]](setting_name: str) -> Callable[[M], M]:
    def register(model: M) -> M:
        _BINDINGS.append((model, setting_name))
        # A module imported after the tables were bound (the composition root loads adapters lazily)
        # binds its models at once.
        if _bound_settings is not None:
            model.Meta.table_name = getattr(_bound_settings, setting_name)
            model.Meta.region = _bound_settings.aws_region
        return model

    return register


def bind_tables(settings: Settings) -> None:
    global _region, _bound_settings  # noqa: PLW0603 - one region per process, set at cold start like the table names
    region_changed = settings.aws_region != _region
    _region = settings.aws_region
    _bound_settings = settings
    for model, setting_name in _BINDINGS:
        model.Meta.table_name = getattr(settings, setting_name)
        model.Meta.region = settings.aws_region
        if region_changed:
            # PynamoDB reconnects by itself when the table name changes, not when the region does.
            model._connection = None


# DynamoDB's limit on the keys of one BatchGetItem.
BATCH_GET_LIMIT = 100
_UNPROCESSED_RETRIES = 5


def batch_get_raw(
    model: type[Model], keys: Sequence[tuple[str, str]], *, consistent_read: bool = True
) -> list[dict[str, Any]]:
    """The items of a `pk`/`sk` table at these keys, raw, whatever model each one is: one BatchGetItem
    per 100 keys (keys DynamoDB leaves unprocessed are asked again). Callers pick each item's model by
    its key and build it with `from_raw_data`."""
    unique = list(dict.fromkeys(keys))
    found: list[dict[str, Any]] = []
    for start in range(0, len(unique), BATCH_GET_LIMIT):
        pending: list[Any] = [{"pk": pk, "sk": sk} for pk, sk in unique[start : start + BATCH_GET_LIMIT]]
        for attempt in range(_UNPROCESSED_RETRIES + 1):
            items, pending = model._batch_get_page(pending, consistent_read, None)
            found.extend(items or [])
            if not pending:
                break
            if attempt == _UNPROCESSED_RETRIES:
                raise RuntimeError(f"BatchGetItem left {len(pending)} keys unprocessed")
            time.sleep(0.05 * 2**attempt)
    return found


def batch_get_across(
    keys: dict[type[Model], Sequence[tuple[str, str]]], *, consistent_read: bool = True
) -> dict[type[Model], list[dict[str, Any]]]:
    """Items of several `pk`/`sk` tables in one BatchGetItem (at most 100 keys in all), raw, by the
    model each table's keys were given for; keys left unprocessed are asked again."""
    by_table = {model.Meta.table_name: model for model in keys}
    pending: dict[str, Any] = {
        model.Meta.table_name: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in dict.fromkeys(model_keys)],
            "ConsistentRead": consistent_read,
        }
        for model, model_keys in keys.items()
        if model_keys
    }
    found: dict[type[Model], list[dict[str, Any]]] = {model: [] for model in keys}
    connection = next(iter(keys))._get_connection().connection
    for attempt in range(_UNPROCESSED_RETRIES + 1):
        if not pending:
            break
        answer = connection.dispatch("BatchGetItem", {"RequestItems": pending})
        for table, items in answer.get("Responses", {}).items():
            found[by_table[table]].extend(items)
        pending = answer.get("UnprocessedKeys") or {}
        if pending and attempt < _UNPROCESSED_RETRIES:
            time.sleep(0.05 * 2**attempt)
    if pending:
        raise RuntimeError("BatchGetItem left keys unprocessed")
    return found


def raw_string(raw: dict[str, Any], name: str) -> str:
    return str(raw[name]["S"])


def transact_write() -> TransactWrite:
    """A DynamoDB transaction in the bound region: several items change together or not at all."""
    return TransactWrite(connection=Connection(region=_region))


def is_condition_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) in {
        "ConditionalCheckFailedException",
        "TransactionCanceledException",
    }
