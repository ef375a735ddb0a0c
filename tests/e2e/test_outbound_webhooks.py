"""Events out: the outbox, webhook endpoints, Standard Webhooks signatures verified as a receiver
would, retries, a dead endpoint holding up nobody, and who may see what."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from contracts import webhooks as c
from db.models.events import WebhookDelivery
from db.session import unit_of_work
from services import events
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid
from tests.support.webhook_receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.e2e
API = "/api/v1/payments"


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app) -> AsyncIterator[PayEnv]:  # type: ignore[no-untyped-def]
    overrides = {"webhook_allow_private_urls": True, "webhook_initial_retry_seconds": 1}
    async with payments_env(dev_env.client, settings, session_factory, make_app, **overrides) as e:
        handle = await e.client.start_workflow(
            c.DISPATCHER_WORKFLOW,
            c.DispatcherInput(run_seconds=300, sweep_seconds=0.5, task_queue=e.task_queue),
            id=f"dispatcher-{e.task_queue}",
            task_queue=e.task_queue,
        )
        try:
            yield e
        finally:
            await handle.terminate()


async def _endpoint(env: PayEnv, rx: Receiver, owner: str, path: str, **body: Any) -> dict[str, Any]:
    r = await env.http.post(
        f"{API}/webhook-endpoints", headers=auth(owner), json={"url": rx.url(path), **body}
    )
    assert r.status_code == 201, r.text
    rx.secrets[path] = r.json()["secret"]
    return r.json()  # type: ignore[no-any-return]


async def _emit(env: PayEnv, type_: str, account: str, n: int = 1) -> list[str]:
    ids = []
    async with unit_of_work(env.factory) as s:
        for i in range(n):
            e = await events.emit(
                s, type_, account_id=account, object_type="test", object_id=f"obj_{i}", data={"i": i}
            )
            ids.append(e.id)
    return ids


async def _until(check: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached in time")


async def test_an_event_reaches_its_endpoint_signed_and_the_attempt_is_listed(env: PayEnv) -> None:
    user = uid("u")
    async with webhook_receiver() as rx:
        ep = await _endpoint(env, rx, user, "mine", event_types=["credits.*"])
        wanted = await _emit(env, "credits.granted", user)
        await _emit(env, "escrow.created", user)  # filtered out
        await _emit(env, "credits.granted", uid("someone_else"))  # another account's
        await _until(lambda: len(rx.received["mine"]) >= 1)
        await asyncio.sleep(1.5)  # room for anything that should not arrive
        assert [d["id"] for d in rx.received["mine"]] == wanted
        assert rx.received["mine"][0]["_webhook_id"] == wanted[0] and not rx.refused
        assert rx.received["mine"][0]["data"]["object"] == {"i": 0}
        r = await env.http.get(f"{API}/webhook-endpoints/{ep['id']}/attempts", headers=auth(user))
        attempts = r.json()["data"]
        assert [(a["event_id"], a["status_code"], a["succeeded"]) for a in attempts] == [
            (wanted[0], 204, True)
        ]
        listed = (
            await env.http.get(f"{API}/events", headers=auth(user), params={"type": "credits.*"})
        ).json()
        assert [e["id"] for e in listed["data"]] == wanted


async def test_a_failing_receiver_is_retried_and_a_resend_delivers_again(env: PayEnv) -> None:
    user = uid("u")
    async with webhook_receiver() as rx:
        ep = await _endpoint(env, rx, user, "flaky")
        rx.fail_paths.add("flaky")
        [event_id] = await _emit(env, "payout.paid", user)

        async def failures() -> int:
            r = await env.http.get(f"{API}/webhook-endpoints/{ep['id']}/attempts", headers=auth(user))
            return sum(not a["succeeded"] for a in r.json()["data"])

        deadline = time.monotonic() + 30
        while await failures() < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert await failures() >= 2  # retried with backoff (1 s, then 2 s)
        rx.fail_paths.clear()
        await _until(lambda: len(rx.received["flaky"]) == 1, timeout=30)
        r = await env.http.post(
            f"{API}/webhook-endpoints/{ep['id']}/resend", headers=auth(user), json={"event_id": event_id}
        )
        assert r.status_code == 202, r.text
        await _until(lambda: len(rx.received["flaky"]) == 2)
        assert {d["id"] for d in rx.received["flaky"]} == {event_id}


async def test_events_to_ten_endpoints_with_one_down(env: PayEnv) -> None:
    """Nothing lost, nothing delivered to the wrong endpoint, the dead one holds up nobody."""
    accounts = [uid(f"acct{i}") for i in range(10)]
    per_account = 20
    async with webhook_receiver() as rx:
        for i, a in enumerate(accounts):
            await _endpoint(env, rx, a, f"ep{i}")
        rx.fail_paths.add("ep9")
        sent: dict[str, list[str]] = {}
        for i, a in enumerate(accounts):
            sent[f"ep{i}"] = await _emit(env, "escrow.funded", a, per_account)
        live = [f"ep{i}" for i in range(9)]
        await _until(lambda: all(len(rx.received[p]) >= per_account for p in live), timeout=120)
        for p in live:
            assert sorted(d["id"] for d in rx.received[p]) == sorted(sent[p]), p
        assert rx.received["ep9"] == [] and not rx.refused


async def test_hostile_endpoint_requests(env: PayEnv, make_app: Any, dev_env: Any) -> None:
    alice, bob = uid("alice"), uid("bob")
    async with webhook_receiver() as rx:
        ep = await _endpoint(env, rx, alice, "alice")
        [evt] = await _emit(env, "credits.granted", alice)
    bob_h = auth(bob)
    for method, path, body in (
        ("GET", f"/webhook-endpoints/{ep['id']}", None),
        ("PATCH", f"/webhook-endpoints/{ep['id']}", {"url": "https://example.com/x"}),
        ("DELETE", f"/webhook-endpoints/{ep['id']}", None),
        ("GET", f"/webhook-endpoints/{ep['id']}/attempts", None),
        ("POST", f"/webhook-endpoints/{ep['id']}/resend", {"event_id": evt}),
        ("GET", f"/events/{evt}", None),
    ):
        r = await env.http.request(method, f"{API}{path}", headers=bob_h, json=body)
        assert r.status_code == 404, (method, path, r.text)
    assert (await env.http.get(f"{API}/events", headers=bob_h)).json()["data"] == []
    # a user may not subscribe to every account's events
    r = await env.http.post(
        f"{API}/webhook-endpoints", headers=bob_h, json={"url": "https://example.com/h", "all_accounts": True}
    )
    assert r.status_code == 403
    for body in (
        {"url": "ftp://example.com/x"},
        {"url": "https://user:pw@example.com/x"},
        {"url": "https://example.com/" + "x" * 2001},
        {"url": "https://example.com/x", "event_types": ["escrow.teleported"]},
        {"url": "https://example.com/x", "event_types": [1]},
    ):
        r = await env.http.post(f"{API}/webhook-endpoints", headers=bob_h, json=body)
        assert r.status_code == 422, (body, r.text)
    # internal addresses are refused unless the setting allows them
    strict = make_app(temporal_client=dev_env.client, webhook_allow_private_urls=False)
    async with (
        strict.router.lifespan_context(strict),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=strict), base_url="http://t") as http,
    ):
        for url in (
            "http://127.0.0.1:9/x",
            "http://localhost/x",
            "http://10.1.2.3/x",
            "http://169.254.169.254/",
        ):
            r = await http.post(f"{API}/webhook-endpoints", headers=bob_h, json={"url": url})
            assert r.status_code == 422 and r.json()["error"]["code"] == "webhook_url_not_allowed", (
                url,
                r.text,
            )


async def test_three_days_of_failures_disable_the_endpoint_with_an_event(
    ts_env: Any, settings: Any, session_factory: Any, make_app: Any
) -> None:
    """On the time-skipping server: a receiver that never answers 2xx is retried with exponential
    backoff for the whole three-day window; then the endpoint is disabled and says so in an event."""
    from temporalio.worker import Worker

    from activities.deps import Deps
    from activities.webhooks import WebhookActivities
    from workflows.webhook_delivery import WebhookDeliveryWorkflow

    user = uid("u")
    s = settings.model_copy(update={"webhook_allow_private_urls": True})
    tq = uid("tq")
    app = make_app(webhook_allow_private_urls=True)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
        webhook_receiver() as rx,
    ):
        r = await http.post(f"{API}/webhook-endpoints", headers=auth(user), json={"url": rx.url("dead")})
        ep = r.json()
        rx.fail_paths.add("dead")
        async with unit_of_work(session_factory) as session:
            event = await events.emit(
                session, "payout.failed", account_id=user, object_type="payout", object_id="po_1", data={}
            )
            delivery = (
                await session.execute(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id))
            ).scalar_one()
        deps = Deps(settings=s, session_factory=session_factory, client=ts_env.client)
        async with Worker(
            ts_env.client,
            task_queue=tq,
            workflows=[WebhookDeliveryWorkflow],
            activities=WebhookActivities(deps).all(),
        ):
            result = await ts_env.client.execute_workflow(
                c.DELIVERY_WORKFLOW,
                c.DeliveryInput(delivery.id),  # the production window: three days
                id=c.delivery_workflow_id(delivery.id),
                task_queue=tq,
                result_type=c.DeliveryResult,
            )
        assert result.status == "failed" and result.attempts >= 15  # 10 s doubling to 6 h over 3 days
        r = await http.get(f"{API}/webhook-endpoints/{ep['id']}", headers=auth(user))
        assert r.json()["status"] == "disabled" and "retry window" in r.json()["disabled_reason"]
        listed = (
            await http.get(f"{API}/events", headers=auth(user), params={"type": "webhook_endpoint.*"})
        ).json()
        assert [e["object_id"] for e in listed["data"]] == [ep["id"]]


async def test_an_escrow_lifecycle_is_told_to_both_parties(env: PayEnv) -> None:
    """Escrow changes are events, written with the row mirror (once each, however often it runs)."""
    from services import credits

    payer, payee = uid("payer"), uid("agent")
    async with unit_of_work(env.factory) as s:
        await credits.grant_purchased_credits(s, user_id=payer, credits=100_000, payment_id=uid("pay"))
    async with webhook_receiver() as rx:
        await _endpoint(env, rx, payee, "agent", event_types=["escrow.*"])
        r = await env.http.post(
            f"{API}/escrow/create",
            headers=auth(payer),
            json={"contract_id": uid("ct"), "amount": "5", "payee_id": payee},
        )
        escrow_id = r.json()["escrow_id"]
        await env.http.post(
            f"{API}/escrow/{escrow_id}/fund", headers=auth(payer), json={"provider": "credits"}
        )
        r = await env.http.post(
            f"{API}/escrow/{escrow_id}/deliver",
            headers=auth("validator", "service"),
            json={"validation_score": "0.95"},
        )
        assert r.json()["status"] == "released", r.text
        expected = ["escrow.created", "escrow.funded", "escrow.delivered", "escrow.released"]
        await _until(lambda: len(rx.received["agent"]) >= len(expected))
        # each delivery is its own workflow: they arrive in any order (the events list is ordered)
        assert sorted(d["type"] for d in rx.received["agent"]) == sorted(expected)
        released = [d for d in rx.received["agent"] if d["type"] == "escrow.released"]
        assert released[0]["data"]["object"]["status"] == "released"
    for who in (payer, payee):
        listed = (await env.http.get(f"{API}/events", headers=auth(who), params={"type": "escrow.*"})).json()
        assert [e["type"] for e in reversed(listed["data"])] == expected, who


async def test_a_payment_is_told_to_its_payer(env: PayEnv) -> None:
    from services import credits

    payer = uid("payer")
    async with unit_of_work(env.factory) as s:
        await credits.grant_purchased_credits(s, user_id=payer, credits=100_000, payment_id=uid("pay"))
    r = await env.http.post(
        f"{API}/create",
        headers=auth(payer),
        json={"amount": "3", "currency": "CREDIT", "provider": "credits", "purpose": {"kind": "none"}},
    )
    assert r.status_code == 201 and r.json()["status"] == "completed", r.text
    listed = (await env.http.get(f"{API}/events", headers=auth(payer), params={"type": "payment.*"})).json()
    assert [e["type"] for e in reversed(listed["data"])] == ["payment.created", "payment.succeeded"]
    succeeded = listed["data"][0]
    assert succeeded["object_id"] == r.json()["payment_id"] and succeeded["data"]["status"] == "completed"
    assert succeeded["data"]["amount"] == "3.0000"
