"""`meshpay explain ID`: one timeline for a payment, escrow, invoice, payout or dispute.

Built from what the database and Temporal already hold, without guessing: the object's row, the
ledger transactions whose business keys name it (with their postings), its escrow events and refunds,
the events sent about it and each webhook attempt, and its workflows' history events that matter
(started, signals, updates, activities, timers, the end).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from contracts.disputes import chargeback_workflow_id
from contracts.temporal import escrow_workflow_id, payment_workflow_id, payout_workflow_id
from db.repositories import explain as repo

_HISTORY = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: "workflow started",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: "signal",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "update",
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "activity scheduled",
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: "activity completed",
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: "activity failed",
    EventType.EVENT_TYPE_MARKER_RECORDED: "local activity",
    EventType.EVENT_TYPE_TIMER_STARTED: "timer started",
    EventType.EVENT_TYPE_TIMER_FIRED: "timer fired",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "workflow completed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "workflow failed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "workflow terminated",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued as new",
}


@dataclass
class Entry:
    at: datetime | None
    source: str  # row | ledger | escrow | refund | event | webhook | workflow
    what: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Explanation:
    kind: str
    id: str
    summary: dict[str, Any]
    workflow_ids: list[str]
    entries: list[Entry]

    def as_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["entries"] = sorted(doc["entries"], key=lambda e: e["at"] or datetime.min.replace(tzinfo=UTC))
        return doc


def _workflows(kind: str, row: dict[str, Any]) -> list[str]:
    if kind == "payment":
        return [payment_workflow_id(row["id"])]
    if kind == "escrow":
        return [escrow_workflow_id(row["contract_id"])]
    if kind == "invoice":
        return [f"billing-{row['account_id']}-{row['period']}"]
    if kind == "payout":
        return [payout_workflow_id(row["id"])]
    if kind == "dispute":
        return [chargeback_workflow_id(row["id"])]
    return []


async def explain(session: AsyncSession, object_id: str) -> Explanation | None:
    found = await repo.find_object(session, object_id)
    if found is None:
        return None
    kind, row = found
    ids = sorted({str(v) for k, v in row.items() if k in ("id", "contract_id", "number") and v})
    entries = [Entry(row.get("created_at"), "row", f"{kind} created", {"status": row.get("status")})]
    for txn in await repo.ledger_transactions(session, ids):
        entries.append(
            Entry(
                txn["at"],
                "ledger",
                txn["kind"],
                {"id": txn["id"], "key": txn["key"], "cause": txn["cause"], "postings": txn["postings"]},
            )
        )
    if kind == "escrow":
        for e in await repo.escrow_events(session, row["id"]):
            entries.append(Entry(e["at"], "escrow", e["kind"], {"actor": e["actor"], **(e["detail"] or {})}))
    if kind == "payment":
        for r in await repo.refunds_of(session, row["id"]):
            entries.append(Entry(None, "refund", r["status"], r))
    events = await repo.events_of(session, ids)
    for e in events:
        entries.append(Entry(e["created_at"], "event", e["type"], {"id": e["id"]}))
    for a in await repo.deliveries_of(session, [e["id"] for e in events]):
        outcome = "delivered" if a["succeeded"] else f"refused ({a['status_code'] or a['error']})"
        entries.append(
            Entry(a["created_at"], "webhook", outcome, {"event": a["event_id"], "endpoint": a["endpoint_id"]})
        )
    return Explanation(kind, row["id"], row, _workflows(kind, row), entries)


async def add_history(explanation: Explanation, client: Client) -> None:
    """The workflows' history events that matter (a missing workflow is said, not an error)."""
    for wid in explanation.workflow_ids:
        try:
            history = await client.get_workflow_handle(wid).fetch_history()
        except Exception as exc:  # RPCError NOT_FOUND, or Temporal unreachable
            explanation.entries.append(
                Entry(None, "workflow", f"{wid}: history unavailable", {"why": str(exc)})
            )
            continue
        for ev in history.events:
            what = _HISTORY.get(ev.event_type)
            if what is None:
                continue
            detail: dict[str, Any] = {"workflow_id": wid, "event_id": ev.event_id}
            if ev.HasField("activity_task_scheduled_event_attributes"):
                detail["activity"] = ev.activity_task_scheduled_event_attributes.activity_type.name
            if ev.HasField("workflow_execution_signaled_event_attributes"):
                detail["signal"] = ev.workflow_execution_signaled_event_attributes.signal_name
            if ev.HasField("workflow_execution_update_accepted_event_attributes"):
                detail["update"] = (
                    ev.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
                )
            explanation.entries.append(Entry(ev.event_time.ToDatetime(tzinfo=UTC), "workflow", what, detail))
