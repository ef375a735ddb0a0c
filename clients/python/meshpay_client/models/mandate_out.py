from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="MandateOut")



@_attrs_define
class MandateOut:
    """ 
        Attributes:
            agent_id (str):
            contract_id (None | str):
            created_at (datetime.datetime):
            currency (str):
            description (None | str):
            expires_at (datetime.datetime | None):
            id (str):
            max_per_charge (str):
            max_per_day (str):
            max_per_month (str):
            revoked_at (datetime.datetime | None):
            spent_this_month (str):
            spent_today (str): charged under it this UTC day (refunds do not give it back)
            status (str): active | revoked | expired
            user_id (str):
     """

    agent_id: str
    contract_id: None | str
    created_at: datetime.datetime
    currency: str
    description: None | str
    expires_at: datetime.datetime | None
    id: str
    max_per_charge: str
    max_per_day: str
    max_per_month: str
    revoked_at: datetime.datetime | None
    spent_this_month: str
    spent_today: str
    status: str
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        contract_id: None | str
        contract_id = self.contract_id

        created_at = self.created_at.isoformat()

        currency = self.currency

        description: None | str
        description = self.description

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id = self.id

        max_per_charge = self.max_per_charge

        max_per_day = self.max_per_day

        max_per_month = self.max_per_month

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        spent_this_month = self.spent_this_month

        spent_today = self.spent_today

        status = self.status

        user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "contract_id": contract_id,
            "created_at": created_at,
            "currency": currency,
            "description": description,
            "expires_at": expires_at,
            "id": id,
            "max_per_charge": max_per_charge,
            "max_per_day": max_per_day,
            "max_per_month": max_per_month,
            "revoked_at": revoked_at,
            "spent_this_month": spent_this_month,
            "spent_today": spent_today,
            "status": status,
            "user_id": user_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        def _parse_contract_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        contract_id = _parse_contract_id(d.pop("contract_id"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        currency = d.pop("currency")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))


        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        id = d.pop("id")

        max_per_charge = d.pop("max_per_charge")

        max_per_day = d.pop("max_per_day")

        max_per_month = d.pop("max_per_month")

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)



                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))


        spent_this_month = d.pop("spent_this_month")

        spent_today = d.pop("spent_today")

        status = d.pop("status")

        user_id = d.pop("user_id")

        mandate_out = cls(
            agent_id=agent_id,
            contract_id=contract_id,
            created_at=created_at,
            currency=currency,
            description=description,
            expires_at=expires_at,
            id=id,
            max_per_charge=max_per_charge,
            max_per_day=max_per_day,
            max_per_month=max_per_month,
            revoked_at=revoked_at,
            spent_this_month=spent_this_month,
            spent_today=spent_today,
            status=status,
            user_id=user_id,
        )


        mandate_out.additional_properties = d
        return mandate_out

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
