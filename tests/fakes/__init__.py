"""In-memory fakes of the ports, one of each, shared by unit and integration tests."""

from fakes.audit import InMemoryAuditLog
from fakes.clock import START, FakeClock
from fakes.config import InMemoryConfigStore, InMemorySecretStore, proxy_system_record
from fakes.events import RecordingEvents
from fakes.inventory import InMemorySkuMappingStore, InMemorySnapshotStore
from fakes.orders import InMemoryOrderStore, InMemoryStockLedger, RecordingCancelBackoff, RecordingObserver
from fakes.proxy import FakeProxyClientFactory, FakeProxyWarehouse, inventory_batch
from fakes.request_logs import ListRequestLogSink
from fakes.schedules import RecordingMappingSchedules
from fakes.sync_tasks import sync_tasks_service
from fakes.task_lookups import InMemoryTaskLookups
from fakes.tasks import (
    ROUTE,
    EngineKit,
    InMemoryTaskStore,
    RecordingInvoker,
    RecordingScheduler,
    ScriptedExecutor,
    engine_kit,
)
from fakes.upstream import (
    FakeLambdaContext,
    FakePushCodec,
    InMemoryConnectionStore,
    InMemoryIdempotencyStore,
    InMemoryNonceStore,
    InMemoryUpstreamOrderStore,
)

__all__ = [
    "ROUTE",
    "START",
    "EngineKit",
    "FakeClock",
    "FakeLambdaContext",
    "FakeProxyClientFactory",
    "FakeProxyWarehouse",
    "FakePushCodec",
    "InMemoryAuditLog",
    "InMemoryConfigStore",
    "InMemoryConnectionStore",
    "InMemoryIdempotencyStore",
    "InMemoryNonceStore",
    "InMemoryOrderStore",
    "InMemorySecretStore",
    "InMemorySkuMappingStore",
    "InMemorySnapshotStore",
    "InMemoryStockLedger",
    "InMemoryTaskLookups",
    "InMemoryTaskStore",
    "InMemoryUpstreamOrderStore",
    "ListRequestLogSink",
    "RecordingCancelBackoff",
    "RecordingEvents",
    "RecordingInvoker",
    "RecordingMappingSchedules",
    "RecordingObserver",
    "RecordingScheduler",
    "ScriptedExecutor",
    "engine_kit",
    "inventory_batch",
    "proxy_system_record",
    "sync_tasks_service",
]
