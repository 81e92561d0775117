"""Every component of the application, built on first use from the one settings object.

Adapters (DynamoDB repositories, AWS clients, vendor clients) are named here and nowhere else in the
layer; the domain sees them only through its ports. Each component is a `cached_property`, so an
instance attribute set before first use replaces it (`proxyhub.wiring.override`).
"""

import threading
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from proxyhub.clock import Clock, SystemClock
from proxyhub.dal.tables import bind_tables
from proxyhub.models.tasks import BusinessType, TaskType
from proxyhub.settings import Settings
from proxyhub.wiring.lazy import lazy_names

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from proxyhub.adapters.hpk.callbacks import HpkCallbackReader
    from proxyhub.adapters.hpk.client import HpkClientFactory
    from proxyhub.adapters.onewarehouse.client import OneWarehouseClientFactory
    from proxyhub.adapters.onewarehouse.codec import OneWarehouseCodec
    from proxyhub.audit.ports import AuditLog
    from proxyhub.audit.service import AuditService
    from proxyhub.aws.alert_inbox import SqsAlertInbox
    from proxyhub.aws.cancel_backoff import CancelBackoffStarter
    from proxyhub.aws.event_bus import EventBridgePublisher
    from proxyhub.aws.export_bucket import S3ExportSink
    from proxyhub.aws.inventory_schedules import EventBridgeInventorySchedules
    from proxyhub.aws.lambda_invoker import LambdaTaskInvoker
    from proxyhub.aws.notifications import SnsNotifier
    from proxyhub.aws.public_addresses import SsmPublicAddresses
    from proxyhub.aws.schedule_directory import EventBridgeScheduleDirectory
    from proxyhub.aws.scheduler import EventBridgeTaskScheduler
    from proxyhub.aws.secrets import SecretsManagerStore
    from proxyhub.config.connection_test import ProxyConnectionTest
    from proxyhub.config.ports import ConfigStore, MappingSchedules
    from proxyhub.config.proxy_clients import ProxyClientProvider
    from proxyhub.config.service import ConfigService
    from proxyhub.dal.audit_repository import DynamoAuditLog
    from proxyhub.dal.config_repository import DynamoConfigStore
    from proxyhub.dal.connection_repository import DynamoConnectionStore
    from proxyhub.dal.ledger_repository import DynamoStockLedger
    from proxyhub.dal.nonce_store import DynamoNonceStore
    from proxyhub.dal.order_repository import DynamoOrderStore
    from proxyhub.dal.request_log_store import DynamoRequestLogStore
    from proxyhub.dal.scheduled_tasks import DynamoScheduledTasks
    from proxyhub.dal.sku_mapping_repository import DynamoSkuMappingStore
    from proxyhub.dal.snapshot_repository import DynamoSnapshotStore
    from proxyhub.dal.task_repository import DynamoTaskRepository
    from proxyhub.dal.upstream_order_repository import DynamoUpstreamOrderStore
    from proxyhub.events import DomainEvents
    from proxyhub.exports.ports import ExportSink
    from proxyhub.exports.service import ExportService
    from proxyhub.inventory.executor import InventorySyncExecutor
    from proxyhub.inventory.open_tasks import EngineOpenTasks
    from proxyhub.inventory.ports import InventorySync
    from proxyhub.inventory.service import InventorySyncService
    from proxyhub.operations.manual_digest import ManualHandlingDigest
    from proxyhub.operations.ports import PublicAddresses
    from proxyhub.operations.schedule_repair import ScheduleRepair
    from proxyhub.operations.task_gauges import TaskGauges
    from proxyhub.orders.callback_intake import CallbackIntake
    from proxyhub.orders.callbacks import StatusCallbackService
    from proxyhub.orders.cancel_check import CancelCheckExecutor
    from proxyhub.orders.cancellation import OrderCancellation
    from proxyhub.orders.engine_tasks import EngineOrderTasks
    from proxyhub.orders.flow import OrderFlows
    from proxyhub.orders.inbound_flow import InboundFlowExecutor
    from proxyhub.orders.outbound_flow import OutboundFlowExecutor
    from proxyhub.orders.ports import CancelBackoff, OrderObserver, OrderStore
    from proxyhub.orders.search import OrderSearch
    from proxyhub.orders.service import OrderService
    from proxyhub.proxy.ports import ProxyClientFactory
    from proxyhub.request_log import RequestLogSink
    from proxyhub.secrets import SecretStore
    from proxyhub.skus.sync import SkuSyncService
    from proxyhub.tasks.engine import TaskEngine
    from proxyhub.tasks.executors import ExecutorRegistry
    from proxyhub.tasks.policy import TaskPolicy
    from proxyhub.tasks.ports import RequestLogReader, TaskInvoker, TaskScheduler
    from proxyhub.tasks.sync_tasks import SyncTasksService
    from proxyhub.upstream.connection_test import UpstreamConnectionTest
    from proxyhub.upstream.connections import ConnectionService
    from proxyhub.upstream.notify import CallbackExecutor, OneWarehouseObserver, UpstreamCallbacks
    from proxyhub.upstream.ports import ConnectionStore, PushCodec, UpstreamClientFactory, UpstreamOrderStore
    from proxyhub.upstream.pushes import PushService, RememberedAnswers
else:
    # Every other name loads its module when its component is first built (`proxyhub.wiring.lazy`): a
    # function imports the adapters it uses, not all of them. A new component's import goes here too.
    globals().update(
        lazy_names(
            {
                "aws_lambda_powertools.utilities.idempotency": ("DynamoDBPersistenceLayer",),
                "proxyhub.adapters.hpk.callbacks": ("HpkCallbackReader",),
                "proxyhub.adapters.hpk.client": ("HpkClientFactory",),
                "proxyhub.adapters.onewarehouse.client": ("OneWarehouseClientFactory",),
                "proxyhub.adapters.onewarehouse.codec": ("OneWarehouseCodec",),
                "proxyhub.audit.ports": ("AuditLog",),
                "proxyhub.audit.service": ("AuditService",),
                "proxyhub.aws.alert_inbox": ("SqsAlertInbox",),
                "proxyhub.aws.cancel_backoff": ("CancelBackoffStarter",),
                "proxyhub.aws.event_bus": ("EventBridgePublisher",),
                "proxyhub.aws.export_bucket": ("S3ExportSink",),
                "proxyhub.aws.inventory_schedules": ("EventBridgeInventorySchedules",),
                "proxyhub.aws.lambda_invoker": ("LambdaTaskInvoker",),
                "proxyhub.aws.notifications": ("SnsNotifier",),
                "proxyhub.aws.public_addresses": ("SsmPublicAddresses",),
                "proxyhub.aws.schedule_directory": ("EventBridgeScheduleDirectory",),
                "proxyhub.aws.scheduler": ("EventBridgeTaskScheduler",),
                "proxyhub.aws.secrets": ("SecretsManagerStore",),
                "proxyhub.config.connection_test": ("ProxyConnectionTest",),
                "proxyhub.config.ports": (
                    "ConfigStore",
                    "MappingSchedules",
                ),
                "proxyhub.config.proxy_clients": ("ProxyClientProvider",),
                "proxyhub.config.service": ("ConfigService",),
                "proxyhub.dal.audit_repository": ("DynamoAuditLog",),
                "proxyhub.dal.config_repository": ("DynamoConfigStore",),
                "proxyhub.dal.connection_repository": ("DynamoConnectionStore",),
                "proxyhub.dal.ledger_repository": ("DynamoStockLedger",),
                "proxyhub.dal.nonce_store": ("DynamoNonceStore",),
                "proxyhub.dal.order_repository": ("DynamoOrderStore",),
                "proxyhub.dal.request_log_store": ("DynamoRequestLogStore",),
                "proxyhub.dal.scheduled_tasks": ("DynamoScheduledTasks",),
                "proxyhub.dal.sku_mapping_repository": ("DynamoSkuMappingStore",),
                "proxyhub.dal.snapshot_repository": ("DynamoSnapshotStore",),
                "proxyhub.dal.task_repository": ("DynamoTaskRepository",),
                "proxyhub.dal.upstream_order_repository": ("DynamoUpstreamOrderStore",),
                "proxyhub.events": ("DomainEvents",),
                "proxyhub.exports.ports": ("ExportSink",),
                "proxyhub.exports.service": ("ExportService",),
                "proxyhub.inventory.executor": ("InventorySyncExecutor",),
                "proxyhub.inventory.open_tasks": ("EngineOpenTasks",),
                "proxyhub.inventory.ports": ("InventorySync",),
                "proxyhub.inventory.service": ("InventorySyncService",),
                "proxyhub.operations.manual_digest": ("ManualHandlingDigest",),
                "proxyhub.operations.ports": ("PublicAddresses",),
                "proxyhub.operations.schedule_repair": ("ScheduleRepair",),
                "proxyhub.operations.task_gauges": ("TaskGauges",),
                "proxyhub.orders.callback_intake": ("CallbackIntake",),
                "proxyhub.orders.callbacks": ("StatusCallbackService",),
                "proxyhub.orders.cancel_check": ("CancelCheckExecutor",),
                "proxyhub.orders.cancellation": ("OrderCancellation",),
                "proxyhub.orders.engine_tasks": ("EngineOrderTasks",),
                "proxyhub.orders.flow": ("OrderFlows",),
                "proxyhub.orders.inbound_flow": ("InboundFlowExecutor",),
                "proxyhub.orders.outbound_flow": ("OutboundFlowExecutor",),
                "proxyhub.orders.ports": (
                    "CancelBackoff",
                    "OrderObserver",
                    "OrderStore",
                ),
                "proxyhub.orders.search": ("OrderSearch",),
                "proxyhub.orders.service": ("OrderService",),
                "proxyhub.proxy.ports": ("ProxyClientFactory",),
                "proxyhub.request_log": ("RequestLogSink",),
                "proxyhub.secrets": ("SecretStore",),
                "proxyhub.skus.sync": ("SkuSyncService",),
                "proxyhub.tasks.engine": ("TaskEngine",),
                "proxyhub.tasks.executors": ("ExecutorRegistry",),
                "proxyhub.tasks.policy": ("TaskPolicy",),
                "proxyhub.tasks.ports": (
                    "RequestLogReader",
                    "TaskInvoker",
                    "TaskScheduler",
                ),
                "proxyhub.tasks.sync_tasks": ("SyncTasksService",),
                "proxyhub.upstream.connection_test": ("UpstreamConnectionTest",),
                "proxyhub.upstream.connections": ("ConnectionService",),
                "proxyhub.upstream.notify": (
                    "CallbackExecutor",
                    "OneWarehouseObserver",
                    "UpstreamCallbacks",
                ),
                "proxyhub.upstream.ports": (
                    "ConnectionStore",
                    "PushCodec",
                    "UpstreamClientFactory",
                    "UpstreamOrderStore",
                ),
                "proxyhub.upstream.pushes": (
                    "PushService",
                    "RememberedAnswers",
                ),
            }
        )
    )

# HPK callback nonces beside OneWarehouse's (scoped by app key) in the one nonce store.
HPK_CALLBACK_NONCE_SCOPE = "hpk-callbacks"


_ENGINE_BUILD = threading.RLock()


class Container:
    # Tests that script their own executors turn this off before the engine is built.
    install_production_executors = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        bind_tables(settings)

    # ------------------------------------------------------------ adapters

    @cached_property
    def clock(self) -> Clock:
        return SystemClock()

    @cached_property
    def task_repository(self) -> DynamoTaskRepository:
        # A run's last request-log records are written with its result, as the request-log store writes them.
        return DynamoTaskRepository(self.settings, self.clock, self.request_log_store)

    @cached_property
    def request_log_store(self) -> DynamoRequestLogStore:
        return DynamoRequestLogStore(self.settings, self.clock)

    @property
    def request_log(self) -> RequestLogSink:
        """Where calls made outside a task run (cancels, resyncs, pushes) are logged."""
        return self.request_log_store

    @property
    def request_log_reader(self) -> RequestLogReader:
        return self.request_log_store

    @cached_property
    def task_scheduler(self) -> TaskScheduler:
        return EventBridgeTaskScheduler(self.settings)

    @cached_property
    def task_invoker(self) -> TaskInvoker:
        return LambdaTaskInvoker(self.settings)

    @cached_property
    def domain_events(self) -> DomainEvents:
        return EventBridgePublisher(self.settings)

    @cached_property
    def secrets(self) -> SecretStore:
        return SecretsManagerStore(self.settings)

    @cached_property
    def config_store(self) -> ConfigStore:
        return DynamoConfigStore()

    @cached_property
    def order_store(self) -> OrderStore:
        return DynamoOrderStore()

    @cached_property
    def stock_ledger(self) -> DynamoStockLedger:
        """Both the order flows' ledger and inventory sync's: one table, one adapter."""
        return DynamoStockLedger()

    @cached_property
    def snapshots(self) -> DynamoSnapshotStore:
        return DynamoSnapshotStore()

    @cached_property
    def sku_mappings(self) -> DynamoSkuMappingStore:
        return DynamoSkuMappingStore()

    @cached_property
    def upstream_orders(self) -> UpstreamOrderStore:
        return DynamoUpstreamOrderStore()

    @cached_property
    def connection_store(self) -> ConnectionStore:
        return DynamoConnectionStore()

    @cached_property
    def cancel_backoff(self) -> CancelBackoff:
        return CancelBackoffStarter(self.settings)

    @cached_property
    def mapping_schedules(self) -> MappingSchedules:
        return EventBridgeInventorySchedules(self.settings)

    @cached_property
    def proxy_client_factories(self) -> dict[str, ProxyClientFactory]:
        """One client factory per proxy system type; a new vendor adds its own here."""
        return {"HPK": HpkClientFactory(self.settings)}

    @cached_property
    def upstream_client_factory(self) -> UpstreamClientFactory:
        return OneWarehouseClientFactory(self.settings)

    @cached_property
    def push_codec(self) -> PushCodec:
        return OneWarehouseCodec()

    @cached_property
    def push_answers(self) -> RememberedAnswers:
        # The persistence layer creates its boto3 client when constructed: built here, on first use.
        return RememberedAnswers(DynamoDBPersistenceLayer(table_name=self.settings.idempotency_table_name))

    @cached_property
    def hpk_callback_reader(self) -> HpkCallbackReader:
        nonces = DynamoNonceStore(HPK_CALLBACK_NONCE_SCOPE, self.clock)
        return HpkCallbackReader(self.secrets, self.settings.hpk_callback_secret_name, self.clock, nonces)

    # ------------------------------------------------------------ the task engine

    @cached_property
    def task_policy(self) -> TaskPolicy:
        return TaskPolicy.from_settings(self.settings)

    @cached_property
    def executor_registry(self) -> ExecutorRegistry:
        return ExecutorRegistry()

    @cached_property
    def task_engine(self) -> TaskEngine:
        # The local stack serves requests in threads sharing this container: one of them builds it.
        with _ENGINE_BUILD:
            built: TaskEngine | None = self.__dict__.get("task_engine")
            return built if built is not None else self._build_task_engine()

    def _build_task_engine(self) -> TaskEngine:
        engine = TaskEngine(
            store=self.task_repository,
            scheduler=self.task_scheduler,
            invoker=self.task_invoker,
            events=self.domain_events,
            clock=self.clock,
            request_log=self.request_log_store,
            executors=self.executor_registry,
            policy=self.task_policy,
            settings=self.settings,
            # A cancel task re-run from manual handling gets a fresh cancel-backoff execution.
            backoff=self.cancel_backoff,
        )
        # The executors create, end and run tasks through the engine they run in: cache it first (a
        # run that starts meanwhile waits for its executor, `ExecutorRegistry.installing`).
        self.__dict__["task_engine"] = engine
        if self.install_production_executors:
            with self.executor_registry.installing():
                self._register_executors(self.executor_registry)
        return engine

    def _register_executors(self, registry: ExecutorRegistry) -> None:
        inbound = InboundFlowExecutor(self.order_flows)
        outbound = OutboundFlowExecutor(self.order_flows)
        cancel = CancelCheckExecutor(self.order_flows)
        notify = CallbackExecutor(self.upstream_callbacks, self.order_store, self.upstream_orders)
        for task_type in (TaskType.CREATE, TaskType.QUERY):
            registry.register(task_type, BusinessType.INBOUND, inbound)
            registry.register(task_type, BusinessType.OUTBOUND, outbound)
        for business_type in (BusinessType.INBOUND, BusinessType.OUTBOUND):
            registry.register(TaskType.CANCEL, business_type, cancel)
            registry.register(TaskType.NOTIFY, business_type, notify)
        registry.register(
            TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, InventorySyncExecutor(self.inventory_sync)
        )

    @cached_property
    def order_tasks(self) -> EngineOrderTasks:
        return EngineOrderTasks(
            self.task_engine,
            self.task_repository,
            self.task_invoker,
            self.cancel_backoff,
            self.task_policy,
            self.clock,
        )

    @cached_property
    def sync_tasks(self) -> SyncTasksService:
        return SyncTasksService(
            self.task_engine,
            self.task_repository,
            self.task_repository,
            self.task_repository,
            self.request_log_reader,
            self.config_store,
            self.audit,
            self.clock,
        )

    # ------------------------------------------------------------ CSV exports

    @cached_property
    def export_sink(self) -> ExportSink:
        return S3ExportSink(self.settings, self.clock)

    @cached_property
    def exports(self) -> ExportService:
        return ExportService(
            self.export_sink,
            task_list=self.sync_tasks,
            tasks=self.task_repository,
            request_logs=self.request_log_reader,
            snapshots=self.snapshots,
            adjustments=self.stock_ledger,
            clock=self.clock,
        )

    # ------------------------------------------------------------ the audit trail

    @cached_property
    def audit_log(self) -> AuditLog:
        return DynamoAuditLog(self.clock)

    @cached_property
    def audit(self) -> AuditService:
        return AuditService(self.audit_log, self.clock)

    # ------------------------------------------------------------ configuration and SKUs

    @cached_property
    def config_service(self) -> ConfigService:
        return ConfigService(
            self.config_store, self.secrets, self.clock, self.mapping_schedules, self.settings.secrets_prefix
        )

    @cached_property
    def proxy_clients(self) -> ProxyClientProvider:
        return ProxyClientProvider(self.config_store, self.secrets, self.proxy_client_factories)

    @cached_property
    def sku_sync(self) -> SkuSyncService:
        return SkuSyncService(
            self.proxy_clients, self.config_store, self.config_store, self.sku_mappings, self.clock
        )

    # ------------------------------------------------------------ orders

    @cached_property
    def order_cancellation(self) -> OrderCancellation:
        return OrderCancellation(self.order_store, self.order_tasks, self.domain_events)

    @cached_property
    def order_service(self) -> OrderService:
        return OrderService(
            clients=self.proxy_clients,
            config=self.config_store,
            orders=self.order_store,
            tasks=self.order_tasks,
            cancellation=self.order_cancellation,
            request_log=self.request_log,
            clock=self.clock,
        )

    @cached_property
    def order_search(self) -> OrderSearch:
        return OrderSearch(self.order_store)

    @cached_property
    def order_observer(self) -> OrderObserver:
        """Who hears about an order's progress upstream: OneWarehouse for its orders, nobody for GWMS's."""
        return OneWarehouseObserver(
            self.upstream_callbacks, self.task_engine, self.upstream_orders, self.clock
        )

    @cached_property
    def order_flows(self) -> OrderFlows:
        return OrderFlows(
            clients=self.proxy_clients,
            config=self.config_store,
            orders=self.order_store,
            ledger=self.stock_ledger,
            events=self.domain_events,
            sku_sync=self.sku_sync,
            observer=self.order_observer,
            cancellation=self.order_cancellation,
        )

    @cached_property
    def status_callbacks(self) -> StatusCallbackService:
        return StatusCallbackService(self.order_store, self.order_tasks)

    @cached_property
    def hpk_callback_intake(self) -> CallbackIntake:
        """HPK's status callbacks, verified and request-logged (system and warehouse from the order)."""
        return CallbackIntake(
            self.hpk_callback_reader,
            self.status_callbacks,
            self.request_log,
            source="hpk",
            api_name="hpk/callbacks",
            body_limit=self.settings.request_log_body_limit,
        )

    # ------------------------------------------------------------ inventory sync

    @cached_property
    def inventory_sync(self) -> InventorySync:
        return InventorySync(
            clients=self.proxy_clients,
            config=self.config_store,
            sku_mappings=self.sku_mappings,
            ledger=self.stock_ledger,
            snapshots=self.snapshots,
            open_tasks=EngineOpenTasks(self.task_engine, self.task_repository),
            tasks=self.task_repository,
            events=self.domain_events,
        )

    @cached_property
    def inventory_sync_service(self) -> InventorySyncService:
        return InventorySyncService(
            self.task_engine,
            self.task_repository,
            self.config_store,
            self.snapshots,
            self.stock_ledger,
            self.clock,
        )

    # ------------------------------------------------------------ OneWarehouse

    @cached_property
    def connection_service(self) -> ConnectionService:
        return ConnectionService(
            self.connection_store, self.secrets, self.clock, self.settings.secrets_prefix
        )

    @cached_property
    def upstream_connection_test(self) -> UpstreamConnectionTest:
        return UpstreamConnectionTest(self.connection_service, self.upstream_client_factory, self.request_log)

    @cached_property
    def proxy_connection_test(self) -> ProxyConnectionTest:
        return ProxyConnectionTest(self.proxy_clients, self.config_store, self.request_log)

    @cached_property
    def upstream_callbacks(self) -> UpstreamCallbacks:
        return UpstreamCallbacks(self.connection_service, self.upstream_client_factory)

    @cached_property
    def push_service(self) -> PushService:
        """The webhook function's OneWarehouse pushes, on the same domain services as the /v1 API."""
        return PushService(
            connections=self.connection_service,
            orders=self.order_service,
            config=self.config_service,
            sku_sync=self.sku_sync,
            upstream_orders=self.upstream_orders,
            codec=self.push_codec,
            answers=self.push_answers,
            nonce_store_for=lambda scope: DynamoNonceStore(scope, self.clock),
            request_log=self.request_log,
            clock=self.clock,
            body_limit=self.settings.request_log_body_limit,
        )

    # ------------------------------------------------------------ operations

    @cached_property
    def public_addresses(self) -> PublicAddresses:
        return SsmPublicAddresses(self.settings)

    @cached_property
    def manual_handling_digest(self) -> ManualHandlingDigest:
        return ManualHandlingDigest(
            SqsAlertInbox(self.settings),
            SnsNotifier(self.settings),
            self.public_addresses,
            deployment=self.settings.stack_name,
        )

    @cached_property
    def task_gauges(self) -> TaskGauges:
        return TaskGauges(self.task_repository, self.clock, self.task_engine.overdue_cutoff)

    @cached_property
    def schedule_repair(self) -> ScheduleRepair:
        return ScheduleRepair(
            directory=EventBridgeScheduleDirectory(self.settings),
            scheduled_tasks=DynamoScheduledTasks(),
            tasks=self.task_repository,
            task_scheduler=self.task_scheduler,
            mappings=self.config_store,
            mapping_schedules=self.mapping_schedules,
            policy=self.task_policy,
            clock=self.clock,
            settle=timedelta(seconds=self.settings.schedule_repair_settle_seconds),
        )
