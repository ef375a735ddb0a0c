"""Exactly once across the API ↔ Temporal boundary, through the HTTP API on a real Temporal dev
server, a registry worker and PostgreSQL.

A response can be lost after the move was applied: the API process dies before storing it, or it
answers 503 (Temporal slow) after Temporal applied the change. The client then retries with the
same Idempotency-Key and the handler runs again; the ids it derives from (principal, key) — the
payment id, the escrow Update id — make that second run find the first instead of moving money twice.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import delete, func, select, update

from db.base import utcnow
from db.models.payments import Payment
from db.models.platform import IdempotencyRecord
from db.session import unit_of_work
from domain.ledger import wallet
from services import credits, ledger
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
PAY = "/api/v1/payments"
ESCROW = f"{PAY}/escrow"


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app):  # type: ignore[no-untyped-def]
    async with payments_env(dev_env.client, settings, session_factory, make_app) as e:
        yield e


async def give_credits(env: PayEnv, user: str, credits_minor: int) -> None:
    async with unit_of_work(env.factory) as s:
        await credits.grant_purchased_credits(s, user_id=user, credits=credits_minor, payment_id=uid("pay"))


async def balance(env: PayEnv, account: str) -> int:
    async with env.factory() as s:
        return await ledger.balance(s, account)


async def lose_the_response(env: PayEnv, principal: str, key: str, how: str) -> None:
    """What a lost response leaves behind: `forgotten` — no record (the old middleware deleted the
    key on a 503 that came after Temporal applied the change); `killed` — the record still in flight,
    its owner process gone (its lock lapsed)."""
    async with unit_of_work(env.factory) as s:
        where = (IdempotencyRecord.principal_id == principal, IdempotencyRecord.key == key)
        if how == "forgotten":
            await s.execute(delete(IdempotencyRecord).where(*where))
        else:
            await s.execute(
                update(IdempotencyRecord)
                .where(*where)
                .values(
                    status_code=None,
                    response_body=None,
                    locked_until=utcnow() - timedelta(seconds=1),
                )
            )


def keyed(user: str, key: str, role: str = "user") -> dict[str, str]:
    return {**auth(user, role), "Idempotency-Key": key}


@pytest.mark.parametrize("how", ["forgotten", "killed"])
async def test_escrow_partial_refund_retried_after_a_lost_response_refunds_once(
    env: PayEnv, how: str
) -> None:
    payer, payee = uid("user"), uid("agent")
    await give_credits(env, payer, 100_000)  # 10 credits
    body = {"contract_id": uid("ct"), "amount": "8", "payee_id": payee}
    created = await env.http.post(f"{ESCROW}/create", json=body, headers=auth(payer))
    eid = created.json()["escrow_id"]
    funded = await env.http.post(f"{ESCROW}/{eid}/fund", json={}, headers=auth(payer))
    assert funded.status_code == 200, funded.text
    assert await balance(env, wallet(payer)) == 20_000

    key = uid("refund-key")
    first = await env.http.post(
        f"{ESCROW}/{eid}/refund", json={"amount": "3"}, headers=keyed(payee, key, "agent")
    )
    assert first.status_code == 200, first.text
    assert (first.json()["held"], first.json()["refunded"]) == ("5.0000", "3.0000")

    await lose_the_response(env, payee, key, how)
    again = await env.http.post(
        f"{ESCROW}/{eid}/refund", json={"amount": "3"}, headers=keyed(payee, key, "agent")
    )
    assert again.status_code == 200, again.text
    assert (again.json()["held"], again.json()["refunded"]) == ("5.0000", "3.0000")  # not 2.0000 / 6.0000
    assert await balance(env, wallet(payer)) == 50_000  # 3 credits back, once
    view = (await env.http.get(f"{ESCROW}/{eid}", headers=auth(payer))).json()
    assert (view["held"], view["refunded"]) == ("5.0000", "3.0000")

    # A different refund under the same key is refused (the key stays bound to its request).
    other = await env.http.post(
        f"{ESCROW}/{eid}/refund", json={"amount": "1"}, headers=keyed(payee, key, "agent")
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    # A new key is a new refund.
    more = await env.http.post(
        f"{ESCROW}/{eid}/refund", json={"amount": "1"}, headers=keyed(payee, uid("k"), "agent")
    )
    assert more.json()["refunded"] == "4.0000"


@pytest.mark.parametrize("how", ["forgotten", "killed"])
async def test_credits_payment_retried_after_a_lost_response_debits_once(env: PayEnv, how: str) -> None:
    payer = uid("buyer")
    await give_credits(env, payer, 100_000)
    key = uid("pay-key")
    body = {"amount": "4", "currency": "CREDIT", "provider": "credits"}
    first = await env.http.post("/api/v1/payments/create", json=body, headers=keyed(payer, key))
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "completed"

    await lose_the_response(env, payer, key, how)
    again = await env.http.post("/api/v1/payments/create", json=body, headers=keyed(payer, key))
    assert again.status_code == 201, again.text
    assert again.json()["payment_id"] == first.json()["payment_id"]
    assert await balance(env, wallet(payer)) == 60_000  # 4 credits, once
    async with env.factory() as s:
        payments = await s.scalar(select(func.count()).select_from(Payment).where(Payment.payer_id == payer))
    assert payments == 1


async def test_a_request_in_flight_keeps_its_key_until_its_lock_lapses(env: PayEnv) -> None:
    payer = uid("buyer")
    await give_credits(env, payer, 100_000)
    key = uid("k")
    body = {"amount": "1", "currency": "CREDIT", "provider": "credits"}
    first = await env.http.post("/api/v1/payments/create", json=body, headers=keyed(payer, key))
    assert first.status_code == 201, first.text
    async with unit_of_work(env.factory) as s:  # as if the first were still running
        await s.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.principal_id == payer, IdempotencyRecord.key == key)
            .values(status_code=None, response_body=None, locked_until=utcnow() + timedelta(seconds=60))
        )
    busy = await env.http.post("/api/v1/payments/create", json=body, headers=keyed(payer, key))
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "idempotency_key_in_use"
    assert busy.headers["retry-after"] == "1"
    await lose_the_response(env, payer, key, "killed")  # its process died: the lock lapses
    again = await env.http.post("/api/v1/payments/create", json=body, headers=keyed(payer, key))
    assert again.status_code == 201 and again.json()["payment_id"] == first.json()["payment_id"]
    assert await balance(env, wallet(payer)) == 90_000


async def test_the_request_hash_includes_the_query_string(env: PayEnv) -> None:
    payer = uid("buyer")
    await give_credits(env, payer, 100_000)
    key = uid("k")
    body = {"amount": "1", "currency": "CREDIT", "provider": "credits"}
    first = await env.http.post("/api/v1/payments/create?a=1", json=body, headers=keyed(payer, key))
    assert first.status_code == 201, first.text
    replay = await env.http.post("/api/v1/payments/create?a=1", json=body, headers=keyed(payer, key))
    assert replay.headers.get("idempotent-replayed") == "true"
    other = await env.http.post("/api/v1/payments/create?a=2", json=body, headers=keyed(payer, key))
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"


async def test_a_503_keeps_the_key_bound_to_its_request(make_app) -> None:  # type: ignore[no-untyped-def]
    """Temporal unreachable: 503 + Retry-After with a generic message; the key is not forgotten (a
    different body under it is refused) and the same request may run again at once (not 409 in_use)."""
    app = make_app(temporal_address="127.0.0.1:1")
    payer, key = uid("buyer"), uid("k")
    body = {"amount": "1", "currency": "CREDIT", "provider": "credits"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c,
    ):
        r = await c.post("/api/v1/payments/create", json=body, headers=keyed(payer, key))
        assert r.status_code == 503
        assert r.headers["retry-after"].isdigit()
        err = r.json()["error"]
        assert err["code"] == "temporarily_unavailable"
        assert "127.0.0.1" not in err["message"] and "connect" not in err["message"].lower()
        changed = await c.post(
            "/api/v1/payments/create", json={**body, "amount": "2"}, headers=keyed(payer, key)
        )
        assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_key_reused"
        same = await c.post("/api/v1/payments/create", json=body, headers=keyed(payer, key))
        assert same.status_code == 503  # ran again (not 409 idempotency_key_in_use)


@pytest.mark.parametrize("how", ["forgotten", "killed"])
async def test_escrow_create_retried_after_a_lost_response_answers_its_escrow(env: PayEnv, how: str) -> None:
    payer, payee, key = uid("user"), uid("agent"), uid("k")
    body = {"contract_id": uid("ct"), "amount": "8", "payee_id": payee}
    first = await env.http.post(f"{ESCROW}/create", json=body, headers=keyed(payer, key))
    assert first.status_code == 201, first.text
    await lose_the_response(env, payer, key, how)
    again = await env.http.post(f"{ESCROW}/create", json=body, headers=keyed(payer, key))
    assert again.status_code == 201, again.text  # its own escrow, not 409 escrow_exists
    assert again.json()["escrow_id"] == first.json()["escrow_id"]
    # Another caller's create for that contract is still refused.
    other = await env.http.post(f"{ESCROW}/create", json=body, headers=keyed(uid("user"), key))
    assert other.status_code == 409 and other.json()["error"]["code"] == "escrow_exists"


async def test_subscription_create_retried_after_a_lost_response_subscribes_once(env: PayEnv) -> None:
    admin, user, key = auth("ops", "admin"), uid("subscriber"), uid("k")
    plan = await env.http.post(
        f"{PAY}/plans", json={"name": "Exactly once", "amount": "10.00", "trial_days": 7}, headers=admin
    )
    assert plan.status_code == 201, plan.text
    body = {"plan_id": plan.json()["id"]}
    first = await env.http.post(f"{PAY}/subscriptions", json=body, headers=keyed(user, key))
    assert first.status_code == 201, first.text
    await lose_the_response(env, user, key, "killed")
    again = await env.http.post(f"{PAY}/subscriptions", json=body, headers=keyed(user, key))
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    mine = (await env.http.get(f"{PAY}/subscriptions", headers=auth(user))).json()["data"]
    assert [s["id"] for s in mine] == [first.json()["id"]]  # one subscription, one renewal schedule


async def test_payout_retried_after_a_lost_response_holds_the_earnings_once(env: PayEnv) -> None:
    from tests.db.test_payout_service import fund_earnings

    agent, key = uid("agent"), uid("k")
    await fund_earnings(env.factory, agent, 5_000)
    h = auth(agent, "agent")
    dest = await env.http.post(
        f"{PAY}/payouts/destinations", json={"provider": "stripe", "account": "acct_1234abcd"}, headers=h
    )
    assert dest.status_code == 201, dest.text
    await _past_cooling_off(env, dest.json()["destination_id"])
    body = {"currency": "USD", "amount": "20.00"}
    first = await env.http.post(f"{PAY}/payouts", json=body, headers=keyed(agent, key, "agent"))
    assert first.status_code == 201, first.text
    await lose_the_response(env, agent, key, "forgotten")
    again = await env.http.post(f"{PAY}/payouts", json=body, headers=keyed(agent, key, "agent"))
    assert again.status_code == 201, again.text
    assert again.json()["payout_id"] == first.json()["payout_id"]
    earned = (await env.http.get(f"{PAY}/earnings", headers=h)).json()["data"][0]
    assert earned["available"] == "30.00"  # 20.00 held once, not twice


async def _past_cooling_off(env: PayEnv, destination_id: str) -> None:
    """This test is about retries, not the new-destination wait (test_payout_destination_cooling_off)."""
    from sqlalchemy import update

    from db.models.payouts import PayoutDestination

    async with env.factory() as s, s.begin():
        await s.execute(
            update(PayoutDestination).where(PayoutDestination.id == destination_id).values(usable_from=None)
        )
