from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.difference_out import DifferenceOut





T = TypeVar("T", bound="ReconcileReportOut")



@_attrs_define
class ReconcileReportOut:
    """ 
        Attributes:
            checked (int):
            differences (list[DifferenceOut]):
            since (str):
            unresolved (int):
     """

    checked: int
    differences: list[DifferenceOut]
    since: str
    unresolved: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.difference_out import DifferenceOut
        checked = self.checked

        differences = []
        for differences_item_data in self.differences:
            differences_item = differences_item_data.to_dict()
            differences.append(differences_item)



        since = self.since

        unresolved = self.unresolved


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "checked": checked,
            "differences": differences,
            "since": since,
            "unresolved": unresolved,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.difference_out import DifferenceOut
        d = dict(src_dict)
        checked = d.pop("checked")

        differences = []
        _differences = d.pop("differences")
        for differences_item_data in (_differences):
            differences_item = DifferenceOut.from_dict(differences_item_data)



            differences.append(differences_item)


        since = d.pop("since")

        unresolved = d.pop("unresolved")

        reconcile_report_out = cls(
            checked=checked,
            differences=differences,
            since=since,
            unresolved=unresolved,
        )


        reconcile_report_out.additional_properties = d
        return reconcile_report_out

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
