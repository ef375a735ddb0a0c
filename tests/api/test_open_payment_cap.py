"""A payer may hold only a few open crypto payments: each one takes an HD address index for good."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import update

from config.settings import Settings
from contracts.payments import PaymentPurpose
from db.models.payments import Payment
from db.session import SessionFactory, unit_of_work
from domain.errors import Conflict
from services.payment_start import start_payment
from tests.support.tokens import uid


class _Starts:
    """Stands in for the Temporal client: the cap is checked before any workflow starts."""

    def __init__(self) -> None:
        self.started: list[str] = []

    async def start_workflow(self, *_: Any, id: str, **__: Any) -> None:
        self.started.append(id)


async def _start(factory: SessionFactory, settings: Settings, client: _Starts, payer: str, **kw: Any) -> str:
    async with unit_of_work(factory) as s:
        started = await start_payment(
            s,
            client,  # type: ignore[arg-type]
            settings,
            payer_id=payer,
            amount=1000,
            currency="USD",
            provider=kw.pop("provider", "crypto"),
            purpose=PaymentPurpose("none"),
            chain="BTC",
            **kw,
        )
    return started.payment_id


async def test_open_crypto_payments_are_capped_per_payer(
    session_factory: SessionFactory, settings: Settings
) -> None:
    capped = settings.model_copy(update={"crypto_max_open_payments": 2})
    client, payer = _Starts(), uid("payer")
    first = await _start(session_factory, capped, client, payer)
    await _start(session_factory, capped, client, payer)
    with pytest.raises(Conflict) as caught:
        await _start(session_factory, capped, client, payer)
    assert caught.value.code == "too_many_open_payments" and caught.value.status == 409
    assert len(client.started) == 2
    # Another payer has a budget of their own; a retry of an existing payment is not a new one.
    await _start(session_factory, capped, client, uid("other"))
    assert await _start(session_factory, capped, client, payer, payment_id=first) == first
    # A payment that ended frees its slot.
    async with unit_of_work(session_factory) as s:
        await s.execute(update(Payment).where(Payment.id == first).values(status="expired"))
    await _start(session_factory, capped, client, payer)


async def test_concurrent_starts_cannot_pass_the_cap_together(
    session_factory: SessionFactory, settings: Settings
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the per-payer lock is PostgreSQL's")
    capped = settings.model_copy(update={"crypto_max_open_payments": 3})
    client, payer = _Starts(), uid("payer")
    results = await asyncio.gather(
        *(_start(session_factory, capped, client, payer) for _ in range(8)), return_exceptions=True
    )
    assert sum(isinstance(r, str) for r in results) == 3
    assert all(isinstance(r, (str, Conflict)) for r in results), results
