from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MeterIn")



@_attrs_define
class MeterIn:
    """ 
        Attributes:
            aggregation (str | Unset):  Default: 'sum'.
            display_name (None | str | Unset):
            group_by (list[str] | Unset): properties to split by
            precision (int | Unset): decimal places a quantity may carry Default: 0.
            unique_property (None | str | Unset): unique_count: the property
     """

    aggregation: str | Unset = 'sum'
    display_name: None | str | Unset = UNSET
    group_by: list[str] | Unset = UNSET
    precision: int | Unset = 0
    unique_property: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        aggregation = self.aggregation

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        group_by: list[str] | Unset = UNSET
        if not isinstance(self.group_by, Unset):
            group_by = self.group_by



        precision = self.precision

        unique_property: None | str | Unset
        if isinstance(self.unique_property, Unset):
            unique_property = UNSET
        else:
            unique_property = self.unique_property


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if aggregation is not UNSET:
            field_dict["aggregation"] = aggregation
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if group_by is not UNSET:
            field_dict["group_by"] = group_by
        if precision is not UNSET:
            field_dict["precision"] = precision
        if unique_property is not UNSET:
            field_dict["unique_property"] = unique_property

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aggregation = d.pop("aggregation", UNSET)

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))


        group_by = cast(list[str], d.pop("group_by", UNSET))


        precision = d.pop("precision", UNSET)

        def _parse_unique_property(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unique_property = _parse_unique_property(d.pop("unique_property", UNSET))


        meter_in = cls(
            aggregation=aggregation,
            display_name=display_name,
            group_by=group_by,
            precision=precision,
            unique_property=unique_property,
        )

        return meter_in

