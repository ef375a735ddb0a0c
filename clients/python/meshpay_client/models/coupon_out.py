from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="CouponOut")



@_attrs_define
class CouponOut:
    """ 
        Attributes:
            amount_off (None | str):
            code (str):
            currency (None | str):
            duration (str):
            duration_periods (int | None):
            kind (str):
            max_redemptions (int | None):
            percent_off (None | str):
            redeem_by (datetime.datetime | None):
     """

    amount_off: None | str
    code: str
    currency: None | str
    duration: str
    duration_periods: int | None
    kind: str
    max_redemptions: int | None
    percent_off: None | str
    redeem_by: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount_off: None | str
        amount_off = self.amount_off

        code = self.code

        currency: None | str
        currency = self.currency

        duration = self.duration

        duration_periods: int | None
        duration_periods = self.duration_periods

        kind = self.kind

        max_redemptions: int | None
        max_redemptions = self.max_redemptions

        percent_off: None | str
        percent_off = self.percent_off

        redeem_by: None | str
        if isinstance(self.redeem_by, datetime.datetime):
            redeem_by = self.redeem_by.isoformat()
        else:
            redeem_by = self.redeem_by


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount_off": amount_off,
            "code": code,
            "currency": currency,
            "duration": duration,
            "duration_periods": duration_periods,
            "kind": kind,
            "max_redemptions": max_redemptions,
            "percent_off": percent_off,
            "redeem_by": redeem_by,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_amount_off(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        amount_off = _parse_amount_off(d.pop("amount_off"))


        code = d.pop("code")

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))


        duration = d.pop("duration")

        def _parse_duration_periods(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_periods = _parse_duration_periods(d.pop("duration_periods"))


        kind = d.pop("kind")

        def _parse_max_redemptions(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_redemptions = _parse_max_redemptions(d.pop("max_redemptions"))


        def _parse_percent_off(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        percent_off = _parse_percent_off(d.pop("percent_off"))


        def _parse_redeem_by(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                redeem_by_type_0 = datetime.datetime.fromisoformat(data)



                return redeem_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        redeem_by = _parse_redeem_by(d.pop("redeem_by"))


        coupon_out = cls(
            amount_off=amount_off,
            code=code,
            currency=currency,
            duration=duration,
            duration_periods=duration_periods,
            kind=kind,
            max_redemptions=max_redemptions,
            percent_off=percent_off,
            redeem_by=redeem_by,
        )


        coupon_out.additional_properties = d
        return coupon_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
