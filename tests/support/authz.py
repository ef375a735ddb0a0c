"""Principals for the authorization matrix: five real roles and three broken tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.support.tokens import auth

ROLES = ("user", "other", "agent", "service", "admin", "none", "expired", "wrong_aud")
AUTHED = ROLES[:5]
UNAUTHED = ROLES[5:]


def principals(alice: str, bob: str, agent: str) -> dict[str, dict[str, str]]:
    """Headers per role. `user` is alice (who owns the seeded objects); `other` is bob."""
    return {
        "user": auth(alice),
        "other": auth(bob),
        "agent": auth(agent, "agent"),
        "service": auth("svc_authz", "service"),
        "admin": auth("admin_authz", "admin"),
        "none": {},
        "expired": auth(alice, ttl=-60),
        "wrong_aud": auth(alice, audience="not-meshpay"),
    }


def api_routes(app: Any) -> Iterator[tuple[str, str]]:
    """(METHOD, path template) for every route the app serves (nested routers included)."""
    try:
        from fastapi.routing import iter_route_contexts

        contexts: Any = list(iter_route_contexts(app.routes))
    except ImportError:  # older FastAPI: routes are flat
        contexts = app.routes
    for route in contexts:
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                yield method, route.path
