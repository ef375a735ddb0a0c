"""Escrow requests and responses. Amounts are decimal strings in the escrow's currency; scores and
thresholds are decimals in 0..1 (strings or JSON numbers, parsed exactly)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.common import AmountIn, PaymentMethodId, StrictModel
from contracts.escrow import EscrowView
from domain.escrow import from_ppm
from domain.money import format_amount

Id = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:\-]+$")


class CreateEscrowIn(StrictModel):
    contract_id: str = Id
    amount: AmountIn | None = None  # required unless quote_id
    currency: str | None = Field(None, min_length=3, max_length=10)
    payee_id: str | None = Field(None, min_length=1, max_length=100)  # default: the quote's agent
    payer_id: str | None = Field(None, min_length=1, max_length=100)  # service/admin creating for a payer
    signers: list[Annotated[str, Field(max_length=100)]] | None = Field(None, min_length=1, max_length=20)
    required_signatures: int | None = Field(None, ge=1, le=20)
    auto_release_threshold: AmountIn | None = None
    funding_deadline: AwareDatetime | None = None
    delivery_deadline: AwareDatetime | None = None
    review_period: int | None = Field(None, ge=1, le=365 * 24 * 3600, description="seconds")
    fee_percent: AmountIn | None = Field(None, description="admin/service only; default from settings")
    quote_id: str | None = Field(None, min_length=1, max_length=64)
    release_policy: Literal["score_or_signatures", "signatures_only", "score_only"] = Field(
        "score_or_signatures",
        description="what releases the money: a validator's score at the threshold OR the signatures "
        "(default), signatures only, or a validator's score only",
    )


class FundIn(StrictModel):
    provider: Literal["credits", "stripe", "paypal", "crypto"] = "credits"
    payment_method_id: PaymentMethodId | None = None
    chain: Literal["BTC", "ETH"] | None = None


class DeliverIn(StrictModel):
    validation_score: AmountIn | None = Field(
        None, description="validators only (role service or a configured id); anyone else: 403"
    )
    evidence_url: str | None = Field(None, max_length=2000)


class ScoreIn(StrictModel):
    validation_score: AmountIn


class SignIn(StrictModel):
    pass


class DisputeIn(StrictModel):
    reason: str = Field(min_length=1, max_length=2000)


class ResolveIn(StrictModel):
    payee_amount: AmountIn
    note: str = Field("", max_length=2000)


class RefundIn(StrictModel):
    amount: AmountIn | None = None


class CancelIn(StrictModel):
    reason: str = Field("", max_length=2000)


class EventOut(BaseModel):
    seq: int
    at: str
    kind: str
    actor: str
    detail: dict[str, str]


class DeadlinesOut(BaseModel):
    funding: str | None
    delivery: str | None
    review: str | None
    arbitration: str | None
    paused_seconds: int | None = Field(None, description="time left on the clock a dispute paused")


class PaymentOut(BaseModel):
    payment_id: str
    status: str
    next_action: dict[str, Any]


class EscrowOut(BaseModel):
    escrow_id: str
    contract_id: str
    status: str
    payer_id: str
    payee_id: str
    amount: str
    currency: str
    held: str
    released: str
    fee: str
    refunded: str
    fee_percent: str
    signers: list[str]
    required_signatures: int
    signatures: list[str]
    signature_count: int
    auto_release_threshold: str
    validation_score: str | None
    evidence_url: str | None
    funding_provider: str | None
    funding_payment_id: str | None
    dispute_reason: str | None
    resolution_note: str | None
    created_at: str
    deadlines: DeadlinesOut
    events: list[EventOut]
    release_policy: str
    frozen: bool = Field(description="a chargeback on the funding payment is open: nothing leaves the hold")
    charged_back: str = Field(description="taken out of the hold by lost chargebacks")
    counted: bool | None = Field(None, description="sign: whether this signature counted")
    payment: PaymentOut | None = Field(None, description="fund by provider: the payment started")


def escrow_out(view: EscrowView, **extra: Any) -> dict[str, Any]:
    """The response body (a dict: serialised straight by ORJSONResponse, no second validation)."""
    cur = view.currency

    def money(v: int) -> str:
        return format_amount(v, cur)

    return {
        "escrow_id": view.escrow_id,
        "contract_id": view.contract_id,
        "status": view.status,
        "payer_id": view.payer_id,
        "payee_id": view.payee_id,
        "amount": money(view.amount),
        "currency": cur,
        "held": money(view.held),
        "released": money(view.released),
        "fee": money(view.fee),
        "refunded": money(view.refunded),
        "fee_percent": view.fee_percent,
        "signers": list(view.signers),
        "required_signatures": view.required_signatures,
        "signatures": list(view.signatures),
        "signature_count": len(view.signatures),
        "auto_release_threshold": from_ppm(view.threshold_ppm),
        "validation_score": None
        if view.validation_score_ppm is None
        else from_ppm(view.validation_score_ppm),
        "evidence_url": view.evidence_url,
        "funding_provider": view.funding_provider,
        "funding_payment_id": view.funding_payment_id,
        "dispute_reason": view.dispute_reason,
        "resolution_note": view.resolution_note,
        "created_at": view.created_at,
        "deadlines": {
            "funding": view.funding_deadline,
            "delivery": view.delivery_deadline,
            "review": view.review_deadline,
            "arbitration": view.arbitration_deadline,
            "paused_seconds": view.paused_seconds,
        },
        "events": [
            {"seq": e.seq, "at": e.at, "kind": e.kind, "actor": e.actor, "detail": dict(e.detail)}
            for e in view.events
        ],
        "release_policy": view.release_policy,
        "frozen": view.frozen,
        "charged_back": money(view.charged_back),
        "counted": None,
        "payment": None,
        **extra,
    }
