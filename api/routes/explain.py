"""Operators: one timeline per payment, escrow, invoice, payout or dispute (as `meshpay explain`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import AdminPrincipal, SessionDep
from api.errors import ApiError
from api.schemas.common import ERROR_RESPONSES
from services import explain as service

router = APIRouter(tags=["admin"])


@router.get("/admin/explain/{object_id}", responses=ERROR_RESPONSES)
async def explain(
    object_id: str, request: Request, principal: AdminPrincipal, session: SessionDep
) -> dict[str, Any]:
    """Everything that touched the object, in time order: its row, ledger transactions with their
    postings and keys, escrow events, refunds, events and webhook attempts, workflow history."""
    found = await service.explain(session, object_id)
    if found is None:
        raise ApiError(404, "not_found", "no payment, escrow, invoice, payout or dispute has this id")
    try:
        client = await request.app.state.temporal.get()
        await service.add_history(found, client)
    except ApiError:  # Temporal unreachable: the database's part of the story still helps
        found.entries.append(service.Entry(None, "workflow", "Temporal unavailable: no history"))
    return found.as_json()
