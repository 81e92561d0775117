"""Who is signed in, and the audit trail of state-changing calls."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from proxyhub.api.access import caller_of
from proxyhub.api.queries import CursorQuery, TimeQuery, moment
from proxyhub.clock import to_iso
from proxyhub.errors import NotFoundError
from proxyhub.models.audit import AuditEvent, AuditSearch, Caller, Role
from proxyhub.wiring import container

router = Router()


class Abilities(BaseModel):
    """What the console lets this caller do; the API checks the same rules on every call."""

    sync_now: bool
    resync: bool
    inventory_sync: bool
    bulk_actions: bool
    configure: bool


class MeView(BaseModel):
    subject: str
    email: str | None
    door: Literal["gwms", "operator"]
    roles: list[Role]
    role: Role | None
    can: Abilities

    @classmethod
    def of(cls, caller: Caller) -> "MeView":
        may_operate, may_configure = caller.may(Role.OPERATOR), caller.may(Role.ADMIN)
        return cls(
            subject=caller.subject,
            email=caller.email,
            door=caller.door,
            roles=sorted(caller.roles, key=lambda role: role.rank),
            role=caller.role,
            can=Abilities(
                sync_now=may_operate,
                resync=may_operate,
                inventory_sync=may_operate,
                bulk_actions=may_operate,
                configure=may_configure,
            ),
        )


class ActorView(BaseModel):
    door: Literal["gwms", "operator"]
    subject: str
    email: str | None


class AuditEventView(BaseModel):
    event_id: str
    recorded_at: str
    actor: ActorView
    action: str
    method: str
    path: str
    target: str
    request_id: str | None
    status: int

    @classmethod
    def of(cls, event: AuditEvent) -> "AuditEventView":
        caller = event.caller
        return cls(
            event_id=event.event_id,
            recorded_at=to_iso(event.recorded_at),
            actor=ActorView(door=caller.door, subject=caller.subject, email=caller.email),
            action=event.action,
            method=event.method,
            path=event.path,
            target=event.target,
            request_id=event.request_id,
            status=event.status,
        )


class AuditPageView(BaseModel):
    items: list[AuditEventView]
    next_cursor: str | None


@router.get("/v1/me", tags=["Operators"])
def who_am_i() -> MeView:
    """The signed-in operator (or GWMS), their roles and what those allow."""
    caller = caller_of(router.current_event.raw_event)
    if caller is None:
        raise NotFoundError("No caller identity on this request")
    return MeView.of(caller)


@router.get("/v1/audit-events", tags=["Operators"])
def search_audit_events(
    actor: Annotated[
        str | None, Query(max_length=256, description="An operator's email or GWMS's IAM ARN")
    ] = None,
    target: Annotated[str | None, Query(max_length=256, description='e.g. "task 7f3c…"')] = None,
    from_: Annotated[
        str | None, Query(alias="from", max_length=40, description="ISO 8601 time or date")
    ] = None,
    to: TimeQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> AuditPageView:
    """Newest first. Without an actor or a target the range defaults to the last 7 days."""
    search = AuditSearch(
        actor=actor,
        target=target,
        recorded_from=moment(from_, "from", end_of_day=False),
        recorded_to=moment(to, "to", end_of_day=True),
    )
    page = container().audit.search(search, limit, cursor)
    return AuditPageView(
        items=[AuditEventView.of(event) for event in page.items], next_cursor=page.next_cursor
    )
