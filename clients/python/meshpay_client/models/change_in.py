from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ChangeIn")



@_attrs_define
class ChangeIn:
    """ 
        Attributes:
            plan_id (str):
     """

    plan_id: str





    def to_dict(self) -> dict[str, Any]:
        plan_id = self.plan_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "plan_id": plan_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan_id = d.pop("plan_id")

        change_in = cls(
            plan_id=plan_id,
        )

        return change_in

