"""Shared request/response pieces."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from domain.errors import InvalidAmount
from domain.money import bounded_decimal


# An amount as the client sent it (string, or a JSON number parsed as Decimal by ExactJSONRoute).
# It is checked against its currency by domain.money.parse_amount, which names the field on error.
def _bounded_amount(value: Any) -> Any:
    """Every amount field is bounded here, before any route converts it (see bounded_decimal)."""
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, Decimal)):
        raise ValueError("must be a decimal string or number")
    try:
        bounded_decimal(value)
    except InvalidAmount as exc:
        raise ValueError(exc.message.removeprefix("amount ")) from None
    return value


AmountIn = Annotated[
    str | int | Decimal,
    BeforeValidator(_bounded_amount),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "maxLength": 64}, {"type": "number"}]}
    ),
]


# Unambiguous (each character has one way to match), so matching is linear; the length bound below
# keeps even that trivial. The old `\d+\.?\d*` backtracked: 5,000 digits took 1.5 s.
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
MAX_DATETIME_CHARS = 40  # "2025-01-01T00:00:00.123456+00:00" is 32


def _iso_only(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_DATETIME_CHARS:
        raise ValueError(f"must be an ISO 8601 date-time of at most {MAX_DATETIME_CHARS} characters")
    # pydantic reads numbers (and numeric strings) as Unix timestamps: `to=0.5` would be 1970-01-01.
    numeric = isinstance(value, str) and _NUMBER.fullmatch(value.strip()) is not None
    if numeric or isinstance(value, (bool, int, float, Decimal)):
        raise ValueError("must be an ISO 8601 date-time, e.g. 2025-01-01T00:00:00Z")
    return value


# A request date-time: an ISO 8601 string (the schema's `format: date-time`), never a number.
DateTimeIn = Annotated[
    datetime,
    BeforeValidator(_iso_only),
    WithJsonSchema({"type": "string", "format": "date-time", "maxLength": MAX_DATETIME_CHARS}),
]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def Omittable(**constraints: Any) -> Any:
    """A PATCH-style field that may be left out (keep the current value) but is not nullable: an
    explicit null is a 422 instead of a NOT NULL violation in the database."""
    return Field(None, json_schema_extra=_no_default, **constraints)


# A provider's payment method token (pm_..., card_..., src_..., tok_...) or our stored method id
# (meth_...). Never free text: a card number in this field would be stored and sent to Temporal.
PAYMENT_METHOD_ID_PATTERN = r"^(pm|card|src|tok|meth)_[A-Za-z0-9_]{1,64}$"
PaymentMethodId = Annotated[
    str, Field(pattern=PAYMENT_METHOD_ID_PATTERN, max_length=69, description="pm_... or meth_...")
]


class StrictModel(BaseModel):
    """Request bodies refuse unknown fields: a typo is a 422, not a silent default."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    type: str
    code: str
    message: str
    param: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorResponse} for s in (401, 403, 404, 409, 422)
}
