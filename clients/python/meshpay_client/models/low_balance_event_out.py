from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="LowBalanceEventOut")



@_attrs_define
class LowBalanceEventOut:
    """ 
        Attributes:
            balance (str):
            created_at (datetime.datetime):
            id (int):
            threshold (str):
            user_id (str):
     """

    balance: str
    created_at: datetime.datetime
    id: int
    threshold: str
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        balance = self.balance

        created_at = self.created_at.isoformat()

        id = self.id

        threshold = self.threshold

        user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "created_at": created_at,
            "id": id,
            "threshold": threshold,
            "user_id": user_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        balance = d.pop("balance")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        threshold = d.pop("threshold")

        user_id = d.pop("user_id")

        low_balance_event_out = cls(
            balance=balance,
            created_at=created_at,
            id=id,
            threshold=threshold,
            user_id=user_id,
        )


        low_balance_event_out.additional_properties = d
        return low_balance_event_out

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
