"""The hosted invoice page: HTML at a signed link, no login; forged or altered links, drafts and
strangers' guesses are 404; customer text is escaped; nothing to pay on a paid invoice."""

from __future__ import annotations

import httpx

from db.session import unit_of_work
from services import billing
from services.invoice_links import hosted_token
from tests.api.test_billing_api import _invoices_for
from tests.support.tokens import uid

V1 = "/api/v1/payments"


async def test_the_signed_link_shows_the_invoice_escaped_and_payable(
    api_client: httpx.AsyncClient, session_factory, settings
) -> None:
    acct = uid("acct")
    [invoice_id] = await _invoices_for(session_factory, acct, ["2007-03"])
    async with unit_of_work(session_factory) as s:
        await billing.configure_account(
            s, acct, name="Łukasz <script>alert(1)</script>", address="ul. Floriańska 3", tax_id="PL52"
        )
        inv = await billing.invoice_status(s, invoice_id)
    token = hosted_token(settings, invoice_id)
    r = await api_client.get(f"{V1}/invoices/hosted/{token}")  # no Authorization header
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html") and r.headers["cache-control"] == "no-store"
    page = r.text
    assert "Łukasz &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    for expected in (inv.number, "ul. Floriańska 3", "Tax ID: PL52", "3.25 USD", "US Dollar", "pay-button"):
        assert expected in page, expected


async def test_forged_altered_and_borrowed_links_are_not_found(
    api_client: httpx.AsyncClient, session_factory, settings
) -> None:
    acct = uid("acct")
    [mine, other] = await _invoices_for(session_factory, acct, ["2007-04", "2007-05"])
    token = hosted_token(settings, mine)
    _, mac = token.rsplit(".", 1)
    for bad in (
        f"{other}.{mac}",  # my signature on another invoice
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        mine,
        f"{mine}.",
        "x" * 300,
    ):
        for method, path in (("GET", f"/invoices/hosted/{bad}"), ("POST", f"/invoices/hosted/{bad}/pay")):
            r = await api_client.request(method, V1 + path)
            assert r.status_code == 404, (bad, method, r.text)


async def test_a_paid_invoice_has_nothing_to_pay(
    api_client: httpx.AsyncClient, session_factory, settings
) -> None:
    acct = uid("acct")
    [invoice_id] = await _invoices_for(session_factory, acct, ["2007-06"])
    async with unit_of_work(session_factory) as s:
        inv = await billing.invoice_status(s, invoice_id)
        await billing.mark_invoice_paid(s, invoice_id=invoice_id, payment_id=uid("pay"), amount=inv.total)
    token = hosted_token(settings, invoice_id)
    page = (await api_client.get(f"{V1}/invoices/hosted/{token}")).text
    assert "Paid" in page and "pay-button" not in page
    r = await api_client.post(f"{V1}/invoices/hosted/{token}/pay")
    # refused before any payment is started (this app has no Temporal: reaching it would be a 503)
    assert r.status_code == 409 and r.json()["error"]["code"] == "invoice_not_payable"
