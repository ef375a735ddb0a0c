from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TierIn")



@_attrs_define
class TierIn:
    """ 
        Attributes:
            unit_amount (float | str):
            flat_amount (int | Unset):  Default: 0.
            up_to (int | None | Unset):
     """

    unit_amount: float | str
    flat_amount: int | Unset = 0
    up_to: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        unit_amount: float | str
        unit_amount = self.unit_amount

        flat_amount = self.flat_amount

        up_to: int | None | Unset
        if isinstance(self.up_to, Unset):
            up_to = UNSET
        else:
            up_to = self.up_to


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "unit_amount": unit_amount,
        })
        if flat_amount is not UNSET:
            field_dict["flat_amount"] = flat_amount
        if up_to is not UNSET:
            field_dict["up_to"] = up_to

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_unit_amount(data: object) -> float | str:
            return cast(float | str, data)

        unit_amount = _parse_unit_amount(d.pop("unit_amount"))


        flat_amount = d.pop("flat_amount", UNSET)

        def _parse_up_to(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        up_to = _parse_up_to(d.pop("up_to", UNSET))


        tier_in = cls(
            unit_amount=unit_amount,
            flat_amount=flat_amount,
            up_to=up_to,
        )

        return tier_in

