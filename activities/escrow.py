"""Escrow activities: each one DB unit of work through services.escrow, safe to run twice.

Domain refusals become non-retryable ApplicationErrors typed by the error class, with the code in
the details, so the workflow (and through it the API) can answer 4xx; anything else propagates and
Temporal retries it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio import activity

from activities.deps import Deps
from activities.errors import domain_application_error
from contracts.escrow import (
    CLOSE_UNFUNDED_ACTIVITY,
    FUND_WITH_CREDITS_ACTIVITY,
    RECORD_ACTIVITY,
    RETURN_TO_PAYER_ACTIVITY,
    SETTLE_ACTIVITY,
    CloseUnfundedInput,
    CloseUnfundedResult,
    FundWithCreditsInput,
    MoneyResult,
    RecordInput,
    ReturnToPayerInput,
    SettleInput,
)
from db.session import unit_of_work
from domain.errors import DomainError
from services import escrow as service

T = TypeVar("T")


class EscrowActivities:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def _in_uow(self, fn: Callable[..., Awaitable[T]], *args: object) -> T:
        try:
            async with unit_of_work(self.deps.session_factory) as session:
                return await fn(session, *args)
        except DomainError as exc:
            raise domain_application_error(exc) from exc

    @activity.defn(name=RECORD_ACTIVITY)
    async def record(self, inp: RecordInput) -> None:
        await self._in_uow(service.record, inp.view, inp.event, inp.events)

    @activity.defn(name=FUND_WITH_CREDITS_ACTIVITY)
    async def fund_with_credits(self, inp: FundWithCreditsInput) -> MoneyResult:
        return await self._in_uow(service.fund_with_credits, inp)

    @activity.defn(name=SETTLE_ACTIVITY)
    async def settle(self, inp: SettleInput) -> MoneyResult:
        return await self._in_uow(service.settle, inp)

    @activity.defn(name=RETURN_TO_PAYER_ACTIVITY)
    async def return_to_payer(self, inp: ReturnToPayerInput) -> MoneyResult:
        return await self._in_uow(service.return_to_payer, inp)

    @activity.defn(name=CLOSE_UNFUNDED_ACTIVITY)
    async def close_unfunded(self, inp: CloseUnfundedInput) -> CloseUnfundedResult:
        return await self._in_uow(service.close_unfunded, inp)

    def all(self) -> list[Callable[..., object]]:
        return [self.record, self.fund_with_credits, self.settle, self.return_to_payer, self.close_unfunded]
