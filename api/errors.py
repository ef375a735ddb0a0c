"""One error shape for every failure: {"error": {"type", "code", "message", "param"}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.auth import AuthError
from domain.errors import DomainError

log = logging.getLogger("meshpay.api")

_TYPES = {
    400: "invalid_request",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found",
    409: "conflict",
    413: "invalid_request",
    422: "invalid_request",
    429: "rate_limited",
}


class ApiError(Exception):
    """An HTTP refusal raised by the API layer itself (not by the rules of money)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        param: str | None = None,
        type_: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.param = status, code, message, param
        self.type = type_ or _TYPES.get(status, "api_error")
        self.headers = headers


def error_body(type_: str, code: str, message: str, param: str | None = None) -> dict[str, Any]:
    return {"error": {"type": type_, "code": code, "message": message, "param": param}}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    param: str | None = None,
    type_: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = error_body(type_ or _TYPES.get(status, "api_error"), code, message, param)
    return JSONResponse(body, status_code=status, headers=headers)


def _param_from_loc(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (RFC 9110 `Allow`). Starlette's own 405 names
    only the first route whose path matched, while GET and POST of one path are separate routes."""
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            exc.status, exc.code, exc.message, param=exc.param, type_=exc.type, headers=exc.headers
        )

    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        type_ = {
            "conflict": "conflict",
            "not_found": "not_found",
            "forbidden": "permission_error",
            "unavailable": "api_error",
        }.get(exc.kind, "invalid_request")
        headers = getattr(exc, "headers", None)  # e.g. Retry-After on a 503 from the Temporal gateway
        return error_response(
            exc.status, exc.code, exc.message, param=exc.param, type_=type_, headers=headers
        )

    @app.exception_handler(AuthError)
    async def _auth_error(_: Request, exc: AuthError) -> JSONResponse:
        return error_response(401, "unauthenticated", exc.message, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        param = _param_from_loc(tuple(first.get("loc", ())))
        msg = str(first.get("msg", "invalid request"))
        # Values a client sent are never echoed: they may hold card numbers.
        message = f"{param}: {msg}" if param else msg
        return error_response(422, "invalid_request", message, param=param)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            400: "invalid_request",
            404: "not_found",
            405: "method_not_allowed",
            413: "request_too_large",
        }.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return error_response(exc.status_code, code, str(exc.detail), headers=headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "an internal error occurred", type_="api_error")
