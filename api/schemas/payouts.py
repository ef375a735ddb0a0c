"""Payouts, earnings and disputes: requests and responses. Amounts are decimal strings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictBool

from api.schemas.common import AmountIn, StrictModel
from db.models.disputes import Dispute
from db.models.payouts import Payout, PayoutDestination
from domain.money import format_amount


class EarningsOut(BaseModel):
    currency: str
    available: str  # in earnings:{payee}:{cur}, payable
    reserved: str  # rolling reserve, released after the dispute window
    in_transit: str
    payout_minimum: str


class EarningsList(BaseModel):
    data: list[EarningsOut]


class CreatePayoutIn(StrictModel):
    currency: str = Field(min_length=3, max_length=10)
    amount: AmountIn | None = Field(None, description="default: all available earnings in the currency")
    destination_id: str | None = Field(None, min_length=1, max_length=40)


class DestinationIn(StrictModel):
    provider: Literal["stripe", "paypal"]
    account: str = Field(
        min_length=3, max_length=200, description="acct_... (Stripe Connect) or a PayPal email"
    )
    default: StrictBool = True


class DestinationOut(BaseModel):
    destination_id: str
    provider: str
    account: str
    default: bool
    created_at: datetime
    usable_from: datetime | None = Field(None, description="no payout goes here before this")

    @classmethod
    def of(cls, d: PayoutDestination) -> DestinationOut:
        return cls(
            destination_id=d.id,
            provider=d.provider,
            account=d.account_ref,
            default=d.is_default,
            created_at=d.created_at,
            usable_from=d.usable_from,
        )


class PayoutOut(BaseModel):
    payout_id: str
    payee_id: str
    status: str
    currency: str
    amount: str  # taken from earnings
    net_amount: str  # sent to the provider
    reserve_amount: str  # held in the rolling reserve
    provider: str
    destination_id: str
    provider_ref: str | None = None
    batch: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    created_at: datetime
    in_transit_at: datetime | None = None
    paid_at: datetime | None = None
    failed_at: datetime | None = None

    @classmethod
    def of(cls, p: Payout) -> PayoutOut:
        cur = p.currency
        return cls(
            payout_id=p.id,
            payee_id=p.payee_id,
            status=p.status,
            currency=cur,
            amount=format_amount(p.amount, cur),
            net_amount=format_amount(p.net_amount, cur),
            reserve_amount=format_amount(p.reserve_amount, cur),
            provider=p.provider,
            destination_id=p.destination_id,
            provider_ref=p.provider_ref,
            batch=p.batch_key,
            failure_code=p.failure_code,
            failure_message=p.failure_message,
            created_at=p.created_at,
            in_transit_at=p.in_transit_at,
            paid_at=p.paid_at,
            failed_at=p.failed_at,
        )


class DisputeOut(BaseModel):
    dispute_id: str
    provider: str
    status: str  # open | won | lost
    provider_status: str
    amount: str
    currency: str
    reason: str | None = None
    payment_id: str | None = None
    charge_id: str | None = None
    escrow_contract_id: str | None = None
    payee_id: str | None = None
    held: str
    loss: str
    clawed_back: str
    clawback_shortfall: str
    evidence_due_by: datetime | None = None
    evidence_overdue: bool
    opened_at: datetime
    closed_at: datetime | None = None

    @classmethod
    def of(cls, d: Dispute) -> DisputeOut:
        cur = d.currency
        return cls(
            dispute_id=d.id,
            provider=d.provider,
            status=d.status,
            provider_status=d.provider_status,
            amount=format_amount(d.amount, cur),
            currency=cur,
            reason=d.reason,
            payment_id=d.payment_id,
            charge_id=d.charge_id,
            escrow_contract_id=d.escrow_contract_id,
            payee_id=d.payee_id,
            held=format_amount(d.held, cur),
            loss=format_amount(d.loss_amount, cur),
            clawed_back=format_amount(d.clawback_amount, cur),
            clawback_shortfall=format_amount(d.clawback_shortfall, cur),
            evidence_due_by=d.evidence_due_by,
            evidence_overdue=d.evidence_overdue,
            opened_at=d.opened_at,
            closed_at=d.closed_at,
        )
