"""Issue #11 cases 4 and 5 through the API: caller references cannot reach internal keys, a repeated
reference must be the same movement, and an agent cannot debit a user without a mandate."""

from __future__ import annotations

from contracts.escrow import FundWithCreditsInput
from db.session import unit_of_work
from services import escrow, ledger
from tests.support.tokens import auth, uid

BASE = "/api/v1/payments/credits"
ADMIN = auth("admin_1", "admin")
SERVICE = auth("svc_runner", "service")


async def _grant(client, user: str, amount: str) -> None:
    r = await client.post(
        f"{BASE}/grant", json={"user_id": user, "amount": amount, "reason": "t"}, headers=ADMIN
    )
    assert r.status_code == 201, r.text


async def test_caller_reference_cannot_preempt_escrow_funding(api_client, session_factory) -> None:
    """#11.5: a 0.0001-credit deduct named `esc:{contract}:fund` used to make the later escrow funding
    "already done" with nothing held."""
    payer, contract = uid("payer"), uid("ctr")
    await _grant(api_client, payer, "50")
    r = await api_client.post(
        f"{BASE}/deduct",
        json={"user_id": payer, "amount": "0.0001", "reference": f"esc:{contract}:fund"},
        headers=SERVICE,
    )
    assert r.status_code == 200, r.text
    async with unit_of_work(session_factory) as s:
        funded = await escrow.fund_with_credits(
            s,
            FundWithCreditsInput(contract_id=contract, payer_id=payer, amount=20 * 10**4, currency="CREDIT"),
        )
    assert funded.created is True
    async with session_factory() as s:
        assert await ledger.balance(s, f"escrow:{contract}:CREDIT") == 20 * 10**4

    # /credits/refund cannot reach the escrow's funding deduct either: the service reaches only its own
    # 0.0001 deduct under that name, and nobody else finds anything
    body = {"user_id": payer, "reference": f"esc:{contract}:fund"}
    r = await api_client.post(f"{BASE}/refund", json=body, headers=SERVICE)
    assert r.status_code == 200 and r.json()["amount"] == "0.0001", r.text
    r = await api_client.post(f"{BASE}/refund", json=body, headers=SERVICE)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_refunded", r.text
    for who in (ADMIN, auth("svc_other", "service"), auth(uid("agent"), "agent")):
        r = await api_client.post(f"{BASE}/refund", json=body, headers=who)
        assert r.status_code == 404 and r.json()["error"]["code"] == "deduction_not_found", r.text
    async with session_factory() as s:
        assert await ledger.balance(s, f"escrow:{contract}:CREDIT") == 20 * 10**4


async def test_caller_refund_reference_cannot_preempt_internal_refund_key(api_client) -> None:
    """A refund_reference typed by a caller lives in the caller's namespace too."""
    user = uid()
    await _grant(api_client, user, "10")
    await api_client.post(
        f"{BASE}/deduct", json={"user_id": user, "amount": "4", "reference": "job"}, headers=SERVICE
    )
    body = {"user_id": user, "reference": "job", "amount": "1", "refund_reference": "pay:x:refund:1"}
    r = await api_client.post(f"{BASE}/refund", json=body, headers=SERVICE)
    assert r.status_code == 200, r.text
    assert r.json()["refund_reference"] == "pay:x:refund:1"
    # the same refund reference for a different amount is not "already done": it is a conflict
    r = await api_client.post(f"{BASE}/refund", json={**body, "amount": "2"}, headers=SERVICE)
    assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_conflict", r.text


async def test_repeated_reference_with_a_different_movement_is_a_conflict(api_client) -> None:
    user = uid()
    await _grant(api_client, user, "10")
    body = {"user_id": user, "amount": "1", "reference": "exec-1"}
    first = await api_client.post(f"{BASE}/deduct", json=body, headers=SERVICE)
    assert first.status_code == 200
    again = await api_client.post(f"{BASE}/deduct", json=body, headers=SERVICE)
    assert again.status_code == 200 and again.json() == first.json()
    r = await api_client.post(f"{BASE}/deduct", json={**body, "amount": "2"}, headers=SERVICE)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "idempotency_key_conflict"
    bal = (await api_client.get(f"{BASE}/balance", headers=auth(user))).json()
    assert bal["balance"] == "9.0000"


async def test_grant_reference_cannot_preempt_a_purchase_grant(api_client, session_factory) -> None:
    """An admin's grant reference `pay:{id}` must not make the purchase's own grant "already done"."""
    from services import credits

    user, payment = uid(), uid("pay")
    r = await api_client.post(
        f"{BASE}/grant",
        json={"user_id": user, "amount": "0.0001", "reason": "t", "reference": f"pay:{payment}"},
        headers=ADMIN,
    )
    assert r.status_code == 201
    async with unit_of_work(session_factory) as s:
        await credits.grant_purchased_credits(s, user_id=user, credits=25 * 10**4, payment_id=payment)
    bal = (await api_client.get(f"{BASE}/balance", headers=auth(user))).json()
    assert bal["balance"] == "25.0001"


async def test_agent_cannot_debit_a_user_without_a_mandate(api_client) -> None:
    """#11.4: any agent debited any user."""
    victim = uid()
    await _grant(api_client, victim, "10")
    r = await api_client.post(
        f"{BASE}/deduct",
        json={"user_id": victim, "amount": "5", "reference": "steal"},
        headers=auth(uid("agent"), "agent"),
    )
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "mandate_required"
    bal = (await api_client.get(f"{BASE}/balance", headers=auth(victim))).json()
    assert bal["balance"] == "10.0000"


async def test_longest_caller_and_reference_still_one_movement(api_client) -> None:
    """A 100-character principal id and a 120-character reference do not fit the keys' columns:
    they are hashed, and a replay still finds the first deduct (and its refund)."""
    user, svc, ref = uid(), auth("s" * 100, "service"), "r" * 120
    await _grant(api_client, user, "10")
    body = {"user_id": user, "amount": "2", "reference": ref}
    first = await api_client.post(f"{BASE}/deduct", json=body, headers=svc)
    assert first.status_code == 200, first.text
    assert first.json()["reference"] == ref
    again = await api_client.post(f"{BASE}/deduct", json=body, headers=svc)
    assert again.json() == first.json()
    r = await api_client.post(
        f"{BASE}/refund", json={"user_id": user, "reference": ref, "refund_reference": "x" * 120}, headers=svc
    )
    assert r.status_code == 200 and r.json()["amount"] == "2.0000", r.text
    bal = (await api_client.get(f"{BASE}/balance", headers=auth(user))).json()
    assert bal["balance"] == "10.0000"
