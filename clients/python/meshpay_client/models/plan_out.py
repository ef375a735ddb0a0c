from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="PlanOut")



@_attrs_define
class PlanOut:
    """ 
        Attributes:
            active (bool):
            amount (str):
            currency (str):
            description (None | str):
            id (str):
            interval_months (int):
            name (str):
            trial_days (int):
     """

    active: bool
    amount: str
    currency: str
    description: None | str
    id: str
    interval_months: int
    name: str
    trial_days: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active = self.active

        amount = self.amount

        currency = self.currency

        description: None | str
        description = self.description

        id = self.id

        interval_months = self.interval_months

        name = self.name

        trial_days = self.trial_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active": active,
            "amount": amount,
            "currency": currency,
            "description": description,
            "id": id,
            "interval_months": interval_months,
            "name": name,
            "trial_days": trial_days,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        amount = d.pop("amount")

        currency = d.pop("currency")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))


        id = d.pop("id")

        interval_months = d.pop("interval_months")

        name = d.pop("name")

        trial_days = d.pop("trial_days")

        plan_out = cls(
            active=active,
            amount=amount,
            currency=currency,
            description=description,
            id=id,
            interval_months=interval_months,
            name=name,
            trial_days=trial_days,
        )


        plan_out.additional_properties = d
        return plan_out

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
