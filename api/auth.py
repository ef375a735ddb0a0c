"""Bearer JWT (HS256) principals. Claims: sub, role, aud, iss, iat, exp — all required.

A token is refused unless its issuer and audience are ours, its lifetime (exp - iat) is at most the
configured maximum (a stolen 100-year token is not a credential), and its subject is a plain id:
ids end up inside ledger account names and log lines, so no spaces, colons or control characters.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import jwt

if TYPE_CHECKING:
    from config.settings import Settings


class Role(StrEnum):
    USER = "user"
    AGENT = "agent"
    SERVICE = "service"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    id: str
    role: Role
    # An API key may be restricted to some operations (api/api_keys.py); None: all the role allows.
    permissions: frozenset[str] | None = None
    key_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


SUBJECT_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}")
DEFAULT_ISSUER = "meshpay"
DEFAULT_MAX_LIFETIME_SECONDS = 24 * 3600


class AuthError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def issue_token(
    secret: str,
    sub: str,
    role: str,
    *,
    audience: str = "meshpay",
    issuer: str = DEFAULT_ISSUER,
    ttl_seconds: int = 3600,
) -> str:
    Role(role)  # refuse unknown roles at issue time too
    if not SUBJECT_PATTERN.fullmatch(sub):
        raise ValueError(f"subject must match {SUBJECT_PATTERN.pattern}")
    now = int(time.time())
    claims = {"sub": sub, "role": role, "aud": audience, "iss": issuer, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_token(
    token: str,
    secret: str,
    *,
    audience: str = "meshpay",
    issuer: str = DEFAULT_ISSUER,
    max_lifetime_seconds: int = DEFAULT_MAX_LIFETIME_SECONDS,
) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=audience,
            issuer=issuer,
            options={"require": ["sub", "exp", "aud", "iss", "iat"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}") from None
    iat, exp = claims["iat"], claims["exp"]
    if not isinstance(iat, int) or not isinstance(exp, int) or exp - iat > max_lifetime_seconds:
        raise AuthError(f"token lifetime exceeds {max_lifetime_seconds} seconds")
    sub, role = claims.get("sub"), claims.get("role")
    if not isinstance(sub, str) or not SUBJECT_PATTERN.fullmatch(sub):
        raise AuthError("token subject is not a valid id")
    try:
        return Principal(sub, Role(str(role)))
    except ValueError:
        raise AuthError("token has an unknown role") from None


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise AuthError("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("authorization header must be 'Bearer <token>'")
    return token.strip()


def decode_jwt(token: str, settings: Settings) -> Principal:
    """A JWT with every configured check (audience, issuer, lifetime); the one way the API and its
    middleware read one (API keys: api/api_keys.authenticate)."""
    return decode_token(
        token,
        settings.jwt_secret,
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        max_lifetime_seconds=settings.jwt_max_lifetime_seconds,
    )


def principal_from_header(
    authorization: str | None,
    secret: str,
    audience: str,
    *,
    issuer: str = DEFAULT_ISSUER,
    max_lifetime_seconds: int = DEFAULT_MAX_LIFETIME_SECONDS,
) -> Principal:
    """A JWT principal (API keys need the database: api/api_keys.authenticate covers both)."""
    return decode_token(
        bearer_token(authorization),
        secret,
        audience=audience,
        issuer=issuer,
        max_lifetime_seconds=max_lifetime_seconds,
    )
