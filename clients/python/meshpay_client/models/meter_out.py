from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="MeterOut")



@_attrs_define
class MeterOut:
    """ 
        Attributes:
            aggregation (str):
            group_by (list[str]):
            metric (str):
            precision (int):
            unique_property (None | str):
     """

    aggregation: str
    group_by: list[str]
    metric: str
    precision: int
    unique_property: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        aggregation = self.aggregation

        group_by = self.group_by



        metric = self.metric

        precision = self.precision

        unique_property: None | str
        unique_property = self.unique_property


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "aggregation": aggregation,
            "group_by": group_by,
            "metric": metric,
            "precision": precision,
            "unique_property": unique_property,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aggregation = d.pop("aggregation")

        group_by = cast(list[str], d.pop("group_by"))


        metric = d.pop("metric")

        precision = d.pop("precision")

        def _parse_unique_property(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unique_property = _parse_unique_property(d.pop("unique_property"))


        meter_out = cls(
            aggregation=aggregation,
            group_by=group_by,
            metric=metric,
            precision=precision,
            unique_property=unique_property,
        )


        meter_out.additional_properties = d
        return meter_out

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
