from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="DestinationOut")



@_attrs_define
class DestinationOut:
    """ 
        Attributes:
            account (str):
            created_at (datetime.datetime):
            default (bool):
            destination_id (str):
            provider (str):
            usable_from (datetime.datetime | None | Unset): no payout goes here before this
     """

    account: str
    created_at: datetime.datetime
    default: bool
    destination_id: str
    provider: str
    usable_from: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account = self.account

        created_at = self.created_at.isoformat()

        default = self.default

        destination_id = self.destination_id

        provider = self.provider

        usable_from: None | str | Unset
        if isinstance(self.usable_from, Unset):
            usable_from = UNSET
        elif isinstance(self.usable_from, datetime.datetime):
            usable_from = self.usable_from.isoformat()
        else:
            usable_from = self.usable_from


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account": account,
            "created_at": created_at,
            "default": default,
            "destination_id": destination_id,
            "provider": provider,
        })
        if usable_from is not UNSET:
            field_dict["usable_from"] = usable_from

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account = d.pop("account")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        default = d.pop("default")

        destination_id = d.pop("destination_id")

        provider = d.pop("provider")

        def _parse_usable_from(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                usable_from_type_0 = datetime.datetime.fromisoformat(data)



                return usable_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        usable_from = _parse_usable_from(d.pop("usable_from", UNSET))


        destination_out = cls(
            account=account,
            created_at=created_at,
            default=default,
            destination_id=destination_id,
            provider=provider,
            usable_from=usable_from,
        )


        destination_out.additional_properties = d
        return destination_out

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
