from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="BillingRunIn")



@_attrs_define
class BillingRunIn:
    """ 
        Attributes:
            period (str):
     """

    period: str





    def to_dict(self) -> dict[str, Any]:
        period = self.period


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "period": period,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        period = d.pop("period")

        billing_run_in = cls(
            period=period,
        )

        return billing_run_in

