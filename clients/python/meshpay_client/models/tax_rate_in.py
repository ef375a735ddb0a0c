from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TaxRateIn")



@_attrs_define
class TaxRateIn:
    """ 
        Attributes:
            percent (float | str):
            inclusive (bool | Unset):  Default: False.
            name (str | Unset):  Default: 'Tax'.
     """

    percent: float | str
    inclusive: bool | Unset = False
    name: str | Unset = 'Tax'





    def to_dict(self) -> dict[str, Any]:
        percent: float | str
        percent = self.percent

        inclusive = self.inclusive

        name = self.name


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "percent": percent,
        })
        if inclusive is not UNSET:
            field_dict["inclusive"] = inclusive
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_percent(data: object) -> float | str:
            return cast(float | str, data)

        percent = _parse_percent(d.pop("percent"))


        inclusive = d.pop("inclusive", UNSET)

        name = d.pop("name", UNSET)

        tax_rate_in = cls(
            percent=percent,
            inclusive=inclusive,
            name=name,
        )

        return tax_rate_in

