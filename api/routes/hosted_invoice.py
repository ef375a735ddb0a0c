"""The hosted invoice page: server-rendered HTML at a signed, unguessable URL (the invoice id with an
HMAC under MESHPAY_BILLING_LINK_SECRET), no login. Whoever holds the link may see the invoice and pay
it by card: the pay action starts a card payment whose amount, currency, payer (the invoice's
account) and purpose (this invoice) are fixed by the server, and hands back Stripe's client secret
for Stripe.js to confirm. A forged or altered token, and a draft, are 'not found'.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from api.deps import SessionDep, SessionFactoryDep, SettingsDep, get_temporal
from api.exact_json import ExactJSONRoute
from api.schemas.common import ERROR_RESPONSES
from config.settings import Settings
from contracts.payments import PaymentPurpose
from db.repositories import payments as pay_repo
from db.session import unit_of_work
from domain.charges import plain
from domain.errors import InvalidState, NotFound
from domain.money import currency_name, format_amount, to_decimal
from services import billing
from services.billing_views import InvoiceDetail
from services.invoice_links import invoice_of
from services.payment_start import await_next_action, next_action_of, start_payment

router = APIRouter(tags=["billing"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)

PAYABLE = ("open", "uncollectible")


async def _detail(session: SessionDep, settings: Settings, token: str) -> InvoiceDetail:
    invoice_id = invoice_of(settings, token)
    d = await billing.visible_invoice(session, invoice_id, "", admin=True)
    if d.invoice.status == "draft":
        raise NotFound("invoice not found", param="token")
    return d


def _page(d: InvoiceDetail, settings: Settings, token: str) -> str:
    inv, cur = d.invoice, d.invoice.currency
    e = escape
    rows = "".join(
        f"<tr><td>{e(ln.description)}</td><td class=n>{e(plain(ln.quantity))}</td>"
        f"<td class=n>{e(plain(to_decimal(1, cur) * ln.unit_amount))}</td>"
        f"<td class=n>{format_amount(ln.tax, cur)}</td><td class=n>{format_amount(ln.amount, cur)}</td></tr>"
        for ln in d.lines
    )
    acct = d.account
    buyer = [acct.name if acct and acct.name else inv.account_id]
    if acct and acct.address:
        buyer.append(acct.address)
    if acct and acct.tax_id:
        buyer.append(f"Tax ID: {acct.tax_id}")
    seller = [settings.billing_seller_name, settings.billing_seller_address]
    if settings.billing_seller_tax_id:
        seller.append(f"Tax ID: {settings.billing_seller_tax_id}")
    due = inv.total - inv.amount_paid
    pay = ""
    if inv.status in PAYABLE and due > 0:
        pay = f"""
<section id=pay>
  <div id=card></div>
  <button id=pay-button data-pay-url="{e(token)}/pay">Pay {format_amount(due, cur)} {e(cur)} by card</button>
  <p id=pay-status role=status></p>
</section>
<script src="{e(settings.billing_stripe_js_url)}"></script>
<script>
(function () {{
  var button = document.getElementById('pay-button'), status = document.getElementById('pay-status');
  var stripe = window.Stripe ? window.Stripe({_js(settings.billing_stripe_publishable_key)}) : null;
  var card = stripe ? stripe.elements().create('card') : null;
  if (card) card.mount('#card');
  button.addEventListener('click', async function () {{
    button.disabled = true; status.textContent = 'Processing…';
    var r = await fetch(window.location.pathname + '/pay', {{method: 'POST'}});
    var body = await r.json();
    if (!r.ok) {{ status.textContent = body.error.message; button.disabled = false; return; }}
    var result = await stripe.confirmCardPayment(body.client_secret, {{payment_method: {{card: card}}}});
    status.textContent = result.error ? result.error.message : 'Thank you: your payment is being processed.';
    if (result.error) button.disabled = false;
  }});
}})();
</script>"""
    tax_name = e(inv.tax_name or "Tax")
    status = {"paid": "Paid", "void": "Void", "uncollectible": "Past due", "open": "Due"}.get(inv.status, "")
    return f"""<!doctype html>
<html lang=en><head><meta charset=utf-8><meta name=viewport content="width=device-width, initial-scale=1">
<title>Invoice {e(inv.number or "")}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}
table{{width:100%;border-collapse:collapse}}td,th{{border-bottom:1px solid #ddd;padding:.4rem}}
.n{{text-align:right}}.parties{{display:flex;gap:2rem}}.parties div{{flex:1}}</style></head>
<body>
<h1>Invoice {e(inv.number or "")}</h1>
<p><strong id=status>{status}</strong> · issued {e(str(inv.issued_at.date() if inv.issued_at else ""))}
 · due {e(str(inv.due_at.date() if inv.due_at else ""))}</p>
<div class=parties><div><h2>From</h2><p>{"<br>".join(e(x) for x in seller)}</p></div>
<div><h2>Bill to</h2><p>{"<br>".join(e(x) for x in buyer)}</p></div></div>
<table><thead><tr><th>Description</th><th class=n>Quantity</th><th class=n>Unit price</th>
<th class=n>Tax</th><th class=n>Amount</th></tr></thead><tbody>{rows}</tbody></table>
<p class=n>Subtotal {format_amount(inv.subtotal, cur)} · {tax_name} {format_amount(inv.tax, cur)}
 · <strong>Total {format_amount(inv.total, cur)} {e(cur)}</strong> ({e(currency_name(cur))})</p>
<p class=n id=amount-due>Amount due: <strong>{format_amount(due, cur)} {e(cur)}</strong></p>
{pay}
</body></html>"""


def _js(value: str) -> str:
    import json

    return json.dumps(value).replace("<", "\\u003c")


@router.get(
    "/invoices/hosted/{token}",
    response_class=HTMLResponse,
    include_in_schema=True,
    responses={404: {"description": "no invoice has this signed link (an HTML page too)"}},
)
async def hosted_invoice(token: str, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """The invoice as a web page for the customer (no login: the signed link is the key)."""
    try:
        d = await _detail(session, settings, token)
    except NotFound:  # a person followed a bad link: tell them in a page, not in JSON
        return HTMLResponse(
            "<!doctype html><title>Invoice not found</title><h1>Invoice not found</h1>"
            "<p>This link is not valid. Ask the seller for a new one.</p>",
            status_code=404,
            headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
        )
    return HTMLResponse(
        _page(d, settings, token),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"},
    )


class HostedPayOut(BaseModel):
    payment_id: str
    client_secret: str


@router.post("/invoices/hosted/{token}/pay", response_model=HostedPayOut)
async def pay_hosted_invoice(
    token: str, request: Request, session: SessionDep, factory: SessionFactoryDep, settings: SettingsDep
) -> HostedPayOut:
    """Start a card payment of what the invoice still owes; Stripe.js confirms it with the secret.
    The payment settles this invoice only, in its currency, up to what is due."""
    d = await _detail(session, settings, token)
    inv = d.invoice
    due = inv.total - inv.amount_paid
    if inv.status not in PAYABLE or due <= 0:
        raise InvalidState(
            f"invoice {inv.number} is {inv.status}; nothing to pay", code="invoice_not_payable"
        )
    client = await get_temporal(request)  # only once the link and the invoice checked out
    async with unit_of_work(factory) as s:
        started = await start_payment(
            s,
            client,
            settings,
            payer_id=inv.account_id,
            amount=due,
            currency=inv.currency,
            provider="stripe",
            purpose=PaymentPurpose("invoice", inv.id),
            payment_method_id=None,
            chain=None,
        )
    await await_next_action(client, started.payment_id, timeout=settings.payment_create_wait_seconds)
    async with factory() as s:
        row = await pay_repo.get_payment(s, started.payment_id)
    action = next_action_of(row) if row is not None else {}
    if "client_secret" not in action:
        raise InvalidState("the card payment could not be started; try again", code="payment_not_ready")
    return HostedPayOut(payment_id=started.payment_id, client_secret=action["client_secret"])
