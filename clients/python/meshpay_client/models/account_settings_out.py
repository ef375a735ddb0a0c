from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AccountSettingsOut")



@_attrs_define
class AccountSettingsOut:
    """ 
        Attributes:
            account_id (str):
            address (None | str):
            currency (str):
            default_payment_method_id (None | str):
            email (None | str):
            jurisdiction (str):
            name (None | str):
            use_credits_first (bool):
            progressive_threshold (None | str | Unset):
            tax_id (None | str | Unset):
     """

    account_id: str
    address: None | str
    currency: str
    default_payment_method_id: None | str
    email: None | str
    jurisdiction: str
    name: None | str
    use_credits_first: bool
    progressive_threshold: None | str | Unset = UNSET
    tax_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        address: None | str
        address = self.address

        currency = self.currency

        default_payment_method_id: None | str
        default_payment_method_id = self.default_payment_method_id

        email: None | str
        email = self.email

        jurisdiction = self.jurisdiction

        name: None | str
        name = self.name

        use_credits_first = self.use_credits_first

        progressive_threshold: None | str | Unset
        if isinstance(self.progressive_threshold, Unset):
            progressive_threshold = UNSET
        else:
            progressive_threshold = self.progressive_threshold

        tax_id: None | str | Unset
        if isinstance(self.tax_id, Unset):
            tax_id = UNSET
        else:
            tax_id = self.tax_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "address": address,
            "currency": currency,
            "default_payment_method_id": default_payment_method_id,
            "email": email,
            "jurisdiction": jurisdiction,
            "name": name,
            "use_credits_first": use_credits_first,
        })
        if progressive_threshold is not UNSET:
            field_dict["progressive_threshold"] = progressive_threshold
        if tax_id is not UNSET:
            field_dict["tax_id"] = tax_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))


        currency = d.pop("currency")

        def _parse_default_payment_method_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        default_payment_method_id = _parse_default_payment_method_id(d.pop("default_payment_method_id"))


        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))


        jurisdiction = d.pop("jurisdiction")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))


        use_credits_first = d.pop("use_credits_first")

        def _parse_progressive_threshold(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        progressive_threshold = _parse_progressive_threshold(d.pop("progressive_threshold", UNSET))


        def _parse_tax_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_id = _parse_tax_id(d.pop("tax_id", UNSET))


        account_settings_out = cls(
            account_id=account_id,
            address=address,
            currency=currency,
            default_payment_method_id=default_payment_method_id,
            email=email,
            jurisdiction=jurisdiction,
            name=name,
            use_credits_first=use_credits_first,
            progressive_threshold=progressive_threshold,
            tax_id=tax_id,
        )


        account_settings_out.additional_properties = d
        return account_settings_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
