from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="ExecutionOut")



@_attrs_define
class ExecutionOut:
    """ 
        Attributes:
            agent_id (None | str):
            amount (str): deducted (positive)
            created_at (datetime.datetime):
            id (str):
            mandate_id (None | str):
            reference (None | str):
            refunded (str):
            transaction_id (str):
            user_id (str):
     """

    agent_id: None | str
    amount: str
    created_at: datetime.datetime
    id: str
    mandate_id: None | str
    reference: None | str
    refunded: str
    transaction_id: str
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id: None | str
        agent_id = self.agent_id

        amount = self.amount

        created_at = self.created_at.isoformat()

        id = self.id

        mandate_id: None | str
        mandate_id = self.mandate_id

        reference: None | str
        reference = self.reference

        refunded = self.refunded

        transaction_id = self.transaction_id

        user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "amount": amount,
            "created_at": created_at,
            "id": id,
            "mandate_id": mandate_id,
            "reference": reference,
            "refunded": refunded,
            "transaction_id": transaction_id,
            "user_id": user_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_agent_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        agent_id = _parse_agent_id(d.pop("agent_id"))


        amount = d.pop("amount")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        def _parse_mandate_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        mandate_id = _parse_mandate_id(d.pop("mandate_id"))


        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))


        refunded = d.pop("refunded")

        transaction_id = d.pop("transaction_id")

        user_id = d.pop("user_id")

        execution_out = cls(
            agent_id=agent_id,
            amount=amount,
            created_at=created_at,
            id=id,
            mandate_id=mandate_id,
            reference=reference,
            refunded=refunded,
            transaction_id=transaction_id,
            user_id=user_id,
        )


        execution_out.additional_properties = d
        return execution_out

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
