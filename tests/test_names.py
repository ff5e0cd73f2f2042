"""Entity lookup gives the same answer from every command: the registry (fact sheets), the
ties (kg viz, kg timeline, kg analyze) and query parameters (kg query --bind) all go through
kg.sources.names, over every name, alias and acronym of the seeds, in any case and punctuation."""

from __future__ import annotations

import pytest

from kg.core.errors import UnknownEntityError
from kg.core.namespaces import KGR
from kg.sources.names import NameIndex, normalise
from kg.sources.registry import load_registry
from kg.sources.schema import load_schema
from kg.sparql.named import _entity_term, entity_names
from kg.views.ties import load_ties

from .conftest import SEED_RAW, invoke


def _variants(name: str) -> set[str]:
    return {name, name.upper(), name.lower(), name + ".", f"  {name} ", name.replace(" ", ", ", 1)}


@pytest.fixture(scope="module")
def registry():
    return load_registry(SEED_RAW / "entities.yaml", load_schema())


@pytest.fixture(scope="module")
def seed_names(registry):
    """(entity id, a way to write one of its names), for every name of every seed entity."""
    out = []
    for ent in registry.entities.values():
        names = [ent.id, ent.name, *map(str, ent.aliases)]
        if "acronym" in ent.props:
            names.append(str(ent.props["acronym"]))
        out += [(ent.id, v) for n in names for v in sorted(_variants(n))]
    return out


def test_every_name_finds_the_same_entity_in_the_registry_the_ties_and_query_parameters(
        registry, seed_names, built, store):
    ties = load_ties(built)
    graph_index = entity_names(store)
    in_graph = set(ties.entities)
    assert len(in_graph) > 25 and in_graph < set(registry.entities)  # a few registry entities have no facts
    wrong = []
    for entity_id, written in seed_names:
        try:
            tied = ties.resolve(written).id
        except UnknownEntityError:
            tied = None
        found = {"registry": getattr(registry.resolve(written), "id", None), "ties": tied,
                 "graph": graph_index.owner(written)}
        expected = {"registry": entity_id, "ties": entity_id if entity_id in in_graph else None,
                    "graph": entity_id if entity_id in in_graph else None}
        if found != expected:
            wrong.append(f"{written!r}: {found}, expected {expected}")
    assert len(seed_names) > 500 and not wrong, "\n".join(wrong[:20])


def test_query_parameters_take_the_punctuated_forms(store, seed_names):
    # the parameter path itself (exact match first, then the index), on a sample of every kind of variant
    graph = set(entity_names(store)._labels)
    for entity_id, written in [(e, w) for e, w in seed_names if e in graph][::7]:
        assert _entity_term(store, written) == f"<{KGR[entity_id]}>", written


def test_timeline_and_query_agree_on_a_shouted_name_with_a_full_stop(built):
    timeline = invoke("timeline", "--build", built, "PAKISTAN.", "Russia", "--format", "csv")
    plain = invoke("timeline", "--build", built, "Pakistan", "Russia", "--format", "csv")
    assert timeline.exit_code == 0 and timeline.output == plain.output
    query = invoke("query", "--build", built, "dyad", "--bind", "a=PAKISTAN.", "--format", "csv")
    plain = invoke("query", "--build", built, "dyad", "--bind", "a=Pakistan", "--format", "csv")
    assert query.exit_code == 0, query.stderr
    assert query.output == plain.output and len(query.output.splitlines()) > 5


def test_unknown_names_get_the_same_suggestion_everywhere(registry, built, store):
    ties = load_ties(built)
    for typo, meant in (("Pakstan", "Pakistan"), ("Rusia", "Russia"), ("Vladimir Puttin", "Vladimir Putin")):
        assert registry.suggestions(typo)[0] == meant
        with pytest.raises(UnknownEntityError, match=f"did you mean {meant}"):
            ties.resolve(typo)
        with pytest.raises(UnknownEntityError, match=f"did you mean {meant}"):
            _entity_term(store, typo)
        result = invoke("query", "--build", built, "dyad", "--bind", f"a={typo}")
        assert result.exit_code == 2 and f"did you mean {meant}" in result.stderr


def test_the_index_folds_case_punctuation_and_spaces_and_keeps_the_first_owner():
    index = NameIndex()
    assert index.add("usa", "United States", ["U.S.", "USA"]) is None
    assert index.add("us-navy", "U.S. Navy", ["U.S.", "Usa"]) == ("U.S.", "usa")  # "U.S." folds to "u s": taken
    assert normalise(" U.S., ") == "u s" and index.owner("u. s.") == "usa" and index.owner("u.s. NAVY") == "us-navy"
    assert index.owner("Canada") is None and len(index) == 2
    with pytest.raises(UnknownEntityError, match=r"no entity named 'United Stats' in the graph \(did you mean United States\?\)"):
        index.resolve("United Stats")
