from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

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
     """

    account_id: str
    address: None | str
    currency: str
    default_payment_method_id: None | str
    email: None | str
    jurisdiction: str
    name: None | str
    use_credits_first: bool
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

        account_settings_out = cls(
            account_id=account_id,
            address=address,
            currency=currency,
            default_payment_method_id=default_payment_method_id,
            email=email,
            jurisdiction=jurisdiction,
            name=name,
            use_credits_first=use_credits_first,
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
