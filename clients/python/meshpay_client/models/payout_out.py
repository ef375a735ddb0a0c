from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="PayoutOut")



@_attrs_define
class PayoutOut:
    """ 
        Attributes:
            amount (str):
            created_at (datetime.datetime):
            currency (str):
            destination_id (str):
            net_amount (str):
            payee_id (str):
            payout_id (str):
            provider (str):
            reserve_amount (str):
            status (str):
            batch (None | str | Unset):
            failed_at (datetime.datetime | None | Unset):
            failure_code (None | str | Unset):
            failure_message (None | str | Unset):
            in_transit_at (datetime.datetime | None | Unset):
            paid_at (datetime.datetime | None | Unset):
            provider_ref (None | str | Unset):
     """

    amount: str
    created_at: datetime.datetime
    currency: str
    destination_id: str
    net_amount: str
    payee_id: str
    payout_id: str
    provider: str
    reserve_amount: str
    status: str
    batch: None | str | Unset = UNSET
    failed_at: datetime.datetime | None | Unset = UNSET
    failure_code: None | str | Unset = UNSET
    failure_message: None | str | Unset = UNSET
    in_transit_at: datetime.datetime | None | Unset = UNSET
    paid_at: datetime.datetime | None | Unset = UNSET
    provider_ref: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        created_at = self.created_at.isoformat()

        currency = self.currency

        destination_id = self.destination_id

        net_amount = self.net_amount

        payee_id = self.payee_id

        payout_id = self.payout_id

        provider = self.provider

        reserve_amount = self.reserve_amount

        status = self.status

        batch: None | str | Unset
        if isinstance(self.batch, Unset):
            batch = UNSET
        else:
            batch = self.batch

        failed_at: None | str | Unset
        if isinstance(self.failed_at, Unset):
            failed_at = UNSET
        elif isinstance(self.failed_at, datetime.datetime):
            failed_at = self.failed_at.isoformat()
        else:
            failed_at = self.failed_at

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

        in_transit_at: None | str | Unset
        if isinstance(self.in_transit_at, Unset):
            in_transit_at = UNSET
        elif isinstance(self.in_transit_at, datetime.datetime):
            in_transit_at = self.in_transit_at.isoformat()
        else:
            in_transit_at = self.in_transit_at

        paid_at: None | str | Unset
        if isinstance(self.paid_at, Unset):
            paid_at = UNSET
        elif isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        provider_ref: None | str | Unset
        if isinstance(self.provider_ref, Unset):
            provider_ref = UNSET
        else:
            provider_ref = self.provider_ref


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "created_at": created_at,
            "currency": currency,
            "destination_id": destination_id,
            "net_amount": net_amount,
            "payee_id": payee_id,
            "payout_id": payout_id,
            "provider": provider,
            "reserve_amount": reserve_amount,
            "status": status,
        })
        if batch is not UNSET:
            field_dict["batch"] = batch
        if failed_at is not UNSET:
            field_dict["failed_at"] = failed_at
        if failure_code is not UNSET:
            field_dict["failure_code"] = failure_code
        if failure_message is not UNSET:
            field_dict["failure_message"] = failure_message
        if in_transit_at is not UNSET:
            field_dict["in_transit_at"] = in_transit_at
        if paid_at is not UNSET:
            field_dict["paid_at"] = paid_at
        if provider_ref is not UNSET:
            field_dict["provider_ref"] = provider_ref

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        currency = d.pop("currency")

        destination_id = d.pop("destination_id")

        net_amount = d.pop("net_amount")

        payee_id = d.pop("payee_id")

        payout_id = d.pop("payout_id")

        provider = d.pop("provider")

        reserve_amount = d.pop("reserve_amount")

        status = d.pop("status")

        def _parse_batch(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        batch = _parse_batch(d.pop("batch", UNSET))


        def _parse_failed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                failed_at_type_0 = datetime.datetime.fromisoformat(data)



                return failed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        failed_at = _parse_failed_at(d.pop("failed_at", UNSET))


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


        def _parse_in_transit_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                in_transit_at_type_0 = datetime.datetime.fromisoformat(data)



                return in_transit_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        in_transit_at = _parse_in_transit_at(d.pop("in_transit_at", UNSET))


        def _parse_paid_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)



                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        paid_at = _parse_paid_at(d.pop("paid_at", UNSET))


        def _parse_provider_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider_ref = _parse_provider_ref(d.pop("provider_ref", UNSET))


        payout_out = cls(
            amount=amount,
            created_at=created_at,
            currency=currency,
            destination_id=destination_id,
            net_amount=net_amount,
            payee_id=payee_id,
            payout_id=payout_id,
            provider=provider,
            reserve_amount=reserve_amount,
            status=status,
            batch=batch,
            failed_at=failed_at,
            failure_code=failure_code,
            failure_message=failure_message,
            in_transit_at=in_transit_at,
            paid_at=paid_at,
            provider_ref=provider_ref,
        )


        payout_out.additional_properties = d
        return payout_out

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
