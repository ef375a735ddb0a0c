from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.rule_out_params import RuleOutParams





T = TypeVar("T", bound="RuleOut")



@_attrs_define
class RuleOut:
    """ 
        Attributes:
            active_from (datetime.datetime | None):
            active_until (datetime.datetime | None):
            created_at (datetime.datetime):
            description (None | str):
            enabled (bool):
            id (str):
            name (str):
            params (RuleOutParams):
            priority (int):
            scope (str):
            scope_value (None | str):
            type_ (str):
            updated_at (datetime.datetime):
     """

    active_from: datetime.datetime | None
    active_until: datetime.datetime | None
    created_at: datetime.datetime
    description: None | str
    enabled: bool
    id: str
    name: str
    params: RuleOutParams
    priority: int
    scope: str
    scope_value: None | str
    type_: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_out_params import RuleOutParams
        active_from: None | str
        if isinstance(self.active_from, datetime.datetime):
            active_from = self.active_from.isoformat()
        else:
            active_from = self.active_from

        active_until: None | str
        if isinstance(self.active_until, datetime.datetime):
            active_until = self.active_until.isoformat()
        else:
            active_until = self.active_until

        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        enabled = self.enabled

        id = self.id

        name = self.name

        params = self.params.to_dict()

        priority = self.priority

        scope = self.scope

        scope_value: None | str
        scope_value = self.scope_value

        type_ = self.type_

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active_from": active_from,
            "active_until": active_until,
            "created_at": created_at,
            "description": description,
            "enabled": enabled,
            "id": id,
            "name": name,
            "params": params,
            "priority": priority,
            "scope": scope,
            "scope_value": scope_value,
            "type": type_,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_out_params import RuleOutParams
        d = dict(src_dict)
        def _parse_active_from(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                active_from_type_0 = datetime.datetime.fromisoformat(data)



                return active_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        active_from = _parse_active_from(d.pop("active_from"))


        def _parse_active_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                active_until_type_0 = datetime.datetime.fromisoformat(data)



                return active_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        active_until = _parse_active_until(d.pop("active_until"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))


        enabled = d.pop("enabled")

        id = d.pop("id")

        name = d.pop("name")

        params = RuleOutParams.from_dict(d.pop("params"))




        priority = d.pop("priority")

        scope = d.pop("scope")

        def _parse_scope_value(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        scope_value = _parse_scope_value(d.pop("scope_value"))


        type_ = d.pop("type")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        rule_out = cls(
            active_from=active_from,
            active_until=active_until,
            created_at=created_at,
            description=description,
            enabled=enabled,
            id=id,
            name=name,
            params=params,
            priority=priority,
            scope=scope,
            scope_value=scope_value,
            type_=type_,
            updated_at=updated_at,
        )


        rule_out.additional_properties = d
        return rule_out

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
