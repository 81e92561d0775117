"""Composition root of the API: builds services once per container, lazily (moto-friendly)."""

from functools import lru_cache

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from proxyhub.aws.inventory_schedules import EventBridgeInventorySchedules
from proxyhub.clock import SystemClock
from proxyhub.config.service import ConfigService
from proxyhub.dal.nonce_store import DynamoNonceStore
from proxyhub.dal.secrets import SecretsManagerStore
from proxyhub.dal.tables import bind_tables
from proxyhub.inventory import wiring as inventory_wiring
from proxyhub.inventory.sync import InventorySyncService
from proxyhub.orders import wiring as order_wiring
from proxyhub.orders.service import OrderService
from proxyhub.request_log import RequestLogSink
from proxyhub.settings import get_settings
from proxyhub.skus.sync import SkuSyncService
from proxyhub.tasks import wiring as task_wiring
from proxyhub.upstream.connections import ConnectionService
from proxyhub.upstream.pushes import PushService, RememberedAnswers


@lru_cache(maxsize=1)
def config_service() -> ConfigService:
    settings = get_settings()
    bind_tables(settings)
    return ConfigService(
        settings, SecretsManagerStore(settings), SystemClock(), EventBridgeInventorySchedules(settings)
    )


def order_service() -> OrderService:
    return order_wiring.order_service()


def sku_sync_service() -> SkuSyncService:
    return order_wiring.sku_sync()


def api_request_log() -> RequestLogSink:
    """Where the API's own calls to proxy warehouses (cancels, resyncs) are logged."""
    return task_wiring.request_log_store()


def inventory_sync_service() -> InventorySyncService:
    return inventory_wiring.inventory_sync_service()


@lru_cache(maxsize=1)
def connection_service() -> ConnectionService:
    settings = get_settings()
    bind_tables(settings)
    return ConnectionService(settings, SecretsManagerStore(settings), SystemClock())


@lru_cache(maxsize=1)
def push_service() -> PushService:
    """The webhook function's OneWarehouse pushes, on the same domain services as the /v1 API."""
    settings = get_settings()
    bind_tables(settings)
    clock = task_wiring.clock()
    return PushService(
        connections=connection_service(),
        orders=order_wiring.order_service(),
        config=config_service(),
        sku_sync=order_wiring.sku_sync(),
        # Built here, lazily: the persistence layer creates its boto3 client when constructed.
        answers=RememberedAnswers(DynamoDBPersistenceLayer(table_name=settings.idempotency_table_name)),
        nonce_store_for=lambda scope: DynamoNonceStore(scope, clock),
        request_log=task_wiring.request_log_store(),
        clock=clock,
        settings=settings,
    )


def reset() -> None:
    """Forget built services, e.g. after tests point the settings at another AWS stand-in."""
    get_settings.cache_clear()
    config_service.cache_clear()
    connection_service.cache_clear()
    push_service.cache_clear()
    task_wiring.reset()
    order_wiring.reset()
    inventory_wiring.reset()
