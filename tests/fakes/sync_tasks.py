"""The Sync Tasks page's service on an engine kit's in-memory ports."""

from fakes.audit import InMemoryAuditLog
from fakes.config import InMemoryConfigStore
from fakes.task_lookups import InMemoryTaskLookups
from fakes.tasks import EngineKit
from proxyhub.audit.service import AuditService
from proxyhub.tasks.sync_tasks import SyncTasksService


def sync_tasks_service(kit: EngineKit) -> SyncTasksService:
    lookups = InMemoryTaskLookups(kit.store)
    return SyncTasksService(
        kit.engine,
        lookups,
        lookups,
        lookups,
        kit.request_log,
        InMemoryConfigStore(),
        AuditService(InMemoryAuditLog(), kit.clock),
        kit.clock,
    )
