from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.principal_ref_role import PrincipalRefRole






T = TypeVar("T", bound="PrincipalRef")



@_attrs_define
class PrincipalRef:
    """ 
        Attributes:
            id (str):
            role (PrincipalRefRole):
     """

    id: str
    role: PrincipalRefRole





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        role = self.role.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "role": role,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        role = PrincipalRefRole(d.pop("role"))




        principal_ref = cls(
            id=id,
            role=role,
        )

        return principal_ref

