"""Bearer JWT (HS256) principals. Claims: sub, role, aud="meshpay", exp."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import jwt


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


class AuthError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def issue_token(
    secret: str, sub: str, role: str, *, audience: str = "meshpay", ttl_seconds: int = 3600
) -> str:
    Role(role)  # refuse unknown roles at issue time too
    now = int(time.time())
    claims = {"sub": sub, "role": role, "aud": audience, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_token(token: str, secret: str, *, audience: str = "meshpay") -> Principal:
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], audience=audience, options={"require": ["sub", "exp", "aud"]}
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}") from None
    sub, role = claims.get("sub"), claims.get("role")
    if not isinstance(sub, str) or not sub:
        raise AuthError("token has no subject")
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


def principal_from_header(authorization: str | None, secret: str, audience: str) -> Principal:
    """A JWT principal (API keys need the database: api/api_keys.authenticate covers both)."""
    return decode_token(bearer_token(authorization), secret, audience=audience)
