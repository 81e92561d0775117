"""Composition root of the order flows: the order service and the executors of order tasks."""

from functools import lru_cache

from proxyhub.adapters.hpk import hpk_client_factory
from proxyhub.aws.cancel_backoff import CancelBackoffStarter
from proxyhub.aws.event_bus import EventBridgePublisher
from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.dal.secrets import SecretsManagerStore
from proxyhub.dal.tables import bind_tables
from proxyhub.orders.engine_tasks import EngineOrderTasks
from proxyhub.orders.executors import CancelCheckExecutor, InboundFlowExecutor, OutboundFlowExecutor
from proxyhub.orders.ports import OrderObserver
from proxyhub.orders.service import OrderService
from proxyhub.settings import get_settings
from proxyhub.skus.sync import SkuSyncService
from proxyhub.tasks import wiring as task_wiring
from proxyhub.tasks.executors import ExecutorRegistry
from proxyhub.tasks.model import BusinessType, TaskType
from proxyhub.tasks.policy import TaskPolicy
from proxyhub.upstream import notify

# One adapter per proxy system type; a new vendor adds its factory here.
PROXY_CLIENT_FACTORIES = {"HPK": hpk_client_factory}


@lru_cache(maxsize=1)
def proxy_clients() -> ProxyClientProvider:
    settings = get_settings()
    bind_tables(settings)
    return ProxyClientProvider(SecretsManagerStore(settings), PROXY_CLIENT_FACTORIES)


@lru_cache(maxsize=1)
def domain_events() -> EventBridgePublisher:
    return EventBridgePublisher(get_settings())


@lru_cache(maxsize=1)
def order_tasks() -> EngineOrderTasks:
    settings = get_settings()
    return EngineOrderTasks(
        engine=task_wiring.task_engine,
        store=task_wiring.task_repository,
        tasks_of_order=lambda order_no: task_wiring.task_repository().tasks_of_order(order_no),
        invoker=task_wiring.task_invoker,
        cancel_backoff=lambda: CancelBackoffStarter(get_settings()),
        policy=TaskPolicy.from_settings(settings),
        clock=task_wiring.clock,
    )


@lru_cache(maxsize=1)
def sku_sync() -> SkuSyncService:
    return SkuSyncService(proxy_clients(), task_wiring.clock())


@lru_cache(maxsize=1)
def order_service() -> OrderService:
    return OrderService(proxy_clients(), order_tasks(), domain_events(), task_wiring.clock())


def order_observer() -> OrderObserver:
    """Who hears about an order's progress upstream: OneWarehouse for its orders, nobody for GWMS's."""
    return notify.order_observer()


def install_executors(registry: ExecutorRegistry) -> None:
    collaborators = (proxy_clients(), order_tasks(), domain_events(), sku_sync(), order_observer())
    inbound = InboundFlowExecutor(*collaborators)
    outbound = OutboundFlowExecutor(*collaborators)
    cancel = CancelCheckExecutor(*collaborators)
    for task_type in (TaskType.CREATE, TaskType.QUERY):
        registry.register(task_type, BusinessType.INBOUND, inbound)
        registry.register(task_type, BusinessType.OUTBOUND, outbound)
    registry.register(TaskType.CANCEL, BusinessType.INBOUND, cancel)
    registry.register(TaskType.CANCEL, BusinessType.OUTBOUND, cancel)


def reset() -> None:
    for factory in (proxy_clients, domain_events, order_tasks, sku_sync, order_service):
        factory.cache_clear()
