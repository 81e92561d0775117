"""OneWarehouse connections in the config table, one per environment, and which one is active.

- connection:     pk=ONEWAREHOUSE#CONNECTION  sk=<environment>
- active pointer: pk=ONEWAREHOUSE#ACTIVE      sk=ACTIVE   environment=<environment>

A single pointer item, rather than a flag on each connection, makes two active connections
impossible: activating one connection moves the pointer in the same transaction as the save.
The app secret and the callback key are not here: they live in Secrets Manager.
"""

from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from proxyhub.dal.config_repository import ConfigItem
from proxyhub.dal.tables import bound_to, transact_write
from proxyhub.errors import ConflictError
from proxyhub.models.upstream import StoredConnection

CONNECTION_PK = "ONEWAREHOUSE#CONNECTION"
ACTIVE_PK = "ONEWAREHOUSE#ACTIVE"
ACTIVE_SK = "ACTIVE"


@bound_to("config_table_name")
class ConnectionItem(ConfigItem):
    app_key = UnicodeAttribute()
    api_base_url = UnicodeAttribute()
    verify_mode = UnicodeAttribute()
    allowed_ips = ListAttribute(of=UnicodeAttribute, default=list)
    owner_map = JSONAttribute(default=dict)
    warehouse_map = JSONAttribute(default=dict)
    created_at = UnicodeAttribute()


@bound_to("config_table_name")
class ActiveConnectionItem(ConfigItem):
    environment = UnicodeAttribute()


class DynamoConnectionStore:
    """The OneWarehouse connection store on the config table."""

    def find(self, environment: str) -> StoredConnection | None:
        try:
            item = ConnectionItem.get(CONNECTION_PK, environment, consistent_read=True)
        except ConnectionItem.DoesNotExist:
            return None
        return StoredConnection(
            environment=environment,
            app_key=item.app_key,
            api_base_url=item.api_base_url,
            verify_mode=item.verify_mode,
            allowed_ips=tuple(str(entry) for entry in item.allowed_ips or ()),
            owner_map=dict(item.owner_map or {}),
            warehouse_map=dict(item.warehouse_map or {}),
            created_at=item.created_at,
            updated_at=item.updated_at,
        )

    def active_environment(self) -> str | None:
        try:
            return ActiveConnectionItem.get(ACTIVE_PK, ACTIVE_SK, consistent_read=True).environment
        except ActiveConnectionItem.DoesNotExist:
            return None

    def save(self, connection: StoredConnection, active: bool) -> None:
        """Saves the connection and, in the same transaction, points at it or stops pointing at it."""
        environment = connection.environment
        item = ConnectionItem(
            CONNECTION_PK,
            environment,
            app_key=connection.app_key,
            api_base_url=connection.api_base_url,
            verify_mode=connection.verify_mode,
            allowed_ips=list(connection.allowed_ips),
            owner_map=connection.owner_map,
            warehouse_map=connection.warehouse_map,
            created_at=connection.created_at,
            updated_at=connection.updated_at,
        )
        pointer = ActiveConnectionItem(
            ACTIVE_PK, ACTIVE_SK, environment=environment, updated_at=connection.updated_at
        )
        try:
            with transact_write() as transaction:
                transaction.save(item)
                if active:
                    transaction.save(pointer)
                elif self.active_environment() == environment:
                    # Conditional: if someone activated another connection meanwhile, that choice stands.
                    transaction.delete(pointer, condition=ActiveConnectionItem.environment == environment)
        except TransactWriteError as error:
            raise ConflictError("The active OneWarehouse connection changed meanwhile; try again") from error
