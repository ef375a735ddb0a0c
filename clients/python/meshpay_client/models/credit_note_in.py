from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CreditNoteIn")



@_attrs_define
class CreditNoteIn:
    """ 
        Attributes:
            amount (float | str):
            reason (str):
            reference (str): the same reference credits once
            method (str | Unset):  Default: 'credit_balance'.
     """

    amount: float | str
    reason: str
    reference: str
    method: str | Unset = 'credit_balance'





    def to_dict(self) -> dict[str, Any]:
        amount: float | str
        amount = self.amount

        reason = self.reason

        reference = self.reference

        method = self.method


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "reason": reason,
            "reference": reference,
        })
        if method is not UNSET:
            field_dict["method"] = method

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))


        reason = d.pop("reason")

        reference = d.pop("reference")

        method = d.pop("method", UNSET)

        credit_note_in = cls(
            amount=amount,
            reason=reason,
            reference=reference,
            method=method,
        )

        return credit_note_in

