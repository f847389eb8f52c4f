"""The optional fields of ``add`` and ``replace``, stated once for CampaignChange and CampaignSet."""

from __future__ import annotations

import pytest

from thrilldrops_events import CampaignChange, CampaignSet

_ORDER = ["event_type", "condition", "operator_id", "brand_id", "name", "tags", "active_from", "active_until", "extra"]


@pytest.mark.parametrize("make", [CampaignChange.add, CampaignChange.replace])
def test_fields_left_out_take_their_defaults_in_order(make: object) -> None:
    assert callable(make)
    change = make("c", "Deposit", "amount >= 1", brand_id="b-7", tags=["vip"])
    assert list(change.fields) == _ORDER
    assert change.fields == {"event_type": "Deposit", "condition": "amount >= 1", "operator_id": None,
                             "brand_id": "b-7", "name": None, "tags": ["vip"], "active_from": None,
                             "active_until": None, "extra": None}


@pytest.mark.parametrize("method", ["add", "replace"])
def test_an_unknown_keyword_is_a_type_error(method: str) -> None:
    with pytest.raises(TypeError, match=rf"{method}\(\) got an unexpected keyword argument 'tag'"):
        getattr(CampaignChange, method)("c", "Deposit", "amount >= 1", tag=["vip"])
    campaigns = CampaignSet()
    campaigns.add("c", "Deposit", "amount >= 1")
    with pytest.raises(TypeError, match="unexpected keyword argument 'brand'"):
        getattr(campaigns, method)("c", "Deposit", "amount >= 2", brand="b-7")
    assert campaigns.get("c").text == "amount >= 1"


def test_the_set_takes_any_iterable_of_tags() -> None:
    campaigns = CampaignSet()
    added = campaigns.add("c", "Deposit", "amount >= 1", tags=(tag for tag in ["a", "b"]))
    assert added.tags == ("a", "b")
    replaced = campaigns.replace("c", "Deposit", "amount >= 2", tags={"z"}, name="Z")
    assert (replaced.tags, replaced.name, replaced.text) == (("z",), "Z", "amount >= 2")
