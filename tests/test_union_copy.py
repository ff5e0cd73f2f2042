"""Queries in memory run on a copy with the union in the default graph: the same answers as the union
of the graphs, and a query that names graphs still sees one graph per document."""

from __future__ import annotations

import re
import sys
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import Graph

import kg
from kg.sparql.lexer import names_graphs
from kg.sparql.named import named_queries, prepare, run
from kg.store.local import Store

from .conftest import ROOT, assert_isomorphic


def _value(term) -> object:
    """A term as compared: blank nodes by kind only (the copy relabels them); text that may be a
    GROUP_CONCAT (the named queries join with " | " or ", ") as its sorted parts: it joins them
    in no set order."""
    if term is None or isinstance(term, ox.BlankNode):
        return None if term is None else "_:"
    if isinstance(term, ox.Literal) and (" | " in term.value or ", " in term.value):
        return ("concat", tuple(sorted(re.split(r" \| |, ", term.value))), term.datatype.value, term.language)
    return str(term)


def _answers(result) -> object:
    if result.kind == "ask":
        return result.boolean
    if result.kind == "graph":
        return Counter(tuple(_value(t) for t in (tr.subject, tr.predicate, tr.object)) for tr in result.triples)
    return result.variables, Counter(tuple(_value(t) for t in row) for row in result.rows)


def _assert_same_as_union(built) -> None:
    copy = Store.open(built, in_memory=True)
    graphs = Store(copy.oxigraph)  # the same graphs, queried as their union: the path before the copy
    for name, query in named_queries().items():
        text = prepare(query, graphs)
        assert not names_graphs(text), name
        assert _answers(run(query, copy)) == _answers(graphs.execute(text)), name
    assert copy._union is not None  # the copy was used


def test_every_named_query_answers_as_the_union_of_graphs_did_on_the_seeds(built):
    _assert_same_as_union(built)


@pytest.fixture(scope="module")
def synthetic_built(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import generate

    root = tmp_path_factory.mktemp("synth")
    generate(root / "raw", facts=150)
    kg.build(root / "raw", root / "build")
    return root / "build"


def test_every_named_query_answers_as_the_union_of_graphs_did_on_a_synthetic_folder(synthetic_built):
    _assert_same_as_union(synthetic_built)


def test_the_copy_holds_each_triple_of_every_graph_once(built):
    store = Store.open(built, in_memory=True)
    graphs = {(q.subject, q.predicate, q.object) for q in store.oxigraph}
    copy = store.union()
    assert len(copy) == len(graphs) < len(store.oxigraph)  # the seeds state some triples in several graphs
    assert all(q.graph_name == ox.DefaultGraph() for q in copy)
    # The ontology's blank nodes are relabelled: compare as graphs.
    as_graph = lambda triples: Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(),  # noqa: E731
                                             format="nt")
    assert_isomorphic(as_graph([ox.Triple(*t) for t in graphs]), as_graph([q.triple for q in copy]))
    assert Store.open(built, in_memory=False).union() is None  # on disk, no copy


def test_a_query_naming_graphs_still_sees_one_graph_per_document(built):
    store = Store.open(built, in_memory=True)
    per_graph = run("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", store)
    counts = {g.value: int(n.value) for g, n in per_graph.rows}
    expected = Counter(q.graph_name.value for q in store.oxigraph)
    assert counts == dict(expected) and len(counts) > 3  # the documents, the registry, the grades, the ontology
    # A triple two documents state is in each of their graphs, and once in the default graph.
    twice = run("SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p ?o "
                "HAVING (COUNT(?g) > 1) LIMIT 1", store)
    assert twice.rows
    s, p, o, n = twice.rows[0]
    assert int(n.value) > 1
    once = run(f"SELECT (COUNT(*) AS ?n) WHERE {{ {s} {p} {o} }}", store)
    assert int(once.rows[0][0].value) == 1


def _graph_count(store, where: str) -> int:
    return int(run(f"SELECT (COUNT(*) AS ?n) {where}", store).rows[0][0].value)


def test_odd_queries_go_to_the_store_that_can_answer_them(built):
    store = Store.open(built, in_memory=True)
    quads, triples = len(store.oxigraph), len(store.union())
    assert quads > triples
    # Named graphs, however they are asked for: the graphs themselves.
    assert _graph_count(store, "WHERE { GRAPH ?g { ?s ?p ?o } }") == quads
    assert _graph_count(store, "WHERE { { SELECT ?s WHERE { { SELECT ?s ?p WHERE { GRAPH ?g { ?s ?p ?o } } } } } }") \
        == quads
    graph = next(g for g in store.oxigraph.named_graphs())
    in_graph = sum(1 for _ in store.oxigraph.quads_for_pattern(None, None, None, graph))
    assert _graph_count(store, f"FROM <{graph.value}> WHERE {{ ?s ?p ?o }}") == in_graph
    assert _graph_count(store, f"FROM NAMED <{graph.value}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == in_graph
    assert _graph_count(store, "from named <urn:none> where { graph ?g { ?s ?p ?o } }") == 0
    # The word GRAPH where it is no keyword: the union copy.
    for where in ('WHERE { ?s ?p ?o FILTER (!sameTerm(?o, "GRAPH { ?x ?y ?z }")) }',
                  "WHERE { ?s ?p ?o FILTER (?o != <urn:GRAPH>) }",
                  "WHERE { ?s ?p ?o # GRAPH ?g { }\n }",
                  "WHERE { ?s ?p ?o BIND (1 AS ?graph) }",
                  "WHERE { ?s ?p ?o FILTER (!sameTerm(?o, '''FROM NAMED <urn:g>''')) }"):
        assert _graph_count(store, where) == triples, where


@pytest.mark.parametrize("text, expected", [
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", True),
    ("select * { graph <g:a> { ?s ?p ?o } }", True),
    ("SELECT * FROM <g:a> { ?s ?p ?o }", True),
    ("SELECT * FROM NAMED <g:a> { GRAPH ?g { ?s ?p ?o } }", True),
    ("SELECT * { { SELECT ?s { OPTIONAL { GRAPH ?g { ?s ?p ?o } } } } }", True),
    ("SELECT * {\n  ?s ?p ?o\n}\n#GRAPH\nFROM <x:y>", True),  # not a query Oxigraph takes, but it names a graph
    ('SELECT * { ?s ?p "GRAPH" }', False),
    ("SELECT * { ?s ?p '''FROM NAMED <g:a>''' }", False),
    ("SELECT * { ?s <urn:GRAPH> ?o }", False),
    ("SELECT * { ?s ?p ?o } # GRAPH ?g", False),
    ("SELECT ?graph ?from { ?graph ?from ?o }", False),
    ("SELECT * { ?s kg:graph ?o ; graph:x ?o }", False),
    ("SELECT * { ?s ?p ?o FILTER (LANG(?o) = 'en') } ", False),
])
def test_names_graphs(text, expected):
    assert names_graphs(text) is expected


# Named queries as they were before a rewrite for speed (bench/README.md): each rewrite must answer the same.
BEFORE_REWRITE = {
    "entity-facts": ("{ SELECT ?roleProperty ?role WHERE { ?roleProperty rdfs:subPropertyOf+ kg:participant ; "
                     "rdfs:label ?role } }\n    ?f ?roleProperty $entity .",
                     "?f ?roleProperty $entity .\n    ?roleProperty rdfs:subPropertyOf+ kg:participant ; "
                     "rdfs:label ?role ."),
    "between-dates": (None, """SELECT ?date ?type ?fact
       (GROUP_CONCAT(DISTINCT ?quote; SEPARATOR=" | ") AS ?quotes)
WHERE {
  ?f kg:participant $a , $b ; a ?cls ; rdfs:label ?fact ; kg:dateLabel ?date .
  ?cls kg:sheetType ?type .
  ?f prov:wasDerivedFrom/kg:quote ?quote .
  OPTIONAL { ?f kg:earliestDate ?e }
  OPTIONAL { ?f kg:latestDate ?l }
  FILTER ((!BOUND(?e) || ?e <= $to) && (!BOUND(?l) || ?l >= $from))
}
GROUP BY ?date ?type ?fact ?e ?l
ORDER BY COALESCE(?e, ?l) ?fact
"""),
    "tied-to": (None, """SELECT ?other ?otherType (COUNT(DISTINCT ?f) AS ?facts)
       (GROUP_CONCAT(DISTINCT ?factType; SEPARATOR=", ") AS ?types)
WHERE {
  ?f kg:participant $entity , ?o .
  FILTER (?o != $entity)
  ?f a ?cls . ?cls kg:sheetType ?factType .
  ?o skos:prefLabel ?other ; a ?oc . ?oc rdfs:label ?otherType .
  FILTER (STRSTARTS(STR(?oc), STR(kg:)))
}
GROUP BY ?other ?otherType
ORDER BY DESC(?facts) ?other
"""),
}
# Parameters to try each on: (name, value) pairs; a value the synthetic registry lacks is skipped.
TRIES = {
    "entity-facts": [{"entity": e} for e in ("Pakistan", "Russia", "SCO")],
    "tied-to": [{"entity": e} for e in ("Pakistan", "Russia", "SCO")],
    "between-dates": [{}, {"a": "Russia", "b": "Pakistan", "from": "1990-01-01", "to": "2030-12-31"},
                      {"a": "Pakistan", "b": "China", "from": "2018-06-01", "to": "2018-06-30"}],
}


@pytest.mark.parametrize("name", sorted(BEFORE_REWRITE))
def test_a_named_query_rewritten_for_speed_answers_as_before(built, synthetic_built, name):
    from kg.sparql.named import NamedQuery

    query = named_queries()[name]
    new, old = BEFORE_REWRITE[name]
    if new is None:  # the whole query was rewritten: the old one, after the same header
        header = "".join(line + "\n" for line in query.text.splitlines() if line.startswith("#"))
        before = NamedQuery(name, query.title, header + old, query.params)
    else:
        assert new in query.text
        before = NamedQuery(name, query.title, query.text.replace(new, old), query.params)
    compared = 0
    for build in (built, synthetic_built):
        store = Store.open(build, in_memory=True)
        for bindings in TRIES[name]:
            try:
                expected = _answers(run(before, store, bindings))
            except kg.KGError:  # an entity the synthetic registry lacks
                continue
            assert _answers(run(query, store, bindings)) == expected, (build, bindings)
            compared += sum(expected[1].values())
    assert compared > 20


def test_from_and_graph_mean_what_sparql_says_on_disk_too(built):
    """On disk there is no copy; FROM still picks the default graph (the union flag used to override it)."""
    store = Store.open(built, in_memory=False)
    assert store.union() is None
    graph = sorted(store.oxigraph.named_graphs(), key=str)[0]
    in_graph = sum(1 for _ in store.oxigraph.quads_for_pattern(None, None, None, graph))
    assert _graph_count(store, f"FROM <{graph.value}> WHERE {{ ?s ?p ?o }}") == in_graph
    assert _graph_count(store, "WHERE { GRAPH ?g { ?s ?p ?o } }") == len(store.oxigraph)
    assert _graph_count(store, "WHERE { ?s ?p ?o }") == len(store.oxigraph)  # the union, once per graph
