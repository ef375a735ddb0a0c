"""Rate limits per client IP and per principal, with the `limits` library.

Storage is in-process (`memory://`, per API process) unless MESHPAY_RATE_LIMIT_STORAGE names Redis,
which every API process then shares. The sliding-window-counter strategy is cheap (two counters per
key) and has no burst at window edges. A refusal is 429 with `Retry-After` in seconds.

Keys: every request counts against its client IP (webhooks against a separate, larger budget, as
providers deliver from few addresses); a request with a valid bearer token also counts against its
principal: reads against the principal's budget, writes (POST/PUT/PATCH/DELETE) against a separate,
tighter one. If the storage
fails (Redis down), the request is let through and the failure logged: the limiter protects
capacity, it does not guard money, and an outage of it must not stop payments.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import AuthError, bearer_token, decode_jwt
from api.errors import error_body
from api.middleware.body_size import WEBHOOK_PREFIX
from api.middleware.send_json import send_json
from config.settings import Settings
from services import api_keys

log = logging.getLogger("meshpay.api")

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def storage_uri(configured: str) -> str:
    """limits' asyncio storages are named `async+<scheme>://`."""
    return configured if configured.startswith("async+") else f"async+{configured}"


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self.storage = storage_from_string(storage_uri(settings.rate_limit_storage))
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)  # type: ignore[arg-type]
        self.per_ip = parse(settings.rate_limit_per_ip)
        self.per_principal = parse(settings.rate_limit_per_principal)
        self.writes_per_principal = parse(settings.rate_limit_writes_per_principal)
        self.webhooks_per_ip = parse(settings.rate_limit_webhooks_per_ip)

    async def retry_after(self, item: RateLimitItem, *key: str) -> int | None:
        """None if this hit is within the limit, else the seconds until it would be."""
        if await self.strategy.hit(item, *key):
            return None
        stats = await self.strategy.get_window_stats(item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, settings: Settings) -> None:
        self.app = app
        self.limiter = limiter
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        try:
            wait = await self._check(scope)
        except Exception as exc:  # the limiter's storage is down: let traffic through, say so
            log.warning("rate limiter unavailable, request not limited: %r", exc)
            wait = None
        if wait is not None:
            body = error_body("rate_limited", "rate_limited", f"too many requests; retry in {wait} s")
            await send_json(send, 429, body, extra_headers=[(b"retry-after", str(wait).encode())])
            return
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope) -> int | None:
        lim = self.limiter
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        if scope["path"].startswith(WEBHOOK_PREFIX):
            return await lim.retry_after(lim.webhooks_per_ip, "webhook-ip", ip)
        wait = await lim.retry_after(lim.per_ip, "ip", ip)
        if wait is not None:
            return wait
        authorization = next((v for k, v in scope.get("headers", []) if k == b"authorization"), None)
        who = None if authorization is None else _caller_key(authorization.decode("latin-1"), self.settings)
        if who is None:
            return None  # anonymous or invalid: the route answers; the IP budget already counted it
        # Two counter hits per request at most (one round trip each on Redis): writes count against
        # their own, tighter budget; reads against the principal's general one.
        if scope["method"] in _WRITES:
            return await lim.retry_after(lim.writes_per_principal, "principal-writes", who)
        return await lim.retry_after(lim.per_principal, "principal", who)


def _caller_key(authorization: str, settings: Settings) -> str | None:
    """Whom to count a request against, without touching the database: a JWT's subject (verified),
    or an API key's secret hash (an unknown key costs its caller the budget of a key that does not
    exist, and is refused by the route). The principal is NOT cached for the route: the route
    authenticates itself (and checks an API key's permissions)."""
    try:
        token = bearer_token(authorization)
        if api_keys.looks_like_key(token):
            return f"key:{api_keys.hash_secret(token)[:32]}"
        return f"jwt:{decode_jwt(token, settings).id}"
    except AuthError:
        return None
