from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.purpose_in_kind import PurposeInKind
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PurposeIn")



@_attrs_define
class PurposeIn:
    """ 
        Attributes:
            kind (PurposeInKind | Unset):  Default: PurposeInKind.NONE.
            reference (None | str | Unset):
     """

    kind: PurposeInKind | Unset = PurposeInKind.NONE
    reference: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value


        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if kind is not UNSET:
            field_dict["kind"] = kind
        if reference is not UNSET:
            field_dict["reference"] = reference

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _kind = d.pop("kind", UNSET)
        kind: PurposeInKind | Unset
        if isinstance(_kind,  Unset):
            kind = UNSET
        else:
            kind = PurposeInKind(_kind)




        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))


        purpose_in = cls(
            kind=kind,
            reference=reference,
        )

        return purpose_in

