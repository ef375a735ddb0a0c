from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AgentPriceOut")



@_attrs_define
class AgentPriceOut:
    """ 
        Attributes:
            agent_id (str):
            currency (str):
            unit_price (str):
            updated_at (datetime.datetime):
     """

    agent_id: str
    currency: str
    unit_price: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        currency = self.currency

        unit_price = self.unit_price

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "currency": currency,
            "unit_price": unit_price,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        currency = d.pop("currency")

        unit_price = d.pop("unit_price")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        agent_price_out = cls(
            agent_id=agent_id,
            currency=currency,
            unit_price=unit_price,
            updated_at=updated_at,
        )


        agent_price_out.additional_properties = d
        return agent_price_out

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
