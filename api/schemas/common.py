"""Shared request/response pieces."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema


# An amount as the client sent it (string, or a JSON number parsed as Decimal by ExactJSONRoute).
# It is checked against its currency by domain.money.parse_amount, which names the field on error.
def _not_bool(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise ValueError("must be a decimal string or number")
    return value


AmountIn = Annotated[
    str | int | Decimal,
    BeforeValidator(_not_bool),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, {"type": "number"}]}),
]


_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    # pydantic reads numbers (and numeric strings) as Unix timestamps: `to=0.5` would be 1970-01-01.
    numeric = isinstance(value, str) and _NUMBER.fullmatch(value) is not None
    if numeric or isinstance(value, (bool, int, float, Decimal)):
        raise ValueError("must be an ISO 8601 date-time, e.g. 2025-01-01T00:00:00Z")
    return value


# A request date-time: an ISO 8601 string (the schema's `format: date-time`), never a number.
DateTimeIn = Annotated[datetime, BeforeValidator(_iso_only)]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def Omittable(**constraints: Any) -> Any:
    """A PATCH-style field that may be left out (keep the current value) but is not nullable: an
    explicit null is a 422 instead of a NOT NULL violation in the database."""
    return Field(None, json_schema_extra=_no_default, **constraints)


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


class Page(BaseModel):
    data: list[Any]
    has_more: bool
    next_cursor: str | None = Field(None, description="pass as starting_after to get the next page")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorResponse} for s in (401, 403, 404, 409, 422)
}
