from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="MandateIn")



@_attrs_define
class MandateIn:
    """ 
        Attributes:
            agent_id (str): the agent allowed to charge
            max_per_charge (float | str):
            max_per_day (float | str): per UTC day
            max_per_month (float | str): per UTC calendar month
            contract_id (None | str | Unset): only this contract
            currency (str | Unset):  Default: 'CREDIT'.
            description (None | str | Unset):
            expires_at (datetime.datetime | None | Unset):
     """

    agent_id: str
    max_per_charge: float | str
    max_per_day: float | str
    max_per_month: float | str
    contract_id: None | str | Unset = UNSET
    currency: str | Unset = 'CREDIT'
    description: None | str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        max_per_charge: float | str
        max_per_charge = self.max_per_charge

        max_per_day: float | str
        max_per_day = self.max_per_day

        max_per_month: float | str
        max_per_month = self.max_per_month

        contract_id: None | str | Unset
        if isinstance(self.contract_id, Unset):
            contract_id = UNSET
        else:
            contract_id = self.contract_id

        currency = self.currency

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "agent_id": agent_id,
            "max_per_charge": max_per_charge,
            "max_per_day": max_per_day,
            "max_per_month": max_per_month,
        })
        if contract_id is not UNSET:
            field_dict["contract_id"] = contract_id
        if currency is not UNSET:
            field_dict["currency"] = currency
        if description is not UNSET:
            field_dict["description"] = description
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        def _parse_max_per_charge(data: object) -> float | str:
            return cast(float | str, data)

        max_per_charge = _parse_max_per_charge(d.pop("max_per_charge"))


        def _parse_max_per_day(data: object) -> float | str:
            return cast(float | str, data)

        max_per_day = _parse_max_per_day(d.pop("max_per_day"))


        def _parse_max_per_month(data: object) -> float | str:
            return cast(float | str, data)

        max_per_month = _parse_max_per_month(d.pop("max_per_month"))


        def _parse_contract_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contract_id = _parse_contract_id(d.pop("contract_id", UNSET))


        currency = d.pop("currency", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


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


        mandate_in = cls(
            agent_id=agent_id,
            max_per_charge=max_per_charge,
            max_per_day=max_per_day,
            max_per_month=max_per_month,
            contract_id=contract_id,
            currency=currency,
            description=description,
            expires_at=expires_at,
        )

        return mandate_in

