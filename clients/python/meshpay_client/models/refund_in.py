from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RefundIn")



@_attrs_define
class RefundIn:
    """ 
        Attributes:
            reference (str):
            user_id (str):
            amount (float | None | str | Unset): omit to refund everything not yet refunded
            refund_reference (None | str | Unset): makes the refund idempotent; default: a new refund
     """

    reference: str
    user_id: str
    amount: float | None | str | Unset = UNSET
    refund_reference: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        reference = self.reference

        user_id = self.user_id

        amount: float | None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        refund_reference: None | str | Unset
        if isinstance(self.refund_reference, Unset):
            refund_reference = UNSET
        else:
            refund_reference = self.refund_reference


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "reference": reference,
            "user_id": user_id,
        })
        if amount is not UNSET:
            field_dict["amount"] = amount
        if refund_reference is not UNSET:
            field_dict["refund_reference"] = refund_reference

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reference = d.pop("reference")

        user_id = d.pop("user_id")

        def _parse_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))


        def _parse_refund_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        refund_reference = _parse_refund_reference(d.pop("refund_reference", UNSET))


        refund_in = cls(
            reference=reference,
            user_id=user_id,
            amount=amount,
            refund_reference=refund_reference,
        )

        return refund_in

