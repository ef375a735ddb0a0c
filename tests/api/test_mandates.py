"""Spending mandates through the API (issue #11): an agent charges a user only under the user's
mandate to it, within its caps, until it expires or is revoked — on real PostgreSQL, concurrently."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from db.session import unit_of_work
from domain.mandates import month_period
from services import credits_debit
from tests.support.tokens import auth, uid

API = "/api/v1/payments"
ADMIN = auth("admin_1", "admin")
SERVICE = auth("svc_orchestrator", "service")


async def _grant(client, user: str, amount: str) -> None:
    r = await client.post(
        f"{API}/credits/grant", json={"user_id": user, "amount": amount, "reason": "t"}, headers=ADMIN
    )
    assert r.status_code == 201, r.text


async def _mandate(client, user: str, agent: str, **caps: object) -> dict:
    body = {"agent_id": agent, "max_per_charge": "5", "max_per_day": "10", "max_per_month": "100", **caps}
    r = await client.post(f"{API}/mandates", json=body, headers=auth(user))
    assert r.status_code == 201, r.text
    return r.json()


def _deduct(user: str, amount: str, reference: str, mandate_id: str | None, **kw: object) -> dict:
    body: dict = {"user_id": user, "amount": amount, "reference": reference, **kw}
    if mandate_id is not None:
        body["mandate_id"] = mandate_id
    return body


async def test_agent_charges_under_its_mandate_and_usage_is_visible(api_client, session_factory) -> None:
    user, agent = uid(), uid("agent")
    await _grant(api_client, user, "50")
    m = await _mandate(api_client, user, agent)
    assert (m["status"], m["spent_today"], m["currency"]) == ("active", "0.0000", "CREDIT")
    r = await api_client.post(
        f"{API}/credits/deduct", json=_deduct(user, "3", "exec-1", m["id"]), headers=auth(agent, "agent")
    )
    assert r.status_code == 200, r.text
    assert (r.json()["mandate_id"], r.json()["agent_id"]) == (m["id"], agent)
    # a replay is the same charge, counted once
    again = await api_client.post(
        f"{API}/credits/deduct", json=_deduct(user, "3", "exec-1", m["id"]), headers=auth(agent, "agent")
    )
    assert again.status_code == 200 and again.json() == r.json()
    for who in (auth(user), auth(agent, "agent"), ADMIN):
        got = (await api_client.get(f"{API}/mandates/{m['id']}", headers=who)).json()
        assert (got["spent_today"], got["spent_this_month"]) == ("3.0000", "3.0000")
    assert (await api_client.get(f"{API}/mandates/{m['id']}", headers=auth(uid()))).status_code == 404
    # the ledger transaction carries the mandate id
    async with session_factory() as s:
        meta = (
            await s.execute(
                text("SELECT metadata FROM ledger_transactions WHERE id = :t"),
                {"t": r.json()["transaction_id"]},
            )
        ).scalar_one()
    assert meta["mandate_id"] == m["id"] and meta["agent_id"] == agent
    # the agent gives part of its charge back; its refund carries the mandate too; nobody else reaches it
    body = {"user_id": user, "reference": "exec-1", "amount": "1", "refund_reference": "oops"}
    r = await api_client.post(f"{API}/credits/refund", json=body, headers=auth(uid("agent"), "agent"))
    assert r.status_code == 404
    r = await api_client.post(
        f"{API}/credits/refund",
        json={**body, "deducted_by": {"role": "agent", "id": uid("agent")}},
        headers=auth(agent, "agent"),
    )
    assert r.status_code == 403
    r = await api_client.post(f"{API}/credits/refund", json=body, headers=auth(agent, "agent"))
    assert r.status_code == 200, r.text
    async with session_factory() as s:
        meta = (
            await s.execute(
                text("SELECT metadata FROM ledger_transactions WHERE id = :t"),
                {"t": r.json()["transaction_id"]},
            )
        ).scalar_one()
    assert meta["mandate_id"] == m["id"]
    # refunds do not give the allowance back: the caps bound what the agent takes
    got = (await api_client.get(f"{API}/mandates/{m['id']}", headers=auth(user))).json()
    assert got["spent_today"] == "3.0000"


async def test_mandates_of_others_and_wrong_roles_are_refused(api_client) -> None:
    user, agent, other_user, other_agent = uid(), uid("agent"), uid(), uid("agent")
    await _grant(api_client, user, "50")
    await _grant(api_client, other_user, "50")
    m = await _mandate(api_client, user, agent)
    # another agent cannot use it; the agent cannot use it on another user's wallet
    r = await api_client.post(
        f"{API}/credits/deduct", json=_deduct(user, "1", "x", m["id"]), headers=auth(other_agent, "agent")
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "mandate_not_found"
    r = await api_client.post(
        f"{API}/credits/deduct", json=_deduct(other_user, "1", "y", m["id"]), headers=auth(agent, "agent")
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "mandate_not_found"
    # an agent cannot pretend to charge for another agent
    r = await api_client.post(
        f"{API}/credits/deduct",
        json=_deduct(user, "1", "z", m["id"], agent_id=other_agent),
        headers=auth(agent, "agent"),
    )
    assert r.status_code == 403
    # only a user grants; an agent or a stranger cannot revoke it
    body = {"agent_id": agent, "max_per_charge": "1", "max_per_day": "1", "max_per_month": "1"}
    assert (
        await api_client.post(f"{API}/mandates", json=body, headers=auth(agent, "agent"))
    ).status_code == 403
    for who in (auth(agent, "agent"), auth(other_user), SERVICE):
        assert (await api_client.delete(f"{API}/mandates/{m['id']}", headers=who)).status_code == 404
    assert (await api_client.get(f"{API}/mandates/{m['id']}", headers=auth(user))).json()[
        "status"
    ] == "active"
    for who in (auth(other_user), auth(other_agent, "agent")):
        listed = (await api_client.get(f"{API}/mandates", headers=who)).json()
        assert m["id"] not in [x["id"] for x in listed["data"]]
    for bad, param in (
        ({"max_per_charge": "0"}, "max_per_charge"),
        ({"max_per_charge": "11"}, "max_per_charge"),
        ({"max_per_day": "101"}, "max_per_day"),
        ({"currency": "USD"}, "currency"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"max_per_charge": "0.00001"}, "max_per_charge"),
    ):
        body = {"agent_id": agent, "max_per_charge": "5", "max_per_day": "10", "max_per_month": "100", **bad}
        r = await api_client.post(f"{API}/mandates", json=body, headers=auth(user))
        assert r.status_code == 422 and r.json()["error"]["param"] == param, (bad, r.text)
    bal = (await api_client.get(f"{API}/credits/balance", headers=auth(user))).json()
    assert bal["balance"] == "50.0000"


async def test_caps_expiry_revocation_and_scope(api_client, session_factory) -> None:
    user, agent = uid(), uid("agent")
    as_agent = auth(agent, "agent")
    await _grant(api_client, user, "500")
    m = await _mandate(api_client, user, agent, max_per_charge="5", max_per_day="10", max_per_month="12")

    async def charge(amount: str, ref: str, mandate: str = m["id"], **kw: object):
        return await api_client.post(
            f"{API}/credits/deduct", json=_deduct(user, amount, ref, mandate, **kw), headers=as_agent
        )

    r = await charge("5.0001", "big")
    assert r.status_code == 409 and r.json()["error"]["code"] == "mandate_cap_exceeded"
    assert (await charge("5", "a")).status_code == 200
    assert (await charge("5", "b")).status_code == 200
    r = await charge("0.0001", "c")  # the day's 10 are used
    assert r.status_code == 409 and r.json()["error"]["code"] == "mandate_cap_exceeded"

    # the month: earlier days of this month already used 2 of the 12 (simulated usage row)
    m2 = await _mandate(api_client, user, agent, max_per_charge="5", max_per_day="10", max_per_month="12")
    async with unit_of_work(session_factory) as s:
        await s.execute(
            text("INSERT INTO mandate_usage VALUES (:m, :p, :spent, now())"),
            {"m": m2["id"], "p": month_period(datetime.now(UTC)), "spent": 11 * 10**4},
        )
    r = await charge("2", "month", m2["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "mandate_cap_exceeded"
    assert (await charge("1", "month-ok", m2["id"])).status_code == 200

    # expired
    m3 = await _mandate(api_client, user, agent)
    async with unit_of_work(session_factory) as s:
        await s.execute(
            text("UPDATE mandates SET expires_at = now() - interval '1 second' WHERE id = :m"),
            {"m": m3["id"]},
        )
    r = await charge("1", "late", m3["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "mandate_expired"
    assert (await api_client.get(f"{API}/mandates/{m3['id']}", headers=auth(user))).json()[
        "status"
    ] == "expired"

    # scoped to a contract
    m4 = await _mandate(api_client, user, agent, contract_id="ctr_1")
    r = await charge("1", "unscoped", m4["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "mandate_scope_mismatch"
    assert (await charge("1", "scoped", m4["id"], contract_id="ctr_1")).status_code == 200

    # revoked at once; a replay of a charge made before still answers with its result
    first = await charge("1", "before-revoke", m4["id"], contract_id="ctr_1")
    assert first.status_code == 200
    r = await api_client.delete(f"{API}/mandates/{m4['id']}", headers=auth(user))
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = await charge("1", "after-revoke", m4["id"], contract_id="ctr_1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "mandate_revoked"
    replay = await charge("1", "before-revoke", m4["id"], contract_id="ctr_1")
    assert replay.status_code == 200 and replay.json() == first.json()

    # what moved: 5 + 5 + 1 + 1 + 1
    bal = (await api_client.get(f"{API}/credits/balance", headers=auth(user))).json()
    assert bal["balance"] == "487.0000"


async def test_a_service_deducts_without_a_mandate_or_under_one(api_client) -> None:
    user, agent = uid(), uid("agent")
    await _grant(api_client, user, "20")
    r = await api_client.post(
        f"{API}/credits/deduct", json=_deduct(user, "2", "svc-1", None, agent_id=agent), headers=SERVICE
    )
    assert r.status_code == 200 and r.json()["agent_id"] == agent
    m = await _mandate(api_client, user, agent, max_per_charge="1", max_per_day="1", max_per_month="1")
    r = await api_client.post(
        f"{API}/credits/deduct", json=_deduct(user, "2", "svc-2", m["id"]), headers=SERVICE
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "mandate_cap_exceeded"
    r = await api_client.post(
        f"{API}/credits/deduct", json=_deduct(user, "1", "svc-3", m["id"]), headers=SERVICE
    )
    assert r.status_code == 200 and (r.json()["agent_id"], r.json()["mandate_id"]) == (agent, m["id"])
    r = await api_client.post(f"{API}/credits/deduct", json=_deduct(user, "1", "u", None), headers=auth(user))
    assert r.status_code == 403


@pytest.mark.parametrize("pg_function", [True, False], ids=["pg_function", "portable"])
async def test_50_concurrent_charges_against_a_daily_cap_of_10(api_client, monkeypatch, pg_function) -> None:
    monkeypatch.setattr(credits_debit, "USE_PG_FUNCTION", pg_function)
    user, agent = uid(), uid("agent")
    await _grant(api_client, user, "1000")
    m = await _mandate(api_client, user, agent, max_per_charge="1", max_per_day="10", max_per_month="1000")
    responses = await asyncio.gather(
        *(
            api_client.post(
                f"{API}/credits/deduct",
                json=_deduct(user, "1", f"c-{i}", m["id"]),
                headers=auth(agent, "agent"),
            )
            for i in range(50)
        )
    )
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 10, codes
    refused = [r.json()["error"]["code"] for r in responses if r.status_code != 200]
    assert refused == ["mandate_cap_exceeded"] * 40
    assert {r.status_code for r in responses if r.status_code != 200} == {409}
    got = (await api_client.get(f"{API}/mandates/{m['id']}", headers=auth(user))).json()
    assert got["spent_today"] == "10.0000"
    bal = (await api_client.get(f"{API}/credits/balance", headers=auth(user))).json()
    assert bal["balance"] == "990.0000"


async def test_mandate_list_pages(api_client) -> None:
    user = uid()
    ids = [(await _mandate(api_client, user, uid("agent")))["id"] for _ in range(3)]
    page = (await api_client.get(f"{API}/mandates", params={"limit": 2}, headers=auth(user))).json()
    assert [x["id"] for x in page["data"]] == ids[::-1][:2] and page["has_more"] is True
    rest = (
        await api_client.get(
            f"{API}/mandates", params={"limit": 2, "starting_after": page["next_cursor"]}, headers=auth(user)
        )
    ).json()
    assert [x["id"] for x in rest["data"]] == ids[:1] and rest["has_more"] is False
