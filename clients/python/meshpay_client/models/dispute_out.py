from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="DisputeOut")



@_attrs_define
class DisputeOut:
    """ 
        Attributes:
            amount (str):
            clawback_shortfall (str):
            clawed_back (str):
            currency (str):
            dispute_id (str):
            evidence_overdue (bool):
            held (str):
            loss (str):
            opened_at (datetime.datetime):
            provider (str):
            provider_status (str):
            status (str):
            charge_id (None | str | Unset):
            closed_at (datetime.datetime | None | Unset):
            escrow_contract_id (None | str | Unset):
            evidence_due_by (datetime.datetime | None | Unset):
            payee_id (None | str | Unset):
            payment_id (None | str | Unset):
            reason (None | str | Unset):
     """

    amount: str
    clawback_shortfall: str
    clawed_back: str
    currency: str
    dispute_id: str
    evidence_overdue: bool
    held: str
    loss: str
    opened_at: datetime.datetime
    provider: str
    provider_status: str
    status: str
    charge_id: None | str | Unset = UNSET
    closed_at: datetime.datetime | None | Unset = UNSET
    escrow_contract_id: None | str | Unset = UNSET
    evidence_due_by: datetime.datetime | None | Unset = UNSET
    payee_id: None | str | Unset = UNSET
    payment_id: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        clawback_shortfall = self.clawback_shortfall

        clawed_back = self.clawed_back

        currency = self.currency

        dispute_id = self.dispute_id

        evidence_overdue = self.evidence_overdue

        held = self.held

        loss = self.loss

        opened_at = self.opened_at.isoformat()

        provider = self.provider

        provider_status = self.provider_status

        status = self.status

        charge_id: None | str | Unset
        if isinstance(self.charge_id, Unset):
            charge_id = UNSET
        else:
            charge_id = self.charge_id

        closed_at: None | str | Unset
        if isinstance(self.closed_at, Unset):
            closed_at = UNSET
        elif isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        escrow_contract_id: None | str | Unset
        if isinstance(self.escrow_contract_id, Unset):
            escrow_contract_id = UNSET
        else:
            escrow_contract_id = self.escrow_contract_id

        evidence_due_by: None | str | Unset
        if isinstance(self.evidence_due_by, Unset):
            evidence_due_by = UNSET
        elif isinstance(self.evidence_due_by, datetime.datetime):
            evidence_due_by = self.evidence_due_by.isoformat()
        else:
            evidence_due_by = self.evidence_due_by

        payee_id: None | str | Unset
        if isinstance(self.payee_id, Unset):
            payee_id = UNSET
        else:
            payee_id = self.payee_id

        payment_id: None | str | Unset
        if isinstance(self.payment_id, Unset):
            payment_id = UNSET
        else:
            payment_id = self.payment_id

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "clawback_shortfall": clawback_shortfall,
            "clawed_back": clawed_back,
            "currency": currency,
            "dispute_id": dispute_id,
            "evidence_overdue": evidence_overdue,
            "held": held,
            "loss": loss,
            "opened_at": opened_at,
            "provider": provider,
            "provider_status": provider_status,
            "status": status,
        })
        if charge_id is not UNSET:
            field_dict["charge_id"] = charge_id
        if closed_at is not UNSET:
            field_dict["closed_at"] = closed_at
        if escrow_contract_id is not UNSET:
            field_dict["escrow_contract_id"] = escrow_contract_id
        if evidence_due_by is not UNSET:
            field_dict["evidence_due_by"] = evidence_due_by
        if payee_id is not UNSET:
            field_dict["payee_id"] = payee_id
        if payment_id is not UNSET:
            field_dict["payment_id"] = payment_id
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        clawback_shortfall = d.pop("clawback_shortfall")

        clawed_back = d.pop("clawed_back")

        currency = d.pop("currency")

        dispute_id = d.pop("dispute_id")

        evidence_overdue = d.pop("evidence_overdue")

        held = d.pop("held")

        loss = d.pop("loss")

        opened_at = datetime.datetime.fromisoformat(d.pop("opened_at"))




        provider = d.pop("provider")

        provider_status = d.pop("provider_status")

        status = d.pop("status")

        def _parse_charge_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        charge_id = _parse_charge_id(d.pop("charge_id", UNSET))


        def _parse_closed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)



                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        closed_at = _parse_closed_at(d.pop("closed_at", UNSET))


        def _parse_escrow_contract_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        escrow_contract_id = _parse_escrow_contract_id(d.pop("escrow_contract_id", UNSET))


        def _parse_evidence_due_by(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                evidence_due_by_type_0 = datetime.datetime.fromisoformat(data)



                return evidence_due_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        evidence_due_by = _parse_evidence_due_by(d.pop("evidence_due_by", UNSET))


        def _parse_payee_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payee_id = _parse_payee_id(d.pop("payee_id", UNSET))


        def _parse_payment_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_id = _parse_payment_id(d.pop("payment_id", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        dispute_out = cls(
            amount=amount,
            clawback_shortfall=clawback_shortfall,
            clawed_back=clawed_back,
            currency=currency,
            dispute_id=dispute_id,
            evidence_overdue=evidence_overdue,
            held=held,
            loss=loss,
            opened_at=opened_at,
            provider=provider,
            provider_status=provider_status,
            status=status,
            charge_id=charge_id,
            closed_at=closed_at,
            escrow_contract_id=escrow_contract_id,
            evidence_due_by=evidence_due_by,
            payee_id=payee_id,
            payment_id=payment_id,
            reason=reason,
        )


        dispute_out.additional_properties = d
        return dispute_out

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
