"""The strict input policy's domain rules: what a code, a quantity and a measure may be, at every door.

One pattern for every code (proxy systems, warehouses, locations, channels, customers, GSKUs, order
numbers), whether it arrives in a path, a /v1 body, a OneWarehouse push or an HPK callback. Codes become
DynamoDB keys, schedule names, URLs and HPK references, so nothing that needs escaping may get in.

Numbers are strict (JSON `"5"` and `true` are not 5) and bounded to what they mean, which also keeps
them inside what DynamoDB can store (a number of 38 digits between 1e-130 and 1e126).
"""

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

CODE_MAX_LENGTH = 64
CODE_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{CODE_MAX_LENGTH - 1}}}$"
CODE_RULE = "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters"
_CODE = re.compile(CODE_PATTERN)

MAX_QTY = 1_000_000
MAX_LINES_PER_ORDER = 200
MAX_WEIGHT_KG = 10_000
MAX_DIMENSION_CM = 1_000
MAX_DECLARED_VALUE = 10_000_000
WEIGHT_DECIMALS = 3  # grams
DIMENSION_DECIMALS = 1  # millimetres
MONEY_DECIMALS = 2


def is_code(value: str) -> bool:
    return bool(_CODE.fullmatch(value))


def _at_most_decimals(places: int, unit: str) -> AfterValidator:
    def check(value: float) -> float:
        exponent = Decimal(repr(value)).as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places:
            raise ValueError(f"at most {places} decimal places ({unit})")
        return value

    return AfterValidator(check)


Code = Annotated[str, Field(min_length=1, max_length=CODE_MAX_LENGTH, pattern=CODE_PATTERN)]
Quantity = Annotated[int, Field(strict=True, gt=0, le=MAX_QTY)]
WeightKg = Annotated[
    float,
    Field(strict=True, gt=0, le=MAX_WEIGHT_KG, allow_inf_nan=False),
    _at_most_decimals(WEIGHT_DECIMALS, "grams"),
]
DimensionCm = Annotated[
    float,
    Field(strict=True, gt=0, le=MAX_DIMENSION_CM, allow_inf_nan=False),
    _at_most_decimals(DIMENSION_DECIMALS, "millimetres"),
]
Money = Annotated[
    float,
    Field(strict=True, ge=0, le=MAX_DECLARED_VALUE, allow_inf_nan=False),
    _at_most_decimals(MONEY_DECIMALS, "cents"),
]
