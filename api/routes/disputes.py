"""Chargebacks: GET /disputes (admin: all; an agent: the ones clawed back from them), GET
/disputes/{id}, and the Stripe `charge.dispute.created` / `charge.dispute.closed` webhook handlers
registered in api/webhook_handlers.py (the payments webhook route verifies and inboxes first).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.auth import Role
from api.deps import CurrentPrincipal, SessionDep
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from api.schemas.payouts import DisputeOut
from config.settings import Settings
from contracts.disputes import CHARGEBACK_WORKFLOW, DISPUTE_CLOSED_SIGNAL, DisputeClosed, DisputeInput
from contracts.disputes import chargeback_workflow_id as workflow_id
from domain.errors import NotFound
from services import disputes as service
from services import temporal_gateway as gateway

router = APIRouter(tags=["disputes"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


@router.get("/disputes", response_model=Page[DisputeOut])
async def list_disputes(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageQuery,
    status: Annotated[str | None, Query(pattern="^(open|won|lost)$")] = None,
) -> Page[DisputeOut]:
    payee = None if principal.role is Role.ADMIN else principal.id
    rows, more = await service.list_disputes(
        session, status=status, payee_id=payee, limit=page.limit, starting_after=page.starting_after
    )
    return page_of(rows, page, DisputeOut.of, has_more=more)


@router.get("/disputes/{dispute_id}", response_model=DisputeOut)
async def get_dispute(dispute_id: str, principal: CurrentPrincipal, session: SessionDep) -> DisputeOut:
    row = await service.get_dispute(session, dispute_id)
    if principal.role is not Role.ADMIN and row.payee_id != principal.id:
        raise NotFound(f"no dispute {dispute_id}", param="dispute_id", code="dispute_not_found")
    return DisputeOut.of(row)


def dispute_input(obj: dict[str, Any], settings: Settings) -> DisputeInput:
    """A Stripe Dispute object → the workflow input."""
    due = (obj.get("evidence_details") or {}).get("due_by")
    return DisputeInput(
        dispute_id=str(obj["id"]),
        provider="stripe",
        amount=int(obj["amount"]),
        currency=str(obj["currency"]).upper(),
        charge_id=str(obj.get("charge") or ""),
        payment_intent_id=str(obj.get("payment_intent") or ""),
        reason=str(obj.get("reason") or ""),
        provider_status=str(obj.get("status") or "needs_response"),
        evidence_due_by=datetime.fromtimestamp(int(due), UTC).isoformat() if due else None,
        search_attributes=settings.payouts_search_attributes,
    )


async def on_dispute_created(
    session: AsyncSession, client: Client, settings: Settings, event: dict[str, Any]
) -> None:
    """Record the dispute and start `chargeback-{id}`; a repeat starts nothing new."""
    inp = dispute_input(event["data"]["object"], settings)
    await service.record_dispute(session, service.facts_from_input(inp))
    # Already closed (False): it ran to its end, and its outcome is booked.
    await gateway.start(
        client, CHARGEBACK_WORKFLOW, inp, id=workflow_id(inp.dispute_id), task_queue=settings.task_queue
    )


async def on_dispute_closed(
    session: AsyncSession, client: Client, settings: Settings, event: dict[str, Any]
) -> None:
    """Signal-with-start `chargeback-{id}` with the outcome (an out-of-order close still opens it first)."""
    obj = event["data"]["object"]
    inp = dispute_input(obj, settings)
    await service.record_dispute(session, service.facts_from_input(inp))
    closed = DisputeClosed(inp.dispute_id, inp.provider_status, inp.amount)
    # Already closed (False): it ran to its end, and its outcome is booked.
    await gateway.start(
        client,
        CHARGEBACK_WORKFLOW,
        inp,
        id=workflow_id(inp.dispute_id),
        task_queue=settings.task_queue,
        start_signal=DISPUTE_CLOSED_SIGNAL,
        start_signal_args=[closed],
    )
