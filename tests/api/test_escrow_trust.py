"""Who may release an escrow, through the HTTP API (issue 11 case 3): the payee delivers evidence
but never releases to itself; a score is a validator's claim; the release policy is the escrow's."""

from __future__ import annotations

import pytest

from domain.ledger import earnings, escrow_holding, wallet
from tests.api.test_escrow_api import BASE, balances, code, create, give_credits, post
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
JUDGE = "judge-validator"  # an agent id configured as a validator


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app):  # type: ignore[no-untyped-def]
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, escrow_validator_ids=[JUDGE]
    ) as e:
        yield e


async def _funded(env: PayEnv, **extra: object) -> tuple[str, str, str, str, str]:
    payer, payee, a, b = uid("user"), uid("agent"), uid("user"), uid("user")
    await give_credits(env, payer, 1_000_000)
    doc = await create(env, payer, payee, "40", signers=[a, b], required_signatures=2, **extra)
    assert (await post(env, doc["escrow_id"], "fund", payer)).status_code == 200
    return doc["escrow_id"], doc["contract_id"], payee, a, b


async def test_the_payee_scoring_its_own_delivery_is_refused_and_moves_nothing(env: PayEnv) -> None:
    eid, cid, payee, a, b = await _funded(env)
    accounts = (escrow_holding(cid, "CREDIT"), earnings(payee, "CREDIT"))
    r = await post(env, eid, "deliver", payee, "agent", validation_score=1)
    assert code(r) == (403, "validator_required")
    assert r.json()["error"]["param"] == "validation_score"
    got = (await env.http.get(f"{BASE}/{eid}", headers=auth(payee, "agent"))).json()
    assert (got["status"], got["validation_score"]) == ("funded", None)
    assert await balances(env, *accounts) == [400_000, 0]
    # Delivering evidence is the payee's move: delivered, not released.
    delivered = (await post(env, eid, "deliver", payee, "agent", evidence_url="s3://work")).json()
    assert (delivered["status"], delivered["released"], delivered["evidence_url"]) == (
        "delivered",
        "0.0000",
        "s3://work",
    )
    assert code(await post(env, eid, "validate", payee, "agent", validation_score="1")) == (
        403,
        "validator_required",
    )
    assert code(await post(env, eid, "validate", uid("agent"), "agent", validation_score="1"))[0] == 404
    assert await balances(env, *accounts) == [400_000, 0]
    # The signers release it (score_or_signatures: either path).
    await post(env, eid, "sign", a)
    done = (await post(env, eid, "sign", b)).json()
    assert (done["status"], done["released"]) == ("released", "36.0000")
    assert await balances(env, *accounts) == [0, 360_000]


async def test_a_validator_score_releases_under_the_default_policy(env: PayEnv) -> None:
    eid, _, payee, _, _ = await _funded(env)
    await post(env, eid, "deliver", payee, "agent")
    low = (await post(env, eid, "validate", JUDGE, "agent", validation_score="0.5")).json()
    assert (low["status"], low["validation_score"], low["release_policy"]) == (
        "delivered",
        "0.5",
        "score_or_signatures",
    )
    high = (await post(env, eid, "validate", "orchestrator", "service", validation_score="0.9")).json()
    assert high["status"] == "released"
    assert [e["kind"] for e in high["events"]][-3:] == ["scored", "scored", "released"]
    assert await balances(env, earnings(payee, "CREDIT")) == [360_000]


async def test_no_score_overrides_signatures_only(env: PayEnv) -> None:
    eid, cid, _, a, b = await _funded(env, release_policy="signatures_only")
    # The orchestrator delivers and scores in one call: recorded, releases nothing.
    view = (await post(env, eid, "deliver", "orchestrator", "service", validation_score="1")).json()
    assert (view["status"], view["validation_score"], view["release_policy"]) == (
        "delivered",
        "1",
        "signatures_only",
    )
    assert await balances(env, escrow_holding(cid, "CREDIT")) == [400_000]
    await post(env, eid, "sign", a)
    assert code(await post(env, eid, "sign", a)) == (409, "already_signed")
    assert (await post(env, eid, "sign", b)).json()["status"] == "released"


async def test_release_policy_is_checked_at_create(env: PayEnv) -> None:
    payer, payee = uid("user"), uid("agent")
    r = await env.http.post(
        f"{BASE}/create",
        json={"contract_id": uid("ct"), "amount": "1", "payee_id": payee, "release_policy": "payee_decides"},
        headers=auth(payer),
    )
    assert r.status_code == 422
    co_signed = await env.http.post(
        f"{BASE}/create",
        json={"contract_id": uid("ct"), "amount": "1", "payee_id": payee, "signers": [payer, payee]},
        headers=auth(payer),
    )
    assert code(co_signed) == (422, "invalid_signers")  # the payee never signs its own release
    doc = await create(env, payer, payee, "1", release_policy="score_only")
    assert doc["release_policy"] == "score_only" and doc["frozen"] is False
    await give_credits(env, payer, 100_000)
    await post(env, doc["escrow_id"], "fund", payer)
    await post(env, doc["escrow_id"], "deliver", payee, "agent")
    assert code(await post(env, doc["escrow_id"], "sign", payer)) == (409, "signatures_not_used")
    assert await balances(env, wallet(payer)) == [90_000]
