"""Shared request/response pieces."""

from __future__ import annotations

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
