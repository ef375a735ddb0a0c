from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="LineOut")



@_attrs_define
class LineOut:
    """ 
        Attributes:
            amount (str):
            description (str):
            kind (str):
            metric (None | str):
            quantity (int):
            tax (str):
            unit_amount (str):
     """

    amount: str
    description: str
    kind: str
    metric: None | str
    quantity: int
    tax: str
    unit_amount: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        description = self.description

        kind = self.kind

        metric: None | str
        metric = self.metric

        quantity = self.quantity

        tax = self.tax

        unit_amount = self.unit_amount


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "description": description,
            "kind": kind,
            "metric": metric,
            "quantity": quantity,
            "tax": tax,
            "unit_amount": unit_amount,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        description = d.pop("description")

        kind = d.pop("kind")

        def _parse_metric(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        metric = _parse_metric(d.pop("metric"))


        quantity = d.pop("quantity")

        tax = d.pop("tax")

        unit_amount = d.pop("unit_amount")

        line_out = cls(
            amount=amount,
            description=description,
            kind=kind,
            metric=metric,
            quantity=quantity,
            tax=tax,
            unit_amount=unit_amount,
        )


        line_out.additional_properties = d
        return line_out

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
