"""The index of entity names `kg build` keeps with the build: the same answers as the queries it replaces."""

from __future__ import annotations

import yaml

from kg.core.errors import KGError
from kg.sparql.named import _entity_term
from kg.store.local import Store

from .conftest import SEED_RAW


def _answer(store, name):
    try:
        return _entity_term(store, name)
    except KGError as exc:
        return f"error: {exc}"


def test_every_seed_name_and_odd_input_resolves_as_the_label_scan_did(built):
    indexed = Store.open(built, in_memory=False)
    assert indexed.name_lookup() is not None
    scanned = Store(indexed.oxigraph)  # the same graph, without the build's index: the old queries
    assert scanned.name_lookup() is None
    registry = yaml.safe_load((SEED_RAW / "entities.yaml").read_text(encoding="utf-8"))
    names = set()
    for eid, ent in registry.items():
        names.add(str(eid))
        names.update(str(v) for k, v in ent.items() if k in ("name", "acronym"))
        names.update(str(a) for a in ent.get("aliases", []) or [])
    assert len(names) > 40
    odd = ["PAKISTAN", "  pakistan  ", "Pakistan.", "pakistan,", "Pakstan", "Russia Federation", "", " ",
           "<script>alert(1)</script>", "Pak\"istan", "パキスタン", "STRAẞE", "ǅ", "pakistan\n", "x" * 300,
           "Islamic  Republic of Pakistan", "sco", "S.C.O."]
    for name in sorted(names) + odd:
        assert _answer(indexed, name) == _answer(scanned, name), repr(name)


def test_the_build_makes_its_name_index_as_the_query_over_its_graph_would(built):
    """names.json is made from the registry graph's quads as the build makes them, not by a query:
    the same data as name_lookup_data over the built graph."""
    import json

    from kg.sparql.named import name_lookup_data
    from kg.store.local import NAMES_FILE
    from kg.store.publish import current

    store = Store.open(built, in_memory=False)
    kept = json.loads((current(built) / NAMES_FILE).read_text(encoding="utf-8"))
    assert kept["exact"] and kept == name_lookup_data(Store(store.oxigraph))
