from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SubscriptionIn")



@_attrs_define
class SubscriptionIn:
    """ 
        Attributes:
            plan_id (str):
            payment_method_id (None | str | Unset):
     """

    plan_id: str
    payment_method_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        plan_id = self.plan_id

        payment_method_id: None | str | Unset
        if isinstance(self.payment_method_id, Unset):
            payment_method_id = UNSET
        else:
            payment_method_id = self.payment_method_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "plan_id": plan_id,
        })
        if payment_method_id is not UNSET:
            field_dict["payment_method_id"] = payment_method_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan_id = d.pop("plan_id")

        def _parse_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_method_id = _parse_payment_method_id(d.pop("payment_method_id", UNSET))


        subscription_in = cls(
            plan_id=plan_id,
            payment_method_id=payment_method_id,
        )

        return subscription_in

