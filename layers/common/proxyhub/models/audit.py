"""Who changed what: the audit trail's records and the callers they name."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

Door = Literal["gwms", "operator"]


class Role(StrEnum):
    """Cognito groups, each allowing what the one before it does and more."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


@dataclass(frozen=True)
class Caller:
    """Who is calling: GWMS through the IAM door (its caller ARN), or an operator through the
    Cognito door (the user's `sub` and email, and the roles of their groups)."""

    door: Door
    subject: str
    email: str | None
    roles: frozenset[Role]

    @property
    def role(self) -> Role | None:
        """The highest of the caller's roles."""
        return max(self.roles, key=lambda role: role.rank, default=None)

    def may(self, needed: Role) -> bool:
        # GWMS may do everything it did before operators had doors of their own.
        return self.door == "gwms" or (self.role is not None and self.role.rank >= needed.rank)

    @property
    def name(self) -> str:
        return self.email or self.subject


@dataclass(frozen=True)
class AuditEvent:
    event_id: str
    recorded_at: datetime
    caller: Caller
    # What was done, in the words of the refusal it could have been: "run Sync Now".
    action: str
    method: str
    path: str
    target: str
    request_id: str | None
    status: int


@dataclass(frozen=True)
class AuditSearch:
    actor: str | None = None
    target: str | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
