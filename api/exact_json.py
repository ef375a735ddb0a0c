"""Requests parse JSON numbers as Decimal, never float: `100.10` arrives as exactly 100.10."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class ExactJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
            except ValueError as exc:  # FastAPI turns JSONDecodeError into a 422
                if isinstance(exc, json.JSONDecodeError):
                    raise
                raise json.JSONDecodeError(str(exc), body.decode("utf-8", "replace"), 0) from None
        return self._json


def _refuse_constant(name: str) -> Any:
    # NaN / Infinity are not JSON; json.loads would accept them. Raising makes it a 422.
    raise ValueError(f"{name} is not a valid JSON number")


class ExactJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact_handler(request: Request) -> Response:
            return await handler(ExactJSONRequest(request.scope, request.receive))

        return exact_handler
