"""Chargeback activities: record + hold, evidence overdue, close won/lost (with claw-back). Each one DB
unit of work through services.disputes; ledger moves carry `dsp:{dispute_id}:...` keys."""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity

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
from db.session import unit_of_work
from domain.errors import DomainError
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
                return DisputeOpened(row.id, row.held, due, row.status)
        except DomainError as exc:
            raise _error(exc) from exc

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
        return DisputeResult(inp.dispute_id, r.outcome, r.loss, r.clawed_back, r.shortfall)

    def all(self) -> list[Callable[..., object]]:
        return [self.open, self.evidence_due, self.resolve]
