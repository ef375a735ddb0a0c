from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.coupon_out import CouponOut





T = TypeVar("T", bound="RedemptionOut")



@_attrs_define
class RedemptionOut:
    """ 
        Attributes:
            account_id (str):
            coupon (CouponOut):
            subscription_id (None | str):
     """

    account_id: str
    coupon: CouponOut
    subscription_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.coupon_out import CouponOut
        account_id = self.account_id

        coupon = self.coupon.to_dict()

        subscription_id: None | str
        subscription_id = self.subscription_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "coupon": coupon,
            "subscription_id": subscription_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.coupon_out import CouponOut
        d = dict(src_dict)
        account_id = d.pop("account_id")

        coupon = CouponOut.from_dict(d.pop("coupon"))




        def _parse_subscription_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id"))


        redemption_out = cls(
            account_id=account_id,
            coupon=coupon,
            subscription_id=subscription_id,
        )


        redemption_out.additional_properties = d
        return redemption_out

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
