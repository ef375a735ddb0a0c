"""API keys: created and revoked by admins, shown once, stored as a SHA-256 of the secret.

A secret is `sk_` + 32 random bytes (urlsafe base64): with that much entropy a plain SHA-256 is the
right store (GitHub and Stripe do the same); a slow password hash would only tax every request.
Permissions, when given, restrict the key to those operations (see api/api_keys.py for matching).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.api_keys import ApiKey
from db.repositories import api_keys as repo
from domain.errors import InvalidAmount, NotFound

SECRET_PREFIX = "sk_"
ROLES = ("user", "agent", "service", "admin")
# `area:action` (credits:deduct), `area:read` (every GET of an area), `area:write`, `area:*`.
PERMISSION = re.compile(r"^[a-z][a-z_]{0,39}:([a-z][a-z_]{0,59}|\*)$")


@dataclass(frozen=True, slots=True)
class CreatedKey:
    row: ApiKey
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_key(token: str) -> bool:
    return token.startswith(SECRET_PREFIX)


async def create(
    session: AsyncSession,
    *,
    principal_id: str,
    role: str,
    permissions: list[str] | None,
    description: str | None,
    created_by: str,
) -> CreatedKey:
    if role not in ROLES:
        raise InvalidAmount(f"unknown role {role!r}", param="role", code="invalid_role")
    for p in permissions or []:
        if not PERMISSION.match(p):
            raise InvalidAmount(
                f"bad permission {p!r} (area:action)", param="permissions", code="invalid_permission"
            )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id=f"key_{secrets.token_hex(12)}",
        secret_hash=hash_secret(secret),
        prefix=secret[:10],
        principal_id=principal_id,
        role=role,
        permissions=sorted(set(permissions)) if permissions is not None else None,
        description=description,
        created_by=created_by,
        created_at=utcnow(),
    )
    await repo.add(session, row)
    return CreatedKey(row, secret)


async def revoke(session: AsyncSession, key_id: str) -> ApiKey:
    await repo.revoke(session, key_id, utcnow())
    row = await repo.get(session, key_id)
    if row is None:
        raise NotFound("no such API key", param="key_id", code="api_key_not_found")
    return row


async def active_by_secret(session: AsyncSession, secret: str) -> ApiKey | None:
    row = await repo.by_hash(session, hash_secret(secret))
    return row if row is not None and row.revoked_at is None else None
