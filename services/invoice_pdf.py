"""The invoice as a PDF a customer would accept: seller and buyer with their tax ids, number, dates,
lines with quantity and unit price, discounts and credits, tax, totals, and where to pay.

Rendered with fpdf2 in Noto Sans, a Unicode TrueType font shipped by the `fontpkg-noto-sans` PyPI
package (embedded and subset; nothing is downloaded at run time), so any name or address prints as
written — "Łukasz Żółć, ul. Floriańska", "Müller GmbH", "Σοφία". Internal collection details
(attempts, failure codes, payment ids) are never printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache

import fontpkg
from fpdf import FPDF
from fpdf.enums import TextMode

from db.models.billing import BillingAccount, Invoice, InvoiceLineItem
from domain.charges import plain
from domain.money import format_amount, to_decimal

FONT = "NotoSans"
# Glyphs Noto Sans lacks, said in words rather than dropped.
_SUBSTITUTES = {"–∞": "+", "∞": "inf"}


@cache
def _font_path() -> str:
    return str(fontpkg.path("Noto Sans"))


def _t(text: object) -> str:
    s = str(text)
    for k, v in _SUBSTITUTES.items():
        s = s.replace(k, v)
    return s


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "-"


def _unit(unit_minor: Decimal, currency: str) -> str:
    major = to_decimal(1, currency) * unit_minor
    text = plain(major)
    if "." not in text or len(text.split(".")[1]) < 2:
        text = f"{major:.2f}"
    return text


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    path = _font_path()
    # The package ships a variable font; embedded as is, viewers draw its default instance (Regular).
    # Instancing a bold weight with fontTools takes tens of seconds per document, so "bold" is the
    # same face drawn filled and stroked (see _bold).
    pdf.add_font(FONT, "", path)
    return pdf


def _font(pdf: FPDF, size: float, *, bold: bool = False) -> None:
    pdf.set_font(FONT, "", size)
    pdf.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
    pdf.set_draw_color(0, 0, 0)


def render_invoice(
    inv: Invoice,
    lines: Sequence[InvoiceLineItem],
    account: BillingAccount | None,
    *,
    seller_name: str,
    seller_address: str,
    seller_tax_id: str = "",
    payment_url: str | None = None,
) -> bytes:
    cur = inv.currency
    pdf = _pdf()
    pdf.set_title(f"Invoice {inv.number or inv.id}")
    pdf.set_author(seller_name)
    pdf.set_creator("meshpay")
    pdf.add_page()
    pdf.set_auto_page_break(auto=True, margin=18)

    title = "INVOICE" if inv.kind == "period" else "INVOICE (usage threshold reached)"
    _font(pdf, 20, bold=True)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 10)
    head = [
        f"Invoice number: {inv.number or 'DRAFT'}    Status: {inv.status.upper()}",
        f"Issue date: {_date(inv.issued_at)}    Due date: {_date(inv.due_at)}    "
        f"Billing period: {_date(inv.period_start)} to {_date(inv.period_end)} (excl.)",
    ]
    if inv.paid_at:
        head.append(f"Paid on: {_date(inv.paid_at)}")
    for text in head:
        pdf.cell(0, 6, _t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    top = pdf.get_y()
    col = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    _font(pdf, 11, bold=True)
    pdf.cell(col, 6, "From", new_x="RIGHT", new_y="TOP")
    pdf.cell(col, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 10)
    seller = [seller_name, seller_address] + ([f"Tax ID: {seller_tax_id}"] if seller_tax_id else [])
    pdf.multi_cell(col, 5, _t("\n".join(seller)), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + col, top + 6)
    buyer = [account.name if account and account.name else inv.account_id]
    if account and account.address:
        buyer.append(account.address)
    if account and account.email:
        buyer.append(account.email)
    if account and account.tax_id:
        buyer.append(f"Tax ID: {account.tax_id}")
    buyer.append(f"Account: {inv.account_id}")
    pdf.multi_cell(col, 5, _t("\n".join(buyer)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    widths = (84, 24, 30, 26, 26)
    heads = ("Description", "Quantity", f"Unit price ({cur})", f"Tax ({cur})", f"Amount ({cur})")
    _font(pdf, 8, bold=True)
    pdf.set_fill_color(235, 235, 235)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 7, h, border=1, align="L" if h == "Description" else "R", fill=True)
    pdf.ln()
    _font(pdf, 8)
    for line in lines:
        desc = _t(line.description)
        while pdf.get_string_width(desc) > widths[0] - 2 and len(desc) > 4:
            desc = desc[:-4] + "…"
        cells = (
            desc,
            plain(Decimal(line.quantity)),
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
    discounts = sum(ln.amount for ln in lines if ln.kind in ("discount", "coupon"))
    rows = [("Subtotal (excl. tax)", inv.subtotal)]
    if discounts:
        rows.append(("of which discounts", discounts))
    rows += [(tax_label, inv.tax), (f"Total ({cur})", inv.total)]
    if inv.amount_paid:
        rows.append(("Amount paid", inv.amount_paid))
    rows.append(("Amount due", inv.total - inv.amount_paid))
    for label, amount in rows:
        bold = label.startswith("Total") or label == "Amount due"
        _font(pdf, 10, bold=bold)
        pdf.cell(label_w, 7, _t(label), align="R")
        pdf.cell(value_w, 7, f"{format_amount(amount, cur)} {cur}", align="R", new_x="LMARGIN", new_y="NEXT")

    due = inv.total - inv.amount_paid
    if payment_url and due > 0 and inv.status in ("open", "uncollectible"):
        pdf.ln(4)
        _font(pdf, 10, bold=True)
        pdf.cell(0, 6, "Pay this invoice online:", new_x="LMARGIN", new_y="NEXT")
        _font(pdf, 9)
        pdf.set_text_color(0, 70, 160)
        pdf.multi_cell(0, 5, payment_url, link=payment_url, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    _font(pdf, 8)
    pdf.multi_cell(
        0,
        4,
        _t(f"Amounts in {cur}. Tax is computed per line and rounded once per line. Invoice id {inv.id}."),
    )
    return bytes(pdf.output())
