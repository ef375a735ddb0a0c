from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="AgentPriceIn")



@_attrs_define
class AgentPriceIn:
    """ 
        Attributes:
            unit_price (float | str): per unit, in the path's currency, e.g. 19.99
     """

    unit_price: float | str





    def to_dict(self) -> dict[str, Any]:
        unit_price: float | str
        unit_price = self.unit_price


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "unit_price": unit_price,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_unit_price(data: object) -> float | str:
            return cast(float | str, data)

        unit_price = _parse_unit_price(d.pop("unit_price"))


        agent_price_in = cls(
            unit_price=unit_price,
        )

        return agent_price_in

