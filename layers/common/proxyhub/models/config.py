"""Configuration resources as the API and the domain see them (pydantic, snake_case)."""

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from proxyhub.models.input_rules import Code, DimensionCm, WeightKg

PUTAWAY_LOCATION_MISSING = "Virtual putaway location not configured"
DEFECTIVE_LOCATION_MISSING = "Defective location not configured"


class ProxySystemInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    system_type: Literal["HPK"]
    api_endpoint: HttpUrl
    account: str = Field(min_length=1, max_length=128)
    version: str = Field(min_length=1, max_length=8)
    enabled: bool = True

    @model_validator(mode="after")
    def _hpk_speaks_v5(self) -> "ProxySystemInput":
        if self.system_type == "HPK" and self.version != "5":
            raise ValueError("version: HPK requires API version 5")
        return self


class ProxySystemCreate(ProxySystemInput):
    code: Code
    password: str = Field(min_length=1, max_length=256)


class ProxySystemUpdate(ProxySystemInput):
    """A full replacement; the password is optional here and only changes when given."""

    password: str | None = Field(default=None, min_length=1, max_length=256)


class ProxySystem(BaseModel):
    code: str
    name: str
    system_type: str
    api_endpoint: str
    account: str
    version: str
    enabled: bool
    password_set: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ProxySystemRecord:
    """A proxy system as stored: what operators see, plus where its password is kept."""

    code: str
    name: str
    system_type: str
    api_endpoint: str
    account: str
    version: str
    enabled: bool
    secret_name: str = field(repr=False)
    created_at: str
    updated_at: str

    def view(self) -> ProxySystem:
        return ProxySystem(
            code=self.code,
            name=self.name,
            system_type=self.system_type,
            api_endpoint=self.api_endpoint,
            account=self.account,
            version=self.version,
            enabled=self.enabled,
            password_set=bool(self.secret_name),
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


class WarehouseMappingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gwms_warehouse_code: Code
    virtual_putaway_location: Code | None = None
    defective_location: Code | None = None


class WarehouseMapping(BaseModel):
    system_code: str
    proxy_warehouse_code: str
    gwms_warehouse_code: str
    virtual_putaway_location: str | None
    defective_location: str | None
    complete: bool
    missing: list[str]
    updated_at: str

    @staticmethod
    def missing_locations(virtual_putaway_location: str | None, defective_location: str | None) -> list[str]:
        named = {
            "virtual_putaway_location": virtual_putaway_location,
            "defective_location": defective_location,
        }
        return [name for name, value in named.items() if not value]

    def missing_location(self) -> str | None:
        """Why stock cannot be booked on this mapping's dedicated locations (operators' wording)."""
        if not self.virtual_putaway_location:
            return PUTAWAY_LOCATION_MISSING
        if not self.defective_location:
            return DEFECTIVE_LOCATION_MISSING
        return None


class ChannelMappingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    proxy_channel_code: Code


class ChannelMapping(BaseModel):
    system_code: str
    gwms_channel_code: str
    proxy_channel_code: str
    updated_at: str


class SkuInput(BaseModel):
    """GSKU master data. Name, spec and weight may be missing here; SKU sync refuses them later."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=256)
    spec: str | None = Field(default=None, max_length=256)
    weight_kg: WeightKg | None = None
    length_cm: DimensionCm | None = None
    width_cm: DimensionCm | None = None
    height_cm: DimensionCm | None = None
    barcode: str | None = Field(default=None, max_length=64)
    customer_code: Code | None = None
    local_sku: str | None = Field(default=None, max_length=64)


class Sku(SkuInput):
    gsku: str
    updated_at: str


class CustomerInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    account_status: Literal["open", "closed"]
    warehouse_codes: list[Code] = Field(default_factory=list, max_length=200)


class Customer(CustomerInput):
    code: str
    updated_at: str

    def can_receive_at(self, gwms_warehouse_code: str) -> bool:
        return self.account_status == "open" and gwms_warehouse_code in self.warehouse_codes
