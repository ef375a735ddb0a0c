"""The payouts API: earnings, destinations, POST /payouts (hold + workflow start), lists, visibility."""

from __future__ import annotations

import asyncio
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


async def test_payout_workflow_starts_only_after_the_hold_commits(
    make_app, ts_env, session_factory, settings, monkeypatch
) -> None:
    """Issue 12.6: with a slow path between the workflow start and the request's commit, the send
    activity (real PayoutActivities, a provider stand-in) must still find the payout."""
    from temporalio.worker import Worker

    from activities.deps import Deps
    from activities.payouts import PayoutActivities
    from providers.payouts import ProviderPayout
    from workflows.payout import PayoutWorkflow

    class Provider:
        name = "stripe"

        async def send(self, *, payout_id: str, **_: object) -> ProviderPayout:
            return ProviderPayout(f"tr_{payout_id}", "paid")

        async def status(self, provider_ref: str) -> ProviderPayout:
            return ProviderPayout(provider_ref, "paid")

    tq = uid("tq")
    s2 = settings.model_copy(update={"task_queue": tq, "payouts_search_attributes": False})
    app = make_app(
        temporal_client=ts_env.client,
        payouts_search_attributes=False,
        task_queue=tq,
        payout_destination_cooling_off_seconds=0,  # the destination is added just before the payout
    )
    real_start = ts_env.client.start_workflow

    async def slow_start(*args, **kwargs):  # the workflow is running; the commit comes 1.5 s later
        handle = await real_start(*args, **kwargs)
        await asyncio.sleep(1.5)
        return handle

    monkeypatch.setattr(ts_env.client, "start_workflow", slow_start)
    agent = uid("agent")
    await fund_earnings(session_factory, agent, 3_000)
    h = auth(agent, "agent")
    acts = PayoutActivities(
        Deps(settings=s2, session_factory=session_factory, client=ts_env.client), {"stripe": Provider()}
    )
    async with (
        Worker(ts_env.client, task_queue=tq, workflows=[PayoutWorkflow], activities=acts.all()),
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1/payments") as c,
    ):
        r = await c.post(
            "/payouts/destinations", json={"provider": "stripe", "account": "acct_1234abcd"}, headers=h
        )
        assert r.status_code == 201
        r = await c.post("/payouts", json={"currency": "USD", "amount": "30.00"}, headers=h)
        assert r.status_code == 201, r.text
        handle = ts_env.client.get_workflow_handle(payout_workflow_id(r.json()["payout_id"]))
        async with ts_env.time_skipping_unlocked():
            view = await handle.result()
        assert view["status"] == "paid"
        got = (await c.get(f"/payouts/{r.json()['payout_id']}", headers=h)).json()
    assert got["status"] == "paid"


async def test_a_payout_whose_workflow_start_failed_is_started_by_the_reconciler(
    make_app, ts_env, session_factory, settings, monkeypatch
) -> None:
    """Temporal unreachable right after the commit: the payout is held (201, pending) and the
    reconciler's sweep finds it without a workflow and starts it; it ends paid."""
    from temporalio.service import RPCError, RPCStatusCode
    from temporalio.worker import Worker

    from activities.deps import Deps
    from activities.payouts import PayoutActivities
    from activities.reconcile import ReconcileActivities
    from contracts.reconcile import ReconcileInput
    from providers.payouts import ProviderPayout
    from workflows.payout import PayoutWorkflow

    class Provider:
        name = "stripe"

        async def send(self, *, payout_id: str, **_: object) -> ProviderPayout:
            return ProviderPayout(f"tr_{payout_id}", "paid")

        async def status(self, provider_ref: str) -> ProviderPayout:
            return ProviderPayout(provider_ref, "paid")

    async def unavailable(*_a: object, **_k: object) -> None:
        raise RPCError("temporal unavailable", RPCStatusCode.UNAVAILABLE, b"")

    tq = uid("tq")
    s2 = settings.model_copy(update={"task_queue": tq, "payouts_search_attributes": False})
    app = make_app(
        temporal_client=ts_env.client,
        payouts_search_attributes=False,
        task_queue=tq,
        payout_destination_cooling_off_seconds=0,  # the destination is added just before the payout
    )
    agent = uid("agent")
    await fund_earnings(session_factory, agent, 2_000)
    h = auth(agent, "agent")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1/payments") as c,
    ):
        r = await c.post(
            "/payouts/destinations", json={"provider": "stripe", "account": "acct_5678"}, headers=h
        )
        assert r.status_code == 201
        monkeypatch.setattr(ts_env.client, "start_workflow", unavailable)
        r = await c.post("/payouts", json={"currency": "USD", "amount": "20.00"}, headers=h)
        monkeypatch.undo()
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    payout_id = r.json()["payout_id"]

    deps = Deps(settings=s2, session_factory=session_factory, client=ts_env.client)
    report = await ReconcileActivities(deps).run_sweep(ReconcileInput(payout_grace_seconds=0))
    mine = [(d.kind, d.fixed) for d in report.differences if d.object_id == payout_id]
    assert mine == [("payout_without_workflow", True)]
    acts = PayoutActivities(deps, {"stripe": Provider()})
    async with Worker(ts_env.client, task_queue=tq, workflows=[PayoutWorkflow], activities=acts.all()):
        handle = ts_env.client.get_workflow_handle(payout_workflow_id(payout_id))
        async with ts_env.time_skipping_unlocked():
            assert (await handle.result())["status"] == "paid"
