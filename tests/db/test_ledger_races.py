"""The first use of an account by two transactions at once (found by the crash campaign: two first
credit grants at the same moment, one refused with 409 insufficient funds on a system account that
may go negative).

T2's guarded UPDATE misses the balance row T1 has inserted but not committed; T1 commits; T2 must
then post, not refuse because the row "exists" now.
"""

from __future__ import annotations

from db.repositories import ledger as repo
from domain.ledger import Posting, earnings, system
from services import ledger
from tests.support.tokens import uid


async def test_two_first_uses_of_an_account_at_once_both_post(session_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    source = system(uid("promo"), "CREDIT")  # may go negative: it issues credits
    a, b = earnings(uid(), "CREDIT"), earnings(uid(), "CREDIT")  # non-negative, outside the credits lots
    async with session_factory() as t1, session_factory() as t2:
        await ledger.transfer(t1, [Posting(source, -5, "CREDIT"), Posting(a, 5, "CREDIT")], uid("k"))
        real_apply = repo.apply_delta
        committed = False

        async def t1_commits_right_after_t2_misses(session, code, amount):  # type: ignore[no-untyped-def]
            nonlocal committed
            result = await real_apply(session, code, amount)
            if session is t2 and code == source and not committed:
                assert result is None  # T1's row is not visible to T2 yet
                committed = True
                await t1.commit()
            return result

        monkeypatch.setattr(repo, "apply_delta", t1_commits_right_after_t2_misses)
        result = await ledger.transfer(t2, [Posting(source, -7, "CREDIT"), Posting(b, 7, "CREDIT")], uid("k"))
        await t2.commit()
    assert committed and result.created
    async with session_factory() as s:
        assert await ledger.balance(s, source) == -12
        assert await ledger.balance(s, b) == 7
