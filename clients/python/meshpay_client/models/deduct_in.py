from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="DeductIn")



@_attrs_define
class DeductIn:
    """ 
        Attributes:
            amount (float | str):
            reference (str):
            user_id (str):
            description (None | str | Unset):
     """

    amount: float | str
    reference: str
    user_id: str
    description: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        amount: float | str
        amount = self.amount

        reference = self.reference

        user_id = self.user_id

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "reference": reference,
            "user_id": user_id,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))


        reference = d.pop("reference")

        user_id = d.pop("user_id")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        deduct_in = cls(
            amount=amount,
            reference=reference,
            user_id=user_id,
            description=description,
        )

        return deduct_in

