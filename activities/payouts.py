"""Payout activities: each a DB unit of work through services.payouts and/or one provider call, safe
to run twice (provider calls carry `po:{payout_id}:send`; ledger moves have their own keys).

Domain refusals and provider refusals are non-retryable ApplicationErrors typed by the error class;
anything else propagates and Temporal retries it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import activity
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError

from activities.deps import Deps
from activities.errors import domain_application_error
from contracts.payouts import (
    CHECK_ACTIVITY,
    FAIL_ACTIVITY,
    MARK_PAID_ACTIVITY,
    PAYOUT_REJECTED,
    PAYOUT_WORKFLOW,
    RELEASE_RESERVE_ACTIVITY,
    RUN_PAGE_ACTIVITY,
    SEND_ACTIVITY,
    PayoutFailure,
    PayoutRef,
    PayoutView,
    ProviderStatus,
    RunPageInput,
    RunPageResult,
)
from contracts.temporal import payout_workflow_id
from db.models.payouts import Payout
from db.session import unit_of_work
from domain import payouts as rules
from domain.errors import DomainError
from providers.payouts import PayoutProvider, PayoutRejected, build_provider
from services import payouts as service
from services import temporal_gateway as gateway

T = TypeVar("T")


def _view(p: Payout) -> PayoutView:
    return PayoutView(p.id, p.status, p.provider_ref or "", p.failure_code or "")


class PayoutActivities:
    def __init__(self, deps: Deps, providers: Mapping[str, PayoutProvider] | None = None) -> None:
        self.deps = deps
        self._providers: dict[str, PayoutProvider] = dict(providers or {})

    def provider(self, name: str) -> PayoutProvider:
        if name not in self._providers:
            s = self.deps.settings
            self._providers[name] = build_provider(
                name,
                stripe_secret_key=s.stripe_secret_key,
                stripe_api_base=s.stripe_api_base,
                paypal_client_id=s.paypal_client_id,
                paypal_client_secret=s.paypal_client_secret,
                paypal_api_base=s.paypal_api_base,
            )
        return self._providers[name]

    def policy(self) -> service.PayoutPolicy:
        return service.PayoutPolicy(
            self.deps.settings.payout_minimum, self.deps.settings.payout_reserve_percent
        )

    async def _in_uow(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        try:
            async with unit_of_work(self.deps.session_factory) as session:
                return await fn(session, *args, **kwargs)
        except DomainError as exc:
            raise domain_application_error(exc) from exc

    @activity.defn(name=SEND_ACTIVITY)
    async def send(self, ref: PayoutRef) -> ProviderStatus:
        payout = await self._in_uow(service.get_payout, ref.payout_id)
        if payout.status in (rules.PAID, rules.FAILED):
            return ProviderStatus(payout.status, payout.provider_ref or "", payout.failure_code or "")
        try:
            sent = await self.provider(payout.provider).send(
                payout_id=payout.id,
                amount=payout.net_amount,
                currency=payout.currency,
                destination=payout.account_ref,
                idempotency_key=f"po:{payout.id}:send",
            )
        except PayoutRejected as exc:
            raise ApplicationError(
                exc.message, {"code": exc.code}, type=PAYOUT_REJECTED, non_retryable=True
            ) from exc
        if sent.status != rules.FAILED:
            await self._in_uow(service.mark_in_transit, payout.id, sent.provider_ref)
        return ProviderStatus(sent.status, sent.provider_ref, sent.failure_code, sent.failure_message)

    @activity.defn(name=CHECK_ACTIVITY)
    async def check(self, ref: PayoutRef) -> ProviderStatus:
        payout = await self._in_uow(service.get_payout, ref.payout_id)
        if not payout.provider_ref:
            return ProviderStatus("pending")
        got = await self.provider(payout.provider).status(payout.provider_ref)
        return ProviderStatus(got.status, got.provider_ref, got.failure_code, got.failure_message)

    @activity.defn(name=MARK_PAID_ACTIVITY)
    async def mark_paid(self, ref: PayoutRef) -> PayoutView:
        hold = timedelta(days=self.deps.settings.payout_reserve_hold_days)
        return _view(await self._in_uow(service.mark_paid, ref.payout_id, reserve_hold=hold))

    @activity.defn(name=FAIL_ACTIVITY)
    async def fail(self, inp: PayoutFailure) -> PayoutView:
        return _view(await self._in_uow(service.fail_payout, inp.payout_id, inp.code, inp.message))

    @activity.defn(name=RELEASE_RESERVE_ACTIVITY)
    async def release_reserve(self, ref: PayoutRef) -> int:
        return await self._in_uow(service.release_reserve, ref.payout_id)

    @activity.defn(name=RUN_PAGE_ACTIVITY)
    async def run_page(self, inp: RunPageInput) -> RunPageResult:
        """One page of the weekly run: a payout per payable (payee, currency), each in its own unit of
        work (a lost race for the funds skips that payee only), then its workflow started."""
        policy = self.policy()
        after = (inp.after_payee, inp.currency_after) if inp.after_payee else None
        async with self.deps.session_factory() as session:
            page = await service.payable_page(session, policy, after=after, limit=inp.page_size)
        started = skipped = 0
        for payee, currency, _balance in page:
            activity.heartbeat(payee)
            try:
                payout, _ = await self._in_uow(
                    service.create_payout,
                    policy,
                    payee_id=payee,
                    currency=currency,
                    batch_key=inp.batch_key,
                    requested_by="schedule",
                )
            except ApplicationError:
                skipped += 1
                continue
            if payout.status != rules.PENDING:
                continue
            if await gateway.start(
                self.deps.client,
                PAYOUT_WORKFLOW,
                service.workflow_input(payout, self.deps.settings),
                id=payout_workflow_id(payout.id),
                task_queue=inp.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,  # count only the ones started now
            ):
                started += 1
        if len(page) < inp.page_size:
            return RunPageResult(started, skipped=skipped)
        last_payee, last_currency, _ = page[-1]
        return RunPageResult(started, last_payee, last_currency, skipped)

    def all(self) -> list[Callable[..., object]]:
        return [self.send, self.check, self.mark_paid, self.fail, self.release_reserve, self.run_page]
