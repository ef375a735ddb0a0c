from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AdminAccountSettingsIn")



@_attrs_define
class AdminAccountSettingsIn:
    """ 
        Attributes:
            address (None | str | Unset):
            currency (str | Unset):
            default_payment_method_id (None | str | Unset):
            discount_percent (float | None | str | Unset):
            email (None | str | Unset):
            invoice_series (None | str | Unset):
            jurisdiction (str | Unset):
            name (None | str | Unset):
            use_credits_first (bool | Unset):
     """

    address: None | str | Unset = UNSET
    currency: str | Unset = UNSET
    default_payment_method_id: None | str | Unset = UNSET
    discount_percent: float | None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    invoice_series: None | str | Unset = UNSET
    jurisdiction: str | Unset = UNSET
    name: None | str | Unset = UNSET
    use_credits_first: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        currency = self.currency

        default_payment_method_id: None | str | Unset
        if isinstance(self.default_payment_method_id, Unset):
            default_payment_method_id = UNSET
        else:
            default_payment_method_id = self.default_payment_method_id

        discount_percent: float | None | str | Unset
        if isinstance(self.discount_percent, Unset):
            discount_percent = UNSET
        else:
            discount_percent = self.discount_percent

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        invoice_series: None | str | Unset
        if isinstance(self.invoice_series, Unset):
            invoice_series = UNSET
        else:
            invoice_series = self.invoice_series

        jurisdiction = self.jurisdiction

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        use_credits_first = self.use_credits_first


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if address is not UNSET:
            field_dict["address"] = address
        if currency is not UNSET:
            field_dict["currency"] = currency
        if default_payment_method_id is not UNSET:
            field_dict["default_payment_method_id"] = default_payment_method_id
        if discount_percent is not UNSET:
            field_dict["discount_percent"] = discount_percent
        if email is not UNSET:
            field_dict["email"] = email
        if invoice_series is not UNSET:
            field_dict["invoice_series"] = invoice_series
        if jurisdiction is not UNSET:
            field_dict["jurisdiction"] = jurisdiction
        if name is not UNSET:
            field_dict["name"] = name
        if use_credits_first is not UNSET:
            field_dict["use_credits_first"] = use_credits_first

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))


        currency = d.pop("currency", UNSET)

        def _parse_default_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_payment_method_id = _parse_default_payment_method_id(d.pop("default_payment_method_id", UNSET))


        def _parse_discount_percent(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        discount_percent = _parse_discount_percent(d.pop("discount_percent", UNSET))


        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_invoice_series(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        invoice_series = _parse_invoice_series(d.pop("invoice_series", UNSET))


        jurisdiction = d.pop("jurisdiction", UNSET)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        use_credits_first = d.pop("use_credits_first", UNSET)

        admin_account_settings_in = cls(
            address=address,
            currency=currency,
            default_payment_method_id=default_payment_method_id,
            discount_percent=discount_percent,
            email=email,
            invoice_series=invoice_series,
            jurisdiction=jurisdiction,
            name=name,
            use_credits_first=use_credits_first,
        )

        return admin_account_settings_in

