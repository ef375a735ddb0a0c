"""Multi-agent cost aggregation: every deduct records the agent it pays for and the orchestration
run; GET /credits/runs/{run_id} and GET /credits/stats?group_by=agent answer from those rows."""

from __future__ import annotations

from tests.support.tokens import auth, uid

API = "/api/v1/payments"
ADMIN = auth("admin_1", "admin")
SERVICE = auth("svc_orchestrator", "service")


async def _grant(client, user: str, amount: str) -> None:
    r = await client.post(
        f"{API}/credits/grant", json={"user_id": user, "amount": amount, "reason": "t"}, headers=ADMIN
    )
    assert r.status_code == 201, r.text


async def test_run_cost_per_agent_and_execution(api_client) -> None:
    user, a1, a2, run = uid(), uid("agent_a"), uid("agent_b"), uid("run")
    await _grant(api_client, user, "100")
    # the orchestrator charges for two agents; agent b also charges itself under a mandate
    for i, (agent, amount) in enumerate([(a1, "1.5"), (a1, "2"), (a2, "4")]):
        r = await api_client.post(
            f"{API}/credits/deduct",
            json={"user_id": user, "amount": amount, "reference": f"s-{i}", "agent_id": agent, "run_id": run},
            headers=SERVICE,
        )
        assert r.status_code == 200, r.text
    m = await api_client.post(
        f"{API}/mandates",
        json={"agent_id": a2, "max_per_charge": "5", "max_per_day": "10", "max_per_month": "10"},
        headers=auth(user),
    )
    r = await api_client.post(
        f"{API}/credits/deduct",
        json={
            "user_id": user,
            "amount": "0.25",
            "reference": "own",
            "mandate_id": m.json()["id"],
            "run_id": run,
        },
        headers=auth(a2, "agent"),
    )
    assert r.status_code == 200, r.text
    # a deduct outside the run, and a refund of part of one inside it
    await api_client.post(
        f"{API}/credits/deduct",
        json={"user_id": user, "amount": "9", "reference": "other", "agent_id": a1},
        headers=SERVICE,
    )
    r = await api_client.post(
        f"{API}/credits/refund", json={"user_id": user, "reference": "s-1", "amount": "0.5"}, headers=SERVICE
    )
    assert r.status_code == 200, r.text

    got = (await api_client.get(f"{API}/credits/runs/{run}", headers=auth(user))).json()
    assert (got["charges"], got["spent"], got["refunded"], got["net"]) == (4, "7.7500", "0.5000", "7.2500")
    assert {a["agent_id"]: (a["charges"], a["spent"], a["refunded"], a["net"]) for a in got["agents"]} == {
        a1: (2, "3.5000", "0.5000", "3.0000"),
        a2: (2, "4.2500", "0.0000", "4.2500"),
    }
    ex = got["executions"]
    assert [(e["agent_id"], e["amount"]) for e in ex["data"]] == [
        (a1, "1.5000"),
        (a1, "2.0000"),
        (a2, "4.0000"),
        (a2, "0.2500"),
    ]
    assert ex["data"][3]["mandate_id"] == m.json()["id"] and ex["has_more"] is False

    # the user's history names the agent, the mandate and the run of each charge
    hist = (
        await api_client.get(f"{API}/credits/transactions", params={"limit": 3}, headers=auth(user))
    ).json()
    assert [(e["type"], e["agent_id"], e["run_id"]) for e in hist["data"]] == [
        ("refund", a1, run),
        ("deduct", a1, None),
        ("deduct", a2, run),
    ]
    assert hist["data"][2]["mandate_id"] == m.json()["id"]

    # cursor pages, oldest first
    page = (await api_client.get(f"{API}/credits/runs/{run}", params={"limit": 3}, headers=ADMIN)).json()
    assert len(page["executions"]["data"]) == 3 and page["executions"]["has_more"] is True
    rest = (
        await api_client.get(
            f"{API}/credits/runs/{run}",
            params={"limit": 3, "starting_after": page["executions"]["next_cursor"]},
            headers=ADMIN,
        )
    ).json()
    assert [e["amount"] for e in rest["executions"]["data"]] == ["0.2500"]
    assert rest["net"] == "7.2500"  # the totals are the whole run's on every page

    # another user sees nothing of it; an unknown run is 404
    for who in (auth(uid()), auth(uid("agent"), "agent")):
        r = await api_client.get(f"{API}/credits/runs/{run}", headers=who)
        assert r.status_code == 404 and r.json()["error"]["code"] == "run_not_found"

    # the stats per agent: everything in the period, the run's and the other deduct
    stats = (
        await api_client.get(f"{API}/credits/stats", params={"group_by": "agent"}, headers=auth(user))
    ).json()
    assert {a["agent_id"]: a["spent"] for a in stats["data"]} == {a1: "12.5000", a2: "4.2500"}
    r = await api_client.get(f"{API}/credits/stats", params={"group_by": "lot"}, headers=auth(user))
    assert r.status_code == 422
