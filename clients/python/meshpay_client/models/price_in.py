from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.price_in_filters_type_0 import PriceInFiltersType0
  from ..models.tier_in import TierIn





T = TypeVar("T", bound="PriceIn")



@_attrs_define
class PriceIn:
    """ 
        Attributes:
            tiers (list[TierIn]):
            currency (str | Unset):  Default: 'USD'.
            display_name (None | str | Unset):
            filters (None | PriceInFiltersType0 | Unset): only usage with these property values
            model (str | Unset):  Default: 'per_unit'.
            package_size (float | None | str | Unset):
            scope (str | Unset):  Default: 'global'.
            scope_id (str | Unset): the plan id or account id of a scoped price Default: ''.
     """

    tiers: list[TierIn]
    currency: str | Unset = 'USD'
    display_name: None | str | Unset = UNSET
    filters: None | PriceInFiltersType0 | Unset = UNSET
    model: str | Unset = 'per_unit'
    package_size: float | None | str | Unset = UNSET
    scope: str | Unset = 'global'
    scope_id: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        from ..models.price_in_filters_type_0 import PriceInFiltersType0
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

        filters: dict[str, Any] | None | Unset
        if isinstance(self.filters, Unset):
            filters = UNSET
        elif isinstance(self.filters, PriceInFiltersType0):
            filters = self.filters.to_dict()
        else:
            filters = self.filters

        model = self.model

        package_size: float | None | str | Unset
        if isinstance(self.package_size, Unset):
            package_size = UNSET
        else:
            package_size = self.package_size

        scope = self.scope

        scope_id = self.scope_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "tiers": tiers,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if filters is not UNSET:
            field_dict["filters"] = filters
        if model is not UNSET:
            field_dict["model"] = model
        if package_size is not UNSET:
            field_dict["package_size"] = package_size
        if scope is not UNSET:
            field_dict["scope"] = scope
        if scope_id is not UNSET:
            field_dict["scope_id"] = scope_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.price_in_filters_type_0 import PriceInFiltersType0
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


        def _parse_filters(data: object) -> None | PriceInFiltersType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filters_type_0 = PriceInFiltersType0.from_dict(data)



                return filters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PriceInFiltersType0 | Unset, data)

        filters = _parse_filters(d.pop("filters", UNSET))


        model = d.pop("model", UNSET)

        def _parse_package_size(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        package_size = _parse_package_size(d.pop("package_size", UNSET))


        scope = d.pop("scope", UNSET)

        scope_id = d.pop("scope_id", UNSET)

        price_in = cls(
            tiers=tiers,
            currency=currency,
            display_name=display_name,
            filters=filters,
            model=model,
            package_size=package_size,
            scope=scope,
            scope_id=scope_id,
        )

        return price_in

