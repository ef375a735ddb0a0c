"""Who is calling: a JWT (end users) or a secret API key `sk_…` (servers), and what a restricted key
may do.

Keys are looked up by the SHA-256 of the secret and cached per process for `api_key_cache_seconds`
(a revocation is immediate in the process that made it and at most that long elsewhere). A key with
permissions may call only matching operations, named after the OpenAPI operation id `{area}_{action}`:
`credits:deduct` (one operation), `escrow:read` (every GET of the area), `escrow:write` (every other
method), `escrow:*` (the whole area).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from api.auth import AuthError, Principal, Role, bearer_token, decode_jwt
from api.errors import ApiError
from api.openapi import operation_id, route_area
from services import api_keys as keys

_MAX_CACHED = 10_000


class KeyCache:
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._entries: dict[str, tuple[float, Principal | None]] = {}

    def get(self, secret_hash: str) -> tuple[bool, Principal | None]:
        hit = self._entries.get(secret_hash)
        if hit is None or hit[0] < time.monotonic():
            return False, None
        return True, hit[1]

    def put(self, secret_hash: str, principal: Principal | None) -> None:
        if len(self._entries) >= _MAX_CACHED:
            self._entries.clear()
        self._entries[secret_hash] = (time.monotonic() + self.ttl, principal)

    def forget_key(self, key_id: str) -> None:
        for h, (_, p) in list(self._entries.items()):
            if p is not None and p.key_id == key_id:
                del self._entries[h]


async def authenticate(authorization: str | None, state: Any) -> Principal:
    """The caller, from the Authorization header; AuthError (401) if it names nobody."""
    token = bearer_token(authorization)
    if not keys.looks_like_key(token):
        return decode_jwt(token, state.settings)
    cache: KeyCache = state.api_key_cache
    secret_hash = keys.hash_secret(token)
    found, principal = cache.get(secret_hash)
    if not found:
        async with state.session_factory() as session:
            row = await keys.active_by_secret(session, token)
        principal = None
        if row is not None:
            perms = frozenset(row.permissions) if row.permissions is not None else None
            principal = Principal(row.principal_id, Role(row.role), permissions=perms, key_id=row.id)
        cache.put(secret_hash, principal)
    if principal is None:
        raise AuthError("invalid or revoked API key")
    return principal


def allowed(principal: Principal, route: APIRoute, method: str) -> bool:
    if principal.permissions is None:
        return True
    area = route_area(route)
    action = operation_id(route).removeprefix(area).lstrip("_")
    reading = method in ("GET", "HEAD")
    wanted = {f"{area}:{action}", f"{area}:*", f"{area}:read" if reading else f"{area}:write"}
    return bool(wanted & principal.permissions)


def check_permission(request: Request, principal: Principal) -> None:
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and not allowed(principal, route, request.method):
        raise ApiError(403, "api_key_permission_denied", f"this API key may not call {operation_id(route)}")
