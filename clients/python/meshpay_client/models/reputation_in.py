from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ReputationIn")



@_attrs_define
class ReputationIn:
    """ 
        Attributes:
            reputation (float | str): 0..1
     """

    reputation: float | str





    def to_dict(self) -> dict[str, Any]:
        reputation: float | str
        reputation = self.reputation


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "reputation": reputation,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_reputation(data: object) -> float | str:
            return cast(float | str, data)

        reputation = _parse_reputation(d.pop("reputation"))


        reputation_in = cls(
            reputation=reputation,
        )

        return reputation_in

