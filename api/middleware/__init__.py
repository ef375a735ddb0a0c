"""Pure-ASGI middleware that bounds and guards every request before a route sees it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.schemas.common import ErrorResponse
from config.settings import Settings

# Every operation may answer these before its route runs (documented once, app-wide).
GUARD_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorResponse, "description": "request body too large"},
    414: {"model": ErrorResponse, "description": "request URI too long"},
    429: {
        "model": ErrorResponse,
        "description": "rate limited",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
    },
}


def install_request_guards(app: FastAPI, settings: Settings) -> None:
    """Added innermost first, so a request meets them in this order: security headers on whatever
    is answered → rate limits (no body read) → body size (413 before reading) → card data."""
    from api.limits import RateLimiter, RateLimitMiddleware
    from api.middleware.body_size import BodySizeLimitMiddleware
    from api.middleware.card_guard import CardDataGuardMiddleware
    from api.middleware.security_headers import SecurityHeadersMiddleware

    app.add_middleware(CardDataGuardMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_request_body_bytes,
        max_webhook_bytes=settings.max_webhook_body_bytes,
    )
    if settings.rate_limit_enabled:
        app.add_middleware(RateLimitMiddleware, limiter=RateLimiter(settings), settings=settings)
    app.add_middleware(SecurityHeadersMiddleware)
