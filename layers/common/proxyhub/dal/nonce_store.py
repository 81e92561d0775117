"""Push nonces in the request logs table, whose TTL on `expires_at` removes them after the window.

- nonce: pk=NONCE#<scope>#<nonce>  sk=NONCE  expires_at=<end of the signature window>

The table has no index over these items: they are written and read by key only, never scanned.
"""

from datetime import datetime

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from proxyhub.clock import Clock
from proxyhub.dal.tables import bound_to, is_condition_failure

NONCE_SK = "NONCE"


@bound_to("request_logs_table_name")
class NonceItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute()


class DynamoNonceStore:
    """The `NonceStore` port, shared by every Lambda instance; `scope` keeps senders apart (app key)."""

    def __init__(self, scope: str, clock: Clock) -> None:
        self._scope = scope
        self._clock = clock

    def remember(self, nonce: str, expires_at: datetime) -> bool:
        item = NonceItem(f"NONCE#{self._scope}#{nonce}", NONCE_SK, expires_at=expires_at)
        # DynamoDB deletes expired items lazily (up to days later), so an expired one counts as free.
        free = NonceItem.pk.does_not_exist() | (NonceItem.expires_at < self._clock.now())
        try:
            item.save(condition=free)
        except PutError as error:
            if is_condition_failure(error):
                return False
            raise
        return True
