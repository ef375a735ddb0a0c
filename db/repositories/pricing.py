"""All pricing SQL: rules, agent signals, open-escrow demand, quotes (consumed by a guarded UPDATE)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import column, delete, func, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models.pricing import AgentPrice, AgentPricingSignals, PriceQuote, PricingRule
from db.sql import insert_for

# The escrow area owns `escrows`; pricing only counts a payee's open ones, so it names the three
# columns it reads instead of importing the model.
_escrows = table("escrows", column("payee_id"), column("status"), column("created_at"))
ESCROW_TERMINAL_STATUSES = ("released", "resolved", "refunded", "cancelled", "expired")

# ------------------------------------------------------------------ rules


async def list_rules(session: AsyncSession, *, enabled_only: bool = False) -> list[PricingRule]:
    stmt = select(PricingRule).order_by(PricingRule.priority, PricingRule.name, PricingRule.id)
    if enabled_only:
        stmt = stmt.where(PricingRule.enabled.is_(True))
    return list((await session.execute(stmt)).scalars())


async def get_rule(session: AsyncSession, rule_id: str) -> PricingRule | None:
    return await session.get(PricingRule, rule_id)


async def insert_rule(session: AsyncSession, values: dict[str, Any]) -> bool:
    """False when the name is taken (unique): the caller answers 409."""
    stmt = (
        insert_for(session, PricingRule)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(PricingRule.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def name_taken(session: AsyncSession, name: str, *, except_id: str | None = None) -> bool:
    stmt = select(PricingRule.id).where(PricingRule.name == name)
    if except_id is not None:
        stmt = stmt.where(PricingRule.id != except_id)
    return (await session.execute(stmt)).first() is not None


async def update_rule(session: AsyncSession, rule_id: str, values: dict[str, Any]) -> None:
    await session.execute(update(PricingRule).where(PricingRule.id == rule_id).values(**values))


async def delete_rule(session: AsyncSession, rule_id: str) -> bool:
    result = await session.execute(
        delete(PricingRule).where(PricingRule.id == rule_id).returning(PricingRule.id)
    )
    return result.first() is not None


# ------------------------------------------------------------------ agent signals


async def get_signals(session: AsyncSession, agent_id: str) -> AgentPricingSignals | None:
    stmt = select(AgentPricingSignals).where(AgentPricingSignals.agent_id == agent_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def upsert_signals(session: AsyncSession, agent_id: str, values: dict[str, Any], now: datetime) -> None:
    """Set only the given columns; a missing row is created with the rest NULL."""
    values = {**values, "updated_at": now}
    stmt = insert_for(session, AgentPricingSignals).values(agent_id=agent_id, **values)
    stmt = stmt.on_conflict_do_update(index_elements=["agent_id"], set_=values)
    await session.execute(stmt)


async def count_open_escrows(session: AsyncSession, payee_id: str, since: datetime) -> int | None:
    """Open (non-terminal) escrows for a payee created since `since`; None if escrows do not exist."""
    if "escrows" not in Base.metadata.tables:
        return None
    stmt = (
        select(func.count())
        .select_from(_escrows)
        .where(_escrows.c.payee_id == payee_id)
        .where(_escrows.c.status.not_in(ESCROW_TERMINAL_STATUSES))
        .where(_escrows.c.created_at >= since)
    )
    return int((await session.execute(stmt)).scalar_one())


# ------------------------------------------------------------------ agents' listed prices


async def get_agent_price(session: AsyncSession, agent_id: str, currency: str) -> int | None:
    stmt = select(AgentPrice.unit_price).where(
        AgentPrice.agent_id == agent_id, AgentPrice.currency == currency
    )
    value = (await session.execute(stmt)).scalar_one_or_none()
    return None if value is None else int(value)


async def agent_prices(session: AsyncSession, agent_id: str) -> list[AgentPrice]:
    stmt = select(AgentPrice).where(AgentPrice.agent_id == agent_id).order_by(AgentPrice.currency)
    return list((await session.execute(stmt)).scalars().all())


async def upsert_agent_price(
    session: AsyncSession, agent_id: str, currency: str, unit_price: int, now: datetime
) -> None:
    values = {"unit_price": unit_price, "updated_at": now}
    stmt = insert_for(session, AgentPrice).values(agent_id=agent_id, currency=currency, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["agent_id", "currency"], set_=values))


# ------------------------------------------------------------------ quotes


async def insert_quote(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert_for(session, PriceQuote).values(**values))


async def get_quote(session: AsyncSession, quote_id: str) -> PriceQuote | None:
    return (await session.execute(select(PriceQuote).where(PriceQuote.id == quote_id))).scalar_one_or_none()


async def claim_quote(
    session: AsyncSession, *, quote_id: str, owner_id: str, now: datetime, reference: str | None
) -> tuple[int, str, str, int] | None:
    """Consume an unconsumed, unexpired quote of `owner_id` atomically: (amount, currency, agent, qty).

    The row lock of the UPDATE serialises concurrent consumers; the loser sees consumed_at set and
    gets no row.
    """
    stmt = (
        update(PriceQuote)
        .where(
            PriceQuote.id == quote_id,
            PriceQuote.owner_id == owner_id,
            PriceQuote.consumed_at.is_(None),
            PriceQuote.expires_at > now,
        )
        .values(consumed_at=now, consumed_reference=reference)
        .returning(PriceQuote.amount, PriceQuote.currency, PriceQuote.agent_id, PriceQuote.quantity)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else (int(row[0]), row[1], row[2], int(row[3]))


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
