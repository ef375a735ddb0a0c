"""A new payout destination waits a cooling-off period before its first payout, and the payee sees
the change as an account event: a stolen agent token is no longer an immediate payout."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from db.session import unit_of_work
from services import payouts
from tests.db.test_payout_service import POLICY, fund_earnings
from tests.support.tokens import auth, uid

API = "/api/v1/payments"


@pytest.fixture
async def client(make_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(temporal_client=object(), payout_destination_cooling_off_seconds=24 * 3600)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        yield c


async def test_a_new_destination_cannot_be_paid_at_once_and_the_agent_is_told(
    client: httpx.AsyncClient, session_factory: Any
) -> None:
    agent = uid("agent")
    h = auth(agent, "agent")
    await fund_earnings(session_factory, agent, 50_00)
    r = await client.post(
        f"{API}/payouts/destinations", json={"provider": "stripe", "account": "acct_thief1"}, headers=h
    )
    assert r.status_code == 201, r.text
    dest = r.json()
    usable_from = datetime.fromisoformat(dest["usable_from"])
    assert usable_from - datetime.now(UTC) > timedelta(hours=23, minutes=59)

    r = await client.post(f"{API}/payouts", json={"currency": "USD"}, headers=h)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "destination_cooling_off"
    r = await client.post(
        f"{API}/payouts", json={"currency": "USD", "destination_id": dest["destination_id"]}, headers=h
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "destination_cooling_off"

    events = (await client.get(f"{API}/events", headers=h)).json()
    assert [e["type"] for e in events["data"]] == ["payout_destination.created"]
    assert events["data"][0]["data"]["destination_id"] == dest["destination_id"]
    assert events["data"][0]["data"]["usable_from"] == dest["usable_from"].replace("Z", "+00:00")
    # Someone else sees none of it.
    other = (await client.get(f"{API}/events", headers=auth(uid("agent"), "agent"))).json()
    assert other["data"] == []

    # Adding the same destination again neither restarts nor shortens its period, nor adds an event.
    again = await client.post(
        f"{API}/payouts/destinations", json={"provider": "stripe", "account": "acct_thief1"}, headers=h
    )
    assert again.json()["usable_from"] == dest["usable_from"]
    assert len((await client.get(f"{API}/events", headers=h)).json()["data"]) == 1


async def test_the_weekly_run_skips_destinations_still_cooling_off(session_factory: Any) -> None:
    cooling, ready = uid("agent"), uid("agent")
    for payee, wait in ((cooling, 3600), (ready, 0)):
        async with unit_of_work(session_factory) as s:
            await payouts.add_destination(
                s,
                payee_id=payee,
                provider="stripe",
                account_ref=f"acct_{uid('x')[2:]}",
                cooling_off_seconds=wait,
            )
        await fund_earnings(session_factory, payee, 50_00)
    payable: set[str] = set()
    after = None
    async with session_factory() as s:
        while True:
            rows = await payouts.payable_page(s, POLICY, after=after, limit=500)
            if not rows:
                break
            payable |= {payee for payee, _, _ in rows}
            after = rows[-1][:2]
    assert ready in payable and cooling not in payable


async def test_past_the_period_the_destination_is_paid(session_factory: Any) -> None:
    payee = uid("agent")
    async with unit_of_work(session_factory) as s:
        await payouts.add_destination(
            s, payee_id=payee, provider="stripe", account_ref=f"acct_{uid('x')[2:]}", cooling_off_seconds=0
        )
    await fund_earnings(session_factory, payee, 50_00)
    async with unit_of_work(session_factory) as s:
        payout, created = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD")
    assert created and payout.amount == 50_00
