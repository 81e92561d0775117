"""Composition root of inventory sync: the real adapters behind its ports, built lazily once per container.

Plugged into the task engine by naming this module in `proxyhub.tasks.wiring.EXECUTOR_MODULES`.
"""

from functools import lru_cache

from proxyhub.adapters.hpk import hpk_client_factory
from proxyhub.aws.event_bus import EventBridgePublisher
from proxyhub.clock import SystemClock
from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.dal.secrets import SecretsManagerStore
from proxyhub.dal.tables import bind_tables
from proxyhub.inventory.sync import EngineOpenTasks, InventorySyncExecutor, InventorySyncService
from proxyhub.settings import get_settings
from proxyhub.tasks import wiring as task_wiring
from proxyhub.tasks.executors import ExecutorRegistry
from proxyhub.tasks.model import BusinessType, TaskType


def install_executors(registry: ExecutorRegistry) -> None:
    settings = get_settings()
    executor = InventorySyncExecutor(
        clients=ProxyClientProvider(SecretsManagerStore(settings), {"HPK": hpk_client_factory}),
        # Lazily: this runs while the engine is being built.
        open_tasks=EngineOpenTasks(task_wiring.task_engine, task_wiring.task_repository()),
        tasks=task_wiring.task_repository(),
        events=EventBridgePublisher(settings),
    )
    registry.register(TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, executor)


@lru_cache(maxsize=1)
def inventory_sync_service() -> InventorySyncService:
    bind_tables(get_settings())
    return InventorySyncService(task_wiring.task_engine(), task_wiring.task_repository(), SystemClock())


def reset() -> None:
    inventory_sync_service.cache_clear()
