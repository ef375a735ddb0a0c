from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast
import datetime

if TYPE_CHECKING:
  from ..models.agent_cost_out import AgentCostOut





T = TypeVar("T", bound="ByAgentOut")



@_attrs_define
class ByAgentOut:
    """ 
        Attributes:
            data (list[AgentCostOut]):
            from_ (datetime.datetime | None):
            to (datetime.datetime | None):
            user_id (str):
            currency (str | Unset):  Default: 'CREDIT'.
            group_by (Literal['agent'] | Unset):  Default: 'agent'.
     """

    data: list[AgentCostOut]
    from_: datetime.datetime | None
    to: datetime.datetime | None
    user_id: str
    currency: str | Unset = 'CREDIT'
    group_by: Literal['agent'] | Unset = 'agent'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_cost_out import AgentCostOut
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)



        from_: None | str
        if isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        to: None | str
        if isinstance(self.to, datetime.datetime):
            to = self.to.isoformat()
        else:
            to = self.to

        user_id = self.user_id

        currency = self.currency

        group_by = self.group_by


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "from": from_,
            "to": to,
            "user_id": user_id,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if group_by is not UNSET:
            field_dict["group_by"] = group_by

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_cost_out import AgentCostOut
        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            data_item = AgentCostOut.from_dict(data_item_data)



            data.append(data_item)


        def _parse_from_(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)



                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        from_ = _parse_from_(d.pop("from"))


        def _parse_to(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.datetime.fromisoformat(data)



                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        to = _parse_to(d.pop("to"))


        user_id = d.pop("user_id")

        currency = d.pop("currency", UNSET)

        group_by = cast(Literal['agent'] | Unset , d.pop("group_by", UNSET))
        if group_by != 'agent'and not isinstance(group_by, Unset):
            raise ValueError(f"group_by must match const 'agent', got '{group_by}'")

        by_agent_out = cls(
            data=data,
            from_=from_,
            to=to,
            user_id=user_id,
            currency=currency,
            group_by=group_by,
        )


        by_agent_out.additional_properties = d
        return by_agent_out

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
