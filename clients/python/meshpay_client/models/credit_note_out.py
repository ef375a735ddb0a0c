from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CreditNoteOut")



@_attrs_define
class CreditNoteOut:
    """ 
        Attributes:
            account_id (str):
            currency (str):
            id (str):
            invoice_id (str):
            issued_at (datetime.datetime):
            method (str):
            number (str):
            reason (str):
            subtotal (str):
            tax (str):
            total (str):
            object_ (str | Unset):  Default: 'credit_note'.
     """

    account_id: str
    currency: str
    id: str
    invoice_id: str
    issued_at: datetime.datetime
    method: str
    number: str
    reason: str
    subtotal: str
    tax: str
    total: str
    object_: str | Unset = 'credit_note'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        currency = self.currency

        id = self.id

        invoice_id = self.invoice_id

        issued_at = self.issued_at.isoformat()

        method = self.method

        number = self.number

        reason = self.reason

        subtotal = self.subtotal

        tax = self.tax

        total = self.total

        object_ = self.object_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "currency": currency,
            "id": id,
            "invoice_id": invoice_id,
            "issued_at": issued_at,
            "method": method,
            "number": number,
            "reason": reason,
            "subtotal": subtotal,
            "tax": tax,
            "total": total,
        })
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        currency = d.pop("currency")

        id = d.pop("id")

        invoice_id = d.pop("invoice_id")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))




        method = d.pop("method")

        number = d.pop("number")

        reason = d.pop("reason")

        subtotal = d.pop("subtotal")

        tax = d.pop("tax")

        total = d.pop("total")

        object_ = d.pop("object", UNSET)

        credit_note_out = cls(
            account_id=account_id,
            currency=currency,
            id=id,
            invoice_id=invoice_id,
            issued_at=issued_at,
            method=method,
            number=number,
            reason=reason,
            subtotal=subtotal,
            tax=tax,
            total=total,
            object_=object_,
        )


        credit_note_out.additional_properties = d
        return credit_note_out

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
