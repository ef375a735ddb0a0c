from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CreatePayoutIn")



@_attrs_define
class CreatePayoutIn:
    """ 
        Attributes:
            currency (str):
            amount (float | None | str | Unset): default: all available earnings in the currency
            destination_id (None | str | Unset):
     """

    currency: str
    amount: float | None | str | Unset = UNSET
    destination_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        amount: float | None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        destination_id: None | str | Unset
        if isinstance(self.destination_id, Unset):
            destination_id = UNSET
        else:
            destination_id = self.destination_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "currency": currency,
        })
        if amount is not UNSET:
            field_dict["amount"] = amount
        if destination_id is not UNSET:
            field_dict["destination_id"] = destination_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        def _parse_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))


        def _parse_destination_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        destination_id = _parse_destination_id(d.pop("destination_id", UNSET))


        create_payout_in = cls(
            currency=currency,
            amount=amount,
            destination_id=destination_id,
        )

        return create_payout_in

