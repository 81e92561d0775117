"""Where the audit trail is kept (DynamoDB with a TTL in AWS, `proxyhub.dal.audit_repository`)."""

from typing import Protocol

from proxyhub.models.audit import AuditEvent, AuditSearch
from proxyhub.models.pages import Page


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...

    def search(self, search: AuditSearch, limit: int, cursor: str | None) -> Page[AuditEvent]:
        """Newest first; an actor or a target is its own index, otherwise the range is read by day."""
        ...
