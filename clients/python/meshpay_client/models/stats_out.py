from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="StatsOut")



@_attrs_define
class StatsOut:
    """ 
        Attributes:
            adjusted (str):
            balance (str):
            expired (str):
            from_ (datetime.datetime | None):
            purchased (str):
            refunded (str):
            rewarded (str):
            spent (str):
            to (datetime.datetime | None):
            user_id (str):
            currency (str | Unset):  Default: 'CREDIT'.
     """

    adjusted: str
    balance: str
    expired: str
    from_: datetime.datetime | None
    purchased: str
    refunded: str
    rewarded: str
    spent: str
    to: datetime.datetime | None
    user_id: str
    currency: str | Unset = 'CREDIT'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        adjusted = self.adjusted

        balance = self.balance

        expired = self.expired

        from_: None | str
        if isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        purchased = self.purchased

        refunded = self.refunded

        rewarded = self.rewarded

        spent = self.spent

        to: None | str
        if isinstance(self.to, datetime.datetime):
            to = self.to.isoformat()
        else:
            to = self.to

        user_id = self.user_id

        currency = self.currency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "adjusted": adjusted,
            "balance": balance,
            "expired": expired,
            "from": from_,
            "purchased": purchased,
            "refunded": refunded,
            "rewarded": rewarded,
            "spent": spent,
            "to": to,
            "user_id": user_id,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        adjusted = d.pop("adjusted")

        balance = d.pop("balance")

        expired = d.pop("expired")

        def _parse_from_(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)



                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        from_ = _parse_from_(d.pop("from"))


        purchased = d.pop("purchased")

        refunded = d.pop("refunded")

        rewarded = d.pop("rewarded")

        spent = d.pop("spent")

        def _parse_to(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.datetime.fromisoformat(data)



                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        to = _parse_to(d.pop("to"))


        user_id = d.pop("user_id")

        currency = d.pop("currency", UNSET)

        stats_out = cls(
            adjusted=adjusted,
            balance=balance,
            expired=expired,
            from_=from_,
            purchased=purchased,
            refunded=refunded,
            rewarded=rewarded,
            spent=spent,
            to=to,
            user_id=user_id,
            currency=currency,
        )


        stats_out.additional_properties = d
        return stats_out

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
