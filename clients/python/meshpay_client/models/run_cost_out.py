from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.agent_cost_out import AgentCostOut
  from ..models.execution_page import ExecutionPage





T = TypeVar("T", bound="RunCostOut")



@_attrs_define
class RunCostOut:
    """ 
        Attributes:
            agents (list[AgentCostOut]):
            charges (int):
            executions (ExecutionPage):
            net (str):
            refunded (str):
            run_id (str):
            spent (str):
            currency (str | Unset):  Default: 'CREDIT'.
     """

    agents: list[AgentCostOut]
    charges: int
    executions: ExecutionPage
    net: str
    refunded: str
    run_id: str
    spent: str
    currency: str | Unset = 'CREDIT'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_cost_out import AgentCostOut
        from ..models.execution_page import ExecutionPage
        agents = []
        for agents_item_data in self.agents:
            agents_item = agents_item_data.to_dict()
            agents.append(agents_item)



        charges = self.charges

        executions = self.executions.to_dict()

        net = self.net

        refunded = self.refunded

        run_id = self.run_id

        spent = self.spent

        currency = self.currency


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agents": agents,
            "charges": charges,
            "executions": executions,
            "net": net,
            "refunded": refunded,
            "run_id": run_id,
            "spent": spent,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_cost_out import AgentCostOut
        from ..models.execution_page import ExecutionPage
        d = dict(src_dict)
        agents = []
        _agents = d.pop("agents")
        for agents_item_data in (_agents):
            agents_item = AgentCostOut.from_dict(agents_item_data)



            agents.append(agents_item)


        charges = d.pop("charges")

        executions = ExecutionPage.from_dict(d.pop("executions"))




        net = d.pop("net")

        refunded = d.pop("refunded")

        run_id = d.pop("run_id")

        spent = d.pop("spent")

        currency = d.pop("currency", UNSET)

        run_cost_out = cls(
            agents=agents,
            charges=charges,
            executions=executions,
            net=net,
            refunded=refunded,
            run_id=run_id,
            spent=spent,
            currency=currency,
        )


        run_cost_out.additional_properties = d
        return run_cost_out

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
