"""The invoice as a PDF a customer would accept: seller, buyer, number, dates, lines, tax, total.

Rendered with fpdf2 (pure Python, maintained) using its core Helvetica font, so only Latin-1 text
can be drawn: anything else is replaced rather than failing the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from fpdf import FPDF

from db.models.billing import BillingAccount, CollectionAttempt, Invoice, InvoiceLineItem
from domain.money import format_amount, to_decimal

_SUBSTITUTES = {"–": "-", "—": "-", "∞": "inf", "“": '"', "”": '"', "’": "'", "…": "..."}


def _t(text: object) -> str:
    s = str(text)
    for k, v in _SUBSTITUTES.items():
        s = s.replace(k, v)
    return s.encode("latin-1", "replace").decode("latin-1")


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "-"


def _unit(unit_minor: Decimal, currency: str) -> str:
    major = to_decimal(1, currency) * unit_minor
    text = f"{major:f}".rstrip("0")
    if "." in text and len(text.split(".")[1]) < 2:
        text = f"{major:.2f}"
    return text.rstrip(".")


def render_invoice(
    inv: Invoice,
    lines: Sequence[InvoiceLineItem],
    account: BillingAccount | None,
    *,
    seller_name: str,
    seller_address: str,
    attempts: Sequence[CollectionAttempt] = (),
) -> bytes:
    cur = inv.currency
    pdf = FPDF(format="A4")
    pdf.set_title(f"Invoice {inv.number or inv.id}")
    pdf.set_author(seller_name)
    pdf.set_creator("meshpay")
    pdf.add_page()
    pdf.set_auto_page_break(auto=True, margin=18)

    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 10, "INVOICE", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    status = inv.status.upper()
    pdf.cell(
        0,
        6,
        _t(f"Invoice number: {inv.number or 'DRAFT'}    Status: {status}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(
        0,
        6,
        _t(
            f"Issue date: {_date(inv.issued_at)}    Due date: {_date(inv.due_at)}    "
            f"Billing period: {_date(inv.period_start)} to {_date(inv.period_end)} (excl.)"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if inv.paid_at:
        pdf.cell(0, 6, _t(f"Paid on: {_date(inv.paid_at)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    top = pdf.get_y()
    col = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(col, 6, "From", new_x="RIGHT", new_y="TOP")
    pdf.cell(col, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(col, 5, _t(f"{seller_name}\n{seller_address}"), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + col, top + 6)
    buyer = [account.name if account and account.name else inv.account_id]
    if account and account.address:
        buyer.append(account.address)
    if account and account.email:
        buyer.append(account.email)
    buyer.append(f"Account: {inv.account_id}")
    pdf.multi_cell(col, 5, _t("\n".join(buyer)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    widths = (88, 22, 28, 26, 26)
    heads = ("Description", "Qty", f"Unit ({cur})", f"Tax ({cur})", f"Amount ({cur})")
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_fill_color(235, 235, 235)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 7, h, border=1, align="L" if h == "Description" else "R", fill=True)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in lines:
        desc = _t(line.description)
        while pdf.get_string_width(desc) > widths[0] - 2 and len(desc) > 4:
            desc = desc[:-4] + "..."
        cells = (
            desc,
            str(line.quantity),
            _unit(Decimal(line.unit_amount), cur),
            format_amount(line.tax, cur),
            format_amount(line.amount, cur),
        )
        for i, (w, v) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(w, 6, v, border=1, align="L" if i == 0 else "R")
        pdf.ln()
    pdf.ln(3)

    label_w, value_w = sum(widths[:3]) + widths[3], widths[4]
    tax_label = inv.tax_name or "Tax"
    if inv.tax_percent is not None:
        tax_label += (
            f" ({Decimal(inv.tax_percent).normalize():f}%{', included' if inv.tax_inclusive else ''})"
        )
    rows = [("Subtotal (excl. tax)", inv.subtotal), (tax_label, inv.tax), (f"Total ({cur})", inv.total)]
    if inv.amount_paid:
        rows.append(("Amount paid", inv.amount_paid))
    rows.append(("Amount due", inv.total - inv.amount_paid))
    for label, amount in rows:
        bold = label.startswith("Total") or label == "Amount due"
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(label_w, 7, _t(label), align="R")
        pdf.cell(value_w, 7, f"{format_amount(amount, cur)} {cur}", align="R", new_x="LMARGIN", new_y="NEXT")

    if attempts:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, "Payment attempts", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for a in attempts:
            detail = f" ({a.failure_code})" if a.failure_code else ""
            pdf.cell(
                0,
                5,
                _t(f"#{a.attempt_no} {_date(a.attempted_at)} {a.source}: {a.outcome}{detail}"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        _t(f"Amounts in {cur}. Tax is computed per line and rounded once per line. Invoice id {inv.id}."),
    )
    return bytes(pdf.output())
