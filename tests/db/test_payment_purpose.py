"""What a payment may be for, checked before anything is written (issue #11 cases 1 and 2):
an escrow payment by the escrow's payer, in its currency and amount; credits only at a server price."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from config.settings import Settings
from contracts.payments import PaymentPurpose
from db.models.escrow import Escrow
from domain.errors import Forbidden, InvalidAmount, InvalidState, NotFound
from services import payment_purpose
from tests.support.tokens import uid


async def test_an_escrow_payment_comes_from_its_payer_for_its_amount_and_currency(db_session) -> None:
    contract, payer, payee = uid("c"), uid("payer"), uid("agent")
    db_session.add(
        Escrow(
            id=uid("esc"),
            contract_id=contract,
            payer_id=payer,
            payee_id=payee,
            amount=2_000,
            currency="USD",
            status="created",
            fee_percent=Decimal("10"),
            signers=[payer],
            required_signatures=1,
            threshold_ppm=800000,
        )
    )
    await db_session.flush()

    async def check(who: str, amount: int, currency: str, reference: str = contract) -> None:
        await payment_purpose.check_at_create(
            db_session,
            payer_id=who,
            privileged=False,
            amount=amount,
            currency=currency,
            purpose=PaymentPurpose("escrow", reference),
        )

    await check(payer, 2_000, "USD")  # the escrow's own funding
    with pytest.raises(Forbidden):
        await check(uid("stranger"), 2_000, "USD")
    with pytest.raises(Forbidden):  # the payee cannot fund (and so claim) its own escrow either
        await check(payee, 2_000, "USD")
    for amount, currency in ((1, "USD"), (2_000, "EUR"), (2_000_000, "JPY")):
        with pytest.raises(InvalidAmount):
            await check(payer, amount, currency)
    with pytest.raises(NotFound):
        await check(payer, 2_000, "USD", reference=uid("missing"))
    row = (await db_session.execute(select(Escrow).where(Escrow.contract_id == contract))).scalar_one()
    row.funding_payment_id = uid("pay")  # funded by another payment meanwhile
    await db_session.flush()
    with pytest.raises(InvalidState):
        await check(payer, 2_000, "USD")


def test_credits_are_priced_by_the_server_per_currency() -> None:
    s = Settings(env="dev", credit_prices={"USD": Decimal("1.00"), "EUR": Decimal("0.50")})
    assert payment_purpose.credits_bought(s, 10_000, "USD") == 100 * 10**4
    assert payment_purpose.credits_bought(s, 10_000, "EUR") == 200 * 10**4
    for currency in ("JPY", "GBP"):
        with pytest.raises(InvalidAmount) as refused:
            payment_purpose.credits_bought(s, 10_000, currency)
        assert refused.value.code == "credits_currency_not_sold"


@pytest.mark.parametrize("prices", [{"XXX": "1"}, {"USD": "0"}, {"CREDIT": "1"}, {"USD": "-1"}])
def test_a_credit_price_that_is_not_one_fails_closed_at_startup(prices: dict[str, str]) -> None:
    with pytest.raises((ValidationError, ValueError)):
        Settings(env="dev", credit_prices=prices)  # type: ignore[arg-type]
