"""Credits activities: the expiry sweep. Each is safe to run twice: a lot's remainder is expired under
its wallet's row lock with a ledger key per (lot, amount already expired), so a retry or a second
sweeper finds nothing left to do."""

from __future__ import annotations

import logging
from datetime import datetime

from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from activities.deps import Deps
from contracts.credits import (
    CREDIT_EXPIRY_WORKFLOW,
    CREDIT_EXPIRY_WORKFLOW_ID,
    EXPIRE_DUE_ACTIVITY,
    NEXT_EXPIRY_ACTIVITY,
    CreditExpiryInput,
    ExpireDueRequest,
    ExpireDueResult,
    NextExpiryResult,
)
from contracts.temporal import TASK_QUEUE
from db.session import unit_of_work
from services import credits

log = logging.getLogger("meshpay.credits")


class CreditsActivities:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @activity.defn(name=EXPIRE_DUE_ACTIVITY)
    async def expire_due(self, req: ExpireDueRequest) -> ExpireDueResult:
        as_of = datetime.fromisoformat(req.as_of)
        async with self.deps.session_factory() as session:
            lot_ids = await credits.due_lots(session, as_of, req.batch)
        expired_lots, expired_amount, done = 0, 0, []
        for lot_id in lot_ids:  # one transaction per lot: one failure does not hold the others back
            async with unit_of_work(self.deps.session_factory) as session:
                amount = await credits.expire_lot(session, lot_id, as_of)
            if amount:
                expired_lots += 1
                expired_amount += amount
                done.append(lot_id)
            activity.heartbeat(lot_id)
        if expired_lots:
            log.info(
                "credits expired", extra={"lots": expired_lots, "amount": expired_amount, "as_of": req.as_of}
            )
        return ExpireDueResult(expired_lots, expired_amount, more=len(lot_ids) >= req.batch, lot_ids=done)

    @activity.defn(name=NEXT_EXPIRY_ACTIVITY)
    async def next_expiry(self) -> NextExpiryResult:
        async with self.deps.session_factory() as session:
            nxt = await credits.earliest_expiry(session)
        return NextExpiryResult(None if nxt is None else nxt.isoformat())


async def ensure_credit_expiry(client: Client, task_queue: str = TASK_QUEUE) -> None:
    """Start the singleton sweeper if it is not running (idempotent; called at worker start)."""
    await client.start_workflow(
        CREDIT_EXPIRY_WORKFLOW,
        CreditExpiryInput(),
        id=CREDIT_EXPIRY_WORKFLOW_ID,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
