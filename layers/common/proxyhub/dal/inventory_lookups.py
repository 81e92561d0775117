"""Batched point reads for comparing one page of the proxy's listing at a time (BatchGetItem, 100 keys
per request): ledger batches by key, GSKU master data by code.

Built on the key layouts of `ledger_repository` and `config_repository`, which own these items;
candidates to move there as `find_batches` and `find_skus`.
"""

from collections.abc import Iterable

from proxyhub.config.models import Sku
from proxyhub.dal.config_repository import SkuItem
from proxyhub.dal.ledger_repository import LedgerBatchItem, _batch_sk, _ledger_pk
from proxyhub.inventory.ledger import BatchKey, LedgerBatch

SKU_MASTER_SK = "MASTER"


def find_batches(keys: Iterable[BatchKey]) -> dict[BatchKey, LedgerBatch]:
    """The batches among `keys` that the ledger holds."""
    by_item_key = {(_ledger_pk(key.gwms_warehouse_code), _batch_sk(key)): key for key in keys}
    found: dict[BatchKey, LedgerBatch] = {}
    if not by_item_key:
        return found
    for item in LedgerBatchItem.batch_get(list(by_item_key), consistent_read=True):
        key = by_item_key[(item.pk, item.sk)]
        found[key] = item.to_domain(key.gwms_warehouse_code)
    return found


def find_skus(gskus: Iterable[str]) -> dict[str, Sku]:
    """The GSKUs among `gskus` that have master data."""
    item_keys = [(f"SKU#{gsku}", SKU_MASTER_SK) for gsku in set(gskus)]
    if not item_keys:
        return {}
    return {item.gsku: item.to_domain() for item in SkuItem.batch_get(item_keys)}
