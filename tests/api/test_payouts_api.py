"""The payouts API: earnings, destinations, POST /payouts (hold + workflow start), lists, visibility."""

from __future__ import annotations

from decimal import Decimal

import httpx

from contracts.temporal import payout_workflow_id
from tests.db.test_payout_service import fund_earnings
from tests.support.tokens import auth, uid


async def test_payout_request_holds_earnings_and_starts_the_workflow(
    make_app, ts_env, session_factory
) -> None:
    app = make_app(
        temporal_client=ts_env.client,
        payout_reserve_percent=Decimal("10"),
        payouts_search_attributes=False,
        # The flow after the cooling-off period (its refusal: test_payout_destination_cooling_off.py).
        payout_destination_cooling_off_seconds=0,
        task_queue=uid("tq"),
    )
    agent, other = uid("agent"), uid("agent")
    await fund_earnings(session_factory, agent, 5_000)
    h = auth(agent, "agent")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1/payments") as c,
    ):
        earned = (await c.get("/earnings", headers=h)).json()["data"]
        assert earned == [
            {
                "currency": "USD",
                "available": "50.00",
                "reserved": "0.00",
                "in_transit": "0.00",
                "payout_minimum": "10.00",
            }
        ]
        r = await c.post("/payouts", json={"currency": "USD"}, headers=h)
        assert r.status_code == 409 and r.json()["error"]["code"] == "no_payout_destination"
        r = await c.post(
            "/payouts/destinations", json={"provider": "stripe", "account": "acct_1234abcd"}, headers=h
        )
        assert r.status_code == 201 and r.json()["default"] is True
        r = await c.post("/payouts", json={"currency": "USD", "amount": "9.99"}, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "below_payout_minimum"
        r = await c.post("/payouts", json={"currency": "USD", "amount": "50.01"}, headers=h)
        assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_earnings"
        r = await c.post("/payouts", json={"currency": "USD", "amount": 40.00}, headers=h)
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["status"], body["amount"], body["net_amount"], body["reserve_amount"]) == (
            "pending",
            "40.00",
            "36.00",
            "4.00",
        )
        desc = await ts_env.client.get_workflow_handle(payout_workflow_id(body["payout_id"])).describe()
        assert desc.workflow_type == "PayoutWorkflow"
        earned = (await c.get("/earnings", headers=h)).json()["data"][0]
        assert (earned["available"], earned["reserved"], earned["in_transit"]) == ("10.00", "4.00", "36.00")
        listed = (await c.get("/payouts", headers=h)).json()
        assert [p["payout_id"] for p in listed["data"]] == [body["payout_id"]]
        assert (await c.get(f"/payouts/{body['payout_id']}", headers=h)).status_code == 200
        foreign = await c.get(f"/payouts/{body['payout_id']}", headers=auth(other, "agent"))
        assert foreign.status_code == 404
        assert (await c.get("/payouts", headers=auth(other, "agent"))).json()["data"] == []
        assert (await c.get("/disputes", headers=auth(uid("admin"), "admin"))).status_code == 200
