"""Double-entry postings: pure rules. A transaction's postings sum to zero per currency.

Sign convention: a posting's amount is added to the account's balance. A debit of a user's
wallet is negative; the matching credit to revenue is positive. Accounts flagged non-negative
(user wallets, holding accounts) must never go below zero — the database enforces that.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from domain.errors import InvalidAmount, UnbalancedTransaction
from domain.money import MAX_MINOR, exponent


@dataclass(frozen=True, slots=True)
class Posting:
    account: str  # account code, e.g. "wallet:user_1:CREDIT"
    amount: int  # minor units; + increases the balance, - decreases it
    currency: str


def validate_postings(postings: list[Posting] | tuple[Posting, ...]) -> None:
    if len(postings) < 2:
        raise UnbalancedTransaction("a transaction needs at least two postings")
    sums: dict[str, int] = defaultdict(int)
    for p in postings:
        exponent(p.currency)
        if p.amount == 0:
            raise InvalidAmount("a posting of zero moves nothing", param="amount")
        if abs(p.amount) > MAX_MINOR:
            raise InvalidAmount("posting amount is too large", param="amount")
        sums[p.currency] += p.amount
    unbalanced = {c: s for c, s in sums.items() if s != 0}
    if unbalanced:
        raise UnbalancedTransaction(f"postings do not sum to zero: {unbalanced}")


def transfer_postings(source: str, destination: str, amount: int, currency: str) -> list[Posting]:
    """The common two-legged move: `amount` from source to destination."""
    if amount <= 0:
        raise InvalidAmount("a transfer amount must be positive", param="amount")
    return [Posting(source, -amount, currency), Posting(destination, amount, currency)]


def reverse(postings: list[Posting] | tuple[Posting, ...]) -> list[Posting]:
    """The postings that undo a transaction (the ledger is append-only: no UPDATE, no DELETE)."""
    return [Posting(p.account, -p.amount, p.currency) for p in postings]


def net_by_account(postings: list[Posting] | tuple[Posting, ...]) -> dict[tuple[str, str], int]:
    """Postings to the same account and currency collapsed; zero nets dropped."""
    net: dict[tuple[str, str], int] = defaultdict(int)
    for p in postings:
        net[(p.account, p.currency)] += p.amount
    return {k: v for k, v in net.items() if v != 0}


# Account codes in one place so every module names accounts the same way.
def wallet(owner: str, currency: str = "CREDIT") -> str:
    return f"wallet:{owner}:{currency}"


def earnings(owner: str, currency: str) -> str:
    return f"earnings:{owner}:{currency}"


def escrow_holding(escrow_id: str, currency: str) -> str:
    return f"escrow:{escrow_id}:{currency}"


def clearing(provider: str, currency: str) -> str:
    return f"clearing:{provider}:{currency}"


def system(name: str, currency: str) -> str:
    """Platform accounts: revenue, credits_issued, credits_expired, promotions, tax, losses..."""
    return f"system:{name}:{currency}"


# Prefixes whose accounts may never go below zero.
NON_NEGATIVE_PREFIXES = ("wallet:", "earnings:", "escrow:", "reserve:", "dispute_hold:")


def is_non_negative(account: str) -> bool:
    return account.startswith(NON_NEGATIVE_PREFIXES)
