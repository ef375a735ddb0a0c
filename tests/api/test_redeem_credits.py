"""#11.10: an agent's credit earnings are redeemable into a payout currency at the platform's price,
booked in the ledger (credits retired, fiat owed) — never at a caller's rate, never someone else's."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from pydantic import ValidationError

from config.settings import Settings
from db.session import unit_of_work
from domain.ledger import earnings, system, transfer_postings
from services import ledger
from tests.support.tokens import auth, uid

API = "/api/v1/payments"
C = 10**4  # one credit


@pytest.fixture
async def client(make_app):
    app = make_app(credit_redemption_prices={"USD": Decimal("0.90")})
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c,
    ):
        yield c


async def _earn(factory, agent: str, credits: int) -> None:
    """What an escrow release does: credits into the agent's earnings."""
    async with unit_of_work(factory) as s:
        await ledger.transfer(
            s,
            transfer_postings(system("test_source", "CREDIT"), earnings(agent, "CREDIT"), credits, "CREDIT"),
            uid("k"),
        )


async def _balances(factory, agent: str) -> tuple[int, int]:
    async with factory() as s:
        return await ledger.balance(s, earnings(agent, "CREDIT")), await ledger.balance(
            s, earnings(agent, "USD")
        )


async def test_agent_redeems_its_credits_at_the_platform_price(client, session_factory) -> None:
    agent = uid("agent")
    await _earn(session_factory, agent, 25 * C)
    body = {"amount": "10.0001", "currency": "USD", "reference": "r-1"}
    r = await client.post(f"{API}/payouts/redeem-credits", json=body, headers=auth(agent, "agent"))
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["credits"], got["amount"], got["price"], got["created"]) == ("10.0001", "9.00", "0.90", True)
    assert await _balances(session_factory, agent) == (25 * C - 10 * C - 1, 900)
    earn = (await client.get(f"{API}/earnings", headers=auth(agent, "agent"))).json()["data"]
    assert {e["currency"]: e["available"] for e in earn}["USD"] == "9.00"
    # the same reference: the same redemption once; another amount under it: a conflict
    again = await client.post(f"{API}/payouts/redeem-credits", json=body, headers=auth(agent, "agent"))
    assert again.status_code == 201 and again.json()["created"] is False
    r = await client.post(
        f"{API}/payouts/redeem-credits", json={**body, "amount": "1"}, headers=auth(agent, "agent")
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_conflict"
    # more than is left
    r = await client.post(
        f"{API}/payouts/redeem-credits",
        json={"amount": "15", "reference": "r-2"},
        headers=auth(agent, "agent"),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_earnings"
    assert await _balances(session_factory, agent) == (25 * C - 10 * C - 1, 900)


async def test_nobody_redeems_another_agents_earnings_or_sets_the_rate(client, session_factory) -> None:
    agent, stranger = uid("agent"), uid("agent")
    await _earn(session_factory, agent, 5 * C)
    for who in (auth(stranger, "agent"), auth(uid()), auth("svc", "service")):
        r = await client.post(f"{API}/payouts/redeem-credits", json={"amount": "5"}, headers=who)
        assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_earnings", r.text
    for extra in ({"agent_id": agent}, {"price": "100"}, {"rate": "100"}):
        r = await client.post(
            f"{API}/payouts/redeem-credits", json={"amount": "5", **extra}, headers=auth(stranger, "agent")
        )
        assert r.status_code == 422, r.text
    for currency, code in (("EUR", "redemption_not_offered"), ("CREDIT", "invalid_amount"), ("XXX", None)):
        r = await client.post(
            f"{API}/payouts/redeem-credits",
            json={"amount": "5", "currency": currency},
            headers=auth(agent, "agent"),
        )
        assert r.status_code == 422, r.text
        if code:
            assert r.json()["error"]["code"] == code
    r = await client.post(
        f"{API}/payouts/redeem-credits", json={"amount": "0.0001"}, headers=auth(agent, "agent")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "amount_too_small"
    assert await _balances(session_factory, agent) == (5 * C, 0)


async def test_redemption_is_off_unless_configured(api_client, session_factory) -> None:
    agent = uid("agent")
    await _earn(session_factory, agent, 5 * C)
    r = await api_client.post(
        f"{API}/payouts/redeem-credits", json={"amount": "1"}, headers=auth(agent, "agent")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "redemption_not_offered"


@pytest.mark.parametrize(
    "prices", [{"USD": "0"}, {"USD": "-1"}, {"BTC": "1"}, {"CREDIT": "1"}, {"USD": "NaN"}]
)
def test_redemption_prices_are_checked_at_start(prices) -> None:
    with pytest.raises(ValidationError):
        Settings(env="dev", credit_redemption_prices=prices)
