from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="DeductIn")



@_attrs_define
class DeductIn:
    """ 
        Attributes:
            amount (float | str):
            reference (str): idempotency within the caller: the same reference never deducts twice
            user_id (str):
            agent_id (None | str | Unset): services: the agent this charge pays for
            contract_id (None | str | Unset): the contract, for a mandate scoped to one
            description (None | str | Unset):
            mandate_id (None | str | Unset): required for agents: the user's mandate to this agent
            run_id (None | str | Unset): the orchestration run
     """

    amount: float | str
    reference: str
    user_id: str
    agent_id: None | str | Unset = UNSET
    contract_id: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    mandate_id: None | str | Unset = UNSET
    run_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        amount: float | str
        amount = self.amount

        reference = self.reference

        user_id = self.user_id

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        contract_id: None | str | Unset
        if isinstance(self.contract_id, Unset):
            contract_id = UNSET
        else:
            contract_id = self.contract_id

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

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

        field_dict.update({
            "amount": amount,
            "reference": reference,
            "user_id": user_id,
        })
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if contract_id is not UNSET:
            field_dict["contract_id"] = contract_id
        if description is not UNSET:
            field_dict["description"] = description
        if mandate_id is not UNSET:
            field_dict["mandate_id"] = mandate_id
        if run_id is not UNSET:
            field_dict["run_id"] = run_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))


        reference = d.pop("reference")

        user_id = d.pop("user_id")

        def _parse_agent_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))


        def _parse_contract_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contract_id = _parse_contract_id(d.pop("contract_id", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


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


        deduct_in = cls(
            amount=amount,
            reference=reference,
            user_id=user_id,
            agent_id=agent_id,
            contract_id=contract_id,
            description=description,
            mandate_id=mandate_id,
            run_id=run_id,
        )

        return deduct_in

