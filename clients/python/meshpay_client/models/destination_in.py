from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.destination_in_provider import DestinationInProvider
from ..types import UNSET, Unset






T = TypeVar("T", bound="DestinationIn")



@_attrs_define
class DestinationIn:
    """ 
        Attributes:
            account (str): acct_... (Stripe Connect) or a PayPal email
            provider (DestinationInProvider):
            default (bool | Unset):  Default: True.
     """

    account: str
    provider: DestinationInProvider
    default: bool | Unset = True





    def to_dict(self) -> dict[str, Any]:
        account = self.account

        provider = self.provider.value

        default = self.default


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "account": account,
            "provider": provider,
        })
        if default is not UNSET:
            field_dict["default"] = default

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account = d.pop("account")

        provider = DestinationInProvider(d.pop("provider"))




        default = d.pop("default", UNSET)

        destination_in = cls(
            account=account,
            provider=provider,
            default=default,
        )

        return destination_in

