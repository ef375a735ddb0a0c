"""Authorization matrix: every endpoint × every principal → the expected status, and nothing of one
user's readable or changeable by another.

The endpoint list comes from the app itself (`app.routes`), so a new endpoint without a row here
fails `test_every_endpoint_has_a_row`. Rows use alice's real objects (credits, a credits payment, an
escrow she pays an agent) where ownership matters, and a missing id where only the gate does: a
caller who passes the gate then gets 404/422, one who does not gets 401/403. Write rows send bodies
that are either invalid (422 proves the gate was passed without acting) or aimed at a missing id.

Roles: user (alice, the owner), other (bob), agent (alice's payee), service, admin, no token,
expired token, wrong audience.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from db.session import unit_of_work
from domain.ledger import escrow_holding, wallet
from services import credits, ledger
from tests.support.authz import AUTHED, ROLES, UNAUTHED, api_routes, principals
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
API = "/api/v1/payments"
MISSING = "missing_0000"


@dataclass(frozen=True)
class Row:
    """Expected status per authenticated role (user, other, agent, service, admin); the three
    broken-token principals always expect `unauthed`."""

    expect: tuple[int, int, int, int, int]
    path: dict[str, str] = field(default_factory=dict)  # placeholder → key in the seeded ids
    body: Any = None
    query: dict[str, str] = field(default_factory=dict)
    unauthed: int = 401


def every(status: int, **kw: Any) -> Row:
    return Row((status,) * 5, **kw)


def only(allowed: set[str], ok: int, refused: int = 403, **kw: Any) -> Row:
    return Row(tuple(ok if r in allowed else refused for r in AUTHED), **kw)  # type: ignore[arg-type]


ADMIN = {"admin"}
SERVICE = {"service", "admin"}
DEDUCTORS = {"agent", "service", "admin"}
E_ID = {"escrow_id": "escrow"}
P_ID = {"payment_id": "payment"}
ALICE_Q = {"user_id": "alice"}

# (METHOD, path template) → Row. 422 = passed the gate, refused the (deliberately invalid) body.
MATRIX: dict[tuple[str, str], Row] = {
    # --- public: docs, health, webhooks (signature-checked, no bearer token)
    ("GET", "/openapi.json"): Row((200,) * 5, unauthed=200),
    ("GET", "/docs"): Row((200,) * 5, unauthed=200),
    ("GET", "/docs/oauth2-redirect"): Row((200,) * 5, unauthed=200),
    ("GET", "/redoc"): Row((200,) * 5, unauthed=200),
    ("GET", "/healthz"): Row((200,) * 5, unauthed=200),
    ("GET", "/readyz"): Row((200,) * 5, unauthed=200),
    ("GET", "/metrics"): Row((200,) * 5, unauthed=200),
    ("POST", f"{API}/webhooks/stripe"): Row((400,) * 5, body={}, unauthed=400),
    ("POST", f"{API}/webhooks/paypal"): Row((400,) * 5, body={}, unauthed=400),
    ("POST", f"{API}/webhooks/crypto"): Row((400,) * 5, body={}, unauthed=400),
    # --- credits
    ("POST", f"{API}/credits/grant"): only(ADMIN, 422, body={}),
    ("POST", f"{API}/credits/deduct"): only(DEDUCTORS, 422, body={}),
    ("POST", f"{API}/credits/refund"): only(DEDUCTORS, 422, body={}),
    ("GET", f"{API}/credits/runs/{{run_id}}"): every(404),
    # --- mandates: a user grants; the user, the agent, services and admins read
    ("POST", f"{API}/mandates"): Row((422, 422, 403, 403, 403), body={}),
    ("GET", f"{API}/mandates"): every(200),
    ("GET", f"{API}/mandates/{{mandate_id}}"): every(404),
    ("DELETE", f"{API}/mandates/{{mandate_id}}"): every(404),
    ("POST", f"{API}/payouts/redeem-credits"): every(422, body={}),
    ("GET", f"{API}/credits/balance"): Row((200, 404, 404, 200, 200), query=ALICE_Q),
    ("GET", f"{API}/credits/transactions"): Row((200, 404, 404, 200, 200), query=ALICE_Q),
    ("GET", f"{API}/credits/stats"): Row((200, 404, 404, 200, 200), query=ALICE_Q),
    ("GET", f"{API}/credits/low-balance-events"): Row((200, 404, 404, 200, 200), query=ALICE_Q),
    ("PUT", f"{API}/credits/settings"): Row((200, 404, 404, 404, 200), body={"user_id": "alice"}),
    ("POST", f"{API}/credits/purchase"): every(422, body={}),
    # --- escrow (alice pays the agent)
    ("POST", f"{API}/escrow/create"): every(422, body={}),
    ("GET", f"{API}/escrow"): every(200),
    ("GET", f"{API}/escrow/{{escrow_id}}"): Row((200, 404, 200, 200, 200), path=E_ID),
    ("POST", f"{API}/escrow/{{escrow_id}}/fund"): every(404, body={"provider": "credits"}),
    ("POST", f"{API}/escrow/{{escrow_id}}/deliver"): every(404, body={"validation_score": "0.5"}),
    ("POST", f"{API}/escrow/{{escrow_id}}/validate"): every(404, body={"validation_score": "0.5"}),
    ("POST", f"{API}/escrow/{{escrow_id}}/sign"): every(404, body={}),
    ("POST", f"{API}/escrow/{{escrow_id}}/dispute"): every(404, body={"reason": "x"}),
    ("POST", f"{API}/escrow/{{escrow_id}}/resolve"): every(404, body={"payee_amount": "1"}),
    ("POST", f"{API}/escrow/{{escrow_id}}/refund"): every(404, body={}),
    ("POST", f"{API}/escrow/{{escrow_id}}/cancel"): every(404, body={}),
    # --- payments (alice's credits payment)
    ("POST", f"{API}/create"): every(422, body={}),
    ("GET", f"{API}/"): every(200),
    ("GET", f"{API}/{{payment_id}}"): Row((200, 404, 404, 404, 200), path=P_ID),
    ("POST", f"{API}/{{payment_id}}/confirm"): Row((409, 404, 404, 404, 409), path=P_ID, body={}),
    ("POST", f"{API}/{{payment_id}}/cancel"): Row((409, 404, 404, 404, 409), path=P_ID),
    ("POST", f"{API}/{{payment_id}}/refund"): only(SERVICE, 404, body={"amount": "1"}),
    ("POST", f"{API}/methods"): every(422, body={}),
    ("GET", f"{API}/methods"): every(200),
    ("DELETE", f"{API}/methods/{{method_id}}"): every(404),
    # --- pricing
    ("GET", f"{API}/pricing/rules"): only(ADMIN, 200),
    ("POST", f"{API}/pricing/rules"): only(ADMIN, 422, body={}),
    ("GET", f"{API}/pricing/rules/{{rule_id}}"): only(ADMIN, 404),
    ("PATCH", f"{API}/pricing/rules/{{rule_id}}"): only(ADMIN, 404, body={}),
    ("DELETE", f"{API}/pricing/rules/{{rule_id}}"): only(ADMIN, 404),
    ("POST", f"{API}/pricing/quotes"): every(422, body={}),
    ("GET", f"{API}/pricing/quotes/{{quote_id}}"): every(404),
    ("PUT", f"{API}/pricing/demand/{{agent_id}}"): only(SERVICE, 422, body={}),
    ("PUT", f"{API}/pricing/reputation/{{agent_id}}"): only(SERVICE, 422, body={}),
    ("PUT", f"{API}/pricing/agents/{{agent_id}}"): only(SERVICE, 422, body={"capacity": 0}),
    ("GET", f"{API}/pricing/agents/{{agent_id}}"): only(SERVICE, 200),
    ("GET", f"{API}/pricing/{{agent_id}}"): every(409),  # no listed price for the missing agent
    ("PUT", f"{API}/pricing/agents/{{agent_id}}/prices/{{currency}}"): only(
        SERVICE, 422, body={"unit_price": "-1"}
    ),
    ("GET", f"{API}/pricing/agents/{{agent_id}}/prices"): every(200),
    # --- billing
    ("POST", f"{API}/usage"): only(SERVICE, 422, body={}),
    ("POST", f"{API}/billing/run"): only(ADMIN, 422, body={}),
    ("GET", f"{API}/invoices"): every(200),
    ("GET", f"{API}/invoices/{{invoice_id}}"): every(404),
    ("GET", f"{API}/invoices/{{invoice_id}}/pdf"): every(404),
    ("POST", f"{API}/invoices/{{invoice_id}}/void"): only(ADMIN, 404),
    ("POST", f"{API}/plans"): only(ADMIN, 422, body={}),
    ("GET", f"{API}/plans"): every(200),
    ("GET", f"{API}/plans/{{plan_id}}"): every(404),
    ("PATCH", f"{API}/plans/{{plan_id}}"): only(ADMIN, 404, body={}),
    ("DELETE", f"{API}/plans/{{plan_id}}"): only(ADMIN, 404),
    ("POST", f"{API}/subscriptions"): every(422, body={}),
    ("GET", f"{API}/subscriptions"): every(200),
    ("GET", f"{API}/subscriptions/{{subscription_id}}"): every(404),
    ("POST", f"{API}/subscriptions/{{subscription_id}}/cancel"): every(404, body={}),
    ("POST", f"{API}/subscriptions/{{subscription_id}}/change"): every(422, body={}),
    ("GET", f"{API}/billing/account"): every(200),
    ("PATCH", f"{API}/billing/account"): every(422, body={"use_credits_first": None}),
    ("PUT", f"{API}/billing/accounts/{{account_id}}"): only(ADMIN, 422, body={"currency": None}),
    ("PUT", f"{API}/billing/prices/{{metric}}"): only(ADMIN, 422, body={}),
    ("PUT", f"{API}/billing/tax-rates/{{jurisdiction}}"): only(ADMIN, 422, body={}),
    ("POST", f"{API}/billing/accounts/{{account_id}}/items"): only(ADMIN, 422, body={}),
    # --- payouts and disputes
    ("GET", f"{API}/earnings"): every(200),
    ("POST", f"{API}/payouts/destinations"): every(422, body={}),
    ("GET", f"{API}/payouts/destinations"): every(200),
    ("POST", f"{API}/payouts"): every(422, body={}),
    ("GET", f"{API}/payouts"): every(200),
    ("GET", f"{API}/payouts/{{payout_id}}"): every(404),
    ("GET", f"{API}/disputes"): every(200),
    ("GET", f"{API}/disputes/{{dispute_id}}"): every(404),
    # --- events and webhook endpoints (each principal its own)
    ("GET", f"{API}/events"): every(200),
    ("GET", f"{API}/events/{{event_id}}"): every(404),
    ("POST", f"{API}/webhook-endpoints"): every(422, body={}),
    ("GET", f"{API}/webhook-endpoints"): every(200),
    ("GET", f"{API}/webhook-endpoints/{{endpoint_id}}"): every(404),
    ("PATCH", f"{API}/webhook-endpoints/{{endpoint_id}}"): every(404, body={}),
    ("DELETE", f"{API}/webhook-endpoints/{{endpoint_id}}"): every(404),
    ("GET", f"{API}/webhook-endpoints/{{endpoint_id}}/attempts"): every(404),
    ("POST", f"{API}/webhook-endpoints/{{endpoint_id}}/resend"): every(404, body={"event_id": "evt_00"}),
    # --- operators
    ("GET", f"{API}/admin/explain/{{object_id}}"): only(ADMIN, 404),
    # --- API keys (admins only)
    ("POST", f"{API}/api-keys"): only(ADMIN, 422, body={}),
    ("GET", f"{API}/api-keys"): only(ADMIN, 200),
    ("DELETE", f"{API}/api-keys/{{key_id}}"): only(ADMIN, 404),
}


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app):  # type: ignore[no-untyped-def]
    async with payments_env(dev_env.client, settings, session_factory, make_app) as e:
        yield e


async def _seed(env: PayEnv) -> dict[str, str]:
    """alice with credits, a completed credits payment of hers, an escrow she pays the agent."""
    alice, bob, agent = uid("alice"), uid("bob"), uid("agent")
    async with unit_of_work(env.factory) as s:
        await credits.grant_purchased_credits(s, user_id=alice, credits=500_000, payment_id=uid("pay"))
    r = await env.http.post(
        f"{API}/create",
        headers=auth(alice),
        json={"amount": "3", "currency": "CREDIT", "provider": "credits", "purpose": {"kind": "none"}},
    )
    assert r.status_code == 201 and r.json()["status"] == "completed", r.text
    payment = r.json()["payment_id"]
    r = await env.http.post(
        f"{API}/escrow/create",
        headers=auth(alice),
        json={"contract_id": uid("ct"), "amount": "5", "payee_id": agent},
    )
    assert r.status_code == 201, r.text
    return {
        "alice": alice,
        "bob": bob,
        "agent": agent,
        "payment": payment,
        "escrow": r.json()["escrow_id"],
        "contract": r.json()["contract_id"],
    }


def _request(row: Row, template: str, ids: dict[str, str]) -> tuple[str, dict[str, str], Any]:
    path = template
    while "{" in path:
        name = path[path.index("{") + 1 : path.index("}")]
        path = path.replace(f"{{{name}}}", ids[row.path[name]] if name in row.path else MISSING)
    query = {k: ids.get(v, v) for k, v in row.query.items()}
    body = row.body
    if isinstance(body, dict):
        body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    return path, query, body


def test_every_endpoint_has_a_row(make_app: Any) -> None:
    served = set(api_routes(make_app()))
    missing = sorted(served - set(MATRIX))
    assert not missing, f"endpoints without an authorization row: {missing}"
    stale = sorted(set(MATRIX) - served)
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


async def test_matrix(env: PayEnv) -> None:
    ids = await _seed(env)
    who = principals(ids["alice"], ids["bob"], ids["agent"])
    wrong: list[str] = []
    for (method, template), row in MATRIX.items():
        path, query, body = _request(row, template, ids)
        expected = dict(zip(AUTHED, row.expect, strict=True)) | dict.fromkeys(UNAUTHED, row.unauthed)
        for role in ROLES:
            kw: dict[str, Any] = {"params": query, "headers": who[role]}
            if body is not None:
                kw["json"] = body
            r = await env.http.request(method, path, **kw)
            if r.status_code != expected[role]:
                wrong.append(
                    f"{method} {template} as {role}: {r.status_code} != {expected[role]} {r.text[:120]}"
                )
            elif r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
                assert set(r.json()["error"]) == {"type", "code", "message", "param"}, r.text
    assert not wrong, "\n".join(wrong)


async def test_other_user_can_neither_read_nor_change_alices_objects(env: PayEnv) -> None:
    """bob gets 404 for each of alice's objects, and after all his attempts nothing has changed."""
    ids = await _seed(env)
    bob = auth(ids["bob"])
    escrow, payment = ids["escrow"], ids["payment"]

    async def state() -> tuple[Any, ...]:
        esc = (await env.http.get(f"{API}/escrow/{escrow}", headers=auth(ids["alice"]))).json()
        pay = (await env.http.get(f"{API}/{payment}", headers=auth(ids["alice"]))).json()
        async with env.factory() as s:
            money = [
                await ledger.balance(s, wallet(ids["alice"])),
                await ledger.balance(s, escrow_holding(ids["contract"], "CREDIT")),
            ]
        return esc["status"], esc["held"], pay["status"], pay["refunded_amount"], *money

    before = await state()
    attempts = [
        ("GET", f"{API}/escrow/{escrow}", None),
        ("POST", f"{API}/escrow/{escrow}/fund", {"provider": "credits"}),
        ("POST", f"{API}/escrow/{escrow}/cancel", {}),
        ("POST", f"{API}/escrow/{escrow}/refund", {}),
        ("POST", f"{API}/escrow/{escrow}/sign", {}),
        ("POST", f"{API}/escrow/{escrow}/dispute", {"reason": "mine now"}),
        ("POST", f"{API}/escrow/{escrow}/deliver", {"validation_score": "1"}),
        ("GET", f"{API}/{payment}", None),
        ("POST", f"{API}/{payment}/cancel", None),
        ("POST", f"{API}/{payment}/confirm", {}),
        ("GET", f"{API}/credits/balance?user_id={ids['alice']}", None),
        ("GET", f"{API}/credits/transactions?user_id={ids['alice']}", None),
        ("PUT", f"{API}/credits/settings", {"user_id": ids["alice"], "low_balance_threshold": "99"}),
    ]
    for method, path, body in attempts:
        r = await env.http.request(method, path, headers=bob, json=body)
        assert r.status_code == 404, f"{method} {path}: {r.status_code} {r.text}"
    # bob's own lists do not show alice's objects
    for path in ("/escrow", "/", "/invoices", "/payouts", "/disputes"):
        r = await env.http.get(f"{API}{path}", headers=bob)
        assert r.status_code == 200 and r.json()["data"] == [], f"{path}: {r.text}"
    assert await state() == before
