"""The application wired as `proxyhub.wiring.container.Container` wires it, on in-memory fakes.

`hub_kit()` builds the real task engine (from `engine_kit`), order service, order-flow executors,
SKU sync, inventory sync and its service over the fakes of this package, with one proxy system, one
complete warehouse mapping, a channel mapping, two GSKUs with full master data and an open customer.
"""

from dataclasses import dataclass
from typing import Any

from fakes.config import InMemoryConfigStore, InMemorySecretStore, proxy_system_record
from fakes.inventory import InMemorySkuMappingStore, InMemorySnapshotStore
from fakes.orders import InMemoryOrderStore, InMemoryStockLedger, RecordingCancelBackoff, RecordingObserver
from fakes.proxy import FakeProxyClientFactory, FakeProxyWarehouse
from fakes.request_logs import ListRequestLogSink
from fakes.task_lookups import InMemoryTaskLookups
from fakes.tasks import EngineKit, engine_kit
from proxyhub.config.proxy_clients import ProxyClientProvider
from proxyhub.inventory.executor import InventorySyncExecutor
from proxyhub.inventory.open_tasks import EngineOpenTasks
from proxyhub.inventory.ports import InventorySync
from proxyhub.inventory.service import InventorySyncService
from proxyhub.models.config import CustomerInput, SkuInput
from proxyhub.models.orders import Order, OrderKind
from proxyhub.models.tasks import BusinessType, Task, TaskType, Trigger
from proxyhub.orders.cancel_check import CancelCheckExecutor
from proxyhub.orders.cancellation import OrderCancellation
from proxyhub.orders.engine_tasks import EngineOrderTasks
from proxyhub.orders.flow import OrderFlows
from proxyhub.orders.inbound_flow import InboundFlowExecutor
from proxyhub.orders.outbound_flow import OutboundFlowExecutor
from proxyhub.orders.service import OrderService
from proxyhub.skus.sync import SkuSyncService
from proxyhub.tasks.engine import RunResult
from proxyhub.tasks.policy import TaskPolicy

SYSTEM = "HPK01"
PROXY_WAREHOUSE = "HPK-WH1"
WAREHOUSE = "GW01"
PUTAWAY_LOCATION = "VPA-01"
DEFECTIVE_LOCATION = "DEF-01"
CUSTOMER = "C-ACME"
CHANNEL = "UPS"
PROXY_CHANNEL = "HPK-UPS"
PASSWORD = "hpk-password"
SEEDED_AT = "2026-06-01T00:00:00.000000Z"


def seed_configuration(config: InMemoryConfigStore, secrets: InMemorySecretStore) -> None:
    system = proxy_system_record(SYSTEM)
    config.insert_proxy_system(system)
    secrets.put(system.secret_name, PASSWORD)
    config.save_warehouse_mapping(
        SYSTEM, PROXY_WAREHOUSE, WAREHOUSE, PUTAWAY_LOCATION, DEFECTIVE_LOCATION, SEEDED_AT
    )
    config.save_channel_mapping(SYSTEM, CHANNEL, PROXY_CHANNEL, SEEDED_AT)
    for gsku, local_sku in (("SKU-1", "L-1"), ("SKU-2", "L-2")):
        config.save_sku(
            gsku,
            SkuInput(name=f"Widget {gsku}", spec="10 x 10 cm", weight_kg=0.5, local_sku=local_sku),
            SEEDED_AT,
        )
    config.save_customer(
        CUSTOMER, CustomerInput(name="Acme", account_status="open", warehouse_codes=[WAREHOUSE]), SEEDED_AT
    )


@dataclass
class HubKit:
    tasks: EngineKit
    config: InMemoryConfigStore
    secrets: InMemorySecretStore
    warehouse: FakeProxyWarehouse
    proxy_factory: FakeProxyClientFactory
    clients: ProxyClientProvider
    orders: InMemoryOrderStore
    ledger: InMemoryStockLedger
    task_lookups: InMemoryTaskLookups
    cancel_backoff: RecordingCancelBackoff
    order_tasks: EngineOrderTasks
    cancellation: OrderCancellation
    sku_mappings: InMemorySkuMappingStore
    sku_sync: SkuSyncService
    observer: RecordingObserver
    flows: OrderFlows
    # Calls made outside a task run (cancels from the API, resyncs, pushes).
    service_log: ListRequestLogSink
    order_service: OrderService
    snapshots: InMemorySnapshotStore
    inventory_sync: InventorySync
    inventory_service: InventorySyncService

    def run(self, task_id: str, trigger: Trigger = Trigger.SYNC_NOW) -> RunResult:
        return self.tasks.engine.run_task(task_id, trigger)

    def task(self, task_id: str) -> Task:
        return self.tasks.task(task_id)

    def order(self, kind: OrderKind, order_no: str) -> Order:
        return self.orders.order(kind, order_no)

    def create_task_of(self, kind: OrderKind, order_no: str) -> Task:
        create_task_id = self.order(kind, order_no).create_task_id
        assert create_task_id is not None
        return self.task(create_task_id)

    def published(self, detail_type: str) -> list[dict[str, Any]]:
        return [detail for published, detail in self.tasks.events.published if published == detail_type]


def hub_kit(**settings_overrides: Any) -> HubKit:
    tasks = engine_kit(**settings_overrides)
    clock, events = tasks.clock, tasks.events
    config, secrets = InMemoryConfigStore(), InMemorySecretStore()
    seed_configuration(config, secrets)
    warehouse = FakeProxyWarehouse(clock)
    proxy_factory = FakeProxyClientFactory(warehouse)
    clients = ProxyClientProvider(config, secrets, {"HPK": proxy_factory})
    orders = InMemoryOrderStore(tasks.store, config)
    ledger = InMemoryStockLedger(orders, config)
    task_lookups = InMemoryTaskLookups(tasks.store)
    cancel_backoff = RecordingCancelBackoff()
    order_tasks = EngineOrderTasks(
        tasks.engine,
        task_lookups,
        tasks.invoker,
        cancel_backoff,
        TaskPolicy.from_settings(tasks.settings),
        clock,
    )
    cancellation = OrderCancellation(orders, order_tasks, events)
    sku_mappings = InMemorySkuMappingStore()
    sku_sync = SkuSyncService(clients, config, config, sku_mappings, clock)
    observer = RecordingObserver()
    flows = OrderFlows(
        clients=clients,
        config=config,
        orders=orders,
        ledger=ledger,
        events=events,
        sku_sync=sku_sync,
        observer=observer,
        cancellation=cancellation,
    )
    service_log = ListRequestLogSink()
    order_service = OrderService(
        clients=clients,
        config=config,
        orders=orders,
        tasks=order_tasks,
        cancellation=cancellation,
        request_log=service_log,
        clock=clock,
    )
    snapshots = InMemorySnapshotStore(ledger)
    inventory_sync = InventorySync(
        clients=clients,
        config=config,
        sku_mappings=sku_mappings,
        ledger=ledger,
        snapshots=snapshots,
        open_tasks=EngineOpenTasks(tasks.engine, task_lookups),
        tasks=task_lookups,
        events=events,
    )
    inventory_service = InventorySyncService(tasks.engine, task_lookups, config, snapshots, ledger, clock)

    inbound, outbound = InboundFlowExecutor(flows), OutboundFlowExecutor(flows)
    cancel = CancelCheckExecutor(flows)
    for task_type in (TaskType.CREATE, TaskType.QUERY):
        tasks.registry.register(task_type, BusinessType.INBOUND, inbound)
        tasks.registry.register(task_type, BusinessType.OUTBOUND, outbound)
    for business_type in (BusinessType.INBOUND, BusinessType.OUTBOUND):
        tasks.registry.register(TaskType.CANCEL, business_type, cancel)
    tasks.registry.register(
        TaskType.INVENTORY_SYNC, BusinessType.INVENTORY, InventorySyncExecutor(inventory_sync)
    )
    return HubKit(
        tasks=tasks,
        config=config,
        secrets=secrets,
        warehouse=warehouse,
        proxy_factory=proxy_factory,
        clients=clients,
        orders=orders,
        ledger=ledger,
        task_lookups=task_lookups,
        cancel_backoff=cancel_backoff,
        order_tasks=order_tasks,
        cancellation=cancellation,
        sku_mappings=sku_mappings,
        sku_sync=sku_sync,
        observer=observer,
        flows=flows,
        service_log=service_log,
        order_service=order_service,
        snapshots=snapshots,
        inventory_sync=inventory_sync,
        inventory_service=inventory_service,
    )
