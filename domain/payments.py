"""Payment rules, pure: the status machine, crypto under/over/late rules, card-data detection."""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from domain.errors import InvalidAmount, InvalidState
from domain.money import exponent, round_minor, to_decimal

PROVIDERS = ("stripe", "paypal", "crypto", "credits")
PURPOSES = ("credits", "escrow", "invoice", "none")
CHAINS = {"BTC": "BTC", "ETH": "ETH"}  # chain -> currency of its minor unit

# status -> statuses it may move to. Terminal statuses move nowhere.
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset(
        {
            "requires_action",
            "processing",
            "partially_paid",
            "completed",
            "overpaid",
            "failed",
            "expired",
            "cancelled",
        }
    ),
    # underpaid: a crypto payment whose deposits are first looked at when it expires.
    "requires_action": frozenset(
        {
            "processing",
            "partially_paid",
            "completed",
            "overpaid",
            "underpaid",
            "failed",
            "expired",
            "cancelled",
        }
    ),
    "processing": frozenset({"completed", "overpaid", "failed", "expired", "cancelled"}),
    "partially_paid": frozenset({"partially_paid", "completed", "overpaid", "underpaid"}),
    "completed": frozenset(),
    "overpaid": frozenset(),
    "underpaid": frozenset(),
    "failed": frozenset(),
    "expired": frozenset(),
    "cancelled": frozenset(),
}
SUCCESS = frozenset({"completed", "overpaid"})
TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
CANCELLABLE = frozenset({"pending", "requires_action", "processing"})


def can_move(current: str, new: str) -> bool:
    return current == new or new in TRANSITIONS.get(current, frozenset())


def check_move(current: str, new: str) -> None:
    if not can_move(current, new):
        raise InvalidState(f"a {current} payment cannot become {new}", code="payment_invalid_state")


def check_refundable(status: str, captured: int, refunded: int, amount: int) -> None:
    """Pure pre-check for a clear message; the database enforces the limit under concurrency."""
    if status not in SUCCESS:
        raise InvalidState(f"a {status} payment cannot be refunded", code="payment_not_refundable")
    if amount <= 0:
        raise InvalidAmount("refund amount must be positive", param="amount")
    if refunded + amount > captured:
        raise InvalidAmount(
            f"refund exceeds the refundable amount ({captured - refunded} left)",
            param="amount",
            code="refund_exceeds_captured",
        )


def credits_to_claw_back(credits: int, captured: int, refunded_before: int, refunded_after: int) -> int:
    """Credits a refund takes back from a credits purchase, in proportion to the money refunded.

    Cumulative and rounded up: the refunds of one payment together take back exactly `credits`
    once everything is refunded, never more, and never less than their share.
    """
    if captured <= 0 or credits <= 0:
        return 0

    def share(refunded: int) -> int:
        return -((-credits * min(refunded, captured)) // captured)  # ceil without floats

    return share(refunded_after) - share(refunded_before)


# --- crypto -------------------------------------------------------------------------------------


def crypto_quote(amount: int, currency: str, rate: Decimal, chain: str) -> int:
    """Fiat minor units -> chain minor units at `rate` (fiat per coin), rounded up: never underquote."""
    if rate <= 0:
        raise InvalidAmount("crypto rate must be positive")
    coins = to_decimal(amount, currency) / rate
    return int(coins.scaleb(exponent(CHAINS[chain])).to_integral_value(rounding=ROUND_CEILING))


def crypto_to_fiat(crypto_minor: int, chain: str, rate: Decimal, currency: str) -> int:
    """Chain minor units -> fiat minor units at the locked rate, rounded down (never overcredit)."""
    value = to_decimal(crypto_minor, CHAINS[chain]) * rate
    return int(value.scaleb(exponent(currency)).to_integral_value(rounding=ROUND_FLOOR))


def fiat_to_credits(amount: int, currency: str, credits_per_unit: Decimal) -> int:
    """Fiat minor units -> CREDIT minor units (house rounding)."""
    return round_minor(to_decimal(amount, currency) * credits_per_unit, "CREDIT")


def credits_at_price(amount: int, currency: str, price: Decimal) -> int:
    """CREDIT minor units that `amount` (minor units of `currency`) buys at `price` per credit,
    rounded down: a purchase never grants more than it paid for."""
    if price <= 0:
        raise InvalidAmount("a credit price must be positive")
    credits = to_decimal(amount, currency) / price
    return int(credits.scaleb(exponent("CREDIT")).to_integral_value(rounding=ROUND_FLOOR))


def crypto_decision(expected: int, confirmed: int, *, expired: bool) -> str:
    """What the confirmed deposits on an address mean for its payment.

    waiting (nothing yet) | partially_paid (short, time left) | underpaid (short at expiry: the
    received value becomes credits) | completed (exact) | overpaid (purpose fulfilled; the excess
    becomes credits) | expired (nothing arrived in time).
    """
    if confirmed <= 0:
        return "expired" if expired else "waiting"
    if confirmed < expected:
        return "underpaid" if expired else "partially_paid"
    if confirmed == expected:
        return "completed"
    return "overpaid"


# --- card data ----------------------------------------------------------------------------------

_CARD_KEYS = re.compile(r"^(card_?number|number|pan|cvc|cvv|cvv2|cvc2|security_?code|card)$", re.I)
_DIGITS = re.compile(r"(?:\d[ -]?){12,18}\d")
_CVC = re.compile(r"^\d{3,4}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def looks_like_card_data(value: object, _key: str = "") -> bool:
    """True if anything in a JSON document is shaped like a card number (13-19 digits passing
    Luhn) or sits under a key that names card data (number, cvc, cvv...)."""
    if isinstance(value, dict):
        return any(looks_like_card_data(v, str(k)) for k, v in value.items())
    if isinstance(value, list):
        return any(looks_like_card_data(v, _key) for v in value)
    if _key and _CARD_KEYS.match(_key) and value not in (None, ""):
        return True
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    for match in _DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            return True
    return bool(_key and "cv" in _key.lower() and _CVC.match(text))
