"""Credit notes: an admin credits part or all of a paid invoice (to the account's credit balance);
the account or an admin reads it and its PDF."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import AdminPrincipal, CurrentPrincipal, SessionDep, SettingsDep
from api.exact_json import ExactJSONRoute
from api.schemas.common import ERROR_RESPONSES, AmountIn, StrictModel
from db.base import utcnow
from db.models.credit_notes import CreditNote
from db.repositories import billing as repo
from db.repositories import credit_notes as cnrepo
from domain.errors import NotFound
from domain.money import format_amount, parse_amount
from services import billing_credit_notes as credit_notes

router = APIRouter(tags=["billing"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


class CreditNoteIn(StrictModel):
    amount: AmountIn  # tax included, in the invoice's currency
    reason: str = Field(..., min_length=1, max_length=300)
    method: str = Field("credit_balance", pattern="^credit_balance$")
    reference: str = Field(..., min_length=1, max_length=100, description="the same reference credits once")


class CreditNoteOut(BaseModel):
    id: str
    object: str = "credit_note"
    number: str
    invoice_id: str
    account_id: str
    currency: str
    subtotal: str
    tax: str
    total: str
    reason: str
    method: str
    issued_at: datetime

    @classmethod
    def of(cls, n: CreditNote) -> CreditNoteOut:
        cur = n.currency
        return cls(
            id=n.id,
            number=n.number,
            invoice_id=n.invoice_id,
            account_id=n.account_id,
            currency=cur,
            subtotal=format_amount(n.subtotal, cur),
            tax=format_amount(n.tax, cur),
            total=format_amount(n.total, cur),
            reason=n.reason,
            method=n.method,
            issued_at=n.issued_at,
        )


@router.post("/invoices/{invoice_id}/credit-notes", status_code=201, response_model=CreditNoteOut)
async def create_credit_note(
    invoice_id: str, body: CreditNoteIn, session: SessionDep, response: Response, _: AdminPrincipal
) -> CreditNoteOut:
    """Credit part or all of a paid invoice to the account's credit balance (its next invoice)."""
    inv = await repo.get_invoice(session, invoice_id)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    amount = parse_amount(body.amount, inv.currency)
    note, created = await credit_notes.create_credit_note(
        session,
        invoice_id=invoice_id,
        amount=amount,
        reason=body.reason,
        method=body.method,
        reference=body.reference,
        at=utcnow(),
    )
    if not created:
        response.status_code = 200
    return CreditNoteOut.of(note)


async def _visible(session: SessionDep, credit_note_id: str, principal: CurrentPrincipal) -> CreditNote:
    note = await cnrepo.get(session, credit_note_id)
    if note is None or (not principal.is_admin and note.account_id != principal.id):
        raise NotFound(f"credit note {credit_note_id} not found", param="credit_note_id")
    return note


@router.get("/credit-notes/{credit_note_id}", response_model=CreditNoteOut)
async def get_credit_note(
    credit_note_id: str, session: SessionDep, principal: CurrentPrincipal
) -> CreditNoteOut:
    return CreditNoteOut.of(await _visible(session, credit_note_id, principal))


@router.get(
    "/credit-notes/{credit_note_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def get_credit_note_pdf(
    credit_note_id: str, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> Response:
    from services.credit_note_pdf import render_credit_note

    note = await _visible(session, credit_note_id, principal)
    inv = await repo.get_invoice(session, note.invoice_id)
    assert inv is not None
    pdf = render_credit_note(
        note,
        inv,
        await repo.get_account(session, note.account_id),
        seller_name=settings.billing_seller_name,
        seller_address=settings.billing_seller_address,
        seller_tax_id=settings.billing_seller_tax_id,
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{note.number}.pdf"'},
    )
