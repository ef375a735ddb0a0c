"""POST /{payment_id}/confirm never holds a request on the provider: a refusal (a payment method
Stripe does not know, or none) is answered at once with the provider's reason; an outage is answered
503 + Retry-After within the bounded wait while the workflow keeps trying (the same
Idempotency-Key then joins the same Update). Stripe is localstripe; the outage is a dead port."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
PAY = "/api/v1/payments"


async def _create(env: PayEnv, user: str, **extra: Any) -> dict[str, Any]:
    body = {"amount": "10.00", "currency": "USD", "provider": "stripe", **extra}
    r = await env.http.post(f"{PAY}/create", headers=auth(user), json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _status(env: PayEnv, pid: str, user: str, want: set[str]) -> dict[str, Any]:
    for _ in range(100):
        doc = dict((await env.http.get(f"{PAY}/{pid}", headers=auth(user))).json())
        if doc["status"] in want:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment stayed {doc['status']}")


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, localstripe):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, stripe_api_base=localstripe
    ) as e:
        yield e


@pytest.mark.parametrize("body", [{}, {"payment_method_id": "pm_unknown_to_stripe"}])
async def test_a_refused_payment_method_is_answered_at_once(env: PayEnv, body: dict[str, Any]) -> None:
    user = uid("payer")
    # Created with a method Stripe refuses (400 resource_missing): the create is a refusal too, not an
    # outage to retry for minutes while a confirm waits behind it.
    t0 = time.monotonic()
    doc = await _create(env, user, payment_method_id="pm_bogus_at_create")
    r = await env.http.post(f"{PAY}/{doc['payment_id']}/confirm", headers=auth(user), json=body)
    elapsed = time.monotonic() - t0
    assert elapsed < 5, f"create + confirm took {elapsed:.1f}s"
    assert r.status_code in (200, 409), r.text
    ended = await _status(env, doc["payment_id"], user, {"failed"})
    assert ended["failure_code"] and ended["failure_message"]  # the provider's reason


async def test_confirm_with_a_method_stripe_refuses_fails_the_payment_at_once(env: PayEnv) -> None:
    user = uid("payer")
    doc = await _create(env, user)
    assert doc["status"] == "requires_action"
    t0 = time.monotonic()
    r = await env.http.post(
        f"{PAY}/{doc['payment_id']}/confirm", headers=auth(user), json={"payment_method_id": "pm_nope"}
    )
    assert time.monotonic() - t0 < 5
    assert r.status_code == 200, r.text
    ended = await _status(env, doc["payment_id"], user, {"failed"})
    assert ended["failure_code"]


async def test_an_outage_is_a_bounded_503_and_the_workflow_goes_on(
    dev_env,
    settings,
    session_factory,
    make_app,  # type: ignore[no-untyped-def]
) -> None:
    dead = "http://127.0.0.1:9"  # nothing listens: every Stripe call is a connection error (retried)
    async with payments_env(
        dev_env.client,
        settings,
        session_factory,
        make_app,
        stripe_api_base=dead,
        payment_create_wait_seconds=1.0,
        payment_confirm_wait_seconds=1.0,
    ) as env:
        user = uid("payer")
        doc = await _create(env, user, payment_method_id="pm_card_visa")
        assert doc["status"] == "pending"  # the provider is down: the workflow keeps trying
        h = {**auth(user), "Idempotency-Key": uid("k")}
        t0 = time.monotonic()
        r = await env.http.post(f"{PAY}/{doc['payment_id']}/confirm", headers=h, json={})
        assert time.monotonic() - t0 < 4
        assert r.status_code == 503 and r.headers["retry-after"].isdigit()
        again = await env.http.post(f"{PAY}/{doc['payment_id']}/confirm", headers=h, json={})
        assert again.status_code == 503  # the same key may retry at once (not 409 in use)
        desc = await env.client.get_workflow_handle(f"payment-{doc['payment_id']}").describe()
        assert desc.status is not None and desc.status.name == "RUNNING"
        await env.client.get_workflow_handle(f"payment-{doc['payment_id']}").terminate("test over")
