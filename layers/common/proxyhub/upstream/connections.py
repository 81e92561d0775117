"""OneWarehouse connections: one per environment (sandbox, production), at most one active.

Pushes are verified with the active connection, so going live is activating the production
connection and nothing else. Callbacks go to the environment an order came from. The app secret and
the callback key go to Secrets Manager and are write-only: a connection only says whether they are set.
"""

import ipaddress
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, field_validator

from proxyhub.clock import Clock, to_iso
from proxyhub.errors import InvalidInputError, NotFoundError
from proxyhub.models.upstream import StoredConnection
from proxyhub.secrets import SecretStore, secret_name
from proxyhub.upstream.ports import ConnectionStore, UpstreamConfigurationError, UpstreamConnection

# The `source` of orders that OneWarehouse pushed; their progress is told back to OneWarehouse.
ORDER_SOURCE = "onewarehouse"

Environment = Literal["sandbox", "production"]
VerifyMode = Literal["enforce", "log", "off"]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Secret = Annotated[SecretStr, Field(min_length=1, max_length=512)]


class ConnectionInput(BaseModel):
    """PUT body. The secrets may be left out on an update to keep the stored ones."""

    model_config = ConfigDict(extra="forbid")

    app_key: str = Field(min_length=1, max_length=128)
    app_secret: Secret | None = None
    callback_key: Secret | None = None
    api_base_url: str = Field(pattern=r"^https?://[^\s/]+", max_length=512)
    verify_mode: VerifyMode = "enforce"
    allowed_ips: list[str] = Field(default_factory=list, max_length=100)
    owner_map: dict[Code, Code] = Field(default_factory=dict, max_length=1000)
    warehouse_map: dict[Code, Code] = Field(default_factory=dict, max_length=1000)
    active: bool = False

    @field_validator("allowed_ips")
    @classmethod
    def _addresses_or_networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or CIDR block") from None
        return [entry.strip() for entry in entries]


class Connection(BaseModel):
    """A connection as operators see it: never the secrets, only whether they are set."""

    environment: Environment
    app_key: str
    app_secret_set: bool
    callback_key_set: bool
    api_base_url: str
    verify_mode: VerifyMode
    allowed_ips: list[str]
    owner_map: dict[str, str]
    warehouse_map: dict[str, str]
    active: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ConnectionSettings:
    """What pushes and callbacks need from a stored connection (secrets are read separately)."""

    environment: str
    app_key: str
    api_base_url: str
    verify_mode: VerifyMode
    allowed_ips: tuple[str, ...]
    owner_map: dict[str, str] = field(default_factory=dict)
    warehouse_map: dict[str, str] = field(default_factory=dict)

    @property
    def system_code(self) -> str:
        """Files OneWarehouse exchanges in the request log, apart from the proxy systems'."""
        return f"ONEWAREHOUSE-{self.environment}"


class ConnectionService:
    def __init__(
        self, store: ConnectionStore, secrets: SecretStore, clock: Clock, secrets_prefix: str
    ) -> None:
        self._store = store
        self._secrets = secrets
        self._clock = clock
        self._secrets_prefix = secrets_prefix

    # ------------------------------------------------------------ operators

    def put(self, environment: Environment, data: ConnectionInput) -> Connection:
        existing = self._store.find(environment)
        if existing is None:
            _require_secrets_for_new_connection(data)
        self._store_secrets(environment, data)
        now = to_iso(self._clock.now())
        connection = StoredConnection(
            environment=environment,
            app_key=data.app_key,
            api_base_url=data.api_base_url.rstrip("/"),
            verify_mode=data.verify_mode,
            allowed_ips=tuple(data.allowed_ips),
            owner_map=data.owner_map,
            warehouse_map=data.warehouse_map,
            created_at=existing.created_at if existing else now,
            updated_at=now,
        )
        self._store.save(connection, data.active)
        return self.get(environment)

    def get(self, environment: Environment) -> Connection:
        stored = self._store.find(environment)
        if stored is None:
            raise NotFoundError(f"OneWarehouse {environment} connection not configured")
        return Connection(
            environment=environment,
            app_key=stored.app_key,
            # Both are required when a connection is created and can only be replaced afterwards.
            app_secret_set=True,
            callback_key_set=True,
            api_base_url=stored.api_base_url,
            verify_mode=_verify_mode(stored.verify_mode),
            allowed_ips=list(stored.allowed_ips),
            owner_map=dict(stored.owner_map),
            warehouse_map=dict(stored.warehouse_map),
            active=self._store.active_environment() == environment,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )

    # ------------------------------------------------------------ pushes and callbacks

    def active(self) -> ConnectionSettings | None:
        environment = self._store.active_environment()
        return self.settings_of(environment) if environment else None

    def settings_of(self, environment: str) -> ConnectionSettings | None:
        stored = self._store.find(environment)
        if stored is None:
            return None
        return ConnectionSettings(
            environment=environment,
            app_key=stored.app_key,
            api_base_url=stored.api_base_url,
            verify_mode=_verify_mode(stored.verify_mode),
            allowed_ips=stored.allowed_ips,
            owner_map=dict(stored.owner_map),
            warehouse_map=dict(stored.warehouse_map),
        )

    def app_secret(self, connection: ConnectionSettings) -> str:
        return self._secrets.read(self._secret_name(connection.environment, "app-secret"))

    def callback_connection(self, environment: str | None) -> UpstreamConnection:
        """The callback client's connection for an environment (None: the active one)."""
        connection = self.settings_of(environment) if environment else self.active()
        if connection is None:
            raise UpstreamConfigurationError(f"no OneWarehouse {environment or 'active'} connection")
        try:
            callback_key = self._secrets.read(self._secret_name(connection.environment, "callback-key"))
        except Exception as error:
            # The cause may name the secret's ARN; operators need to know which key, not why.
            raise UpstreamConfigurationError(
                f"the callback key of the OneWarehouse {connection.environment} connection is unreadable"
            ) from error
        return UpstreamConnection(
            system_code=connection.system_code,
            api_base_url=connection.api_base_url,
            app_key=connection.app_key,
            callback_key=callback_key,
        )

    def _store_secrets(self, environment: str, data: ConnectionInput) -> None:
        for kind, value in (("app-secret", data.app_secret), ("callback-key", data.callback_key)):
            if value is not None:
                self._secrets.put(self._secret_name(environment, kind), value.get_secret_value())

    def _secret_name(self, environment: str, kind: str) -> str:
        return secret_name(self._secrets_prefix, "onewarehouse", f"{environment}-{kind}")


def _require_secrets_for_new_connection(data: ConnectionInput) -> None:
    for name in ("app_secret", "callback_key"):
        if getattr(data, name) is None:
            raise InvalidInputError(f"{name} is required for a new connection", field=name)


_VERIFY_MODES: dict[str, VerifyMode] = {"enforce": "enforce", "log": "log", "off": "off"}


def _verify_mode(stored: str) -> VerifyMode:
    """An unknown stored mode verifies strictly: a corrupted value must not switch checking off."""
    return _VERIFY_MODES.get(stored, "enforce")
