from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AdjustmentOut")



@_attrs_define
class AdjustmentOut:
    """ 
        Attributes:
            description (str):
            multiplier (float):
            rule (str):
            type_ (str):
     """

    description: str
    multiplier: float
    rule: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        description = self.description

        multiplier = self.multiplier

        rule = self.rule

        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "description": description,
            "multiplier": multiplier,
            "rule": rule,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        multiplier = d.pop("multiplier")

        rule = d.pop("rule")

        type_ = d.pop("type")

        adjustment_out = cls(
            description=description,
            multiplier=multiplier,
            rule=rule,
            type_=type_,
        )


        adjustment_out.additional_properties = d
        return adjustment_out

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
