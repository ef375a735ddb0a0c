"""Chargeback activities: record + hold, evidence overdue, close won/lost (with claw-back). Each one DB
unit of work through services.disputes; ledger moves carry `dsp:{dispute_id}:...` keys.

When the disputed payment funded an escrow, the escrow workflow is told after the commit: opened →
it freezes (nothing leaves the hold); closed → it unfreezes, less what a loss took from the hold. A
signal is idempotent there (by dispute id); an escrow whose workflow has closed holds nothing to
freeze (NOT_FOUND is final)."""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity
from temporalio.service import RPCError, RPCStatusCode

from activities.deps import Deps
from activities.errors import domain_application_error as _error
from contracts.disputes import (
    EVIDENCE_DUE_ACTIVITY,
    OPEN_ACTIVITY,
    RESOLVE_ACTIVITY,
    DisputeInput,
    DisputeOpened,
    DisputeResolution,
    DisputeResult,
)
from contracts.escrow import (
    CHARGEBACK_CLOSED_SIGNAL,
    CHARGEBACK_OPENED_SIGNAL,
    ChargebackClosed,
    ChargebackOpened,
)
from contracts.temporal import escrow_workflow_id
from db.session import unit_of_work
from domain.errors import DomainError
from services import dispute_clawbacks
from services import disputes as service


class DisputeActivities:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @activity.defn(name=OPEN_ACTIVITY)
    async def open(self, inp: DisputeInput) -> DisputeOpened:
        try:
            async with unit_of_work(self.deps.session_factory) as session:
                await service.record_dispute(session, service.facts_from_input(inp))
                row = await service.hold_disputed(session, inp.dispute_id)
                due = row.evidence_due_by.isoformat() if row.evidence_due_by else None
                opened = DisputeOpened(row.id, row.held, due, row.status)
                contract = await dispute_clawbacks.escrow_funded_by(session, row)
        except DomainError as exc:
            raise _error(exc) from exc
        if contract is not None and opened.status == "open":
            await self._tell_escrow(
                contract, CHARGEBACK_OPENED_SIGNAL, ChargebackOpened(inp.dispute_id, inp.amount, inp.currency)
            )
        return opened

    async def _tell_escrow(self, contract_id: str, signal: str, arg: object) -> None:
        handle = self.deps.client.get_workflow_handle(escrow_workflow_id(contract_id))
        try:
            await handle.signal(signal, arg)
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise  # transient: the activity retries (its DB part is idempotent)

    @activity.defn(name=EVIDENCE_DUE_ACTIVITY)
    async def evidence_due(self, dispute_id: str) -> None:
        try:
            async with unit_of_work(self.deps.session_factory) as session:
                await service.mark_evidence_overdue(session, dispute_id)
        except DomainError as exc:
            raise _error(exc) from exc

    @activity.defn(name=RESOLVE_ACTIVITY)
    async def resolve(self, inp: DisputeResolution) -> DisputeResult:
        try:
            async with unit_of_work(self.deps.session_factory) as session:
                r = await service.close(session, inp.dispute_id, inp.outcome)
        except DomainError as exc:
            raise _error(exc) from exc
        if r.escrow_contract_id is not None:
            closed = ChargebackClosed(inp.dispute_id, r.outcome, r.escrow_taken)
            await self._tell_escrow(r.escrow_contract_id, CHARGEBACK_CLOSED_SIGNAL, closed)
        return DisputeResult(
            inp.dispute_id,
            r.outcome,
            r.loss,
            r.clawed_back,
            r.shortfall,
            r.escrow_taken,
            r.credits_clawed_back,
            r.credits_shortfall,
        )

    def all(self) -> list[Callable[..., object]]:
        return [self.open, self.evidence_due, self.resolve]
