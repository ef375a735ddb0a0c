"""Money as integers in a currency's minor unit; Decimal only at the edge and inside domain math.

`parse_amount` is the one way in from a request; `format_amount` the one way out; `round_minor`
the one rounding function (half away from zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.currency_table import ISO_CURRENCIES
from domain.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency

# Exponents of the currencies we accept: every ISO 4217 currency (minor units from babel's CLDR
# data, generated into domain/currency_table.py) and our own CREDIT, BTC and ETH. CREDIT's exponent
# is configurable at start-up via `set_credit_exponent` (default 4) before any amount is handled.
_OWN: dict[str, tuple[str, int]] = {"CREDIT": ("Credits", 4), "BTC": ("Bitcoin", 8), "ETH": ("Ether", 18)}
_EXPONENTS: dict[str, int] = {code: digits for code, (_, digits) in {**ISO_CURRENCIES, **_OWN}.items()}

# NUMERIC(38,0) holds up to 10**38 - 1; refuse anything that could overflow a sum long before that.
MAX_MINOR = 10**30

# Bounds checked BEFORE any Decimal arithmetic: `Decimal("1e999990").scaleb(2)` then int() takes a
# minute of CPU (and 1e1000000 overflows the context). No real amount has more characters, significant
# digits or a larger decimal exponent than these; anything beyond is refused in microseconds.
MAX_AMOUNT_CHARS = 64
MAX_AMOUNT_DIGITS = 48
MAX_AMOUNT_EXPONENT = 40


def set_credit_exponent(exponent: int) -> None:
    if not 0 <= exponent <= 8:
        raise ValueError("CREDIT exponent must be between 0 and 8")
    _EXPONENTS["CREDIT"] = exponent


def currencies() -> tuple[str, ...]:
    return tuple(_EXPONENTS)


def currency_name(currency: str) -> str:
    exponent(currency)
    return (ISO_CURRENCIES.get(currency) or _OWN[currency])[0]


def exponent(currency: str) -> int:
    try:
        return _EXPONENTS[currency]
    except KeyError:
        raise UnknownCurrency(f"unknown currency {currency!r}", param="currency") from None


def check_currency(currency: object, *, param: str = "currency") -> str:
    if not isinstance(currency, str) or currency.upper() not in _EXPONENTS:
        raise UnknownCurrency(f"unknown currency {currency!r}", param=param)
    return currency.upper()


def round_minor(value: Decimal, currency: str) -> int:
    """The one rounding function: a Decimal in major units -> minor units, half away from zero."""
    scaled = value.scaleb(exponent(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def format_amount(minor: int, currency: str) -> str:
    """Minor units -> the API's decimal string, always with the currency's number of decimals."""
    exp = exponent(currency)
    value = to_decimal(minor, currency)
    return f"{value:.{exp}f}"


def bounded_decimal(raw: object, *, param: str = "amount") -> Decimal:
    """A request number (string, int or Decimal) as a Decimal, refused cheaply when it is absurd.

    Costs O(len) at most: the text is length-checked before Decimal() sees it, and a Decimal's
    exponent and digit count are read from its representation, never computed with.
    """
    if isinstance(raw, bool) or raw is None:
        raise InvalidAmount(f"{param} must be a decimal string or number", param=param)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        if raw.bit_length() > 4 * MAX_AMOUNT_DIGITS:
            raise InvalidAmount(f"{param} is too large", param=param)
        value = Decimal(raw)
    elif isinstance(raw, (str, float)):
        # JSON numbers reach us as float only if a caller bypassed the exact parser; str(float)
        # is the shortest repr, which is what the client wrote for any sane input.
        text = raw.strip() if isinstance(raw, str) else repr(raw)
        if not text or len(text) > MAX_AMOUNT_CHARS:
            raise InvalidAmount(f"{param} is not a valid amount", param=param)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InvalidAmount(f"{param} is not a valid amount", param=param) from None
    else:
        raise InvalidAmount(f"{param} must be a decimal string or number", param=param)
    if not value.is_finite():
        raise InvalidAmount(f"{param} must be a finite number", param=param)
    if len(value.as_tuple().digits) > MAX_AMOUNT_DIGITS or not (
        -MAX_AMOUNT_EXPONENT <= value.adjusted() <= MAX_AMOUNT_EXPONENT
    ):
        raise InvalidAmount(f"{param} is out of range", param=param)
    return value


def parse_amount(
    raw: object,
    currency: str,
    *,
    param: str = "amount",
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> int:
    """A request amount (string or JSON number, never parsed via float) -> minor units.

    Refuses NaN, Infinity, booleans, more decimals than the currency has, absurd sizes.
    """
    value = bounded_decimal(raw, param=param)
    exp = exponent(currency)
    scaled = value.scaleb(exp)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{param} has more than {exp} decimal places for {currency}", param=param)
    minor = int(scaled)
    if abs(minor) > MAX_MINOR:
        raise InvalidAmount(f"{param} is too large", param=param)
    if minor < 0 and not allow_negative:
        raise InvalidAmount(f"{param} must not be negative", param=param)
    if minor == 0 and not allow_zero:
        raise InvalidAmount(f"{param} must be greater than zero", param=param)
    return minor


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units with its currency. Arithmetic refuses to mix currencies."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        exponent(self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __str__(self) -> str:
        return f"{format_amount(self.minor, self.currency)} {self.currency}"


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` minor units by integer weights; the parts always sum to the whole.

    Largest-remainder method: leftover units go to the largest fractional parts, ties by position.
    """
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    wsum = sum(weights)
    base = [total * w // wsum for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % wsum), i))
    for i in remainders[: total - sum(base)]:
        base[i] += 1
    return base


def percent_of(amount: int, percent: Decimal, currency: str) -> int:
    """`percent` % of `amount` minor units, rounded once with the house rounding."""
    return round_minor(to_decimal(amount, currency) * percent / Decimal(100), currency)
