from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="DeductOut")



@_attrs_define
class DeductOut:
    """ 
        Attributes:
            amount (str):
            balance (str): available balance right after this deduction
            created_at (datetime.datetime):
            id (int):
            reference (str):
            transaction_id (str):
            user_id (str):
            agent_id (None | str | Unset):
            currency (str | Unset):  Default: 'CREDIT'.
            mandate_id (None | str | Unset):
            run_id (None | str | Unset):
     """

    amount: str
    balance: str
    created_at: datetime.datetime
    id: int
    reference: str
    transaction_id: str
    user_id: str
    agent_id: None | str | Unset = UNSET
    currency: str | Unset = 'CREDIT'
    mandate_id: None | str | Unset = UNSET
    run_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        balance = self.balance

        created_at = self.created_at.isoformat()

        id = self.id

        reference = self.reference

        transaction_id = self.transaction_id

        user_id = self.user_id

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        currency = self.currency

        mandate_id: None | str | Unset
        if isinstance(self.mandate_id, Unset):
            mandate_id = UNSET
        else:
            mandate_id = self.mandate_id

        run_id: None | str | Unset
        if isinstance(self.run_id, Unset):
            run_id = UNSET
        else:
            run_id = self.run_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "balance": balance,
            "created_at": created_at,
            "id": id,
            "reference": reference,
            "transaction_id": transaction_id,
            "user_id": user_id,
        })
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if currency is not UNSET:
            field_dict["currency"] = currency
        if mandate_id is not UNSET:
            field_dict["mandate_id"] = mandate_id
        if run_id is not UNSET:
            field_dict["run_id"] = run_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        balance = d.pop("balance")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        reference = d.pop("reference")

        transaction_id = d.pop("transaction_id")

        user_id = d.pop("user_id")

        def _parse_agent_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))


        currency = d.pop("currency", UNSET)

        def _parse_mandate_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mandate_id = _parse_mandate_id(d.pop("mandate_id", UNSET))


        def _parse_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_id = _parse_run_id(d.pop("run_id", UNSET))


        deduct_out = cls(
            amount=amount,
            balance=balance,
            created_at=created_at,
            id=id,
            reference=reference,
            transaction_id=transaction_id,
            user_id=user_id,
            agent_id=agent_id,
            currency=currency,
            mandate_id=mandate_id,
            run_id=run_id,
        )


        deduct_out.additional_properties = d
        return deduct_out

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
