"""Escrow through the HTTP API on a real Temporal dev server, a registry worker and PostgreSQL:
validation, refusals with clear 4xx that move no money, signature races, disputes, reads."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from db.models.ledger import LedgerTransaction
from db.session import unit_of_work
from domain.ledger import earnings, escrow_holding, system, wallet
from services import credits, ledger
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
BASE = "/api/v1/payments/escrow"


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app):  # type: ignore[no-untyped-def]
    async with payments_env(dev_env.client, settings, session_factory, make_app) as e:
        yield e


async def give_credits(env: PayEnv, user: str, credits_minor: int) -> None:
    async with unit_of_work(env.factory) as s:
        await credits.grant_purchased_credits(s, user_id=user, credits=credits_minor, payment_id=uid("pay"))


async def balances(env: PayEnv, *accounts: str) -> list[int]:
    async with env.factory() as s:
        return [await ledger.balance(s, a) for a in accounts]


async def create(env: PayEnv, payer: str, payee: str, amount: str = "100", **extra: Any) -> dict[str, Any]:
    body = {"contract_id": uid("ct"), "amount": amount, "payee_id": payee, **extra}
    r = await env.http.post(f"{BASE}/create", json=body, headers=auth(payer))
    assert r.status_code == 201, r.text
    return r.json()


async def post(
    env: PayEnv, eid: str, action: str, who: str, role: str = "user", **body: Any
) -> httpx.Response:
    return await env.http.post(f"{BASE}/{eid}/{action}", json=body, headers=auth(who, role))


def code(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


async def test_create_validates_and_refuses_a_second_escrow_per_contract(env: PayEnv) -> None:
    payer, payee = uid("user"), uid("agent")
    doc = await create(
        env, payer, payee, "12.5", signers=[payer, "s2"], required_signatures=2, auto_release_threshold="0.9"
    )
    assert (doc["status"], doc["amount"], doc["currency"], doc["held"]) == (
        "created",
        "12.5000",
        "CREDIT",
        "0.0000",
    )
    assert (doc["signers"], doc["required_signatures"], doc["auto_release_threshold"]) == (
        [payer, "s2"],
        2,
        "0.9",
    )
    assert doc["fee_percent"] == "10" and doc["deadlines"]["funding"]
    again = await env.http.post(
        f"{BASE}/create",
        json={"contract_id": doc["contract_id"], "amount": "1", "payee_id": payee},
        headers=auth(payer),
    )
    assert code(again) == (409, "escrow_exists")
    bad = [
        ({"contract_id": uid("ct"), "payee_id": payee}, 422),  # no amount, no quote
        ({"contract_id": uid("ct"), "amount": "1", "payee_id": payer}, 422),  # pays itself
        ({"contract_id": uid("ct"), "amount": "0.00001", "payee_id": payee}, 422),  # too many decimals
        ({"contract_id": uid("ct"), "amount": "1", "payee_id": payee, "required_signatures": 2}, 422),
        ({"contract_id": uid("ct"), "amount": "1", "payee_id": payee, "auto_release_threshold": "1.5"}, 422),
        (
            {"contract_id": uid("ct"), "amount": "1", "payee_id": payee, "fee_percent": "0"},
            403,
        ),  # users can't
        ({"contract_id": uid("ct"), "amount": "1", "payee_id": payee, "surprise": 1}, 422),
    ]
    for body, status in bad:
        r = await env.http.post(f"{BASE}/create", json=body, headers=auth(payer))
        assert r.status_code == status, (body, r.text)
    assert (await env.http.post(f"{BASE}/create", json={})).status_code == 401


async def test_multisig_release_and_every_illegal_move_refused_without_moving_money(env: PayEnv) -> None:
    payer, payee, s2, admin = uid("user"), uid("agent"), uid("user"), uid("admin")
    await give_credits(env, payer, 1_000_000)  # 100 credits
    doc = await create(env, payer, payee, "40", signers=[payer, s2], required_signatures=2)
    eid, cid = doc["escrow_id"], doc["contract_id"]
    accounts = (wallet(payer), escrow_holding(cid, "CREDIT"), earnings(payee, "CREDIT"))

    assert code(await post(env, eid, "deliver", payee, "agent")) == (409, "not_funded")
    assert code(await post(env, eid, "fund", payee, "agent")) == (403, "escrow_forbidden")
    funded = (await post(env, eid, "fund", payer)).json()
    assert (funded["status"], funded["held"]) == ("funded", "40.0000")
    assert await balances(env, *accounts) == [600_000, 400_000, 0]

    assert code(await post(env, eid, "resolve", admin, "admin", payee_amount="1")) == (409, "not_disputed")
    assert code(await post(env, eid, "refund", payee, "agent", amount="40.0001")) == (
        422,
        "refund_exceeds_held",
    )
    assert code(await post(env, eid, "refund", payer, amount="1")) == (403, "escrow_forbidden")
    assert code(await post(env, eid, "cancel", payer)) == (409, "invalid_state")
    delivered = (await post(env, eid, "deliver", payee, "agent", evidence_url="s3://out")).json()
    assert (delivered["status"], delivered["validation_score"]) == ("delivered", None)
    assert code(await post(env, eid, "sign", uid("eve"))) == (404, "escrow_not_found")
    assert await balances(env, *accounts) == [600_000, 400_000, 0]  # nothing moved

    first = (await post(env, eid, "sign", s2)).json()
    assert (first["counted"], first["signature_count"]) == (True, 1)
    assert code(await post(env, eid, "sign", s2)) == (409, "already_signed")  # counts once
    done = (await post(env, eid, "sign", payer)).json()
    assert (done["status"], done["released"], done["fee"], done["held"]) == (
        "released",
        "36.0000",
        "4.0000",
        "0.0000",
    )
    assert await balances(env, *accounts) == [600_000, 0, 360_000]

    # The workflow has closed: later moves are refused from the row, still as 4xx.
    assert code(await post(env, eid, "sign", s2)) == (409, "escrow_released")
    assert code(await post(env, eid, "refund", admin, "admin")) == (409, "escrow_released")
    assert code(await post(env, eid, "sign", uid("eve"))) == (404, "escrow_not_found")
    got = (await env.http.get(f"{BASE}/{eid}", headers=auth(payee, "agent"))).json()
    assert got["status"] == "released" and [e["kind"] for e in got["events"]][-1] == "released"
    assert await balances(env, *accounts) == [600_000, 0, 360_000]
    async with env.factory() as s:
        keys = (
            (
                await s.execute(
                    select(LedgerTransaction.idempotency_key).where(
                        LedgerTransaction.idempotency_key.like(f"esc:{cid}:%")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sorted(keys) == [f"esc:{cid}:release"]  # (the funding key is the credits area's)


async def test_concurrent_signers_release_exactly_once(env: PayEnv) -> None:
    payer, payee = uid("user"), uid("agent")
    signers = [payer, *(uid("s") for _ in range(4))]
    await give_credits(env, payer, 100_000)
    doc = await create(env, payer, payee, "10", signers=signers, required_signatures=3)
    eid, cid = doc["escrow_id"], doc["contract_id"]
    await post(env, eid, "fund", payer)
    await post(env, eid, "deliver", payee, "agent")
    answers = await asyncio.gather(*(post(env, eid, "sign", s) for s in signers))
    assert all(a.status_code in (200, 409) for a in answers), [a.text for a in answers]
    counted = [a.json().get("counted") for a in answers if a.status_code == 200]
    assert counted.count(True) == 3
    assert await balances(env, escrow_holding(cid, "CREDIT"), earnings(payee, "CREDIT")) == [0, 90_000]
    async with env.factory() as s:
        n = (
            (
                await s.execute(
                    select(LedgerTransaction.id).where(
                        LedgerTransaction.idempotency_key == f"esc:{cid}:release"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(n) == 1


async def test_dispute_and_resolution_split(env: PayEnv) -> None:
    payer, payee, admin = uid("user"), uid("agent"), uid("admin")
    await give_credits(env, payer, 500_000)
    doc = await create(env, payer, payee, "50")
    eid, cid = doc["escrow_id"], doc["contract_id"]
    await post(env, eid, "fund", payer)
    assert code(await post(env, eid, "dispute", uid("eve"), reason="x")) == (404, "escrow_not_found")
    disputed = (await post(env, eid, "dispute", payer, reason="never delivered")).json()
    assert disputed["status"] == "disputed" and disputed["deadlines"]["arbitration"]
    assert disputed["deadlines"]["delivery"] is None and disputed["deadlines"]["paused_seconds"] > 0
    assert code(await post(env, eid, "resolve", payee, "agent", payee_amount="1")) == (
        403,
        "escrow_forbidden",
    )
    assert code(await post(env, eid, "resolve", admin, "admin", payee_amount="50.0001"))[0] == 422
    ruled = (await post(env, eid, "resolve", admin, "admin", payee_amount="20", note="partial work")).json()
    assert (ruled["status"], ruled["released"], ruled["fee"], ruled["refunded"], ruled["held"]) == (
        "resolved",
        "18.0000",
        "2.0000",
        "30.0000",
        "0.0000",
    )
    assert await balances(env, wallet(payer), escrow_holding(cid, "CREDIT"), earnings(payee, "CREDIT")) == [
        300_000,
        0,
        180_000,
    ]
    async with env.factory() as s:
        view = await credits.balance_view(s, payer)
    assert view.balance == 300_000  # the refund came back as a usable lot


async def test_insufficient_credits_cancel_partial_refund_reads_and_lists(env: PayEnv) -> None:
    payer, payee, other = uid("user"), uid("agent"), uid("user")
    await give_credits(env, payer, 100_000)  # 10 credits
    big = await create(env, payer, payee, "11")
    assert code(await post(env, big["escrow_id"], "fund", payer)) == (409, "insufficient_credits")
    cancelled = (await post(env, big["escrow_id"], "cancel", payer, reason="too dear")).json()
    assert cancelled["status"] == "cancelled"
    small = await create(env, payer, payee, "8")
    await post(env, small["escrow_id"], "fund", payer)
    part = (await post(env, small["escrow_id"], "refund", payee, "agent", amount="3")).json()
    assert (part["status"], part["held"], part["refunded"]) == ("partially_refunded", "5.0000", "3.0000")
    assert await balances(env, wallet(payer)) == [50_000]

    stranger = await env.http.get(f"{BASE}/{small['escrow_id']}", headers=auth(other))
    assert code(stranger) == (404, "escrow_not_found")
    by_contract = await env.http.get(f"{BASE}/{small['contract_id']}", headers=auth(payer))
    assert by_contract.json()["escrow_id"] == small["escrow_id"]
    mine = (await env.http.get(BASE, params={"status": "cancelled"}, headers=auth(payer))).json()
    assert [d["escrow_id"] for d in mine["data"]] == [big["escrow_id"]]
    theirs = (await env.http.get(BASE, headers=auth(other))).json()
    assert theirs["data"] == []
    one = (await env.http.get(BASE, params={"contract_id": small["contract_id"]}, headers=auth(payee))).json()
    assert [d["status"] for d in one["data"]] == ["partially_refunded"]
    assert (await env.http.get(BASE, params={"status": "bogus"}, headers=auth(payer))).status_code == 422
    assert await balances(env, system("revenue", "CREDIT"))  # (other tests' fees; just readable)


async def test_create_with_a_quote_charges_exactly_the_quoted_price_once(env: PayEnv) -> None:
    payer, agent = uid("user"), uid("agent")
    listed = await env.http.put(
        f"/api/v1/payments/pricing/agents/{agent}/prices/USD",
        headers=auth(agent, "agent"),
        json={"unit_price": "19.99"},
    )
    assert listed.status_code == 200, listed.text
    q = await env.http.post(
        "/api/v1/payments/pricing/quotes", headers=auth(payer), json={"agent_id": agent, "quantity": 2}
    )
    assert q.status_code == 201, q.text
    quote = q.json()
    r = await env.http.post(
        f"{BASE}/create", headers=auth(payer), json={"contract_id": uid("ct"), "quote_id": quote["quote_id"]}
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    assert (doc["amount"], doc["currency"], doc["payee_id"]) == (quote["amount"], quote["currency"], agent)
    reuse = await env.http.post(
        f"{BASE}/create", headers=auth(payer), json={"contract_id": uid("ct"), "quote_id": quote["quote_id"]}
    )
    assert code(reuse) == (409, "quote_invalid")
    foreign = await env.http.post(
        f"{BASE}/create", headers=auth(uid("user")), json={"contract_id": uid("ct"), "quote_id": "quo_nope"}
    )
    assert code(foreign) == (409, "quote_invalid")
    q2 = (
        await env.http.post(
            "/api/v1/payments/pricing/quotes",
            headers=auth(payer),
            json={"agent_id": agent},
        )
    ).json()
    mismatch = await env.http.post(
        f"{BASE}/create",
        headers=auth(payer),
        json={"contract_id": uid("ct"), "quote_id": q2["quote_id"], "amount": "4.99"},
    )
    assert code(mismatch) == (409, "quote_mismatch")
