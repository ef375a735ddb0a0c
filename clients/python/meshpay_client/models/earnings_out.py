from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EarningsOut")



@_attrs_define
class EarningsOut:
    """ 
        Attributes:
            available (str):
            currency (str):
            in_transit (str):
            payout_minimum (str):
            reserved (str):
     """

    available: str
    currency: str
    in_transit: str
    payout_minimum: str
    reserved: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        available = self.available

        currency = self.currency

        in_transit = self.in_transit

        payout_minimum = self.payout_minimum

        reserved = self.reserved


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "available": available,
            "currency": currency,
            "in_transit": in_transit,
            "payout_minimum": payout_minimum,
            "reserved": reserved,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        available = d.pop("available")

        currency = d.pop("currency")

        in_transit = d.pop("in_transit")

        payout_minimum = d.pop("payout_minimum")

        reserved = d.pop("reserved")

        earnings_out = cls(
            available=available,
            currency=currency,
            in_transit=in_transit,
            payout_minimum=payout_minimum,
            reserved=reserved,
        )


        earnings_out.additional_properties = d
        return earnings_out

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
