"""Pricing rule parameters: one frozen dataclass per rule type, parsed and validated from JSON.

Pure: stdlib only. Every decimal comes in as a string, int or exact Decimal (never float) and is
kept exact. Multipliers and discounts carry at most 6 decimal places, so the engine's product of
multipliers is exact. Discounts are fractions (0.05 = 5 % off). Invalid parameters raise
InvalidRule (422) naming the offending field as `params.<field>`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import DomainError

MAX_PLACES = 6  # decimal places of a multiplier or discount
MAX_RULE_MULTIPLIER = Decimal(100)
ONE = Decimal(1)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class InvalidRule(DomainError):
    code = "invalid_pricing_rule"
    status = 422


class RuleType(StrEnum):
    SURGE = "surge"
    REPUTATION = "reputation"
    TIME = "time"
    BULK = "bulk"
    FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class SurgeParams:
    """Demand ratio above `threshold` → `multiplier`; scaled: multiplier × demand/threshold, ≤ cap."""

    threshold: Decimal
    multiplier: Decimal = Decimal("1.5")
    scale_with_demand: bool = False
    cap: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ReputationStep:
    min_reputation: Decimal
    discount: Decimal


@dataclass(frozen=True, slots=True)
class ReputationParams:
    """linear: discount grows from 0 at `min_reputation` to `max_discount` at reputation 1;
    stepped: the highest step reached. Never more than `max_discount`."""

    max_discount: Decimal = Decimal("0.20")
    mode: str = "linear"  # linear | stepped
    min_reputation: Decimal = Decimal(0)
    steps: tuple[ReputationStep, ...] = ()


@dataclass(frozen=True, slots=True)
class TimeWindow:
    days: frozenset[int]  # 0 = Monday … 6 = Sunday
    start_hour: int  # inclusive, 0..23
    end_hour: int  # exclusive, 1..24
    multiplier: Decimal
    label: str | None = None


@dataclass(frozen=True, slots=True)
class TimeParams:
    """Peak/off-peak windows by weekday and hour; `timezone` None → the agent's or request's zone."""

    windows: tuple[TimeWindow, ...]
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class BulkTier:
    min_quantity: int
    discount: Decimal


@dataclass(frozen=True, slots=True)
class BulkParams:
    tiers: tuple[BulkTier, ...]  # ascending min_quantity


@dataclass(frozen=True, slots=True)
class FixedParams:
    multiplier: Decimal


Params = SurgeParams | ReputationParams | TimeParams | BulkParams | FixedParams

PARAMS_TYPE: dict[type, RuleType] = {
    SurgeParams: RuleType.SURGE,
    ReputationParams: RuleType.REPUTATION,
    TimeParams: RuleType.TIME,
    BulkParams: RuleType.BULK,
    FixedParams: RuleType.FIXED,
}


def plain(value: Decimal) -> str:
    """A Decimal as short plain text: 1.20 → "1.2", 1E+2 → "100" (for names, JSON, storage)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# ---------------------------------------------------------------- field parsers


def _dec(
    raw: Any,
    field: str,
    *,
    places: int | None = None,
    lo: Decimal | None = None,
    hi: Decimal | None = None,
    lo_open: bool = False,
) -> Decimal:
    param = f"params.{field}"
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise InvalidRule(f"{field} must be a decimal string or number", param=param)
    try:
        value = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    except InvalidOperation:
        raise InvalidRule(f"{field} is not a valid decimal", param=param) from None
    if not value.is_finite():
        raise InvalidRule(f"{field} must be finite", param=param)
    exp = value.as_tuple().exponent
    if places is not None and isinstance(exp, int) and -exp > places:
        raise InvalidRule(f"{field} has more than {places} decimal places", param=param)
    if lo is not None and (value <= lo if lo_open else value < lo):
        raise InvalidRule(
            f"{field} must be {'greater than' if lo_open else 'at least'} {plain(lo)}", param=param
        )
    if hi is not None and value > hi:
        raise InvalidRule(f"{field} must be at most {plain(hi)}", param=param)
    return value + 0  # drops a negative zero's sign


def _multiplier(raw: Any, field: str) -> Decimal:
    return _dec(raw, field, places=MAX_PLACES, lo=Decimal(0), lo_open=True, hi=MAX_RULE_MULTIPLIER)


def _discount(raw: Any, field: str, *, hi: Decimal = ONE) -> Decimal:
    return _dec(raw, field, places=MAX_PLACES, lo=Decimal(0), hi=hi)


def _int(raw: Any, field: str, *, lo: int, hi: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        raise InvalidRule(f"{field} must be an integer", param=f"params.{field}")
    try:
        value = Decimal(raw) if not isinstance(raw, int) else raw
    except InvalidOperation:
        raise InvalidRule(f"{field} must be an integer", param=f"params.{field}") from None
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise InvalidRule(f"{field} must be an integer", param=f"params.{field}")
        value = int(value)
    if not lo <= value <= hi:
        raise InvalidRule(f"{field} must be between {lo} and {hi}", param=f"params.{field}")
    return value


def _bool(raw: Any, field: str) -> bool:
    if not isinstance(raw, bool):
        raise InvalidRule(f"{field} must be true or false", param=f"params.{field}")
    return raw


def _list(raw: Any, field: str) -> Sequence[Any]:
    if not isinstance(raw, (list, tuple)) or not raw:
        raise InvalidRule(f"{field} must be a non-empty list", param=f"params.{field}")
    return raw


def _obj(raw: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise InvalidRule(f"{field} must be an object", param=f"params.{field}")
    return raw


def check_timezone(name: Any, param: str) -> str:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise InvalidRule("timezone must be an IANA zone name such as Europe/Berlin", param=param)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRule(f"unknown timezone {name!r}", param=param) from None
    return name


def _only(raw: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        raise InvalidRule(f"unknown parameter {extra[0]!r}", param=f"params.{extra[0]}")


# ---------------------------------------------------------------- per type


def _surge(raw: Mapping[str, Any]) -> SurgeParams:
    _only(raw, {"threshold", "multiplier", "scale_with_demand", "cap"})
    if "threshold" not in raw:
        raise InvalidRule("threshold is required", param="params.threshold")
    threshold = _dec(raw["threshold"], "threshold", lo=Decimal(0), hi=Decimal(1000))
    multiplier = _multiplier(raw.get("multiplier", "1.5"), "multiplier")
    scale = _bool(raw.get("scale_with_demand", False), "scale_with_demand")
    cap = _multiplier(raw["cap"], "cap") if raw.get("cap") is not None else None
    if cap is not None and cap < multiplier:
        raise InvalidRule("cap must not be below multiplier", param="params.cap")
    if scale and threshold == 0:
        raise InvalidRule("a demand-scaled surge needs a threshold above 0", param="params.threshold")
    return SurgeParams(threshold, multiplier, scale, cap)


def _reputation(raw: Mapping[str, Any]) -> ReputationParams:
    _only(raw, {"max_discount", "mode", "min_reputation", "steps"})
    max_discount = _discount(raw.get("max_discount", "0.20"), "max_discount")
    mode = raw.get("mode", "linear")
    if mode not in ("linear", "stepped"):
        raise InvalidRule("mode must be linear or stepped", param="params.mode")
    min_rep = _dec(raw.get("min_reputation", 0), "min_reputation", lo=Decimal(0), hi=ONE)
    steps: list[ReputationStep] = []
    if mode == "stepped":
        for i, item in enumerate(_list(raw.get("steps"), "steps")):
            step = _obj(item, f"steps.{i}")
            _only(step, {"min_reputation", "discount"})
            rep = _dec(step.get("min_reputation"), f"steps.{i}.min_reputation", lo=Decimal(0), hi=ONE)
            disc = _discount(step.get("discount"), f"steps.{i}.discount")
            if disc > max_discount:
                raise InvalidRule(
                    "a step's discount exceeds max_discount", param=f"params.steps.{i}.discount"
                )
            steps.append(ReputationStep(rep, disc))
        steps.sort(key=lambda s: s.min_reputation)
        if len({s.min_reputation for s in steps}) != len(steps):
            raise InvalidRule("two steps share a min_reputation", param="params.steps")
    elif "steps" in raw:
        raise InvalidRule("steps are only for mode=stepped", param="params.steps")
    elif min_rep >= 1:
        raise InvalidRule("linear mode needs min_reputation below 1", param="params.min_reputation")
    return ReputationParams(max_discount, mode, min_rep, tuple(steps))


def _days(raw: Any, field: str) -> frozenset[int]:
    days: set[int] = set()
    for item in _list(raw, field):
        if isinstance(item, str) and item.lower()[:3] in DAY_NAMES:
            days.add(DAY_NAMES.index(item.lower()[:3]))
        else:
            days.add(_int(item, field, lo=0, hi=6))
    return frozenset(days)


def _time(raw: Mapping[str, Any]) -> TimeParams:
    _only(raw, {"windows", "timezone"})
    tz = check_timezone(raw["timezone"], "params.timezone") if raw.get("timezone") is not None else None
    windows: list[TimeWindow] = []
    for i, item in enumerate(_list(raw.get("windows"), "windows")):
        w = _obj(item, f"windows.{i}")
        _only(w, {"days", "start_hour", "end_hour", "multiplier", "label"})
        start = _int(w.get("start_hour"), f"windows.{i}.start_hour", lo=0, hi=23)
        end = _int(w.get("end_hour"), f"windows.{i}.end_hour", lo=1, hi=24)
        if end <= start:
            raise InvalidRule(
                "end_hour must be after start_hour (split windows that cross midnight)",
                param=f"params.windows.{i}.end_hour",
            )
        label = w.get("label")
        if label is not None and (not isinstance(label, str) or len(label) > 100):
            raise InvalidRule("label must be a short string", param=f"params.windows.{i}.label")
        window = TimeWindow(
            _days(w.get("days", list(range(7))), f"windows.{i}.days"),
            start,
            end,
            _multiplier(w.get("multiplier"), f"windows.{i}.multiplier"),
            label,
        )
        for j, other in enumerate(windows):
            if window.days & other.days and start < other.end_hour and other.start_hour < end:
                raise InvalidRule(f"window {i} overlaps window {j}", param=f"params.windows.{i}")
        windows.append(window)
    return TimeParams(tuple(windows), tz)


def _bulk(raw: Mapping[str, Any]) -> BulkParams:
    _only(raw, {"tiers"})
    tiers: list[BulkTier] = []
    for i, item in enumerate(_list(raw.get("tiers"), "tiers")):
        t = _obj(item, f"tiers.{i}")
        _only(t, {"min_quantity", "discount"})
        qty = _int(t.get("min_quantity"), f"tiers.{i}.min_quantity", lo=1, hi=10**9)
        disc = _discount(t.get("discount"), f"tiers.{i}.discount", hi=Decimal("0.99"))
        tiers.append(BulkTier(qty, disc))
    tiers.sort(key=lambda t: t.min_quantity)
    if len({t.min_quantity for t in tiers}) != len(tiers):
        raise InvalidRule("two tiers share a min_quantity", param="params.tiers")
    return BulkParams(tuple(tiers))


def _fixed(raw: Mapping[str, Any]) -> FixedParams:
    _only(raw, {"multiplier"})
    if "multiplier" not in raw:
        raise InvalidRule("multiplier is required", param="params.multiplier")
    return FixedParams(_multiplier(raw["multiplier"], "multiplier"))


_PARSERS: dict[RuleType, Callable[[Mapping[str, Any]], Params]] = {
    RuleType.SURGE: _surge,
    RuleType.REPUTATION: _reputation,
    RuleType.TIME: _time,
    RuleType.BULK: _bulk,
    RuleType.FIXED: _fixed,
}


def parse_params(rule_type: str, raw: Any) -> Params:
    try:
        kind = RuleType(rule_type)
    except ValueError:
        raise InvalidRule(f"unknown rule type {rule_type!r}", param="type") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidRule("params must be an object", param="params")
    return _PARSERS[kind](raw)


def params_to_json(params: Params) -> dict[str, Any]:
    """The stored/returned form: decimals as exact strings; parse_params(type, this) round-trips."""
    if isinstance(params, SurgeParams):
        out: dict[str, Any] = {
            "threshold": plain(params.threshold),
            "multiplier": plain(params.multiplier),
            "scale_with_demand": params.scale_with_demand,
        }
        if params.cap is not None:
            out["cap"] = plain(params.cap)
        return out
    if isinstance(params, ReputationParams):
        out = {
            "mode": params.mode,
            "max_discount": plain(params.max_discount),
            "min_reputation": plain(params.min_reputation),
        }
        if params.mode == "stepped":
            out["steps"] = [
                {"min_reputation": plain(s.min_reputation), "discount": plain(s.discount)}
                for s in params.steps
            ]
        return out
    if isinstance(params, TimeParams):
        return {
            "timezone": params.timezone,
            "windows": [
                {
                    "days": sorted(w.days),
                    "start_hour": w.start_hour,
                    "end_hour": w.end_hour,
                    "multiplier": plain(w.multiplier),
                    "label": w.label,
                }
                for w in params.windows
            ],
        }
    if isinstance(params, BulkParams):
        return {
            "tiers": [{"min_quantity": t.min_quantity, "discount": plain(t.discount)} for t in params.tiers]
        }
    return {"multiplier": plain(params.multiplier)}
