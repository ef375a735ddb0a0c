from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import Literal, cast






T = TypeVar("T", bound="MethodIn")



@_attrs_define
class MethodIn:
    """ 
        Attributes:
            token (str): the provider's payment method token (pm_...), never card data
            provider (Literal['stripe'] | Unset):  Default: 'stripe'.
     """

    token: str
    provider: Literal['stripe'] | Unset = 'stripe'





    def to_dict(self) -> dict[str, Any]:
        token = self.token

        provider = self.provider


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "token": token,
        })
        if provider is not UNSET:
            field_dict["provider"] = provider

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        provider = cast(Literal['stripe'] | Unset , d.pop("provider", UNSET))
        if provider != 'stripe'and not isinstance(provider, Unset):
            raise ValueError(f"provider must match const 'stripe', got '{provider}'")

        method_in = cls(
            token=token,
            provider=provider,
        )

        return method_in

