from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.preview_line_out import PreviewLineOut





T = TypeVar("T", bound="PreviewOut")



@_attrs_define
class PreviewOut:
    """ 
        Attributes:
            account_id (str):
            currency (str):
            lines (list[PreviewLineOut]):
            period (str):
            subtotal (str):
            tax (str):
            tax_inclusive (bool):
            tax_name (str):
            tax_percent (str):
            total (str):
            object_ (str | Unset):  Default: 'upcoming_invoice'.
     """

    account_id: str
    currency: str
    lines: list[PreviewLineOut]
    period: str
    subtotal: str
    tax: str
    tax_inclusive: bool
    tax_name: str
    tax_percent: str
    total: str
    object_: str | Unset = 'upcoming_invoice'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.preview_line_out import PreviewLineOut
        account_id = self.account_id

        currency = self.currency

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)



        period = self.period

        subtotal = self.subtotal

        tax = self.tax

        tax_inclusive = self.tax_inclusive

        tax_name = self.tax_name

        tax_percent = self.tax_percent

        total = self.total

        object_ = self.object_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "currency": currency,
            "lines": lines,
            "period": period,
            "subtotal": subtotal,
            "tax": tax,
            "tax_inclusive": tax_inclusive,
            "tax_name": tax_name,
            "tax_percent": tax_percent,
            "total": total,
        })
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_line_out import PreviewLineOut
        d = dict(src_dict)
        account_id = d.pop("account_id")

        currency = d.pop("currency")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in (_lines):
            lines_item = PreviewLineOut.from_dict(lines_item_data)



            lines.append(lines_item)


        period = d.pop("period")

        subtotal = d.pop("subtotal")

        tax = d.pop("tax")

        tax_inclusive = d.pop("tax_inclusive")

        tax_name = d.pop("tax_name")

        tax_percent = d.pop("tax_percent")

        total = d.pop("total")

        object_ = d.pop("object", UNSET)

        preview_out = cls(
            account_id=account_id,
            currency=currency,
            lines=lines,
            period=period,
            subtotal=subtotal,
            tax=tax,
            tax_inclusive=tax_inclusive,
            tax_name=tax_name,
            tax_percent=tax_percent,
            total=total,
            object_=object_,
        )


        preview_out.additional_properties = d
        return preview_out

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
