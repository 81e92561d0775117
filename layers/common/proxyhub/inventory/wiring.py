"""Composition root of inventory sync: the real adapters behind its ports, built lazily once per container.

Plugged into the task engine by naming this module in `proxyhub.tasks.wiring.EXECUTOR_MODULES`. The
proxy clients and the event publisher are the order flows' own, so both share one set of adapters.
"""

from functools import lru_cache

from proxyhub.dal.tables import bind_tables
from proxyhub.inventory.sync import EngineOpenTasks, InventorySyncExecutor, InventorySyncService
from proxyhub.orders import wiring as order_wiring
from proxyhub.settings import get_settings
from proxyhub.tasks import wiring as task_wiring
from proxyhub.tasks.executors import ExecutorRegistry
from proxyhub.tasks.model import BusinessType, TaskType


def install_executors(registry: ExecutorRegistry) -> None:
    executor = InventorySyncExecutor(
        clients=order_wiring.proxy_clients(),
        # The engine is passed as its factory: this runs while the engine itself is being built.
        open_tasks=EngineOpenTasks(task_wiring.task_engine, task_wiring.task_repository()),
        tasks=task_wiring.task_repository(),
        events=order_wiring.domain_events(),
    )
    registry.register(TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, executor)


@lru_cache(maxsize=1)
def inventory_sync_service() -> InventorySyncService:
    bind_tables(get_settings())
    return InventorySyncService(task_wiring.task_engine(), task_wiring.task_repository(), task_wiring.clock())


def reset() -> None:
    inventory_sync_service.cache_clear()
