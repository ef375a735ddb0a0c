from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.tier_in import TierIn





T = TypeVar("T", bound="PriceIn")



@_attrs_define
class PriceIn:
    """ 
        Attributes:
            tiers (list[TierIn]):
            currency (str | Unset):  Default: 'USD'.
            display_name (None | str | Unset):
            model (str | Unset):  Default: 'per_unit'.
     """

    tiers: list[TierIn]
    currency: str | Unset = 'USD'
    display_name: None | str | Unset = UNSET
    model: str | Unset = 'per_unit'





    def to_dict(self) -> dict[str, Any]:
        from ..models.tier_in import TierIn
        tiers = []
        for tiers_item_data in self.tiers:
            tiers_item = tiers_item_data.to_dict()
            tiers.append(tiers_item)



        currency = self.currency

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        model = self.model


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "tiers": tiers,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tier_in import TierIn
        d = dict(src_dict)
        tiers = []
        _tiers = d.pop("tiers")
        for tiers_item_data in (_tiers):
            tiers_item = TierIn.from_dict(tiers_item_data)



            tiers.append(tiers_item)


        currency = d.pop("currency", UNSET)

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))


        model = d.pop("model", UNSET)

        price_in = cls(
            tiers=tiers,
            currency=currency,
            display_name=display_name,
            model=model,
        )

        return price_in

