from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="RedeemOut")



@_attrs_define
class RedeemOut:
    """ 
        Attributes:
            amount (str): owed to the caller in `currency`, now in its earnings
            created (bool):
            credits_ (str):
            currency (str):
            price (str): the platform's price of one credit used
            reference (str):
            transaction_id (str):
     """

    amount: str
    created: bool
    credits_: str
    currency: str
    price: str
    reference: str
    transaction_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        created = self.created

        credits_ = self.credits_

        currency = self.currency

        price = self.price

        reference = self.reference

        transaction_id = self.transaction_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "created": created,
            "credits": credits_,
            "currency": currency,
            "price": price,
            "reference": reference,
            "transaction_id": transaction_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        created = d.pop("created")

        credits_ = d.pop("credits")

        currency = d.pop("currency")

        price = d.pop("price")

        reference = d.pop("reference")

        transaction_id = d.pop("transaction_id")

        redeem_out = cls(
            amount=amount,
            created=created,
            credits_=credits_,
            currency=currency,
            price=price,
            reference=reference,
            transaction_id=transaction_id,
        )


        redeem_out.additional_properties = d
        return redeem_out

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
