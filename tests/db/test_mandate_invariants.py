"""`meshpay check`: mandate spend ≤ caps, and usage counters never below the ledger (issue #11)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db.base import utcnow
from services import credits, credits_caller, mandates
from services.credits_caller import DeductRequest
from services.invariants import check, failures
from tests.support.tokens import uid


async def _names_failing(session) -> set[str]:
    return {r.name for r in failures(await check(session))}


async def _charged_mandate(db_session) -> tuple[str, str]:
    user, agent = uid(), uid("agent")
    await credits.grant_reward(
        db_session, user_id=user, amount=100_000, reference=uid("g"), expires_at=None, reason="t"
    )
    m = await mandates.create(
        db_session,
        user_id=user,
        agent_id=agent,
        currency="CREDIT",
        max_per_charge=30_000,
        max_per_day=50_000,
        max_per_month=60_000,
        contract_id=None,
        expires_at=None,
        description=None,
    )
    req = DeductRequest(user_id=user, amount=30_000, reference="r1", mandate_id=m.id)
    common = {
        "user_id": user,
        "amount": req.amount,
        "reference": "r1",
        "display_reference": "r1",
        "description": None,
        "default_threshold": 0,
    }
    await credits_caller._deduct_under_mandate(db_session, req, agent, common, utcnow())
    return m.id, user


async def test_mandate_within_caps_passes(db_session) -> None:
    await _charged_mandate(db_session)
    assert not {"mandate_spend_within_caps", "mandate_usage_covers_ledger"} & await _names_failing(db_session)


@pytest.mark.parametrize(
    ("corruption", "expected"),
    [
        ("UPDATE mandates SET max_per_charge = 20000 WHERE id = :m", "mandate_spend_within_caps"),
        (
            "ALTER TABLE mandates DROP CONSTRAINT ck_mandates_caps; "
            "UPDATE mandates SET max_per_day = 20000 WHERE id = :m",
            "mandate_spend_within_caps",
        ),
        (
            "ALTER TABLE mandates DROP CONSTRAINT ck_mandates_caps; "
            "UPDATE mandates SET max_per_month = 20000 WHERE id = :m",
            "mandate_spend_within_caps",
        ),
        ("UPDATE mandate_usage SET spent = spent - 1 WHERE mandate_id = :m", "mandate_usage_covers_ledger"),
        (
            "DELETE FROM mandate_usage WHERE mandate_id = :m AND period LIKE 'M%'",
            "mandate_usage_covers_ledger",
        ),
    ],
)
async def test_mandate_corruption_is_caught(db_session, corruption: str, expected: str) -> None:
    mandate_id, _ = await _charged_mandate(db_session)
    assert expected not in await _names_failing(db_session)
    for stmt in corruption.split("; "):
        await db_session.execute(text(stmt), {"m": mandate_id} if ":m" in stmt else {})
    assert expected in await _names_failing(db_session)
