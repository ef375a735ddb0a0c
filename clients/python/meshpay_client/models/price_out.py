from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.adjustment_out import AdjustmentOut





T = TypeVar("T", bound="PriceOut")



@_attrs_define
class PriceOut:
    """ 
        Attributes:
            adjusted_price (str):
            adjustments (list[AdjustmentOut]):
            base_price (str):
            multiplier (float):
     """

    adjusted_price: str
    adjustments: list[AdjustmentOut]
    base_price: str
    multiplier: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.adjustment_out import AdjustmentOut
        adjusted_price = self.adjusted_price

        adjustments = []
        for adjustments_item_data in self.adjustments:
            adjustments_item = adjustments_item_data.to_dict()
            adjustments.append(adjustments_item)



        base_price = self.base_price

        multiplier = self.multiplier


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "adjusted_price": adjusted_price,
            "adjustments": adjustments,
            "base_price": base_price,
            "multiplier": multiplier,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.adjustment_out import AdjustmentOut
        d = dict(src_dict)
        adjusted_price = d.pop("adjusted_price")

        adjustments = []
        _adjustments = d.pop("adjustments")
        for adjustments_item_data in (_adjustments):
            adjustments_item = AdjustmentOut.from_dict(adjustments_item_data)



            adjustments.append(adjustments_item)


        base_price = d.pop("base_price")

        multiplier = d.pop("multiplier")

        price_out = cls(
            adjusted_price=adjusted_price,
            adjustments=adjustments,
            base_price=base_price,
            multiplier=multiplier,
        )


        price_out.additional_properties = d
        return price_out

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
