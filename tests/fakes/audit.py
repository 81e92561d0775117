"""The audit trail kept in a list (the `AuditLog` port)."""

from proxyhub.models.audit import AuditEvent, AuditSearch
from proxyhub.models.pages import Page


class InMemoryAuditLog:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def record(self, event: AuditEvent) -> None:
        self.events.append(event)

    def search(self, search: AuditSearch, limit: int, cursor: str | None) -> Page[AuditEvent]:
        """Newest first; the cursor is the offset of the next page."""
        matching = [
            event
            for event in reversed(self.events)
            if (search.actor is None or event.caller.name == search.actor)
            and (search.target is None or event.target == search.target)
        ]
        start = int(cursor) if cursor else 0
        end = start + limit
        return Page(matching[start:end], str(end) if end < len(matching) else None)
