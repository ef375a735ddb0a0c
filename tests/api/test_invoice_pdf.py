"""GET /invoices/{id}/pdf is a real PDF: parsed back with pypdf it shows seller, buyer, number, lines,
tax and the invoice's total."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from pypdf import PdfReader

from tests.api.test_billing_api import _invoices_for
from tests.support.tokens import auth, uid


@pytest.fixture
async def client(make_app) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1/payments"
        ) as cl,
    ):
        yield cl


async def test_invoice_pdf_parses_back_and_shows_the_total(
    client: httpx.AsyncClient, session_factory
) -> None:
    acct = uid("acct")
    [invoice_id] = await _invoices_for(session_factory, acct, ["2006-04"])
    detail = (await client.get(f"/invoices/{invoice_id}", headers=auth(acct))).json()
    resp = await client.get(f"/invoices/{invoice_id}/pdf", headers=auth(acct))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(resp.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert detail["total"] == "3.25"
    assert "Total (USD)" in text and "3.25 USD" in text
    assert detail["number"] in text
    for expected in (
        "INVOICE",
        "Ada Lovelace",
        "12 Analytical Way",
        "meshpay Marketplace",
        "Sales tax (8.25%)",
        "0.25",
        "Issue date: 2006-05-01",
        "Billing period: 2006-04-01",
    ):
        assert expected in text, expected
    assert reader.metadata.title == f"Invoice {detail['number']}"
    other = await client.get(f"/invoices/{invoice_id}/pdf", headers=auth(uid("other")))
    assert other.status_code == 404


async def test_invoice_pdf_prints_any_name_tax_ids_and_a_pay_link_but_no_attempts(
    client: httpx.AsyncClient, session_factory, settings, tmp_path
) -> None:
    import pypdfium2 as pdfium

    from contracts.billing import AttemptRecord
    from db.session import unit_of_work
    from services import billing
    from services.invoice_links import hosted_url

    acct = uid("acct")
    [invoice_id] = await _invoices_for(session_factory, acct, ["2006-05"])
    async with unit_of_work(session_factory) as s:
        await billing.configure_account(
            s,
            acct,
            name="Łukasz Żółć",
            address="ul. Floriańska 3, 31-019 Kraków",
            tax_id="PL5260250274",
        )
        inv = await billing.invoice_status(s, invoice_id)
        await billing.record_attempt(
            s,
            AttemptRecord(
                invoice_id,
                1,
                "card",
                inv.amount_due,
                "failed",
                datetime.now(UTC),
                payment_id="pay_secret_1",
                failure_code="card_declined",
                message="insufficient_funds at issuer",
            ),
        )
    resp = await client.get(f"/invoices/{invoice_id}/pdf", headers=auth(acct))
    assert resp.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    for expected in (
        "Łukasz Żółć",
        "ul. Floriańska 3, 31-019 Kraków",
        "Tax ID: PL5260250274",
        "Quantity",
        "Unit price (USD)",
        "Pay this invoice online",
    ):
        assert expected in text, expected
    assert "?ukasz" not in text
    assert hosted_url(settings, invoice_id)[:60] in text.replace("\n", "")
    for internal in ("card_declined", "pay_secret_1", "insufficient_funds", "attempt"):
        assert internal not in text, internal

    # Rendered to pixels by a second engine (PDFium): the page is not blank and reads the same.
    doc = pdfium.PdfDocument(resp.content)
    page = doc[0]
    image = page.render(scale=2).to_pil().convert("L")
    png = tmp_path / "invoice.png"
    image.save(png)
    assert png.stat().st_size > 10_000
    dark = sum(1 for v in image.getdata() if v < 128)
    assert dark > 5_000  # text was drawn, glyphs and all
    assert "Łukasz Żółć" in page.get_textpage().get_text_bounded()
