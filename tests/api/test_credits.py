"""Credits through the HTTP API (real PostgreSQL, the app on an ASGI transport)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.support.tokens import auth, uid

BASE = "/api/v1/payments/credits"
ADMIN = auth("admin_1", "admin")
SERVICE = auth("svc_runner", "service")


async def _grant(client, user: str, amount: str, expires_at: datetime | None = None) -> dict:
    body: dict = {"user_id": user, "amount": amount, "reason": "welcome"}
    if expires_at is not None:
        body["expires_at"] = expires_at.isoformat()
    r = await client.post(f"{BASE}/grant", json=body, headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()


async def test_grant_is_admin_only_and_shows_in_balance(api_client) -> None:
    user = uid()
    r = await api_client.post(
        f"{BASE}/grant", json={"user_id": user, "amount": "5", "reason": "x"}, headers=auth(user, "user")
    )
    assert r.status_code == 403
    soon = datetime.now(UTC) + timedelta(days=3)
    g = await _grant(api_client, user, "12.5", soon)
    assert g["amount"] == "12.5000" and g["lot_id"] is not None
    await _grant(api_client, user, "10")
    r = await api_client.get(f"{BASE}/balance", headers=auth(user))
    assert r.status_code == 200
    body = r.json()
    assert body["balance"] == "22.5000" and body["currency"] == "CREDIT"
    assert [e["amount"] for e in body["expiring"]] == ["12.5000"]
    assert datetime.fromisoformat(body["next_expiry"]) == soon.replace(microsecond=soon.microsecond)
    # another user may not read it; an admin may
    assert (
        await api_client.get(f"{BASE}/balance", params={"user_id": user}, headers=auth(uid()))
    ).status_code == 404
    r = await api_client.get(f"{BASE}/balance", params={"user_id": user}, headers=ADMIN)
    assert r.json()["balance"] == "22.5000"


async def test_deduct_replays_same_reference_and_refuses_overdraft(api_client) -> None:
    user = uid()
    await _grant(api_client, user, "10")
    body = {"user_id": user, "amount": "3.25", "reference": "exec-1"}
    first = await api_client.post(f"{BASE}/deduct", json=body, headers=SERVICE)
    assert first.status_code == 200, first.text
    assert first.json()["balance"] == "6.7500" and first.json()["amount"] == "3.2500"
    again = await api_client.post(f"{BASE}/deduct", json=body, headers=SERVICE)
    assert again.status_code == 200 and again.json() == first.json()

    r = await api_client.post(
        f"{BASE}/deduct", json={**body, "reference": "exec-2", "amount": "6.7501"}, headers=SERVICE
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "insufficient_credits"
    r = await api_client.post(f"{BASE}/deduct", json={**body, "reference": "exec-3"}, headers=auth(user))
    assert r.status_code == 403
    r = await api_client.post(
        f"{BASE}/deduct", json={**body, "reference": "exec-4", "amount": "0.00001"}, headers=SERVICE
    )
    assert r.status_code == 422 and r.json()["error"]["param"] == "amount"
    bal = (await api_client.get(f"{BASE}/balance", headers=auth(user))).json()
    assert bal["balance"] == "6.7500"


async def test_20_concurrent_same_reference_one_deduction(api_client) -> None:
    user = uid()
    await _grant(api_client, user, "100")
    body = {"user_id": user, "amount": "7", "reference": "exec-same"}
    responses = await asyncio.gather(
        *(api_client.post(f"{BASE}/deduct", json=body, headers=SERVICE) for _ in range(20))
    )
    assert {r.status_code for r in responses} == {200}
    assert len({r.text for r in responses}) == 1
    bal = (await api_client.get(f"{BASE}/balance", headers=auth(user))).json()
    assert bal["balance"] == "93.0000"


async def test_refund_history_and_stats(api_client) -> None:
    user = uid()
    start = datetime.now(UTC) - timedelta(seconds=1)
    await _grant(api_client, user, "20")
    for i in range(3):
        r = await api_client.post(
            f"{BASE}/deduct", json={"user_id": user, "amount": "4", "reference": f"job-{i}"}, headers=SERVICE
        )
        assert r.status_code == 200
    r = await api_client.post(
        f"{BASE}/refund",
        json={"user_id": user, "reference": "job-1", "amount": "1.5", "refund_reference": "rf-1"},
        headers=SERVICE,
    )
    assert r.status_code == 200, r.text
    assert r.json()["amount"] == "1.5000" and r.json()["refunded_total"] == "1.5000"
    r = await api_client.post(
        f"{BASE}/refund",
        json={
            "user_id": user,
            "reference": "job-1",
            "amount": "2.6",
            "deducted_by": {"role": "service", "id": "svc_runner"},
        },
        headers=ADMIN,
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "refund_exceeds_deduction"
    r = await api_client.post(
        f"{BASE}/refund", json={"user_id": user, "reference": "job-1"}, headers=auth(user)
    )
    assert r.status_code == 403

    page = (await api_client.get(f"{BASE}/transactions", params={"limit": 2}, headers=auth(user))).json()
    assert [(e["type"], e["amount"], e["balance"]) for e in page["data"]] == [
        ("refund", "1.5000", "9.5000"),
        ("deduct", "-4.0000", "8.0000"),
    ]
    assert page["has_more"] is True
    rest = (
        await api_client.get(
            f"{BASE}/transactions",
            params={"limit": 10, "starting_after": page["next_cursor"]},
            headers=auth(user),
        )
    ).json()
    assert [(e["type"], e["reference"]) for e in rest["data"]] == [
        ("deduct", "job-1"),
        ("deduct", "job-0"),
        ("reward", rest["data"][-1]["reference"]),
    ]
    assert rest["has_more"] is False and rest["next_cursor"] is None

    stats = (
        await api_client.get(f"{BASE}/stats", params={"from": start.isoformat()}, headers=auth(user))
    ).json()
    assert (stats["rewarded"], stats["spent"], stats["refunded"], stats["expired"], stats["balance"]) == (
        "20.0000",
        "12.0000",
        "1.5000",
        "0.0000",
        "9.5000",
    )
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    empty = (await api_client.get(f"{BASE}/stats", params={"from": future}, headers=auth(user))).json()
    assert empty["spent"] == "0.0000" and empty["balance"] == "9.5000"


async def test_low_balance_threshold_and_events(api_client) -> None:
    user = uid()
    await _grant(api_client, user, "10")
    r = await api_client.put(f"{BASE}/settings", json={"low_balance_threshold": "5"}, headers=auth(user))
    assert r.status_code == 200 and r.json()["low_balance_threshold"] == "5.0000"
    for i, amount in enumerate(("4", "2", "1")):
        await api_client.post(
            f"{BASE}/deduct", json={"user_id": user, "amount": amount, "reference": f"j{i}"}, headers=SERVICE
        )
    events = (
        await api_client.get(f"{BASE}/low-balance-events", params={"user_id": user}, headers=SERVICE)
    ).json()["data"]
    assert [(e["threshold"], e["balance"]) for e in events] == [("5.0000", "4.0000")]
