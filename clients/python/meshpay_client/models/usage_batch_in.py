from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.usage_batch_in_records_item import UsageBatchInRecordsItem





T = TypeVar("T", bound="UsageBatchIn")



@_attrs_define
class UsageBatchIn:
    """ 
        Attributes:
            records (list[UsageBatchInRecordsItem]):
     """

    records: list[UsageBatchInRecordsItem]





    def to_dict(self) -> dict[str, Any]:
        from ..models.usage_batch_in_records_item import UsageBatchInRecordsItem
        records = []
        for records_item_data in self.records:
            records_item = records_item_data.to_dict()
            records.append(records_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "records": records,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_batch_in_records_item import UsageBatchInRecordsItem
        d = dict(src_dict)
        records = []
        _records = d.pop("records")
        for records_item_data in (_records):
            records_item = UsageBatchInRecordsItem.from_dict(records_item_data)



            records.append(records_item)


        usage_batch_in = cls(
            records=records,
        )

        return usage_batch_in

