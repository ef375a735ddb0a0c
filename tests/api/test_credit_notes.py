"""Credit notes: part or all of a paid invoice, numbered CN-YYYY-NNNNNN gaplessly, never more than
the invoice, idempotent on the reference, to the account's credit balance (its next invoice), with a
PDF the account (and nobody else) can read."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import httpx
from pypdf import PdfReader

from db.session import unit_of_work
from domain.billing import Period
from services import billing
from tests.api.test_billing_api import _invoices_for
from tests.support.tokens import auth, uid

ADMIN = auth("admin_1", "admin")
V1 = "/api/v1/payments"


async def _paid_invoice(session_factory, acct: str, label: str) -> str:
    [invoice_id] = await _invoices_for(session_factory, acct, [label])  # 3.25 USD incl. 0.25 tax
    async with unit_of_work(session_factory) as s:
        inv = await billing.invoice_status(s, invoice_id)
        await billing.mark_invoice_paid(s, invoice_id=invoice_id, payment_id=uid("pay"), amount=inv.total)
    return invoice_id


async def _credit(api_client, invoice_id: str, amount: str, reference: str, headers=ADMIN) -> httpx.Response:
    return await api_client.post(
        f"{V1}/invoices/{invoice_id}/credit-notes",
        json={"amount": amount, "reason": "Service outage on 3 May", "reference": reference},
        headers=headers,
    )


async def test_credit_part_then_the_rest_never_more(api_client: httpx.AsyncClient, session_factory) -> None:
    acct = uid("acct")
    invoice_id = await _paid_invoice(session_factory, acct, "2008-05")
    first = await _credit(api_client, invoice_id, "1.30", "r1")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["total"], body["tax"], body["subtotal"]) == ("1.30", "0.10", "1.20")  # 0.25 × 1.30/3.25
    assert body["number"].startswith("CN-") and len(body["number"]) == len("CN-2026-000001")
    replay = await _credit(api_client, invoice_id, "1.30", "r1")
    assert replay.status_code == 200 and replay.json()["id"] == body["id"]
    conflict = await _credit(api_client, invoice_id, "1.00", "r1")
    assert conflict.status_code == 409
    too_much = await _credit(api_client, invoice_id, "1.96", "r2")
    assert too_much.status_code == 409 and too_much.json()["error"]["code"] == "credit_exceeds_invoice"
    rest = await _credit(api_client, invoice_id, "1.95", "r3")
    assert rest.status_code == 201
    n1, n2 = int(body["number"][-6:]), int(rest.json()["number"][-6:])
    assert n2 == n1 + 1 or n2 > n1  # gapless per year; other tests may take numbers between
    # the credit reaches the account's next invoice as a negative line
    async with unit_of_work(session_factory) as s:
        p = Period.containing(datetime.now(UTC))  # the credit lands on the account's next invoice
        await billing.add_item(
            s,
            account_id=acct,
            kind="subscription",
            description="Pro",
            amount=1000,
            currency="USD",
            effective_at=p.start,
            idempotency_key=uid("k"),
        )
        [nxt] = await billing.build_invoices(s, billing_settings(), p, [acct], issued_at=p.end)
        from db.repositories import billing as repo

        lines = [(ln.kind, ln.amount) for ln in await repo.lines_of(s, nxt.invoice_id)]
    assert ("adjustment", -130) in lines and ("adjustment", -195) in lines


def billing_settings():
    from config.settings import Settings

    return Settings(env="dev")


async def test_concurrent_credits_never_exceed_the_invoice_and_numbers_are_unique(
    api_client: httpx.AsyncClient, session_factory
) -> None:
    invoice_id = await _paid_invoice(session_factory, uid("acct"), "2008-07")
    results = await asyncio.gather(*(_credit(api_client, invoice_id, "1.00", f"c{i}") for i in range(6)))
    ok = [r.json() for r in results if r.status_code == 201]
    assert len(ok) == 3  # 3 × 1.00 ≤ 3.25 < 4 × 1.00
    assert len({n["number"] for n in ok}) == 3
    assert sorted(r.status_code for r in results) == [201] * 3 + [409] * 3


async def test_unpaid_invoices_and_strangers_are_refused(
    api_client: httpx.AsyncClient, session_factory
) -> None:
    acct = uid("acct")
    [open_id] = await _invoices_for(session_factory, acct, ["2008-08"])
    r = await _credit(api_client, open_id, "1.00", "x")
    assert r.status_code == 409 and r.json()["error"]["code"] == "invoice_not_creditable"
    paid = await _paid_invoice(session_factory, acct, "2008-09")
    assert (await _credit(api_client, paid, "1.00", "y", headers=auth(acct))).status_code == 403
    for bad in ("0", "-1", "1.001", "NaN"):
        assert (await _credit(api_client, paid, bad, f"b{bad}")).status_code == 422, bad
    note = (await _credit(api_client, paid, "3.25", "all")).json()
    pdf = await api_client.get(f"{V1}/credit-notes/{note['id']}/pdf", headers=auth(acct))
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("CREDIT NOTE", note["number"], "Ada Lovelace", "3.25 USD", "Service outage on 3 May"):
        assert expected in text, expected
    assert (
        await api_client.get(f"{V1}/credit-notes/{note['id']}/pdf", headers=auth(uid("x")))
    ).status_code == 404
    assert (await api_client.get(f"{V1}/credit-notes/{note['id']}", headers=auth(acct))).status_code == 200
