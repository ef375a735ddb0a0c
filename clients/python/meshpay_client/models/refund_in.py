from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.principal_ref import PrincipalRef





T = TypeVar("T", bound="RefundIn")



@_attrs_define
class RefundIn:
    """ 
        Attributes:
            reference (str):
            user_id (str):
            amount (float | None | str | Unset): omit to refund everything not yet refunded
            deducted_by (None | PrincipalRef | Unset): services and admins: who made the deduct (default: the caller)
            refund_reference (None | str | Unset): makes the refund idempotent; default: a new refund
     """

    reference: str
    user_id: str
    amount: float | None | str | Unset = UNSET
    deducted_by: None | PrincipalRef | Unset = UNSET
    refund_reference: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.principal_ref import PrincipalRef
        reference = self.reference

        user_id = self.user_id

        amount: float | None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        deducted_by: dict[str, Any] | None | Unset
        if isinstance(self.deducted_by, Unset):
            deducted_by = UNSET
        elif isinstance(self.deducted_by, PrincipalRef):
            deducted_by = self.deducted_by.to_dict()
        else:
            deducted_by = self.deducted_by

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
        if deducted_by is not UNSET:
            field_dict["deducted_by"] = deducted_by
        if refund_reference is not UNSET:
            field_dict["refund_reference"] = refund_reference

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.principal_ref import PrincipalRef
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


        def _parse_deducted_by(data: object) -> None | PrincipalRef | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                deducted_by_type_0 = PrincipalRef.from_dict(data)



                return deducted_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PrincipalRef | Unset, data)

        deducted_by = _parse_deducted_by(d.pop("deducted_by", UNSET))


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
            deducted_by=deducted_by,
            refund_reference=refund_reference,
        )

        return refund_in

