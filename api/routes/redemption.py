"""POST /payouts/redeem-credits: an agent turns its credit earnings into payout currency (#11.10).

Only the caller's own earnings (there is no field naming whose); the price is the server's
`credit_redemption_prices`, never the request's. The fiat lands in earnings:{agent}:{currency},
from where POST /payouts pays it out.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import CurrentPrincipal, SessionDep, SettingsDep
from api.exact_json import ExactJSONRoute
from api.schemas.common import ERROR_RESPONSES, AmountIn, StrictModel
from domain.money import check_currency, format_amount, parse_amount
from services import redemption
from services.credits_keys import caller_reference

router = APIRouter(tags=["payouts"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


class RedeemIn(StrictModel):
    amount: AmountIn = Field(description="credits to redeem, e.g. 25.5")
    currency: str = Field("USD", min_length=1, max_length=10, description="the payout currency")
    reference: str | None = Field(
        None, min_length=1, max_length=120, pattern=r"^[\x21-\x7e]+$", description="idempotency"
    )


class RedeemOut(BaseModel):
    transaction_id: str
    credits: str
    currency: str
    amount: str = Field(description="owed to the caller in `currency`, now in its earnings")
    price: str = Field(description="the platform's price of one credit used")
    reference: str
    created: bool


@router.post("/payouts/redeem-credits", status_code=201, response_model=RedeemOut)
async def redeem_credits(
    body: RedeemIn, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> RedeemOut:
    currency = check_currency(body.currency)
    credits = parse_amount(body.amount, "CREDIT")
    reference = body.reference or f"redeem_{uuid.uuid4().hex}"
    r = await redemption.redeem_credits(
        session,
        agent_id=principal.id,
        credits=credits,
        currency=currency,
        prices=settings.credit_redemption_prices,
        key_reference=caller_reference(principal.role.value, principal.id, reference),
    )
    return RedeemOut(
        transaction_id=r.transaction_id,
        credits=format_amount(r.credits, "CREDIT"),
        currency=r.currency,
        amount=format_amount(r.amount, r.currency),
        price=str(r.price),
        reference=reference,
        created=r.created,
    )
