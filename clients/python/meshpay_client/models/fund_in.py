from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.fund_in_chain_type_0 import FundInChainType0
from ..models.fund_in_provider import FundInProvider
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="FundIn")



@_attrs_define
class FundIn:
    """ 
        Attributes:
            chain (FundInChainType0 | None | Unset):
            payment_method_id (None | str | Unset):
            provider (FundInProvider | Unset):  Default: FundInProvider.CREDITS.
     """

    chain: FundInChainType0 | None | Unset = UNSET
    payment_method_id: None | str | Unset = UNSET
    provider: FundInProvider | Unset = FundInProvider.CREDITS





    def to_dict(self) -> dict[str, Any]:
        chain: None | str | Unset
        if isinstance(self.chain, Unset):
            chain = UNSET
        elif isinstance(self.chain, FundInChainType0):
            chain = self.chain.value
        else:
            chain = self.chain

        payment_method_id: None | str | Unset
        if isinstance(self.payment_method_id, Unset):
            payment_method_id = UNSET
        else:
            payment_method_id = self.payment_method_id

        provider: str | Unset = UNSET
        if not isinstance(self.provider, Unset):
            provider = self.provider.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if chain is not UNSET:
            field_dict["chain"] = chain
        if payment_method_id is not UNSET:
            field_dict["payment_method_id"] = payment_method_id
        if provider is not UNSET:
            field_dict["provider"] = provider

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_chain(data: object) -> FundInChainType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                chain_type_0 = FundInChainType0(data)



                return chain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FundInChainType0 | None | Unset, data)

        chain = _parse_chain(d.pop("chain", UNSET))


        def _parse_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_method_id = _parse_payment_method_id(d.pop("payment_method_id", UNSET))


        _provider = d.pop("provider", UNSET)
        provider: FundInProvider | Unset
        if isinstance(_provider,  Unset):
            provider = UNSET
        else:
            provider = FundInProvider(_provider)




        fund_in = cls(
            chain=chain,
            payment_method_id=payment_method_id,
            provider=provider,
        )

        return fund_in

