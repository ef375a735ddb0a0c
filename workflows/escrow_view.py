"""EscrowWorkflow's state as data: the view it reports and the carry it hands to its next run.

Pure functions of the workflow's fields (no workflow API calls), kept out of workflows/escrow.py so
the workflow file holds only the moves.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from contracts.escrow import EscrowCarry, EscrowView
from domain.escrow import Status

if TYPE_CHECKING:
    from workflows.escrow import EscrowWorkflow


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def _dt(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


def view_of(w: EscrowWorkflow, *, events: bool) -> EscrowView:
    """`events`: this run's events (queries); Update results and row mirrors leave them out."""
    return EscrowView(
        escrow_id=w.inp.escrow_id,
        contract_id=w.inp.contract_id,
        status=w.status.value,
        payer_id=w.inp.payer_id,
        payee_id=w.inp.payee_id,
        amount=w.inp.amount,
        currency=w.inp.currency,
        held=w.held,
        released=w.released,
        fee=w.fee,
        refunded=w.refunded,
        signers=list(w.inp.signers),
        required_signatures=w.inp.required_signatures,
        signatures=list(w.signatures),
        threshold_ppm=w.inp.threshold_ppm,
        fee_percent=w.inp.fee_percent,
        delivered=w.delivered,
        validation_score_ppm=w.score_ppm,
        evidence_url=w.evidence_url,
        funding_provider=w.provider,
        funding_payment_id=w.payment_id,
        dispute_reason=w.dispute_reason,
        resolution_note=w.resolution_note,
        created_at=w.inp.created_at,
        funding_deadline=_iso(w.funding_deadline),
        delivery_deadline=_iso(w.delivery_deadline),
        review_deadline=_iso(w.review_deadline),
        arbitration_deadline=_iso(w.arbitration_deadline),
        paused_seconds=w.paused_seconds,
        events=list(w.events) if events else [],
        release_policy=w.policy.value,
        frozen=w.frozen,
        charged_back=w.charged_back,
    )


def carry_of(w: EscrowWorkflow) -> EscrowCarry:
    return EscrowCarry(
        status=w.status.value,
        held=w.held,
        released=w.released,
        fee=w.fee,
        refunded=w.refunded,
        signatures=list(w.signatures),
        delivered=w.delivered,
        score_ppm=w.score_ppm,
        evidence_url=w.evidence_url,
        provider=w.provider,
        payment_id=w.payment_id,
        dispute_reason=w.dispute_reason,
        resolution_note=w.resolution_note,
        funding_deadline=_iso(w.funding_deadline),
        delivery_deadline=_iso(w.delivery_deadline),
        review_deadline=_iso(w.review_deadline),
        arbitration_deadline=_iso(w.arbitration_deadline),
        paused_seconds=w.paused_seconds,
        refunds=w.refunds,
        resolutions=w.resolutions,
        seen_payments=list(w.seen_payments),
        next_seq=w.seq_base + len(w.events) + 1,
        chargebacks=list(w.chargebacks),
        chargebacks_closed=list(w.chargebacks_closed),
        charged_back=w.charged_back,
    )


def restore(w: EscrowWorkflow, c: EscrowCarry) -> None:
    w.status = Status(c.status)
    w.held, w.released, w.fee, w.refunded = c.held, c.released, c.fee, c.refunded
    w.signatures = list(c.signatures)
    w.delivered = c.delivered
    w.score_ppm = c.score_ppm
    w.evidence_url = c.evidence_url
    w.provider, w.payment_id = c.provider, c.payment_id
    w.dispute_reason, w.resolution_note = c.dispute_reason, c.resolution_note
    w.funding_deadline = _dt(c.funding_deadline)
    w.delivery_deadline = _dt(c.delivery_deadline)
    w.review_deadline = _dt(c.review_deadline)
    w.arbitration_deadline = _dt(c.arbitration_deadline)
    w.paused_seconds = c.paused_seconds
    w.refunds, w.resolutions = c.refunds, c.resolutions
    w.seen_payments = list(c.seen_payments)
    w.seq_base = c.next_seq - 1
    w.chargebacks = list(c.chargebacks)
    w.chargebacks_closed = list(c.chargebacks_closed)
    w.frozen = bool(c.chargebacks)
    w.charged_back = c.charged_back
