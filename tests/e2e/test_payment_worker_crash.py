"""A worker SIGKILLed between the Stripe call and the activity's completion, then restarted, leaves
exactly one provider-side charge (counted on localstripe) and one ledger transaction.

localstripe ignores idempotency keys, so without the retry's reconciliation (`find` by payment_id
metadata before creating again) the second attempt would charge the card twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import stripe
from sqlalchemy import func, select

from activities.deps import Deps
from contracts.payments import PaymentOutcome, PaymentPurpose
from contracts.temporal import payment_workflow_id
from db.models.ledger import LedgerTransaction
from db.session import unit_of_work
from services.payment_start import start_payment
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.tokens import uid
from workers.main import build_worker

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def charges_for(base: str, payment_id: str) -> int:
    h = {"Authorization": "Bearer sk_test_x"}
    intents = httpx.get(f"{base}/v1/payment_intents", params={"limit": 100}, headers=h).json()["data"]
    mine = {pi["id"] for pi in intents if (pi.get("metadata") or {}).get("payment_id") == payment_id}
    charges = httpx.get(f"{base}/v1/charges", params={"limit": 100}, headers=h).json()["data"]
    return sum(1 for c in charges if c.get("payment_intent") in mine and c.get("status") == "succeeded")


async def test_killed_worker_restarted_charges_once(
    dev_env,
    settings,
    session_factory,
    localstripe,  # type: ignore[no-untyped-def]  # noqa: F811
    tmp_path: Path,
) -> None:
    client = dev_env.client
    tq = f"crash-{uid('q')}"
    s = settings.model_copy(
        update={"task_queue": tq, "stripe_api_base": localstripe, "payment_provider_heartbeat_seconds": 2}
    )
    pm = stripe.StripeClient("sk_test_x", base_addresses={"api": localstripe}).v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    )

    marker = tmp_path / "charged"
    env = {
        **os.environ,
        "MESHPAY_DATABASE_URL": s.database_url,
        "MESHPAY_TASK_QUEUE": tq,
        "MESHPAY_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "MESHPAY_STRIPE_API_BASE": localstripe,
        "CRASH_MARKER": str(marker),
        "MESHPAY_ENV": "dev",
    }
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.crash_worker"], cwd=ROOT, env=env)
    try:
        async with unit_of_work(session_factory) as session:
            started = await start_payment(
                session,
                client,
                s,
                payer_id=uid("u"),
                amount=2500,
                currency="USD",
                provider="stripe",
                purpose=PaymentPurpose("none"),
                payment_method_id=str(pm.id),
                off_session=True,
            )
        pid = started.payment_id
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline, "the worker never reached the provider call"
            assert proc.poll() is None, "the crash worker exited early"
            time.sleep(0.05)
        assert charges_for(localstripe, pid) == 1  # the charge happened; the activity never completed
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    # Restart: a fresh worker on the same task queue picks the activity up after its heartbeat timeout.
    worker = build_worker(client, Deps(settings=s, session_factory=session_factory, client=client), tq)
    async with worker:
        outcome = await client.get_workflow_handle(
            payment_workflow_id(pid), result_type=PaymentOutcome
        ).result()
    assert outcome.status == "completed"
    assert charges_for(localstripe, pid) == 1
    async with session_factory() as session:
        n = (
            await session.execute(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.idempotency_key.like(f"pay:{pid}:%"))
            )
        ).scalar_one()
    assert n == 1
