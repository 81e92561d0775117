"""Composition root of the task engine: the real adapters, built lazily once per container.

The only module of `proxyhub.tasks` that knows the adapters. Later issues plug their executors in by
naming a module in `EXECUTOR_MODULES`; each such module defines
`install_executors(registry: ExecutorRegistry) -> None`. Modules are imported when the registry is
first needed, so an executor may itself use `task_engine()` without an import cycle.

Every collaborator has its own factory, looked up at call time, so tests and the local runner can
replace one (e.g. `monkeypatch.setattr(wiring, "clock", ...)`) and call `reset()`.
"""

import importlib
from functools import lru_cache

from proxyhub.aws.event_bus import EventBridgePublisher
from proxyhub.aws.lambda_invoker import LambdaTaskInvoker
from proxyhub.aws.scheduler import EventBridgeTaskScheduler
from proxyhub.clock import Clock, SystemClock
from proxyhub.dal.request_log_store import DynamoRequestLogStore
from proxyhub.dal.tables import bind_tables
from proxyhub.dal.task_repository import DynamoTaskRepository
from proxyhub.settings import get_settings
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.executors import ExecutorRegistry
from proxyhub.tasks.policy import TaskPolicy
from proxyhub.tasks.ports import DomainEvents, TaskInvoker, TaskScheduler

EXECUTOR_MODULES: tuple[str, ...] = (
    "proxyhub.orders.wiring",
    "proxyhub.upstream.notify",
    "proxyhub.inventory.wiring",
)


@lru_cache(maxsize=1)
def executor_registry() -> ExecutorRegistry:
    registry = ExecutorRegistry()
    for module_name in EXECUTOR_MODULES:
        importlib.import_module(module_name).install_executors(registry)
    return registry


@lru_cache(maxsize=1)
def clock() -> Clock:
    return SystemClock()


@lru_cache(maxsize=1)
def task_repository() -> DynamoTaskRepository:
    settings = get_settings()
    bind_tables(settings)
    return DynamoTaskRepository(settings, clock())


@lru_cache(maxsize=1)
def request_log_store() -> DynamoRequestLogStore:
    settings = get_settings()
    bind_tables(settings)
    return DynamoRequestLogStore(settings, clock())


@lru_cache(maxsize=1)
def task_scheduler() -> TaskScheduler:
    return EventBridgeTaskScheduler(get_settings())


@lru_cache(maxsize=1)
def task_invoker() -> TaskInvoker:
    return LambdaTaskInvoker(get_settings())


@lru_cache(maxsize=1)
def domain_events() -> DomainEvents:
    return EventBridgePublisher(get_settings())


@lru_cache(maxsize=1)
def task_engine() -> TaskEngine:
    settings = get_settings()
    return TaskEngine(
        store=task_repository(),
        scheduler=task_scheduler(),
        invoker=task_invoker(),
        events=domain_events(),
        clock=clock(),
        request_log=request_log_store(),
        executors=executor_registry(),
        policy=TaskPolicy.from_settings(settings),
        settings=settings,
    )


def reset() -> None:
    """Forget built adapters, e.g. after tests point the settings at another AWS stand-in."""
    factories = (
        clock,
        executor_registry,
        task_repository,
        request_log_store,
        task_scheduler,
        task_invoker,
        domain_events,
    )
    for factory in (*factories, task_engine):
        factory.cache_clear()
