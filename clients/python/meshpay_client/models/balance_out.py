from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.expiring import Expiring





T = TypeVar("T", bound="BalanceOut")



@_attrs_define
class BalanceOut:
    """ 
        Attributes:
            balance (str):
            expiring (list[Expiring]):
            next_expiry (datetime.datetime | None):
            user_id (str):
            currency (str | Unset):  Default: 'CREDIT'.
     """

    balance: str
    expiring: list[Expiring]
    next_expiry: datetime.datetime | None
    user_id: str
    currency: str | Unset = 'CREDIT'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.expiring import Expiring
        balance = self.balance

        expiring = []
        for expiring_item_data in self.expiring:
            expiring_item = expiring_item_data.to_dict()
            expiring.append(expiring_item)



        next_expiry: None | str
        if isinstance(self.next_expiry, datetime.datetime):
            next_expiry = self.next_expiry.isoformat()
        else:
            next_expiry = self.next_expiry

        user_id = self.user_id

        currency = self.currency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "expiring": expiring,
            "next_expiry": next_expiry,
            "user_id": user_id,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.expiring import Expiring
        d = dict(src_dict)
        balance = d.pop("balance")

        expiring = []
        _expiring = d.pop("expiring")
        for expiring_item_data in (_expiring):
            expiring_item = Expiring.from_dict(expiring_item_data)



            expiring.append(expiring_item)


        def _parse_next_expiry(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_expiry_type_0 = datetime.datetime.fromisoformat(data)



                return next_expiry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_expiry = _parse_next_expiry(d.pop("next_expiry"))


        user_id = d.pop("user_id")

        currency = d.pop("currency", UNSET)

        balance_out = cls(
            balance=balance,
            expiring=expiring,
            next_expiry=next_expiry,
            user_id=user_id,
            currency=currency,
        )


        balance_out.additional_properties = d
        return balance_out

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
