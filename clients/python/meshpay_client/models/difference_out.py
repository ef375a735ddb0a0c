from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="DifferenceOut")



@_attrs_define
class DifferenceOut:
    """ 
        Attributes:
            detail (str):
            fixed (bool):
            kind (str):
            object_id (str):
            payment_id (str):
            provider (str):
     """

    detail: str
    fixed: bool
    kind: str
    object_id: str
    payment_id: str
    provider: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        detail = self.detail

        fixed = self.fixed

        kind = self.kind

        object_id = self.object_id

        payment_id = self.payment_id

        provider = self.provider


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "detail": detail,
            "fixed": fixed,
            "kind": kind,
            "object_id": object_id,
            "payment_id": payment_id,
            "provider": provider,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        detail = d.pop("detail")

        fixed = d.pop("fixed")

        kind = d.pop("kind")

        object_id = d.pop("object_id")

        payment_id = d.pop("payment_id")

        provider = d.pop("provider")

        difference_out = cls(
            detail=detail,
            fixed=fixed,
            kind=kind,
            object_id=object_id,
            payment_id=payment_id,
            provider=provider,
        )


        difference_out.additional_properties = d
        return difference_out

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
