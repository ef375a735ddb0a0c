from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EndpointIn")



@_attrs_define
class EndpointIn:
    """ 
        Attributes:
            url (str):
            all_accounts (bool | Unset): every account's events (admin and service only) Default: False.
            description (None | str | Unset):
            event_types (list[Any] | None | Unset): types or `area.*`; omit for every event
     """

    url: str
    all_accounts: bool | Unset = False
    description: None | str | Unset = UNSET
    event_types: list[Any] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        url = self.url

        all_accounts = self.all_accounts

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        event_types: list[Any] | None | Unset
        if isinstance(self.event_types, Unset):
            event_types = UNSET
        elif isinstance(self.event_types, list):
            event_types = self.event_types


        else:
            event_types = self.event_types


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "url": url,
        })
        if all_accounts is not UNSET:
            field_dict["all_accounts"] = all_accounts
        if description is not UNSET:
            field_dict["description"] = description
        if event_types is not UNSET:
            field_dict["event_types"] = event_types

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        all_accounts = d.pop("all_accounts", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_event_types(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                event_types_type_0 = cast(list[Any], data)

                return event_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        event_types = _parse_event_types(d.pop("event_types", UNSET))


        endpoint_in = cls(
            url=url,
            all_accounts=all_accounts,
            description=description,
            event_types=event_types,
        )

        return endpoint_in

