"""An operator explains a payment and an escrow: one timeline from the database and Temporal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from db.session import unit_of_work
from services import credits
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
API = "/api/v1/payments"
ADMIN = auth("ops_admin", "admin")


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app):  # type: ignore[no-untyped-def]
    async with payments_env(dev_env.client, settings, session_factory, make_app) as e:
        yield e


async def test_a_payment_and_an_escrow_explained(env: PayEnv, dev_env: Any, db_url: str) -> None:
    alice = uid("alice")
    async with unit_of_work(env.factory) as s:
        await credits.grant_purchased_credits(s, user_id=alice, credits=500_000, payment_id=uid("pay"))
    r = await env.http.post(
        f"{API}/create",
        headers=auth(alice),
        json={"amount": "3", "currency": "CREDIT", "provider": "credits", "purpose": {"kind": "none"}},
    )
    assert r.status_code == 201 and r.json()["status"] == "completed", r.text
    payment_id = r.json()["payment_id"]

    doc = (await env.http.get(f"{API}/admin/explain/{payment_id}", headers=ADMIN)).json()
    assert doc["kind"] == "payment" and doc["summary"]["status"] == "completed"
    sources = {(e["source"], e["what"]) for e in doc["entries"]}
    assert ("row", "payment created") in sources and ("workflow", "workflow started") in sources
    assert ("workflow", "workflow completed") in sources
    ledger = [e for e in doc["entries"] if e["source"] == "ledger"]
    assert ledger and payment_id in ledger[0]["detail"]["key"]
    assert sum(p["amount"] for p in ledger[0]["detail"]["postings"]) == 0  # balanced, shown whole
    steps = [e for e in doc["entries"] if e["what"] in ("activity scheduled", "local activity")]
    assert steps, doc["entries"]

    contract = uid("ct")
    r = await env.http.post(
        f"{API}/escrow/create",
        headers=auth(alice),
        json={"contract_id": contract, "amount": "5", "payee_id": uid("ag")},
    )
    escrow_id = r.json()["escrow_id"]
    r = await env.http.post(
        f"{API}/escrow/{escrow_id}/fund", headers=auth(alice), json={"provider": "credits"}
    )
    assert r.status_code == 200, r.text
    r = await env.http.post(
        f"{API}/escrow/{escrow_id}/deliver",
        headers=auth("validator", "service"),
        json={"validation_score": "0.95"},
    )
    assert r.status_code == 200 and r.json()["status"] == "released", r.text
    doc = (await env.http.get(f"{API}/admin/explain/{contract}", headers=ADMIN)).json()  # by contract id too
    assert doc["kind"] == "escrow" and doc["id"] == escrow_id
    assert any(e["source"] == "escrow" and e["what"] == "funded" for e in doc["entries"]), doc["entries"]
    assert any(e["source"] == "ledger" and contract in e["detail"]["key"] for e in doc["entries"])
    # what moved the release: the escrow workflow's activity, recorded in the transaction itself
    release = [
        e for e in doc["entries"] if e["source"] == "ledger" and e["detail"]["key"].endswith("release")
    ]
    assert release and (release[0]["detail"]["cause"] or {}).get("workflow_id") == f"escrow-{contract}", (
        release
    )

    # the same from the terminal
    env_vars = {
        **os.environ,
        "MESHPAY_ENV": "dev",
        "MESHPAY_DATABASE_URL": db_url,
        "MESHPAY_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
    }
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "explain", payment_id, "--json"],
        env=env_vars,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    cli_doc = json.loads(out.stdout)
    assert cli_doc["id"] == payment_id and any(e["source"] == "workflow" for e in cli_doc["entries"])


async def test_only_admins_explain_and_unknown_ids_are_404(env: PayEnv) -> None:
    assert (await env.http.get(f"{API}/admin/explain/x", headers=auth(uid("u")))).status_code == 403
    assert (await env.http.get(f"{API}/admin/explain/x", headers=auth("svc", "service"))).status_code == 403
    assert (await env.http.get(f"{API}/admin/explain/nothing_here", headers=ADMIN)).status_code == 404
