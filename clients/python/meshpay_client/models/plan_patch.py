from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PlanPatch")



@_attrs_define
class PlanPatch:
    """ 
        Attributes:
            active (bool | Unset):
            amount (float | None | str | Unset):
            description (None | str | Unset):
            name (str | Unset):
            trial_days (int | Unset):
     """

    active: bool | Unset = UNSET
    amount: float | None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    name: str | Unset = UNSET
    trial_days: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        active = self.active

        amount: float | None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        name = self.name

        trial_days = self.trial_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if active is not UNSET:
            field_dict["active"] = active
        if amount is not UNSET:
            field_dict["amount"] = amount
        if description is not UNSET:
            field_dict["description"] = description
        if name is not UNSET:
            field_dict["name"] = name
        if trial_days is not UNSET:
            field_dict["trial_days"] = trial_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active", UNSET)

        def _parse_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        name = d.pop("name", UNSET)

        trial_days = d.pop("trial_days", UNSET)

        plan_patch = cls(
            active=active,
            amount=amount,
            description=description,
            name=name,
            trial_days=trial_days,
        )

        return plan_patch

