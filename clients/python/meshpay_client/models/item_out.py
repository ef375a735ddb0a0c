from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ItemOut")



@_attrs_define
class ItemOut:
    """ 
        Attributes:
            account_id (str):
            amount (str):
            created (bool):
            currency (str):
            description (str):
            kind (str):
     """

    account_id: str
    amount: str
    created: bool
    currency: str
    description: str
    kind: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        amount = self.amount

        created = self.created

        currency = self.currency

        description = self.description

        kind = self.kind


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "amount": amount,
            "created": created,
            "currency": currency,
            "description": description,
            "kind": kind,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        amount = d.pop("amount")

        created = d.pop("created")

        currency = d.pop("currency")

        description = d.pop("description")

        kind = d.pop("kind")

        item_out = cls(
            account_id=account_id,
            amount=amount,
            created=created,
            currency=currency,
            description=description,
            kind=kind,
        )


        item_out.additional_properties = d
        return item_out

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
