from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.adjustment_out import AdjustmentOut





T = TypeVar("T", bound="QuoteOut")



@_attrs_define
class QuoteOut:
    """ 
        Attributes:
            adjusted_price (str):
            adjustments (list[AdjustmentOut]):
            agent_id (str):
            amount (str): adjusted_price × quantity: what escrow/payment create charge
            base_price (str):
            consumed (bool):
            created_at (datetime.datetime):
            currency (str):
            expires_at (datetime.datetime):
            multiplier (float):
            quantity (int):
            quote_id (str):
     """

    adjusted_price: str
    adjustments: list[AdjustmentOut]
    agent_id: str
    amount: str
    base_price: str
    consumed: bool
    created_at: datetime.datetime
    currency: str
    expires_at: datetime.datetime
    multiplier: float
    quantity: int
    quote_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.adjustment_out import AdjustmentOut
        adjusted_price = self.adjusted_price

        adjustments = []
        for adjustments_item_data in self.adjustments:
            adjustments_item = adjustments_item_data.to_dict()
            adjustments.append(adjustments_item)



        agent_id = self.agent_id

        amount = self.amount

        base_price = self.base_price

        consumed = self.consumed

        created_at = self.created_at.isoformat()

        currency = self.currency

        expires_at = self.expires_at.isoformat()

        multiplier = self.multiplier

        quantity = self.quantity

        quote_id = self.quote_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "adjusted_price": adjusted_price,
            "adjustments": adjustments,
            "agent_id": agent_id,
            "amount": amount,
            "base_price": base_price,
            "consumed": consumed,
            "created_at": created_at,
            "currency": currency,
            "expires_at": expires_at,
            "multiplier": multiplier,
            "quantity": quantity,
            "quote_id": quote_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.adjustment_out import AdjustmentOut
        d = dict(src_dict)
        adjusted_price = d.pop("adjusted_price")

        adjustments = []
        _adjustments = d.pop("adjustments")
        for adjustments_item_data in (_adjustments):
            adjustments_item = AdjustmentOut.from_dict(adjustments_item_data)



            adjustments.append(adjustments_item)


        agent_id = d.pop("agent_id")

        amount = d.pop("amount")

        base_price = d.pop("base_price")

        consumed = d.pop("consumed")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        currency = d.pop("currency")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        multiplier = d.pop("multiplier")

        quantity = d.pop("quantity")

        quote_id = d.pop("quote_id")

        quote_out = cls(
            adjusted_price=adjusted_price,
            adjustments=adjustments,
            agent_id=agent_id,
            amount=amount,
            base_price=base_price,
            consumed=consumed,
            created_at=created_at,
            currency=currency,
            expires_at=expires_at,
            multiplier=multiplier,
            quantity=quantity,
            quote_id=quote_id,
        )


        quote_out.additional_properties = d
        return quote_out

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
