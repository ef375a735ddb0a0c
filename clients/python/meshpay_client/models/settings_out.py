from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="SettingsOut")



@_attrs_define
class SettingsOut:
    """ 
        Attributes:
            low_balance_threshold (None | str):
            user_id (str):
     """

    low_balance_threshold: None | str
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        low_balance_threshold: None | str
        low_balance_threshold = self.low_balance_threshold

        user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "low_balance_threshold": low_balance_threshold,
            "user_id": user_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_low_balance_threshold(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        low_balance_threshold = _parse_low_balance_threshold(d.pop("low_balance_threshold"))


        user_id = d.pop("user_id")

        settings_out = cls(
            low_balance_threshold=low_balance_threshold,
            user_id=user_id,
        )


        settings_out.additional_properties = d
        return settings_out

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
