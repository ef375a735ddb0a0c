"""Reconciliation activities: ask each provider what it holds and compare with payments and ledger.

`reconcile_payment` settles one payment by the provider's word (services.reconcile applies it).
`sweep` compares every provider's objects since a time — Stripe PaymentIntents and refunds through
the stripe SDK's list calls, PayPal orders through the provider, crypto deposits reported, and
payouts held with no workflow — and starts the repair of safe differences (a reconcile-payment run,
a payout workflow start); the rest are listed in its report. The CLI runs `run_sweep` in-process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import stripe
from temporalio import activity
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.deps import Deps
from activities.payments import PaymentActivities
from contracts import reconcile as c
from contracts.payments import payment_key
from contracts.payouts import PAYOUT_WORKFLOW
from contracts.temporal import payment_workflow_id, payout_workflow_id
from db.base import utcnow
from db.repositories import payments as pay_repo
from db.repositories import reconcile as repo
from db.session import unit_of_work
from domain import payments as rules
from providers.base import PaymentProvider, ProviderDeclined, ProviderIntent
from services import payments as pay_svc
from services import reconcile as svc

Progress = Callable[[int, str], None]  # (advance, what) — the CLI's progress bar
_PROVIDERS = ("stripe", "paypal")


def _view(intent: ProviderIntent) -> svc.ProviderView:
    return svc.ProviderView(intent.status, intent.amount, intent.currency, intent.capture_id)


def _beat(what: str) -> None:
    if activity.in_activity():
        activity.heartbeat(what)


async def _list_since(service: Any, since: datetime) -> list[dict[str, Any]]:
    """Every object of a Stripe list endpoint created since `since` (auto-paging). A stand-in that
    does not know the `created` filter (localstripe answers 400 or 500 to it) gets the whole list,
    filtered here."""
    at = int(since.timestamp())
    try:
        page = await service.list_async({"limit": 100, "created": {"gte": at}})
    except (stripe.InvalidRequestError, stripe.APIError):
        page = await service.list_async({"limit": 100})
    found = [obj.to_dict() async for obj in page.auto_paging_iter()]
    return [o for o in found if int(o.get("created") or at) >= at]


def _object_unknown(exc: BaseException) -> bool:
    """A provider's 4xx about one object (Stripe's http_status, PayPal's response_code, our
    ProviderDeclined), as opposed to an outage (5xx, timeouts, connection errors)."""
    if isinstance(exc, ProviderDeclined):
        return True
    status = getattr(exc, "http_status", None) or getattr(exc, "response_code", None)
    return isinstance(status, int) and 400 <= status < 500 and status not in (401, 403, 429)


class ReconcileActivities:
    def __init__(self, deps: Deps, providers: dict[str, PaymentProvider] | None = None) -> None:
        self.deps = deps
        self.payments = PaymentActivities(deps, providers)  # one provider cache, built the same way

    def provider(self, name: str) -> PaymentProvider:
        return self.payments.provider(name)

    async def _running(self, workflow_id: str) -> bool:
        try:
            desc = await self.deps.client.get_workflow_handle(workflow_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return desc.status == WorkflowExecutionStatus.RUNNING

    # --- one payment ------------------------------------------------------------------------------

    @activity.defn(name=c.ACT_RECONCILE_PAYMENT)
    async def reconcile_payment(self, inp: c.ReconcilePaymentInput) -> c.ReconcileOutcome:
        factory = self.deps.session_factory
        async with factory() as s:
            row = await pay_repo.get_payment(s, inp.payment_id)
        if row is None:
            return c.ReconcileOutcome(inp.payment_id, c.UNRESOLVED, "no such payment")
        if row.provider == "credits":
            return c.ReconcileOutcome(row.id, c.CLEAN)
        running = await self._running(payment_workflow_id(row.id))
        if row.provider == "crypto":
            async with unit_of_work(factory) as s:
                return await svc.settle_crypto(s, row.id, self.deps.settings, workflow_running=running)
        provider = self.provider(row.provider)
        if row.provider_object_id:
            intent: ProviderIntent | None = await provider.retrieve(row.provider_object_id)
        else:
            intent = await provider.find(row.id)  # a create whose answer was lost
        if intent is None:
            if running or row.status in rules.TERMINAL:
                return c.ReconcileOutcome(row.id, c.IN_FLIGHT if running else c.CLEAN)
            async with unit_of_work(factory) as s:
                return await svc.end_payment(s, row.id, svc.FAILED)
        action = svc.decide(row.status, intent.status, workflow_running=running)
        if action == c.IN_FLIGHT and not running and intent.status != svc.PROCESSING:
            # Nobody will ever drive it: cancel it at the provider (same key as the workflow's cancel).
            try:
                intent = await provider.cancel(
                    intent.object_id, idempotency_key=payment_key(row.id, "cancel")
                )
            except ProviderDeclined:
                intent = await provider.retrieve(intent.object_id)
            action = svc.decide(row.status, intent.status, workflow_running=False)
        if action == c.COMPLETED:
            async with unit_of_work(factory) as s:
                out = await svc.settle_capture(s, row.id, _view(intent))
            if out.action == c.COMPLETED and row.purpose_kind == "invoice":  # as the completion does
                await self.payments._start_reserved_refund(
                    pay_svc.invoice_refund_key(row.id), pay_svc.INVOICE_SURPLUS
                )
            return out
        if action == c.ENDED:
            async with unit_of_work(factory) as s:
                return await svc.end_payment(s, row.id, intent.status)
        detail = "the ledger holds a payment the provider never captured" if action == c.UNRESOLVED else ""
        return c.ReconcileOutcome(row.id, action, detail, intent.status)

    # --- the sweep ------------------------------------------------------------------------------------

    @activity.defn(name=c.ACT_RECONCILE_SWEEP)
    async def sweep(self, inp: c.ReconcileInput) -> c.ReconcileReport:
        return await self.run_sweep(inp)

    async def run_sweep(self, inp: c.ReconcileInput, progress: Progress | None = None) -> c.ReconcileReport:
        since = (
            datetime.fromisoformat(inp.since)
            if inp.since
            else utcnow() - timedelta(hours=max(inp.lookback_hours, 1))
        )
        tick: Progress = progress or (lambda _n, _what: None)
        diffs: list[c.Difference] = []
        checked = await self._payments(since, inp.fix, diffs, tick)
        try:
            checked += await self._stripe_objects(since, diffs, tick)
        except stripe.StripeError as exc:  # reported, not fatal: the other providers still get compared
            diffs.append(
                c.Difference("provider_unavailable", "stripe", "", "", f"{type(exc).__name__}: {exc}")
            )
        checked += await self._refunds_by_lookup(since, diffs, tick)
        checked += await self._deposits(since, inp.fix, diffs, tick)
        checked += await self._payouts(inp.fix, timedelta(seconds=inp.payout_grace_seconds), diffs, tick)
        return c.ReconcileReport(since.isoformat(), checked, diffs)

    async def count(self, inp: c.ReconcileInput) -> int:
        """How many payments the sweep will look at (the progress bar's total)."""
        since = (
            datetime.fromisoformat(inp.since) if inp.since else utcnow() - timedelta(hours=inp.lookback_hours)
        )
        n, after = 0, ""
        async with self.deps.session_factory() as s:
            while page := await repo.provider_payments_since(s, since, providers=_PROVIDERS, after_id=after):
                n, after = n + len(page), page[-1].id
        return n

    async def _repair(self, fix: bool, payment_id: str, reason: str) -> bool:
        if fix:
            await svc.start_payment_reconcile(
                self.deps.client, self.deps.settings.task_queue, payment_id, reason
            )
        return fix

    async def _payments(self, since: datetime, fix: bool, diffs: list[c.Difference], tick: Progress) -> int:
        """Every provider payment since `since`, against its provider object."""
        n, after = 0, ""
        down: dict[str, str] = {}  # provider → why it could not be asked (its payments are listed)
        while True:
            async with self.deps.session_factory() as s:
                page = await repo.provider_payments_since(s, since, providers=_PROVIDERS, after_id=after)
            if not page:
                return n
            after = page[-1].id
            for row in page:
                n += 1
                tick(1, row.id)
                _beat(row.id)
                if not row.provider_object_id:
                    continue  # nothing created at the provider (or not yet recorded: the create reconciles)
                if row.provider in down:
                    intent = None
                else:
                    try:
                        intent = await self.provider(row.provider).retrieve(row.provider_object_id)
                    except Exception as exc:
                        if not _object_unknown(exc):
                            down[row.provider] = f"{type(exc).__name__}: {str(exc)[:200]}"
                            intent = None
                        else:
                            # The provider answered: it does not know this object (a 4xx). That is
                            # this payment's difference, not an outage that hides every other one.
                            diffs.append(
                                c.Difference(
                                    "provider_object_missing",
                                    row.provider,
                                    row.provider_object_id,
                                    row.id,
                                    f"{type(exc).__name__}: {exc}"[:200],
                                )
                            )
                            continue
                if intent is None:
                    diffs.append(
                        c.Difference(
                            "provider_unavailable",
                            row.provider,
                            row.provider_object_id,
                            row.id,
                            down[row.provider],
                        )
                    )
                    continue
                if row.status in rules.SUCCESS and intent.status == svc.SUCCEEDED:
                    if (intent.amount, intent.currency.upper()) != (row.amount, row.currency):
                        diffs.append(
                            c.Difference(
                                "amount_mismatch",
                                row.provider,
                                intent.object_id,
                                row.id,
                                f"provider {intent.amount} {intent.currency}, "
                                f"ledger {row.amount} {row.currency}",
                            )
                        )
                    elif not row.ledger_transaction_id:
                        diffs.append(
                            c.Difference("success_without_ledger", row.provider, intent.object_id, row.id)
                        )
                    continue
                running = None
                if intent.status == svc.SUCCEEDED or (
                    intent.status in svc.FINAL_FAILURES and row.status not in rules.TERMINAL
                ):
                    running = await self._running(payment_workflow_id(row.id))
                action = svc.decide(row.status, intent.status, workflow_running=bool(running))
                if action == c.COMPLETED:
                    fixed = await self._repair(fix, row.id, "sweep: captured, not in the ledger")
                    diffs.append(
                        c.Difference(
                            "captured_not_in_ledger",
                            row.provider,
                            intent.object_id,
                            row.id,
                            f"payment {row.status}, provider {intent.status}",
                            fixed,
                        )
                    )
                elif action == c.ENDED:
                    fixed = await self._repair(fix, row.id, "sweep: provider ended it")
                    diffs.append(
                        c.Difference(
                            "orphaned_payment",
                            row.provider,
                            intent.object_id,
                            row.id,
                            f"payment {row.status} with no workflow, provider {intent.status}",
                            fixed,
                        )
                    )
                elif action == c.UNRESOLVED:
                    diffs.append(
                        c.Difference(
                            "ledger_without_capture",
                            row.provider,
                            intent.object_id,
                            row.id,
                            f"payment {row.status}, provider {intent.status}",
                        )
                    )

    async def _stripe_objects(self, since: datetime, diffs: list[c.Difference], tick: Progress) -> int:
        """Stripe's own lists: succeeded PaymentIntents we do not know, and refunds that disagree."""
        provider = self.provider("stripe")
        client: Any = getattr(provider, "client", None)
        if client is None:
            return 0
        n = 0
        intents = await _list_since(client.v1.payment_intents, since)
        async with self.deps.session_factory() as s:
            known = await repo.payments_by_object(s, "stripe", [str(pi["id"]) for pi in intents])
        for pi in intents:
            n += 1
            _beat(str(pi["id"]))
            if pi["id"] in known or pi.get("status") != "succeeded":
                continue
            pid = str((pi.get("metadata") or {}).get("payment_id") or "")
            kind = "duplicate_provider_object" if pid else "unknown_provider_object"
            diffs.append(
                c.Difference(
                    kind,
                    "stripe",
                    str(pi["id"]),
                    pid,
                    f"captured {pi.get('amount')} {str(pi.get('currency', '')).upper()} "
                    "not recorded on any payment",
                )
            )
        tick(0, "stripe payment intents")
        refunds = await _list_since(client.v1.refunds, since)
        async with self.deps.session_factory() as s:
            ours = await repo.refunds_by_provider_id(s, [str(r["id"]) for r in refunds])
            recorded = await repo.refunds_since(s, since, provider="stripe")
            paid = await repo.payments_by_object(
                s, "stripe", [str(r.get("payment_intent") or "") for r in refunds]
            )
        seen = set()
        for rf in refunds:
            n += 1
            rid = str(rf["id"])
            seen.add(rid)
            mine = ours.get(rid)
            at_stripe = str(rf.get("status") or "succeeded")
            if mine is None:
                if at_stripe == "succeeded":
                    of = paid.get(str(rf.get("payment_intent") or ""))
                    diffs.append(
                        c.Difference(
                            "unknown_refund",
                            "stripe",
                            rid,
                            of.id if of is not None else "",
                            f"refunded {rf.get('amount')} at the provider, not in the ledger",
                        )
                    )
            elif (mine.status == "succeeded") != (at_stripe == "succeeded") and at_stripe != "pending":
                diffs.append(
                    c.Difference(
                        "refund_status_mismatch",
                        "stripe",
                        rid,
                        mine.payment_id,
                        f"ledger {mine.status}, provider {at_stripe}",
                    )
                )
        for mine, _pay in recorded:
            if mine.status == "succeeded" and mine.provider_refund_id and mine.provider_refund_id not in seen:
                diffs.append(
                    c.Difference(
                        "refund_missing_at_provider", "stripe", mine.provider_refund_id, mine.payment_id
                    )
                )
        return n

    async def _refunds_by_lookup(self, since: datetime, diffs: list[c.Difference], tick: Progress) -> int:
        """Providers without a refund list we can page (PayPal): ask for each refund we recorded."""
        n = 0
        for name in ("paypal",):
            async with self.deps.session_factory() as s:
                recorded = await repo.refunds_since(s, since, provider=name)
            lookup = getattr(self.provider(name), "retrieve_refund", None) if recorded else None
            for mine, _pay in recorded:
                if lookup is None or not mine.provider_refund_id or mine.status == "pending":
                    continue
                n += 1
                _beat(mine.id)
                try:
                    theirs = await lookup(mine.provider_refund_id)
                except Exception as exc:
                    diffs.append(
                        c.Difference(
                            "provider_unavailable",
                            name,
                            mine.provider_refund_id,
                            mine.payment_id,
                            str(exc)[:200],
                        )
                    )
                    break
                if theirs.status != "pending" and (mine.status == "succeeded") != (
                    theirs.status == "succeeded"
                ):
                    diffs.append(
                        c.Difference(
                            "refund_status_mismatch",
                            name,
                            mine.provider_refund_id,
                            mine.payment_id,
                            f"ledger {mine.status}, provider {theirs.status}",
                        )
                    )
            tick(0, f"{name} refunds")
        return n

    async def _deposits(self, since: datetime, fix: bool, diffs: list[c.Difference], tick: Progress) -> int:
        """Crypto deposits reported and still unsettled."""
        async with self.deps.session_factory() as s:
            rows = await repo.unsettled_deposits(s, since)
        n = 0
        for dep, pay in rows:
            n += 1
            ref = f"{dep.chain}:{dep.txid}"
            if pay is None:
                diffs.append(
                    c.Difference("unknown_deposit", "crypto", ref, "", f"{dep.amount} to {dep.address}")
                )
                continue
            if pay.status not in rules.TERMINAL and await self._running(payment_workflow_id(pay.id)):
                continue  # its workflow counts it
            need = pay.crypto_confirmations or pay_svc.required_confirmations(self.deps.settings, dep.chain)
            if dep.confirmations < need:
                continue  # not final yet
            fixed = await self._repair(fix, pay.id, "sweep: deposit not settled")
            diffs.append(
                c.Difference("deposit_not_settled", "crypto", ref, pay.id, f"payment {pay.status}", fixed)
            )
        tick(0, "crypto deposits")
        return n

    async def _payouts(self, fix: bool, grace: timedelta, diffs: list[c.Difference], tick: Progress) -> int:
        """Payouts held (pending) with no workflow behind them: start it (the API's start may have failed)."""
        from services.payouts import workflow_input

        async with self.deps.session_factory() as s:
            rows = await repo.pending_payouts_before(s, utcnow() - grace)
        for p in rows:
            if await self._running(payout_workflow_id(p.id)):
                continue
            if fix:
                with contextlib.suppress(WorkflowAlreadyStartedError):  # it ran and ended: nothing to do
                    await self.deps.client.start_workflow(
                        PAYOUT_WORKFLOW,
                        workflow_input(p, self.deps.settings),
                        id=payout_workflow_id(p.id),
                        task_queue=self.deps.settings.task_queue,
                        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    )
            fixed = fix
            diffs.append(
                c.Difference("payout_without_workflow", p.provider, p.id, "", "held, nothing sent", fixed)
            )
        tick(0, "payouts")
        return len(rows)

    def all(self) -> list[Callable[..., Any]]:
        return [self.reconcile_payment, self.sweep]
