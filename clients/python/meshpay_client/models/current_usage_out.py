from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.usage_line_out import UsageLineOut





T = TypeVar("T", bound="CurrentUsageOut")



@_attrs_define
class CurrentUsageOut:
    """ 
        Attributes:
            account_id (str):
            amount (str):
            currency (str):
            lines (list[UsageLineOut]):
            period (str):
            period_end (datetime.datetime):
            period_start (datetime.datetime):
            progressive_threshold (None | str):
            progressively_billed (str):
            object_ (str | Unset):  Default: 'current_usage'.
     """

    account_id: str
    amount: str
    currency: str
    lines: list[UsageLineOut]
    period: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    progressive_threshold: None | str
    progressively_billed: str
    object_: str | Unset = 'current_usage'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.usage_line_out import UsageLineOut
        account_id = self.account_id

        amount = self.amount

        currency = self.currency

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)



        period = self.period

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        progressive_threshold: None | str
        progressive_threshold = self.progressive_threshold

        progressively_billed = self.progressively_billed

        object_ = self.object_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "amount": amount,
            "currency": currency,
            "lines": lines,
            "period": period,
            "period_end": period_end,
            "period_start": period_start,
            "progressive_threshold": progressive_threshold,
            "progressively_billed": progressively_billed,
        })
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_line_out import UsageLineOut
        d = dict(src_dict)
        account_id = d.pop("account_id")

        amount = d.pop("amount")

        currency = d.pop("currency")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in (_lines):
            lines_item = UsageLineOut.from_dict(lines_item_data)



            lines.append(lines_item)


        period = d.pop("period")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))




        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))




        def _parse_progressive_threshold(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        progressive_threshold = _parse_progressive_threshold(d.pop("progressive_threshold"))


        progressively_billed = d.pop("progressively_billed")

        object_ = d.pop("object", UNSET)

        current_usage_out = cls(
            account_id=account_id,
            amount=amount,
            currency=currency,
            lines=lines,
            period=period,
            period_end=period_end,
            period_start=period_start,
            progressive_threshold=progressive_threshold,
            progressively_billed=progressively_billed,
            object_=object_,
        )


        current_usage_out.additional_properties = d
        return current_usage_out

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
