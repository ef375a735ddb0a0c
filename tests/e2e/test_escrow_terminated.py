"""A card payment completing for an escrow whose workflow was terminated (issue 12 case 7): the
signal answers NOT_FOUND, which is final — the money goes back to the card, it is not retried
forever and not left in the escrow's holding account."""

from __future__ import annotations

import asyncio

import pytest

from contracts.temporal import escrow_workflow_id
from db.models.escrow import Escrow
from domain.ledger import escrow_holding
from services import ledger
from tests.e2e.test_escrow_e2e import _card
from tests.support.invariants import assert_invariants
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
BASE = "/api/v1/payments/escrow"


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, localstripe):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, stripe_api_base=localstripe
    ) as e:
        yield e


async def test_payment_for_a_terminated_escrow_is_refunded_not_retried_forever(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    payer, payee = uid("user"), uid("agent")
    r = await env.http.post(
        f"{BASE}/create",
        headers=auth(payer),
        json={"contract_id": uid("ct"), "amount": "20.00", "currency": "USD", "payee_id": payee},
    )
    eid, cid = r.json()["escrow_id"], r.json()["contract_id"]
    card = {"provider": "stripe", "payment_method_id": _card(localstripe)}
    pid = (await env.http.post(f"{BASE}/{eid}/fund", headers=auth(payer), json=card)).json()["payment"][
        "payment_id"
    ]
    # An operator terminates the escrow workflow; then the payer completes the card payment.
    await env.client.get_workflow_handle(escrow_workflow_id(cid)).terminate("operator")
    confirmed = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(payer), json={})
    assert confirmed.status_code == 200, confirmed.text

    doc: dict[str, str] = {}
    held = -1
    for _ in range(200):
        doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(payer))).json()
        async with env.factory() as s:
            held = await ledger.balance(s, escrow_holding(cid, "USD"))
        if doc.get("refunded_amount") == "20.00" and held == 0:
            break
        await asyncio.sleep(0.1)
    assert (doc.get("refunded_amount"), held) == ("20.00", 0), doc  # back to the card, out of the hold
    async with env.factory() as s:
        row = await s.get(Escrow, eid)
    assert row is not None and row.status == "cancelled"
    await assert_invariants(env.factory)
