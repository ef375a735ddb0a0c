from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="AgentCostOut")



@_attrs_define
class AgentCostOut:
    """ 
        Attributes:
            agent_id (None | str):
            charges (int):
            net (str):
            refunded (str):
            spent (str):
     """

    agent_id: None | str
    charges: int
    net: str
    refunded: str
    spent: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id: None | str
        agent_id = self.agent_id

        charges = self.charges

        net = self.net

        refunded = self.refunded

        spent = self.spent


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "charges": charges,
            "net": net,
            "refunded": refunded,
            "spent": spent,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_agent_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        agent_id = _parse_agent_id(d.pop("agent_id"))


        charges = d.pop("charges")

        net = d.pop("net")

        refunded = d.pop("refunded")

        spent = d.pop("spent")

        agent_cost_out = cls(
            agent_id=agent_id,
            charges=charges,
            net=net,
            refunded=refunded,
            spent=spent,
        )


        agent_cost_out.additional_properties = d
        return agent_cost_out

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
