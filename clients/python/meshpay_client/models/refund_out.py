from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RefundOut")



@_attrs_define
class RefundOut:
    """ 
        Attributes:
            amount (str):
            created (bool):
            id (int):
            reference (str):
            refund_reference (str):
            refunded_total (str):
            transaction_id (str):
            user_id (str):
            currency (str | Unset):  Default: 'CREDIT'.
     """

    amount: str
    created: bool
    id: int
    reference: str
    refund_reference: str
    refunded_total: str
    transaction_id: str
    user_id: str
    currency: str | Unset = 'CREDIT'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        created = self.created

        id = self.id

        reference = self.reference

        refund_reference = self.refund_reference

        refunded_total = self.refunded_total

        transaction_id = self.transaction_id

        user_id = self.user_id

        currency = self.currency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "created": created,
            "id": id,
            "reference": reference,
            "refund_reference": refund_reference,
            "refunded_total": refunded_total,
            "transaction_id": transaction_id,
            "user_id": user_id,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        created = d.pop("created")

        id = d.pop("id")

        reference = d.pop("reference")

        refund_reference = d.pop("refund_reference")

        refunded_total = d.pop("refunded_total")

        transaction_id = d.pop("transaction_id")

        user_id = d.pop("user_id")

        currency = d.pop("currency", UNSET)

        refund_out = cls(
            amount=amount,
            created=created,
            id=id,
            reference=reference,
            refund_reference=refund_reference,
            refunded_total=refunded_total,
            transaction_id=transaction_id,
            user_id=user_id,
            currency=currency,
        )


        refund_out.additional_properties = d
        return refund_out

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
