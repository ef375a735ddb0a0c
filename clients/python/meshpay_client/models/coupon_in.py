from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CouponIn")



@_attrs_define
class CouponIn:
    """ 
        Attributes:
            code (str):
            duration (str):
            kind (str):
            amount_off (float | None | str | Unset):
            currency (None | str | Unset):
            duration_periods (int | None | Unset):
            max_redemptions (int | None | Unset):
            percent_off (float | None | str | Unset):
            redeem_by (datetime.datetime | None | Unset):
     """

    code: str
    duration: str
    kind: str
    amount_off: float | None | str | Unset = UNSET
    currency: None | str | Unset = UNSET
    duration_periods: int | None | Unset = UNSET
    max_redemptions: int | None | Unset = UNSET
    percent_off: float | None | str | Unset = UNSET
    redeem_by: datetime.datetime | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        duration = self.duration

        kind = self.kind

        amount_off: float | None | str | Unset
        if isinstance(self.amount_off, Unset):
            amount_off = UNSET
        else:
            amount_off = self.amount_off

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        duration_periods: int | None | Unset
        if isinstance(self.duration_periods, Unset):
            duration_periods = UNSET
        else:
            duration_periods = self.duration_periods

        max_redemptions: int | None | Unset
        if isinstance(self.max_redemptions, Unset):
            max_redemptions = UNSET
        else:
            max_redemptions = self.max_redemptions

        percent_off: float | None | str | Unset
        if isinstance(self.percent_off, Unset):
            percent_off = UNSET
        else:
            percent_off = self.percent_off

        redeem_by: None | str | Unset
        if isinstance(self.redeem_by, Unset):
            redeem_by = UNSET
        elif isinstance(self.redeem_by, datetime.datetime):
            redeem_by = self.redeem_by.isoformat()
        else:
            redeem_by = self.redeem_by


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "code": code,
            "duration": duration,
            "kind": kind,
        })
        if amount_off is not UNSET:
            field_dict["amount_off"] = amount_off
        if currency is not UNSET:
            field_dict["currency"] = currency
        if duration_periods is not UNSET:
            field_dict["duration_periods"] = duration_periods
        if max_redemptions is not UNSET:
            field_dict["max_redemptions"] = max_redemptions
        if percent_off is not UNSET:
            field_dict["percent_off"] = percent_off
        if redeem_by is not UNSET:
            field_dict["redeem_by"] = redeem_by

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        duration = d.pop("duration")

        kind = d.pop("kind")

        def _parse_amount_off(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        amount_off = _parse_amount_off(d.pop("amount_off", UNSET))


        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))


        def _parse_duration_periods(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration_periods = _parse_duration_periods(d.pop("duration_periods", UNSET))


        def _parse_max_redemptions(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_redemptions = _parse_max_redemptions(d.pop("max_redemptions", UNSET))


        def _parse_percent_off(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        percent_off = _parse_percent_off(d.pop("percent_off", UNSET))


        def _parse_redeem_by(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                redeem_by_type_0 = datetime.datetime.fromisoformat(data)



                return redeem_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        redeem_by = _parse_redeem_by(d.pop("redeem_by", UNSET))


        coupon_in = cls(
            code=code,
            duration=duration,
            kind=kind,
            amount_off=amount_off,
            currency=currency,
            duration_periods=duration_periods,
            max_redemptions=max_redemptions,
            percent_off=percent_off,
            redeem_by=redeem_by,
        )

        return coupon_in

