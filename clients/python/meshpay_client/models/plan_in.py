from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PlanIn")



@_attrs_define
class PlanIn:
    """ 
        Attributes:
            amount (float | str):
            name (str):
            currency (str | Unset):  Default: 'USD'.
            description (None | str | Unset):
            interval_months (int | Unset):  Default: 1.
            trial_days (int | Unset):  Default: 0.
     """

    amount: float | str
    name: str
    currency: str | Unset = 'USD'
    description: None | str | Unset = UNSET
    interval_months: int | Unset = 1
    trial_days: int | Unset = 0





    def to_dict(self) -> dict[str, Any]:
        amount: float | str
        amount = self.amount

        name = self.name

        currency = self.currency

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        interval_months = self.interval_months

        trial_days = self.trial_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "name": name,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if description is not UNSET:
            field_dict["description"] = description
        if interval_months is not UNSET:
            field_dict["interval_months"] = interval_months
        if trial_days is not UNSET:
            field_dict["trial_days"] = trial_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))


        name = d.pop("name")

        currency = d.pop("currency", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        interval_months = d.pop("interval_months", UNSET)

        trial_days = d.pop("trial_days", UNSET)

        plan_in = cls(
            amount=amount,
            name=name,
            currency=currency,
            description=description,
            interval_months=interval_months,
            trial_days=trial_days,
        )

        return plan_in

