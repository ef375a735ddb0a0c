"""Tokens and headers for API tests."""

from __future__ import annotations

import uuid

from api.auth import issue_token
from config.settings import DEV_JWT_SECRET


def token(
    sub: str, role: str = "user", *, secret: str = DEV_JWT_SECRET, audience: str = "meshpay", ttl: int = 3600
) -> str:
    return issue_token(secret, sub, role, audience=audience, ttl_seconds=ttl)


def auth(sub: str, role: str = "user", **kw: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(sub, role, **kw)}"}  # type: ignore[arg-type]


def uid(prefix: str = "u") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"
