from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ResolveIn")



@_attrs_define
class ResolveIn:
    """ 
        Attributes:
            payee_amount (float | str):
            note (str | Unset):  Default: ''.
     """

    payee_amount: float | str
    note: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        payee_amount: float | str
        payee_amount = self.payee_amount

        note = self.note


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "payee_amount": payee_amount,
        })
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_payee_amount(data: object) -> float | str:
            return cast(float | str, data)

        payee_amount = _parse_payee_amount(d.pop("payee_amount"))


        note = d.pop("note", UNSET)

        resolve_in = cls(
            payee_amount=payee_amount,
            note=note,
        )

        return resolve_in

