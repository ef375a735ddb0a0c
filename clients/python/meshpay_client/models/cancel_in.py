from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CancelIn")



@_attrs_define
class CancelIn:
    """ 
        Attributes:
            at_period_end (bool | Unset):  Default: True.
     """

    at_period_end: bool | Unset = True





    def to_dict(self) -> dict[str, Any]:
        at_period_end = self.at_period_end


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if at_period_end is not UNSET:
            field_dict["at_period_end"] = at_period_end

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at_period_end = d.pop("at_period_end", UNSET)

        cancel_in = cls(
            at_period_end=at_period_end,
        )

        return cancel_in

