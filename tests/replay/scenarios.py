"""Recording-only scenarios for workflow types no other test drives on a server.

Collected only when `python -m tests.replay.record` passes this file to pytest explicitly (the name
does not match test_*.py, so normal runs skip it).
"""

from __future__ import annotations

import pytest
import stripe

from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, localstripe):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, stripe_api_base=localstripe
    ) as e:
        yield e


async def test_attach_payment_method(env: PayEnv, localstripe: str) -> None:  # noqa: F811
    client = stripe.StripeClient("sk_test_meshpay_dev", base_addresses={"api": localstripe})
    pm = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    )
    r = await env.http.post(
        "/api/v1/payments/methods", json={"provider": "stripe", "token": str(pm.id)}, headers=auth(uid())
    )
    assert r.status_code == 201, r.text
    assert r.json()["last4"] == "4242"
