from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.credits_purchase_in_chain_type_0 import CreditsPurchaseInChainType0
from ..models.credits_purchase_in_provider import CreditsPurchaseInProvider
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CreditsPurchaseIn")



@_attrs_define
class CreditsPurchaseIn:
    """ 
        Attributes:
            amount (float | str):
            chain (CreditsPurchaseInChainType0 | None | Unset):
            currency (None | str | Unset):
            payment_method_id (None | str | Unset):
            provider (CreditsPurchaseInProvider | Unset):  Default: CreditsPurchaseInProvider.STRIPE.
     """

    amount: float | str
    chain: CreditsPurchaseInChainType0 | None | Unset = UNSET
    currency: None | str | Unset = UNSET
    payment_method_id: None | str | Unset = UNSET
    provider: CreditsPurchaseInProvider | Unset = CreditsPurchaseInProvider.STRIPE





    def to_dict(self) -> dict[str, Any]:
        amount: float | str
        amount = self.amount

        chain: None | str | Unset
        if isinstance(self.chain, Unset):
            chain = UNSET
        elif isinstance(self.chain, CreditsPurchaseInChainType0):
            chain = self.chain.value
        else:
            chain = self.chain

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

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
            "amount": amount,
        })
        if chain is not UNSET:
            field_dict["chain"] = chain
        if currency is not UNSET:
            field_dict["currency"] = currency
        if payment_method_id is not UNSET:
            field_dict["payment_method_id"] = payment_method_id
        if provider is not UNSET:
            field_dict["provider"] = provider

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))


        def _parse_chain(data: object) -> CreditsPurchaseInChainType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                chain_type_0 = CreditsPurchaseInChainType0(data)



                return chain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreditsPurchaseInChainType0 | None | Unset, data)

        chain = _parse_chain(d.pop("chain", UNSET))


        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))


        def _parse_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_method_id = _parse_payment_method_id(d.pop("payment_method_id", UNSET))


        _provider = d.pop("provider", UNSET)
        provider: CreditsPurchaseInProvider | Unset
        if isinstance(_provider,  Unset):
            provider = UNSET
        else:
            provider = CreditsPurchaseInProvider(_provider)




        credits_purchase_in = cls(
            amount=amount,
            chain=chain,
            currency=currency,
            payment_method_id=payment_method_id,
            provider=provider,
        )

        return credits_purchase_in

