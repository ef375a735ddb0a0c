from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="GrantOut")



@_attrs_define
class GrantOut:
    """ 
        Attributes:
            amount (str):
            created (bool):
            expires_at (datetime.datetime | None):
            id (int):
            lot_id (int | None):
            reference (str):
            transaction_id (str):
            user_id (str):
            currency (str | Unset):  Default: 'CREDIT'.
     """

    amount: str
    created: bool
    expires_at: datetime.datetime | None
    id: int
    lot_id: int | None
    reference: str
    transaction_id: str
    user_id: str
    currency: str | Unset = 'CREDIT'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        created = self.created

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id = self.id

        lot_id: int | None
        lot_id = self.lot_id

        reference = self.reference

        transaction_id = self.transaction_id

        user_id = self.user_id

        currency = self.currency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "created": created,
            "expires_at": expires_at,
            "id": id,
            "lot_id": lot_id,
            "reference": reference,
            "transaction_id": transaction_id,
            "user_id": user_id,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        created = d.pop("created")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        id = d.pop("id")

        def _parse_lot_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        lot_id = _parse_lot_id(d.pop("lot_id"))


        reference = d.pop("reference")

        transaction_id = d.pop("transaction_id")

        user_id = d.pop("user_id")

        currency = d.pop("currency", UNSET)

        grant_out = cls(
            amount=amount,
            created=created,
            expires_at=expires_at,
            id=id,
            lot_id=lot_id,
            reference=reference,
            transaction_id=transaction_id,
            user_id=user_id,
            currency=currency,
        )


        grant_out.additional_properties = d
        return grant_out

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
