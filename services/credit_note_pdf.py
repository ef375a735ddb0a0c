"""The credit note as a PDF, in the invoice's font and layout: number, the invoice it credits, seller
and buyer with tax ids, net, tax and total credited, the reason and where the credit went."""

from __future__ import annotations

from db.models.billing import BillingAccount, Invoice
from db.models.credit_notes import CreditNote
from domain.money import format_amount
from services.invoice_pdf import _date, _font, _pdf, _t

_METHODS = {"credit_balance": "Added to your credit balance: it reduces your next invoice."}


def render_credit_note(
    note: CreditNote,
    inv: Invoice,
    account: BillingAccount | None,
    *,
    seller_name: str,
    seller_address: str,
    seller_tax_id: str = "",
) -> bytes:
    cur = note.currency
    pdf = _pdf()
    pdf.set_title(f"Credit note {note.number}")
    pdf.set_author(seller_name)
    pdf.set_creator("meshpay")
    pdf.add_page()
    _font(pdf, 20, bold=True)
    pdf.cell(0, 10, "CREDIT NOTE", new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 10)
    for text in (
        f"Credit note number: {note.number}    Issue date: {_date(note.issued_at)}",
        f"Credits invoice {inv.number} of {_date(inv.issued_at)}",
    ):
        pdf.cell(0, 6, _t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    seller = [seller_name, seller_address] + ([f"Tax ID: {seller_tax_id}"] if seller_tax_id else [])
    buyer = [account.name if account and account.name else note.account_id]
    if account and account.address:
        buyer.append(account.address)
    if account and account.tax_id:
        buyer.append(f"Tax ID: {account.tax_id}")
    _font(pdf, 11, bold=True)
    pdf.cell(0, 6, "From", new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 10)
    pdf.multi_cell(0, 5, _t("\n".join(seller)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _font(pdf, 11, bold=True)
    pdf.cell(0, 6, "Credited to", new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 10)
    pdf.multi_cell(0, 5, _t("\n".join(buyer)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 5, _t(f"Reason: {note.reason}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    rows = [
        ("Credited (excl. tax)", note.subtotal),
        (inv.tax_name or "Tax", note.tax),
        (f"Total credited ({cur})", note.total),
    ]
    for label, amount in rows:
        _font(pdf, 10, bold=label.startswith("Total"))
        pdf.cell(150, 7, _t(label), align="R")
        pdf.cell(36, 7, f"{format_amount(amount, cur)} {cur}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _font(pdf, 9)
    pdf.multi_cell(0, 5, _t(_METHODS.get(note.method, note.method)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
