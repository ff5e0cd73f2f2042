"""One dyad everywhere: `kg query dyad`, `kg viz --dyad`, `kg timeline` and `kg brief`
select the same facts, from kg.views.dyad."""

from __future__ import annotations

from collections import Counter

import pytest

import kg
from kg.views.ties import load_ties
from kg.render.timeline import chronology
from kg.views.selection import View, dyad, select

PAIRS = [("Pakistan", "Russia"), ("Pakistan", "India"), ("Russia", "Kyrgyzstan"), ("India", "Russia"),
         ("Pakistan", "SCO")]


@pytest.fixture(scope="module")
def ties(store):
    return load_ties(store)


@pytest.mark.parametrize("a,b", PAIRS)
def test_the_query_the_view_and_the_timeline_select_the_same_facts(store, ties, a, b):
    rows = kg.query("dyad", store, {"a": a, "b": b}).dicts()
    queried = Counter(r["fact"] for r in rows)
    found = dyad(ties, a, b)
    assert queried == Counter(f.label for f in found.facts)
    assert Counter(f.label for f in select(ties, View(dyad=(a, b))).facts.values()) == queried
    assert Counter(f.label for f in chronology(ties, a, b).facts) == queried
    # The query names the common ground of each fact that stands on it, as the library does.
    through = {r["fact"]: set(filter(None, (r["through"] or "").split(" | "))) for r in rows}
    assert through == {f.label: {ties.entities[e].name for e in found.through(f.id)} for f in found.facts}


def test_pakistan_russia_is_24_facts_between_them_and_6_on_common_ground(ties):
    found = dyad(ties, "pakistan", "RUSSIA")
    assert (len(found.between), len(found.common), len(found.facts)) == (24, 6, 30)
    assert {f.id for f in found.facts if f.id in found.common} == {
        "pakistan-member-of-iaea", "russia-member-of-iaea",
        "treaty-status-pakistan-npt-nonsignatory-as-of-2023-11-21-2023-11-22",
        "treaty-status-russia-npt-party-as-of-2023-11-21-2023-11-22",
        "treaty-status-pakistan-nsg-lackswaiver-as-of-2023-11-21-2023-11-22",
        "treaty-status-russia-nsg-party-as-of-2023-11-21-2023-11-22"}
    # A bilateral statement that names the SCO does not make the SCO common ground:
    # the graph has no tie of Russia's own to it.
    assert not any("Shanghai" in f.label for f in found.facts)
    keys = [f.sort_key() for f in found.facts]
    assert keys == sorted(keys)
