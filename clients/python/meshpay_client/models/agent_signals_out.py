from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AgentSignalsOut")



@_attrs_define
class AgentSignalsOut:
    """ 
        Attributes:
            agent_id (str):
            capacity (int | None):
            category (None | str):
            demand_expires_at (datetime.datetime | None):
            demand_ratio (None | str):
            reputation (None | str):
            timezone (None | str):
     """

    agent_id: str
    capacity: int | None
    category: None | str
    demand_expires_at: datetime.datetime | None
    demand_ratio: None | str
    reputation: None | str
    timezone: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        capacity: int | None
        capacity = self.capacity

        category: None | str
        category = self.category

        demand_expires_at: None | str
        if isinstance(self.demand_expires_at, datetime.datetime):
            demand_expires_at = self.demand_expires_at.isoformat()
        else:
            demand_expires_at = self.demand_expires_at

        demand_ratio: None | str
        demand_ratio = self.demand_ratio

        reputation: None | str
        reputation = self.reputation

        timezone: None | str
        timezone = self.timezone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "capacity": capacity,
            "category": category,
            "demand_expires_at": demand_expires_at,
            "demand_ratio": demand_ratio,
            "reputation": reputation,
            "timezone": timezone,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        def _parse_capacity(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        capacity = _parse_capacity(d.pop("capacity"))


        def _parse_category(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        category = _parse_category(d.pop("category"))


        def _parse_demand_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                demand_expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return demand_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        demand_expires_at = _parse_demand_expires_at(d.pop("demand_expires_at"))


        def _parse_demand_ratio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        demand_ratio = _parse_demand_ratio(d.pop("demand_ratio"))


        def _parse_reputation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reputation = _parse_reputation(d.pop("reputation"))


        def _parse_timezone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        timezone = _parse_timezone(d.pop("timezone"))


        agent_signals_out = cls(
            agent_id=agent_id,
            capacity=capacity,
            category=category,
            demand_expires_at=demand_expires_at,
            demand_ratio=demand_ratio,
            reputation=reputation,
            timezone=timezone,
        )


        agent_signals_out.additional_properties = d
        return agent_signals_out

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
