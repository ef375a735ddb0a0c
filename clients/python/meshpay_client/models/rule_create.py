from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.rule_create_scope import RuleCreateScope
from ..models.rule_create_type import RuleCreateType
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.rule_create_params import RuleCreateParams





T = TypeVar("T", bound="RuleCreate")



@_attrs_define
class RuleCreate:
    """ 
        Attributes:
            type_ (RuleCreateType):
            active_from (datetime.datetime | None | Unset):
            active_until (datetime.datetime | None | Unset):
            description (None | str | Unset): default: generated per quote
            enabled (bool | Unset):  Default: True.
            name (None | str | Unset): default: from type/params
            params (RuleCreateParams | Unset):
            priority (int | Unset): ascending: lower applies first Default: 100.
            scope (RuleCreateScope | Unset):  Default: RuleCreateScope.GLOBAL.
            scope_value (None | str | Unset): category or agent id
     """

    type_: RuleCreateType
    active_from: datetime.datetime | None | Unset = UNSET
    active_until: datetime.datetime | None | Unset = UNSET
    description: None | str | Unset = UNSET
    enabled: bool | Unset = True
    name: None | str | Unset = UNSET
    params: RuleCreateParams | Unset = UNSET
    priority: int | Unset = 100
    scope: RuleCreateScope | Unset = RuleCreateScope.GLOBAL
    scope_value: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_create_params import RuleCreateParams
        type_ = self.type_.value

        active_from: None | str | Unset
        if isinstance(self.active_from, Unset):
            active_from = UNSET
        elif isinstance(self.active_from, datetime.datetime):
            active_from = self.active_from.isoformat()
        else:
            active_from = self.active_from

        active_until: None | str | Unset
        if isinstance(self.active_until, Unset):
            active_until = UNSET
        elif isinstance(self.active_until, datetime.datetime):
            active_until = self.active_until.isoformat()
        else:
            active_until = self.active_until

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        enabled = self.enabled

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        priority = self.priority

        scope: str | Unset = UNSET
        if not isinstance(self.scope, Unset):
            scope = self.scope.value


        scope_value: None | str | Unset
        if isinstance(self.scope_value, Unset):
            scope_value = UNSET
        else:
            scope_value = self.scope_value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "type": type_,
        })
        if active_from is not UNSET:
            field_dict["active_from"] = active_from
        if active_until is not UNSET:
            field_dict["active_until"] = active_until
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if name is not UNSET:
            field_dict["name"] = name
        if params is not UNSET:
            field_dict["params"] = params
        if priority is not UNSET:
            field_dict["priority"] = priority
        if scope is not UNSET:
            field_dict["scope"] = scope
        if scope_value is not UNSET:
            field_dict["scope_value"] = scope_value

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_create_params import RuleCreateParams
        d = dict(src_dict)
        type_ = RuleCreateType(d.pop("type"))




        def _parse_active_from(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                active_from_type_0 = datetime.datetime.fromisoformat(data)



                return active_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        active_from = _parse_active_from(d.pop("active_from", UNSET))


        def _parse_active_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                active_until_type_0 = datetime.datetime.fromisoformat(data)



                return active_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        active_until = _parse_active_until(d.pop("active_until", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        enabled = d.pop("enabled", UNSET)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        _params = d.pop("params", UNSET)
        params: RuleCreateParams | Unset
        if isinstance(_params,  Unset):
            params = UNSET
        else:
            params = RuleCreateParams.from_dict(_params)




        priority = d.pop("priority", UNSET)

        _scope = d.pop("scope", UNSET)
        scope: RuleCreateScope | Unset
        if isinstance(_scope,  Unset):
            scope = UNSET
        else:
            scope = RuleCreateScope(_scope)




        def _parse_scope_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scope_value = _parse_scope_value(d.pop("scope_value", UNSET))


        rule_create = cls(
            type_=type_,
            active_from=active_from,
            active_until=active_until,
            description=description,
            enabled=enabled,
            name=name,
            params=params,
            priority=priority,
            scope=scope,
            scope_value=scope_value,
        )

        return rule_create

