"""Secret API keys: admin-made, shown once, stored hashed, revocable, restrictable per operation —
and the authorization matrix again with keys in place of tokens."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.api.test_authz_matrix import API, MATRIX, _request, _seed
from tests.support.authz import AUTHED
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
ADMIN = auth("admin_keys", "admin")


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app):  # type: ignore[no-untyped-def]
    async with payments_env(dev_env.client, settings, session_factory, make_app) as e:
        yield e


async def _key(http: httpx.AsyncClient, principal_id: str, role: str, **extra: Any) -> dict[str, Any]:
    r = await http.post(
        f"{API}/api-keys", headers=ADMIN, json={"principal_id": principal_id, "role": role, **extra}
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_a_key_is_shown_once_stored_hashed_and_revoked_at_once(env: PayEnv) -> None:
    user = uid("keyuser")
    created = await _key(env.http, user, "user", description="billing server")
    secret = created["secret"]
    assert secret.startswith("sk_") and len(secret) >= 40 and created["prefix"] == secret[:10]

    r = await env.http.get(f"{API}/credits/balance", headers=_bearer(secret))
    assert r.status_code == 200 and r.json()["user_id"] == user, r.text

    listed = (await env.http.get(f"{API}/api-keys", params={"limit": 100}, headers=ADMIN)).json()
    assert all("secret" not in k for k in listed["data"])
    async with env.factory() as s:
        stored = (await s.execute(text("SELECT * FROM api_keys WHERE id = :i"), {"i": created["id"]})).one()
    assert secret not in [str(v) for v in stored]  # only its hash and a short prefix are kept

    r = await env.http.delete(f"{API}/api-keys/{created['id']}", headers=ADMIN)
    assert r.status_code == 200 and r.json()["revoked_at"]
    r = await env.http.get(f"{API}/credits/balance", headers=_bearer(secret))
    assert r.status_code == 401, r.text


async def test_hostile_key_requests(env: PayEnv) -> None:
    # only admins make keys; a user cannot mint an admin key for itself
    r = await env.http.post(
        f"{API}/api-keys", headers=auth(uid("u")), json={"principal_id": "me", "role": "admin"}
    )
    assert r.status_code == 403
    for body in (
        {"principal_id": "x", "role": "root"},
        {"principal_id": "a b", "role": "user"},
        {"principal_id": "x" * 101, "role": "user"},
        {"principal_id": "x", "role": "user", "permissions": ["credits deduct"]},
        {"principal_id": "x", "role": "user", "permissions": ["*"]},
    ):
        r = await env.http.post(f"{API}/api-keys", headers=ADMIN, json=body)
        assert r.status_code == 422, (body, r.text)
    # a made-up key, and a JWT-looking garbage token, name nobody
    for token in ("sk_" + "A" * 43, "sk_", "not.a.jwt"):
        r = await env.http.get(f"{API}/credits/balance", headers=_bearer(token))
        assert r.status_code == 401, (token, r.text)


async def test_idempotency_keys_are_scoped_to_the_key_principal(env: PayEnv) -> None:
    """The Idempotency-Key middleware knows a key's principal: a replay is a replay."""
    created = await _key(env.http, uid("svc"), "service")
    headers = {**_bearer(created["secret"]), "Idempotency-Key": uid("idem")}
    body = {"user_id": uid("nobody"), "amount": "1", "reference": uid("ref")}
    first = await env.http.post(f"{API}/credits/deduct", headers=headers, json=body)
    again = await env.http.post(f"{API}/credits/deduct", headers=headers, json=body)
    assert first.status_code == again.status_code and again.headers.get("idempotent-replayed") == "true"
    changed = await env.http.post(f"{API}/credits/deduct", headers=headers, json={**body, "amount": "2"})
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_key_reused"


async def test_the_matrix_with_keys(env: PayEnv) -> None:
    """An unrestricted key acts exactly as a token of its role; a key restricted to credits:deduct
    reaches that operation only (403 api_key_permission_denied elsewhere; public routes stay public)."""
    ids = await _seed(env)
    service = (await _key(env.http, "svc_authz", "service"))["secret"]
    admin = (await _key(env.http, "admin_authz", "admin"))["secret"]
    deduct_only = (await _key(env.http, ids["agent"], "agent", permissions=["credits:deduct"]))["secret"]
    role_of = dict(zip(AUTHED, range(5), strict=True))
    wrong: list[str] = []
    for (method, template), row in MATRIX.items():
        path, query, body = _request(row, template, ids)
        public = row.unauthed != 401
        checks = [
            (service, row.expect[role_of["service"]], "service key"),
            (admin, row.expect[role_of["admin"]], "admin key"),
            (
                deduct_only,
                row.expect[role_of["agent"]] if public or template.endswith("/credits/deduct") else 403,
                "deduct-only key",
            ),
        ]
        for secret, expected, who in checks:
            kw: dict[str, Any] = {"params": query, "headers": _bearer(secret)}
            if body is not None:
                kw["json"] = body
            r = await env.http.request(method, path, **kw)
            if r.status_code != expected:
                wrong.append(f"{method} {template} as {who}: {r.status_code} != {expected} {r.text[:120]}")
            elif r.status_code == 403 and who == "deduct-only key":
                code = r.json()["error"]["code"]
                # the role gate may answer first (forbidden); otherwise the key's permissions do
                assert code in ("api_key_permission_denied", "forbidden"), r.text
    assert not wrong, "\n".join(wrong)
