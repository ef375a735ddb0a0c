from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AttemptOut")



@_attrs_define
class AttemptOut:
    """ 
        Attributes:
            amount (str):
            attempt_no (int):
            attempted_at (datetime.datetime):
            failure_code (None | str):
            message (None | str):
            next_attempt_at (datetime.datetime | None):
            outcome (str):
            payment_id (None | str):
            source (str):
     """

    amount: str
    attempt_no: int
    attempted_at: datetime.datetime
    failure_code: None | str
    message: None | str
    next_attempt_at: datetime.datetime | None
    outcome: str
    payment_id: None | str
    source: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        attempt_no = self.attempt_no

        attempted_at = self.attempted_at.isoformat()

        failure_code: None | str
        failure_code = self.failure_code

        message: None | str
        message = self.message

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        outcome = self.outcome

        payment_id: None | str
        payment_id = self.payment_id

        source = self.source


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "attempt_no": attempt_no,
            "attempted_at": attempted_at,
            "failure_code": failure_code,
            "message": message,
            "next_attempt_at": next_attempt_at,
            "outcome": outcome,
            "payment_id": payment_id,
            "source": source,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        attempt_no = d.pop("attempt_no")

        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))




        def _parse_failure_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_code = _parse_failure_code(d.pop("failure_code"))


        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))


        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))


        outcome = d.pop("outcome")

        def _parse_payment_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payment_id = _parse_payment_id(d.pop("payment_id"))


        source = d.pop("source")

        attempt_out = cls(
            amount=amount,
            attempt_no=attempt_no,
            attempted_at=attempted_at,
            failure_code=failure_code,
            message=message,
            next_attempt_at=next_attempt_at,
            outcome=outcome,
            payment_id=payment_id,
            source=source,
        )


        attempt_out.additional_properties = d
        return attempt_out

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
