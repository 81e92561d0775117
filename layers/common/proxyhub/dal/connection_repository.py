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

    @property
    def environment(self) -> str:
        return self.sk


@bound_to("config_table_name")
class ActiveConnectionItem(ConfigItem):
    environment = UnicodeAttribute()


def new_connection_item(environment: str) -> ConnectionItem:
    return ConnectionItem(CONNECTION_PK, environment)


def find_connection(environment: str) -> ConnectionItem | None:
    try:
        return ConnectionItem.get(CONNECTION_PK, environment, consistent_read=True)
    except ConnectionItem.DoesNotExist:
        return None


def active_environment() -> str | None:
    try:
        return ActiveConnectionItem.get(ACTIVE_PK, ACTIVE_SK, consistent_read=True).environment
    except ActiveConnectionItem.DoesNotExist:
        return None


def save_connection(item: ConnectionItem, active: bool) -> None:
    """Saves the connection and, in the same transaction, points at it or stops pointing at it."""
    environment = item.environment
    pointer = ActiveConnectionItem(ACTIVE_PK, ACTIVE_SK, environment=environment, updated_at=item.updated_at)
    try:
        with transact_write() as transaction:
            transaction.save(item)
            if active:
                transaction.save(pointer)
            elif active_environment() == environment:
                # Conditional: if someone activated another connection meanwhile, that choice stands.
                transaction.delete(pointer, condition=ActiveConnectionItem.environment == environment)
    except TransactWriteError as error:
        raise ConflictError("The active OneWarehouse connection changed meanwhile; try again") from error
