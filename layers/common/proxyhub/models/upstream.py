"""What we keep about orders that an upstream platform (OneWarehouse) pushed to us."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Waybill:
    carrier_code: str
    tracking_no: str
    label_format: str
    label_base64: str


@dataclass(frozen=True)
class UpstreamOrder:
    source: str | None
    environment: str | None
    waybill: Waybill | None
    callback_task_id: str | None
    callback_sent_at: str | None


@dataclass(frozen=True)
class StoredConnection:
    """A OneWarehouse connection as stored; its app secret and callback key are in the secret store."""

    environment: str
    app_key: str
    api_base_url: str
    verify_mode: str
    allowed_ips: tuple[str, ...]
    owner_map: dict[str, str]
    warehouse_map: dict[str, str]
    created_at: str
    updated_at: str
