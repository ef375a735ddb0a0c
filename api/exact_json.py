"""Requests parse JSON numbers as Decimal, never float: `100.10` arrives as exactly 100.10, and
no longer than MAX_NUMBER_CHARS characters.

NUL characters are refused (422) in the body, path and query: PostgreSQL text cannot hold them, so
they would otherwise surface as a 500 from the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute


class ExactJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = json.loads(
                    body, parse_float=_bounded_float, parse_int=_bounded_int, parse_constant=_refuse_constant
                )
            except (ValueError, RecursionError) as exc:  # FastAPI turns JSONDecodeError into a 422
                if isinstance(exc, json.JSONDecodeError):
                    raise
                raise json.JSONDecodeError(str(exc), body.decode("utf-8", "replace"), 0) from None
            if _has_nul(self._json):
                raise json.JSONDecodeError("NUL characters are not allowed", "", 0)
        return self._json


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


# A JSON number longer than this is refused before it is converted: no amount, quantity or id needs
# it, and `1e999990` or a million digits must cost nothing (Decimal math on them took a minute).
MAX_NUMBER_CHARS = 64


def _bounded_float(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"JSON numbers are limited to {MAX_NUMBER_CHARS} characters")
    return Decimal(text)


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"JSON numbers are limited to {MAX_NUMBER_CHARS} characters")
    return int(text)


def _refuse_constant(name: str) -> Any:
    # NaN / Infinity are not JSON; json.loads would accept them. Raising makes it a 422.
    raise ValueError(f"{name} is not a valid JSON number")


class ExactJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact_handler(request: Request) -> Response:
            where = "path" if "\x00" in request.scope["path"] else None
            if where is None and any(
                _has_nul(k) or _has_nul(v) for k, v in request.query_params.multi_items()
            ):
                where = "query"
            if where is not None:
                raise RequestValidationError(
                    [{"loc": (where,), "msg": "NUL characters are not allowed", "type": "value_error"}]
                )
            return await handler(ExactJSONRequest(request.scope, request.receive))

        return exact_handler
