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
  from ..models.attempt_out import AttemptOut
  from ..models.line_out import LineOut
  from ..models.payment_out import PaymentOut
  from ..models.tax_out import TaxOut





T = TypeVar("T", bound="InvoiceOut")



@_attrs_define
class InvoiceOut:
    """ 
        Attributes:
            account_id (str):
            amount_due (str):
            amount_paid (str):
            attempt_count (int):
            currency (str):
            due_at (datetime.datetime | None):
            id (str):
            issued_at (datetime.datetime | None):
            next_attempt_at (datetime.datetime | None):
            number (None | str):
            paid_at (datetime.datetime | None):
            period (str):
            period_end (datetime.datetime):
            period_start (datetime.datetime):
            status (str):
            subtotal (str):
            tax (str):
            tax_rate (TaxOut):
            total (str):
            attempts (list[AttemptOut] | None | Unset):
            lines (list[LineOut] | None | Unset):
            object_ (str | Unset):  Default: 'invoice'.
            payments (list[PaymentOut] | None | Unset):
     """

    account_id: str
    amount_due: str
    amount_paid: str
    attempt_count: int
    currency: str
    due_at: datetime.datetime | None
    id: str
    issued_at: datetime.datetime | None
    next_attempt_at: datetime.datetime | None
    number: None | str
    paid_at: datetime.datetime | None
    period: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    status: str
    subtotal: str
    tax: str
    tax_rate: TaxOut
    total: str
    attempts: list[AttemptOut] | None | Unset = UNSET
    lines: list[LineOut] | None | Unset = UNSET
    object_: str | Unset = 'invoice'
    payments: list[PaymentOut] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.attempt_out import AttemptOut
        from ..models.line_out import LineOut
        from ..models.payment_out import PaymentOut
        from ..models.tax_out import TaxOut
        account_id = self.account_id

        amount_due = self.amount_due

        amount_paid = self.amount_paid

        attempt_count = self.attempt_count

        currency = self.currency

        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        id = self.id

        issued_at: None | str
        if isinstance(self.issued_at, datetime.datetime):
            issued_at = self.issued_at.isoformat()
        else:
            issued_at = self.issued_at

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        number: None | str
        number = self.number

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        period = self.period

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        status = self.status

        subtotal = self.subtotal

        tax = self.tax

        tax_rate = self.tax_rate.to_dict()

        total = self.total

        attempts: list[dict[str, Any]] | None | Unset
        if isinstance(self.attempts, Unset):
            attempts = UNSET
        elif isinstance(self.attempts, list):
            attempts = []
            for attempts_type_0_item_data in self.attempts:
                attempts_type_0_item = attempts_type_0_item_data.to_dict()
                attempts.append(attempts_type_0_item)


        else:
            attempts = self.attempts

        lines: list[dict[str, Any]] | None | Unset
        if isinstance(self.lines, Unset):
            lines = UNSET
        elif isinstance(self.lines, list):
            lines = []
            for lines_type_0_item_data in self.lines:
                lines_type_0_item = lines_type_0_item_data.to_dict()
                lines.append(lines_type_0_item)


        else:
            lines = self.lines

        object_ = self.object_

        payments: list[dict[str, Any]] | None | Unset
        if isinstance(self.payments, Unset):
            payments = UNSET
        elif isinstance(self.payments, list):
            payments = []
            for payments_type_0_item_data in self.payments:
                payments_type_0_item = payments_type_0_item_data.to_dict()
                payments.append(payments_type_0_item)


        else:
            payments = self.payments


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account_id": account_id,
            "amount_due": amount_due,
            "amount_paid": amount_paid,
            "attempt_count": attempt_count,
            "currency": currency,
            "due_at": due_at,
            "id": id,
            "issued_at": issued_at,
            "next_attempt_at": next_attempt_at,
            "number": number,
            "paid_at": paid_at,
            "period": period,
            "period_end": period_end,
            "period_start": period_start,
            "status": status,
            "subtotal": subtotal,
            "tax": tax,
            "tax_rate": tax_rate,
            "total": total,
        })
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if lines is not UNSET:
            field_dict["lines"] = lines
        if object_ is not UNSET:
            field_dict["object"] = object_
        if payments is not UNSET:
            field_dict["payments"] = payments

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attempt_out import AttemptOut
        from ..models.line_out import LineOut
        from ..models.payment_out import PaymentOut
        from ..models.tax_out import TaxOut
        d = dict(src_dict)
        account_id = d.pop("account_id")

        amount_due = d.pop("amount_due")

        amount_paid = d.pop("amount_paid")

        attempt_count = d.pop("attempt_count")

        currency = d.pop("currency")

        def _parse_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)



                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        due_at = _parse_due_at(d.pop("due_at"))


        id = d.pop("id")

        def _parse_issued_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_at_type_0 = datetime.datetime.fromisoformat(data)



                return issued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        issued_at = _parse_issued_at(d.pop("issued_at"))


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


        def _parse_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        number = _parse_number(d.pop("number"))


        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)



                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))


        period = d.pop("period")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))




        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))




        status = d.pop("status")

        subtotal = d.pop("subtotal")

        tax = d.pop("tax")

        tax_rate = TaxOut.from_dict(d.pop("tax_rate"))




        total = d.pop("total")

        def _parse_attempts(data: object) -> list[AttemptOut] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                attempts_type_0 = []
                _attempts_type_0 = data
                for attempts_type_0_item_data in (_attempts_type_0):
                    attempts_type_0_item = AttemptOut.from_dict(attempts_type_0_item_data)



                    attempts_type_0.append(attempts_type_0_item)

                return attempts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AttemptOut] | None | Unset, data)

        attempts = _parse_attempts(d.pop("attempts", UNSET))


        def _parse_lines(data: object) -> list[LineOut] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                lines_type_0 = []
                _lines_type_0 = data
                for lines_type_0_item_data in (_lines_type_0):
                    lines_type_0_item = LineOut.from_dict(lines_type_0_item_data)



                    lines_type_0.append(lines_type_0_item)

                return lines_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[LineOut] | None | Unset, data)

        lines = _parse_lines(d.pop("lines", UNSET))


        object_ = d.pop("object", UNSET)

        def _parse_payments(data: object) -> list[PaymentOut] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                payments_type_0 = []
                _payments_type_0 = data
                for payments_type_0_item_data in (_payments_type_0):
                    payments_type_0_item = PaymentOut.from_dict(payments_type_0_item_data)



                    payments_type_0.append(payments_type_0_item)

                return payments_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PaymentOut] | None | Unset, data)

        payments = _parse_payments(d.pop("payments", UNSET))


        invoice_out = cls(
            account_id=account_id,
            amount_due=amount_due,
            amount_paid=amount_paid,
            attempt_count=attempt_count,
            currency=currency,
            due_at=due_at,
            id=id,
            issued_at=issued_at,
            next_attempt_at=next_attempt_at,
            number=number,
            paid_at=paid_at,
            period=period,
            period_end=period_end,
            period_start=period_start,
            status=status,
            subtotal=subtotal,
            tax=tax,
            tax_rate=tax_rate,
            total=total,
            attempts=attempts,
            lines=lines,
            object_=object_,
            payments=payments,
        )


        invoice_out.additional_properties = d
        return invoice_out

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
