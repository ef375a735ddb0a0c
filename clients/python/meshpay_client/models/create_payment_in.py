from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_payment_in_chain_type_0 import CreatePaymentInChainType0
from ..models.create_payment_in_provider import CreatePaymentInProvider
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.purpose_in import PurposeIn





T = TypeVar("T", bound="CreatePaymentIn")



@_attrs_define
class CreatePaymentIn:
    """ 
        Attributes:
            amount (float | str):
            currency (str):
            provider (CreatePaymentInProvider):
            chain (CreatePaymentInChainType0 | None | Unset):
            payment_method_id (None | str | Unset):
            purpose (PurposeIn | Unset):
            quote_id (None | str | Unset):
     """

    amount: float | str
    currency: str
    provider: CreatePaymentInProvider
    chain: CreatePaymentInChainType0 | None | Unset = UNSET
    payment_method_id: None | str | Unset = UNSET
    purpose: PurposeIn | Unset = UNSET
    quote_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.purpose_in import PurposeIn
        amount: float | str
        amount = self.amount

        currency = self.currency

        provider = self.provider.value

        chain: None | str | Unset
        if isinstance(self.chain, Unset):
            chain = UNSET
        elif isinstance(self.chain, CreatePaymentInChainType0):
            chain = self.chain.value
        else:
            chain = self.chain

        payment_method_id: None | str | Unset
        if isinstance(self.payment_method_id, Unset):
            payment_method_id = UNSET
        else:
            payment_method_id = self.payment_method_id

        purpose: dict[str, Any] | Unset = UNSET
        if not isinstance(self.purpose, Unset):
            purpose = self.purpose.to_dict()

        quote_id: None | str | Unset
        if isinstance(self.quote_id, Unset):
            quote_id = UNSET
        else:
            quote_id = self.quote_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "currency": currency,
            "provider": provider,
        })
        if chain is not UNSET:
            field_dict["chain"] = chain
        if payment_method_id is not UNSET:
            field_dict["payment_method_id"] = payment_method_id
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if quote_id is not UNSET:
            field_dict["quote_id"] = quote_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.purpose_in import PurposeIn
        d = dict(src_dict)
        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))


        currency = d.pop("currency")

        provider = CreatePaymentInProvider(d.pop("provider"))




        def _parse_chain(data: object) -> CreatePaymentInChainType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                chain_type_0 = CreatePaymentInChainType0(data)



                return chain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreatePaymentInChainType0 | None | Unset, data)

        chain = _parse_chain(d.pop("chain", UNSET))


        def _parse_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_method_id = _parse_payment_method_id(d.pop("payment_method_id", UNSET))


        _purpose = d.pop("purpose", UNSET)
        purpose: PurposeIn | Unset
        if isinstance(_purpose,  Unset):
            purpose = UNSET
        else:
            purpose = PurposeIn.from_dict(_purpose)




        def _parse_quote_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quote_id = _parse_quote_id(d.pop("quote_id", UNSET))


        create_payment_in = cls(
            amount=amount,
            currency=currency,
            provider=provider,
            chain=chain,
            payment_method_id=payment_method_id,
            purpose=purpose,
            quote_id=quote_id,
        )

        return create_payment_in

