from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="EndpointCreated")



@_attrs_define
class EndpointCreated:
    """ 
        Attributes:
            all_accounts (bool):
            created_at (datetime.datetime):
            description (None | str):
            disabled_reason (None | str):
            event_types (list[str] | None):
            id (str):
            secret (str): the signing secret (Standard Webhooks whsec_…), shown only here
            status (str): enabled | disabled
            url (str):
     """

    all_accounts: bool
    created_at: datetime.datetime
    description: None | str
    disabled_reason: None | str
    event_types: list[str] | None
    id: str
    secret: str
    status: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        all_accounts = self.all_accounts

        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        event_types: list[str] | None
        if isinstance(self.event_types, list):
            event_types = self.event_types


        else:
            event_types = self.event_types

        id = self.id

        secret = self.secret

        status = self.status

        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "all_accounts": all_accounts,
            "created_at": created_at,
            "description": description,
            "disabled_reason": disabled_reason,
            "event_types": event_types,
            "id": id,
            "secret": secret,
            "status": status,
            "url": url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        all_accounts = d.pop("all_accounts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))


        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))


        def _parse_event_types(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                event_types_type_0 = cast(list[str], data)

                return event_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        event_types = _parse_event_types(d.pop("event_types"))


        id = d.pop("id")

        secret = d.pop("secret")

        status = d.pop("status")

        url = d.pop("url")

        endpoint_created = cls(
            all_accounts=all_accounts,
            created_at=created_at,
            description=description,
            disabled_reason=disabled_reason,
            event_types=event_types,
            id=id,
            secret=secret,
            status=status,
            url=url,
        )


        endpoint_created.additional_properties = d
        return endpoint_created

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
