from enum import StrEnum

from pydantic import BaseModel


class SkuSyncStatus(StrEnum):
    PENDING = "pending"
    SYNCED = "synced"
    FAILED = "failed"


class SkuMapping(BaseModel):
    system_code: str
    gsku: str
    status: SkuSyncStatus
    proxy_sku: str | None = None
    last_error: str | None = None
    last_attempt_at: str | None = None
