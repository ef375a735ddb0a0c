"""Collection pieces on PostgreSQL: credits first (all or part, once), the card charge through the
payments area's start_payment (a real Payment row and PaymentWorkflow start), attempts on record."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import ActivityEnvironment

from activities.billing import BillingActivities
from activities.deps import Deps
from contracts import billing as c
from db.repositories import billing as repo
from db.session import unit_of_work
from domain.billing import Period
from services import billing, credits
from tests.support.tokens import uid

P = Period.parse("2007-06")


async def _invoice(session_factory, settings, *, cents: int, credits_first: bool, pm: str | None = None):
    acct = uid("acct")
    async with unit_of_work(session_factory) as s:
        await billing.configure_account(
            s, acct, use_credits_first=credits_first, default_payment_method_id=pm
        )
        await billing.add_item(
            s,
            account_id=acct,
            kind="adjustment",
            description="Setup",
            amount=cents,
            currency="USD",
            effective_at=P.start,
            idempotency_key=uid("k"),
        )
    async with unit_of_work(session_factory) as s:
        [inv] = await billing.build_invoices(s, settings, P, [acct], issued_at=P.end)
    return acct, inv


async def _fund(session_factory, acct: str, credit_minor: int) -> None:
    async with unit_of_work(session_factory) as s:
        await credits.grant_purchased_credits(s, user_id=acct, credits=credit_minor, payment_id=uid("pay"))


async def test_credits_pay_the_whole_invoice_when_the_wallet_covers_it(session_factory, settings) -> None:
    acct, inv = await _invoice(session_factory, settings, cents=1234, credits_first=True)
    await _fund(session_factory, acct, 200_000)  # 20 credits
    for _ in range(2):  # a retried activity spends nothing more
        async with unit_of_work(session_factory) as s:
            out = await billing.apply_credits(s, settings, inv.invoice_id)
    assert (out.status, out.amount_due) == ("paid", 0)
    async with session_factory() as s:
        assert (await credits.balance_view(s, acct)).balance == 200_000 - 123_400  # 12.34 credits at 1/unit
        [payment] = await repo.payments_of(s, inv.invoice_id)
    assert (payment.source, payment.amount) == ("credits", 1234)


async def test_credits_pay_part_and_leave_the_rest_for_the_card(session_factory, settings) -> None:
    acct, inv = await _invoice(session_factory, settings, cents=1000, credits_first=True)
    await _fund(session_factory, acct, 60_050)  # 6.005 credits → covers 6.00
    async with unit_of_work(session_factory) as s:
        out = await billing.apply_credits(s, settings, inv.invoice_id)
    assert (out.status, out.amount_due) == ("open", 400)
    async with session_factory() as s:
        assert (await credits.balance_view(s, acct)).balance == 50


async def test_no_opt_in_or_no_credits_spends_nothing(session_factory, settings) -> None:
    acct, inv = await _invoice(session_factory, settings, cents=500, credits_first=False)
    await _fund(session_factory, acct, 100_000)
    async with unit_of_work(session_factory) as s:
        assert (await billing.apply_credits(s, settings, inv.invoice_id)).amount_due == 500
    _, inv2 = await _invoice(session_factory, settings, cents=500, credits_first=True)
    async with unit_of_work(session_factory) as s:
        assert (await billing.apply_credits(s, settings, inv2.invoice_id)).amount_due == 500


async def test_charge_goes_through_start_payment_off_session(
    ts_env, session_factory, settings, task_queue
) -> None:
    acct, inv = await _invoice(session_factory, settings, cents=4200, credits_first=False, pm="pm_card_visa")
    deps = Deps(
        settings.model_copy(update={"task_queue": task_queue, "payments_search_attributes": False}),
        session_factory,
        ts_env.client,
    )
    acts = BillingActivities(deps)
    env = ActivityEnvironment()
    req = c.ChargeRequest(inv.invoice_id, 1, 4200, "USD")
    first = await env.run(acts.charge_invoice, req)
    again = await env.run(acts.charge_invoice, req)
    assert first.payment_id == again.payment_id == c.charge_payment_id(inv.invoice_id, 1)
    assert first.status == "pending"  # the PaymentWorkflow settles it; billing polls check_charge
    from db.models.payments import Payment

    async with session_factory() as s:
        row = await s.get(Payment, first.payment_id)
    assert (row.amount, row.currency, row.payer_id, row.purpose_kind, row.purpose_reference) == (
        4200,
        "USD",
        acct,
        "invoice",
        inv.invoice_id,
    )
    assert row.off_session is True
    desc = await ts_env.client.get_workflow_handle(f"payment-{first.payment_id}").describe()
    assert desc.task_queue == task_queue
    checked = await env.run(acts.check_charge, c.CheckChargeRequest(inv.invoice_id, first.payment_id))
    assert checked.status == "pending"
    async with unit_of_work(session_factory) as s:  # what the payments area does on completion
        await billing.mark_invoice_paid(
            s, invoice_id=inv.invoice_id, payment_id=first.payment_id, amount=4200
        )
    paid = await env.run(acts.check_charge, c.CheckChargeRequest(inv.invoice_id, first.payment_id))
    assert paid.status == "paid"
    await ts_env.client.get_workflow_handle(f"payment-{first.payment_id}").terminate("test over")


async def test_charge_without_a_payment_method_fails_the_attempt(session_factory, settings, ts_env) -> None:
    _, inv = await _invoice(session_factory, settings, cents=100, credits_first=False)
    acts = BillingActivities(Deps(settings, session_factory, ts_env.client))
    res = await ActivityEnvironment().run(acts.charge_invoice, c.ChargeRequest(inv.invoice_id, 1, 100, "USD"))
    assert (res.status, res.failure_code) == ("failed", "no_payment_method")
    at = P.end + timedelta(hours=1)
    rec = c.AttemptRecord(
        inv.invoice_id,
        1,
        "card",
        100,
        "failed",
        at,
        failure_code=res.failure_code,
        next_attempt_at=at + timedelta(days=3),
    )
    for _ in range(2):
        await ActivityEnvironment().run(acts.record_attempt, rec)
    async with session_factory() as s:
        row = await repo.get_invoice(s, inv.invoice_id)
        [attempt] = await repo.attempts_of(s, inv.invoice_id)
    assert (row.attempt_count, row.next_attempt_at) == (1, at + timedelta(days=3))
    assert attempt.failure_code == "no_payment_method"


async def test_one_failing_account_does_not_stop_the_batch(
    session_factory, settings, ts_env, monkeypatch
) -> None:
    import activities.billing as act_mod

    good = [uid("acct") for _ in range(3)]
    bad = uid("bad")
    period = Period.parse("2007-09")
    async with unit_of_work(session_factory) as s:
        for a in [*good, bad]:
            await billing.add_item(
                s,
                account_id=a,
                kind="adjustment",
                description="Fee",
                amount=100,
                currency="USD",
                effective_at=period.start,
                idempotency_key=uid("k"),
            )
    real = act_mod.service.build_invoices

    async def flaky(session, settings_, period_, ids, **kw):
        if bad in ids:
            raise RuntimeError("this account's data is broken")
        return await real(session, settings_, period_, ids, **kw)

    monkeypatch.setattr(act_mod.service, "build_invoices", flaky)
    acts = BillingActivities(Deps(settings, session_factory, ts_env.client))
    out = await ActivityEnvironment().run(
        acts.build_invoice_batch, c.BuildBatchInput(period.label, [*good, bad], period.end)
    )
    by_account = {s.account_id: s for s in out.invoices}
    assert {by_account[a].status for a in good} == {"open"}
    assert by_account[bad].status == "error" and "broken" in by_account[bad].error
