"""Meters, pure: what a usage metric counts (sum, count, max, unique count of a property, latest
value), with how many decimal places its quantities are exact, and which event properties split it
into groups (so a price can filter on them: one price per model or region).

Aggregates are kept up to date when usage is posted, one running state per account, period, metric
and group; `merge` is commutative and associative, so the order and batching of events never change
the result (the property tests hold it to that).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from domain.errors import InvalidAmount

AGGREGATIONS = ("sum", "count", "max", "unique_count", "latest")
MAX_PRECISION = 12  # decimal places a quantity may carry (NUMERIC(38,12) in the database)
MAX_QUANTITY = Decimal(10) ** 15  # one event; a month of a million of them still fits NUMERIC(38,12)
MAX_PROPERTIES = 20
MAX_GROUP_BY = 3


@dataclass(frozen=True, slots=True)
class Meter:
    metric: str
    aggregation: str = "sum"
    precision: int = 0
    group_by: tuple[str, ...] = ()
    unique_property: str | None = None  # unique_count: the property whose distinct values count

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise InvalidAmount(f"aggregation must be one of {AGGREGATIONS}", param="aggregation")
        if not 0 <= self.precision <= MAX_PRECISION:
            raise InvalidAmount(f"precision must be between 0 and {MAX_PRECISION}", param="precision")
        if len(self.group_by) > MAX_GROUP_BY or len(set(self.group_by)) != len(self.group_by):
            raise InvalidAmount(
                f"group_by names at most {MAX_GROUP_BY} distinct properties", param="group_by"
            )
        if (self.aggregation == "unique_count") != (self.unique_property is not None):
            raise InvalidAmount(
                "unique_count needs unique_property (and only unique_count takes one)",
                param="unique_property",
            )


def default_meter(metric: str) -> Meter:
    """A metric priced without a meter of its own: whole units, summed."""
    return Meter(metric)


def parse_quantity(raw: object, meter: Meter, *, param: str = "quantity") -> Decimal:
    """A request quantity (string or exact JSON number, never via float) → an exact Decimal with at
    most the meter's precision; refuses negatives, NaN, infinities and absurd sizes."""
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        raise InvalidAmount(
            "quantity must be a decimal string or number", param=param, code="invalid_quantity"
        )
    try:
        text = raw.strip() if isinstance(raw, str) else raw
        if isinstance(text, str) and len(text) > 64:
            raise InvalidOperation
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise InvalidAmount("quantity is not a number", param=param, code="invalid_quantity") from None
    if not value.is_finite() or value < 0 or value > MAX_QUANTITY:
        raise InvalidAmount(
            f"quantity must be a number from 0 to {MAX_QUANTITY:f}", param=param, code="invalid_quantity"
        )
    exp = value.as_tuple().exponent
    places = -exp if isinstance(exp, int) and exp < 0 else 0
    if places > meter.precision and value != value.quantize(Decimal(1).scaleb(-meter.precision)):
        what = "a whole number" if meter.precision == 0 else f"at most {meter.precision} decimal places"
        raise InvalidAmount(
            f"quantity for {meter.metric} must be {what}", param=param, code="invalid_quantity"
        )
    return value.quantize(Decimal(1).scaleb(-meter.precision)) + 0


def check_properties(raw: object, *, param: str = "properties") -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or len(raw) > MAX_PROPERTIES:
        raise InvalidAmount(
            f"properties must be an object of at most {MAX_PROPERTIES} keys",
            param=param,
            code="invalid_record",
        )
    out: dict[str, str] = {}
    for k, v in raw.items():
        if not isinstance(k, str) or not 1 <= len(k) <= 50:
            raise InvalidAmount("property names are 1 to 50 characters", param=param, code="invalid_record")
        if isinstance(v, bool) or not isinstance(v, (str, int)) or len(str(v)) > 100:
            raise InvalidAmount(
                "property values are strings (or integers) of at most 100 characters",
                param=f"{param}.{k}",
                code="invalid_record",
            )
        out[k] = str(v)
    return out


def group_of(meter: Meter, properties: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The group an event falls in: its values of the meter's group_by properties (a missing one is
    its own group, ""), as a canonical key and as a dict."""
    props = {k: properties.get(k, "") for k in meter.group_by}
    return json.dumps(sorted(props.items()), separators=(",", ":"), ensure_ascii=False), props


# ---------------------------------------------------------------------------------------------------
# Running aggregates.


@dataclass(frozen=True, slots=True)
class AggState:
    total: Decimal = Decimal(0)
    count: int = 0
    maximum: Decimal | None = None
    latest_value: Decimal | None = None
    latest_at: datetime | None = None
    unique: int = 0  # distinct values seen (the set itself lives with the aggregate's store)


EMPTY = AggState()


def _later(a_at: datetime | None, a_v: Decimal | None, b_at: datetime | None, b_v: Decimal | None) -> bool:
    """Is (b_at, b_v) later than (a_at, a_v)? Equal timestamps: the larger value, so the order in
    which two simultaneous events arrive never changes the result."""
    if b_at is None or b_v is None:
        return False
    if a_at is None or a_v is None:
        return True
    return (b_at, b_v) > (a_at, a_v)


def observe(state: AggState, quantity: Decimal, at: datetime, *, new_unique: bool = False) -> AggState:
    return merge(
        state,
        AggState(quantity, 1, quantity, quantity, at, 1 if new_unique else 0),
    )


def merge(a: AggState, b: AggState) -> AggState:
    maximum = (
        a.maximum if b.maximum is None else b.maximum if a.maximum is None else max(a.maximum, b.maximum)
    )
    latest = (
        (b.latest_value, b.latest_at)
        if _later(a.latest_at, a.latest_value, b.latest_at, b.latest_value)
        else (a.latest_value, a.latest_at)
    )
    return replace(
        a,
        total=a.total + b.total,
        count=a.count + b.count,
        maximum=maximum,
        latest_value=latest[0],
        latest_at=latest[1],
        unique=a.unique + b.unique,
    )


def combine(states: Iterable[AggState]) -> AggState:
    out = EMPTY
    for s in states:
        out = merge(out, s)
    return out


def quantity_of(state: AggState, aggregation: str) -> Decimal:
    """The billable quantity of an aggregate under the meter's aggregation (an empty one is 0).

    unique_count over several groups adds the groups' counts (a value seen in two groups counts
    twice): a price that spans groups bills each group's distinct values."""
    if aggregation == "sum":
        return state.total
    if aggregation == "count":
        return Decimal(state.count)
    if aggregation == "max":
        return state.maximum if state.maximum is not None else Decimal(0)
    if aggregation == "latest":
        return state.latest_value if state.latest_value is not None else Decimal(0)
    if aggregation == "unique_count":
        return Decimal(state.unique)
    raise InvalidAmount(f"aggregation must be one of {AGGREGATIONS}", param="aggregation")
