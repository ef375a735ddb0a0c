"""GET /invoices/{id}/pdf is a real PDF: parsed back with pypdf it shows seller, buyer, number, lines,
tax and the invoice's total."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

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
