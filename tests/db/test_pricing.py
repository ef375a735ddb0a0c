"""Pricing on real PostgreSQL: quotes consumed exactly once (also under concurrency), refusals,
rules from the database, demand from open escrows vs a pushed ratio, and the TTL caches."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from config.settings import Settings
from db.base import utcnow
from db.models.escrow import Escrow
from db.models.pricing import PricingRule
from db.session import unit_of_work
from domain.errors import Conflict, NotFound
from domain.money import Money
from domain.pricing_params import InvalidRule
from services import pricing as svc
from services.pricing import PricingService, consume_quote
from tests.support.tokens import uid


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _quote(factory, service: PricingService, owner: str, agent: str | None = None, **kw):  # type: ignore[no-untyped-def]
    agent = agent or uid("agent")
    async with unit_of_work(factory) as s:
        await svc.set_listed_price(s, agent, Money(1000, "USD"))  # quotes start from the listed price
        return await service.create_quote(s, factory, owner_id=owner, agent_id=agent, currency="USD", **kw)


async def _consume(factory, quote_id: str, owner: str, **kw):  # type: ignore[no-untyped-def]
    async with unit_of_work(factory) as s:
        return await consume_quote(s, quote_id=quote_id, principal_id=owner, **kw)


async def test_quote_is_consumed_once_and_refusals_are_409(session_factory, settings: Settings) -> None:
    service, owner = PricingService(settings), uid("user")
    q = await _quote(session_factory, service, owner, quantity=2)
    with pytest.raises(Conflict) as err:
        await _consume(session_factory, q.id, uid("someone_else"))
    assert (err.value.code, err.value.status) == ("quote_invalid", 409)
    with pytest.raises(Conflict) as err:
        await _consume(session_factory, "quo_unknown", owner)
    assert err.value.code == "quote_invalid"

    locked = await _consume(session_factory, q.id, owner)
    assert (locked.amount, locked.currency, locked.quantity, locked.quote_id) == (2000, "USD", 2, q.id)
    with pytest.raises(Conflict) as err:
        await _consume(session_factory, q.id, owner)
    assert err.value.code == "quote_invalid" and "already been used" in err.value.message


async def test_expired_quote_is_refused(session_factory, settings: Settings) -> None:
    owner = uid("user")
    q = await _quote(session_factory, PricingService(settings), owner, ttl_seconds=60)
    with pytest.raises(Conflict) as err:
        await _consume(session_factory, q.id, owner, now=q.created_at + timedelta(seconds=60))
    assert err.value.code == "quote_expired"
    # Still usable a moment before it expires (and the refusal above consumed nothing).
    locked = await _consume(session_factory, q.id, owner, now=q.created_at + timedelta(seconds=59))
    assert locked.amount == 1000


async def test_same_reference_gets_the_same_lock_and_rollback_unconsumes(session_factory, settings) -> None:
    owner = uid("user")
    q = await _quote(session_factory, PricingService(settings), owner)
    with pytest.raises(RuntimeError):
        async with unit_of_work(session_factory) as s:
            await consume_quote(s, quote_id=q.id, principal_id=owner, reference="pay_1")
            raise RuntimeError("the escrow create failed after consuming")
    first = await _consume(session_factory, q.id, owner, reference="pay_2")
    assert await _consume(session_factory, q.id, owner, reference="pay_2") == first
    with pytest.raises(Conflict):
        await _consume(session_factory, q.id, owner, reference="pay_3")


async def test_concurrent_consumers_exactly_one_wins(session_factory, settings: Settings) -> None:
    owner = uid("user")
    q = await _quote(session_factory, PricingService(settings), owner)

    async def attempt(i: int) -> str:
        try:
            await _consume(session_factory, q.id, owner, reference=f"ref_{i}")
            return "won"
        except Conflict:
            return "refused"

    results = await asyncio.gather(*(attempt(i) for i in range(8)))
    assert sorted(results) == ["refused"] * 7 + ["won"]


async def test_rules_crud_service(session_factory) -> None:
    agent, name = uid("agent"), uid("rule")
    fields = {
        "name": name,
        "type": "fixed",
        "params": {"multiplier": "1.1"},
        "scope": "agent",
        "scope_value": agent,
    }
    async with unit_of_work(session_factory) as s:
        row = await svc.create_rule(s, fields)
    assert (row.priority, row.enabled, row.params) == (100, True, {"multiplier": "1.1"})
    with pytest.raises(Conflict):
        async with unit_of_work(session_factory) as s:
            await svc.create_rule(s, fields)
    with pytest.raises(InvalidRule):
        async with unit_of_work(session_factory) as s:
            await svc.update_rule(s, row.id, {"scope": "global"})  # agent scope_value left behind
    async with unit_of_work(session_factory) as s:
        updated = await svc.update_rule(s, row.id, {"priority": 7, "params": {"multiplier": 2}})
    assert (updated.priority, updated.params) == (7, {"multiplier": "2"})
    async with unit_of_work(session_factory) as s:
        await svc.delete_rule(s, row.id)
    with pytest.raises(NotFound):
        async with unit_of_work(session_factory) as s:
            await svc.get_rule(s, row.id)


async def test_rules_and_agents_are_cached_for_the_ttl(session_factory, settings: Settings) -> None:
    clock = FakeClock()
    service = PricingService(settings, clock=clock)
    agent = uid("agent")
    async with unit_of_work(session_factory) as s:
        await svc.create_rule(
            s,
            {
                "type": "fixed",
                "params": {"multiplier": "2"},
                "scope": "agent",
                "scope_value": agent,
                "name": uid("r"),
            },
        )
        await svc.push_reputation(s, agent, Decimal("0.5"))

    async def adjusted() -> int:
        return (await service.price(session_factory, agent_id=agent, base=Money(1000, "USD"))).adjusted_price

    assert await adjusted() == 2000
    assert (await service.agent(session_factory, agent)).reputation == Decimal("0.5")
    async with unit_of_work(session_factory) as s:  # another process changes the database
        await s.execute(update(PricingRule).where(PricingRule.scope_value == agent).values(enabled=False))
        await svc.push_reputation(s, agent, Decimal("0.9"))
    clock.now += settings.pricing_cache_ttl_seconds - 0.01
    assert await adjusted() == 2000  # still cached
    assert (await service.agent(session_factory, agent)).reputation == Decimal("0.5")
    clock.now += 0.02
    assert await adjusted() == 1000
    assert (await service.agent(session_factory, agent)).reputation == Decimal("0.9")


async def test_invalid_stored_rule_is_skipped(session_factory, settings: Settings) -> None:
    agent = uid("agent")
    async with unit_of_work(session_factory) as s:
        row = await svc.create_rule(
            s,
            {
                "type": "fixed",
                "params": {"multiplier": "2"},
                "scope": "agent",
                "scope_value": agent,
                "name": uid("r"),
            },
        )
        await s.execute(
            update(PricingRule).where(PricingRule.id == row.id).values(params={"multiplier": "-3"})
        )
    rules = await PricingService(settings).rules(session_factory)
    assert row.id not in {r.id for r in rules}
    async with unit_of_work(session_factory) as s:
        await svc.delete_rule(s, row.id)


async def _escrow(factory, payee: str, status: str, age: timedelta = timedelta(0)) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    async with unit_of_work(factory) as s:
        s.add(
            Escrow(
                id=uid("esc"),
                contract_id=uid("c"),
                payer_id=uid("p"),
                payee_id=payee,
                amount=100,
                currency="USD",
                status=status,
                fee_percent=Decimal(10),
                signers=[],
                required_signatures=0,
                threshold_ppm=0,
                created_at=now - age,
                updated_at=now,
            )
        )


async def test_demand_from_open_escrows_unless_pushed(session_factory, settings: Settings) -> None:
    agent = uid("agent")
    for status in ("created", "funded", "delivered", "disputed", "partially_refunded"):
        await _escrow(session_factory, agent, status)
    for status in ("released", "resolved", "refunded", "cancelled", "expired"):
        await _escrow(session_factory, agent, status)  # closed: not demand
    await _escrow(
        session_factory, agent, "funded", age=timedelta(seconds=settings.pricing_demand_window_seconds + 60)
    )
    await _escrow(session_factory, uid("other"), "funded")

    now = utcnow()
    async with session_factory() as s:
        view = await svc.load_agent(s, agent, settings, now)
    assert (view.demand, view.demand_source) == (Decimal("0.5"), "escrows")  # 5 open / capacity 10
    async with unit_of_work(session_factory) as s:
        await svc.set_profile(s, agent, {"capacity": 4})
    async with session_factory() as s:
        assert (await svc.load_agent(s, agent, settings, now)).demand == Decimal("1.25")

    async with unit_of_work(session_factory) as s:
        await svc.push_demand(s, agent, demand=Decimal("0.2"), ttl_seconds=300, now=now)
    async with session_factory() as s:
        pushed = await svc.load_agent(s, agent, settings, now + timedelta(seconds=299))
        expired = await svc.load_agent(s, agent, settings, now + timedelta(seconds=300))
    assert (pushed.demand, pushed.demand_source) == (Decimal("0.2"), "pushed")
    assert (expired.demand, expired.demand_source) == (Decimal("1.25"), "escrows")


async def test_agent_without_data_has_zero_demand(session_factory, settings: Settings) -> None:
    async with session_factory() as s:
        view = await svc.load_agent(s, uid("agent"), settings, utcnow())
    assert (view.demand, view.reputation, view.timezone) == (Decimal(0), None, None)


async def test_concurrent_misses_share_one_load(session_factory, settings: Settings) -> None:
    service, agent = PricingService(settings), uid("agent")
    quotes = await asyncio.gather(
        *(service.price(session_factory, agent_id=agent, base=Money(1000, "USD")) for _ in range(20))
    )
    assert len({q.adjusted_price for q in quotes}) == 1
    assert (service._rules.loads, service._agents.loads) == (1, 1)


async def test_invalidation_during_a_load_is_not_overwritten(session_factory, settings: Settings) -> None:
    service, agent = PricingService(settings), uid("agent")
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_old_value():  # type: ignore[no-untyped-def]
        started.set()
        await release.wait()
        return "old"

    cache = service._agents
    loading = asyncio.ensure_future(cache.get_or_load(agent, slow_old_value))  # type: ignore[arg-type]
    await started.wait()
    service.invalidate_agent(agent)  # a push landed while the old value was being read
    release.set()
    assert await loading == "old"  # its waiters get what was read…
    assert cache.get(agent) is None  # …but it is not cached past the invalidation
