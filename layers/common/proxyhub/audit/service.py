"""Recording and reading the audit trail."""

import uuid
from collections.abc import Callable

from proxyhub.audit.ports import AuditLog
from proxyhub.clock import Clock
from proxyhub.models.audit import AuditEvent, AuditSearch, Caller
from proxyhub.models.pages import Page

SYNC_NOW_ACTION = "run Sync Now"


class AuditService:
    def __init__(
        self, log: AuditLog, clock: Clock, new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    ) -> None:
        self._log = log
        self._clock = clock
        self._new_id = new_id

    def record(
        self,
        caller: Caller,
        *,
        action: str,
        method: str,
        path: str,
        target: str,
        request_id: str | None,
        status: int,
    ) -> AuditEvent:
        event = AuditEvent(
            event_id=self._new_id(),
            recorded_at=self._clock.now(),
            caller=caller,
            action=action,
            method=method,
            path=path,
            target=target,
            request_id=request_id,
            status=status,
        )
        self._log.record(event)
        return event

    def search(self, search: AuditSearch, limit: int, cursor: str | None) -> Page[AuditEvent]:
        return self._log.search(search, limit, cursor)

    def last_sync_now(self, task_id: str) -> AuditEvent | None:
        """Who last pressed Sync Now on the task and had it accepted (a task's trail is short)."""
        cursor = None
        while True:
            page = self._log.search(AuditSearch(target=task_target(task_id)), 50, cursor)
            for event in page.items:
                if event.action == SYNC_NOW_ACTION and 200 <= event.status < 300:
                    return event
            if page.next_cursor is None:
                return None
            cursor = page.next_cursor


def task_target(task_id: str) -> str:
    return f"task {task_id}"
