"""What the escrow route modules share: who the caller is to the escrow, finding a row the caller may
see, and the response (the workflow's slim view + the events from the database)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response

from api.auth import Principal
from api.schemas.escrow import escrow_out
from config.settings import Settings
from contracts.escrow import EscrowEvent, EscrowView
from db.models.escrow import Escrow
from db.repositories import escrow as repo
from db.session import SessionFactory
from domain import errors
from domain import escrow as rules


def actor_of(principal: Principal, settings: Settings) -> rules.Actor:
    """The caller as the escrow rules see it: a validator is role service or a configured id."""
    role = principal.role.value
    return rules.Actor(
        principal.id, role, rules.is_validator(principal.id, role, frozenset(settings.escrow_validator_ids))
    )


def snapshot_of(row: Escrow) -> rules.Snapshot:
    return rules.Snapshot(
        rules.Status(row.status), row.payer_id, row.payee_id, tuple(row.signers), row.held, row.delivered
    )


async def find_row(factory: SessionFactory, escrow_id: str, actor: rules.Actor) -> Escrow:
    """The escrow, if the caller may see it: a stranger gets the same 404 as for a missing id (a 403
    would confirm that the escrow exists)."""
    async with factory() as s:
        row = await repo.get(s, escrow_id) or await repo.get_by_contract(s, escrow_id)
    if row is None or not rules.can_see(snapshot_of(row), actor):
        raise errors.NotFound(f"no escrow {escrow_id!r}", code="escrow_not_found")
    return row


async def respond(factory: SessionFactory, view: EscrowView, status: int = 200, **extra: Any) -> Response:
    """The escrow as EscrowOut, its events read from the database (workflow results carry none)."""
    async with factory() as s:
        rows = await repo.events(s, view.escrow_id)
    events = [EscrowEvent(e.seq, e.at.isoformat(), e.kind, e.actor, _strings(e.detail)) for e in rows]
    if len(events) < len(view.events):  # the row mirror lags (a query of a just-moved workflow)
        events = list(view.events)
    body = escrow_out(view, **extra)
    body["events"] = [
        {"seq": e.seq, "at": e.at, "kind": e.kind, "actor": e.actor, "detail": dict(e.detail)} for e in events
    ]
    return ok(body, status)


def ok(body: dict[str, Any], status: int = 200) -> Response:
    """A dict already shaped like EscrowOut, serialised once (no second validation pass)."""
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _strings(detail: dict[str, Any] | None) -> dict[str, str]:
    return {k: str(v) for k, v in (detail or {}).items()}
