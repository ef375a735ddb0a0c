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
  from ..models.credits_purchase_out_next_action import CreditsPurchaseOutNextAction
  from ..models.purpose_out import PurposeOut





T = TypeVar("T", bound="CreditsPurchaseOut")



@_attrs_define
class CreditsPurchaseOut:
    """ The seed's purchase answer: top-level `credits` and `status` ("processing" while the
    purchase is in flight, else the payment's final status); the finer `payment_status` too.

        Attributes:
            amount (str):
            captured_amount (str):
            created_at (datetime.datetime):
            credits_ (str):
            currency (str):
            next_action (CreditsPurchaseOutNextAction):
            payment_id (str):
            payment_status (str):
            provider (str):
            purpose (PurposeOut):
            refunded_amount (str):
            status (str):
            completed_at (datetime.datetime | None | Unset):
            expires_at (datetime.datetime | None | Unset):
            failure_code (None | str | Unset):
            failure_message (None | str | Unset):
     """

    amount: str
    captured_amount: str
    created_at: datetime.datetime
    credits_: str
    currency: str
    next_action: CreditsPurchaseOutNextAction
    payment_id: str
    payment_status: str
    provider: str
    purpose: PurposeOut
    refunded_amount: str
    status: str
    completed_at: datetime.datetime | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    failure_code: None | str | Unset = UNSET
    failure_message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_purchase_out_next_action import CreditsPurchaseOutNextAction
        from ..models.purpose_out import PurposeOut
        amount = self.amount

        captured_amount = self.captured_amount

        created_at = self.created_at.isoformat()

        credits_ = self.credits_

        currency = self.currency

        next_action = self.next_action.to_dict()

        payment_id = self.payment_id

        payment_status = self.payment_status

        provider = self.provider

        purpose = self.purpose.to_dict()

        refunded_amount = self.refunded_amount

        status = self.status

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        failure_code: None | str | Unset
        if isinstance(self.failure_code, Unset):
            failure_code = UNSET
        else:
            failure_code = self.failure_code

        failure_message: None | str | Unset
        if isinstance(self.failure_message, Unset):
            failure_message = UNSET
        else:
            failure_message = self.failure_message


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "captured_amount": captured_amount,
            "created_at": created_at,
            "credits": credits_,
            "currency": currency,
            "next_action": next_action,
            "payment_id": payment_id,
            "payment_status": payment_status,
            "provider": provider,
            "purpose": purpose,
            "refunded_amount": refunded_amount,
            "status": status,
        })
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if failure_code is not UNSET:
            field_dict["failure_code"] = failure_code
        if failure_message is not UNSET:
            field_dict["failure_message"] = failure_message

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_purchase_out_next_action import CreditsPurchaseOutNextAction
        from ..models.purpose_out import PurposeOut
        d = dict(src_dict)
        amount = d.pop("amount")

        captured_amount = d.pop("captured_amount")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        credits_ = d.pop("credits")

        currency = d.pop("currency")

        next_action = CreditsPurchaseOutNextAction.from_dict(d.pop("next_action"))




        payment_id = d.pop("payment_id")

        payment_status = d.pop("payment_status")

        provider = d.pop("provider")

        purpose = PurposeOut.from_dict(d.pop("purpose"))




        refunded_amount = d.pop("refunded_amount")

        status = d.pop("status")

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)



                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))


        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        def _parse_failure_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_code = _parse_failure_code(d.pop("failure_code", UNSET))


        def _parse_failure_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_message = _parse_failure_message(d.pop("failure_message", UNSET))


        credits_purchase_out = cls(
            amount=amount,
            captured_amount=captured_amount,
            created_at=created_at,
            credits_=credits_,
            currency=currency,
            next_action=next_action,
            payment_id=payment_id,
            payment_status=payment_status,
            provider=provider,
            purpose=purpose,
            refunded_amount=refunded_amount,
            status=status,
            completed_at=completed_at,
            expires_at=expires_at,
            failure_code=failure_code,
            failure_message=failure_message,
        )


        credits_purchase_out.additional_properties = d
        return credits_purchase_out

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
