from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RedeemIn")



@_attrs_define
class RedeemIn:
    """ 
        Attributes:
            code (str):
            subscription_id (None | str | Unset):
     """

    code: str
    subscription_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        subscription_id: None | str | Unset
        if isinstance(self.subscription_id, Unset):
            subscription_id = UNSET
        else:
            subscription_id = self.subscription_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "code": code,
        })
        if subscription_id is not UNSET:
            field_dict["subscription_id"] = subscription_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        def _parse_subscription_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id", UNSET))


        redeem_in = cls(
            code=code,
            subscription_id=subscription_id,
        )

        return redeem_in

