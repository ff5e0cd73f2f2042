"""Trust in every claim: shortcuts that never overstate, and a graph sound under RDFS."""

from __future__ import annotations

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

import kg
from kg import resources
from kg.namespaces import KG, KGR
from kg.query import run
from kg.schema import load_schema


def _graph(built) -> Graph:
    return Graph().parse(built / "kg.ttl")


def _expected_shortcuts(g: Graph) -> tuple[set, set]:
    """The shortcut triples the ontology's declarations imply, from facts reported as done, and
    those that the planned or denied facts would have implied."""
    schema = load_schema()
    done, withheld = set(), set()
    for ftype in schema.fact_types.values():
        for fact in g.subjects(RDF.type, ftype.cls):
            target = done
            if (fact, KG.planned, Literal(True)) in g or (fact, KG.denied, Literal(True)) in g:
                target = withheld
            # Roles may sit on the fact or on a nested part of it (a speech).
            nodes = [fact] + [o for o in g.objects(fact, None) if str(o).startswith(str(fact) + "/")]

            def values(prop):
                return {o for n in nodes for o in g.objects(n, prop)}

            for sc in ftype.shortcuts:
                if sc.predicate is not None:
                    predicates = {sc.predicate}
                else:
                    predicates = {schema.concept_predicates[c] for c in values(sc.predicate_from)}
                objects = values(sc.object) if sc.object is not None else {fact}
                for p in predicates:
                    target.update((s, p, o) for s in values(sc.subject) for o in objects if s != o)
    return done, withheld


def test_every_shortcut_comes_from_a_fact_reported_as_done_with_a_date(built):
    g = _graph(built)
    done, withheld = _expected_shortcuts(g)
    predicates = {p for _, p, _ in done | withheld}
    actual = {t for p in predicates for t in g.triples((None, p, None))}
    assert actual == done
    assert withheld - done, "the seeds' planned facts should imply shortcuts that are withheld"
    assert not (withheld - done) & actual
    # Every fact that yields a shortcut is dated and cited.
    for fact in g.subjects(RDF.type, KG.Fact):
        assert g.value(fact, KG.dateLabel) is not None and g.value(fact, PROV.wasDerivedFrom) is not None


def test_the_planned_visit_makes_no_shortcut_but_is_still_found_by_visits(built, store):
    g = _graph(built)
    assert (KGR.pakistan, KG.visited, KGR.russia) not in g
    assert (KGR.pakistan, KG.exercisedUnder, KGR.sco) not in g
    assert not list(g.triples((None, KG.visited, None)))
    (visit,) = run("visits", store).dicts()
    assert visit["status"] == "planned" and visit["host"] == "Russia"


def test_a_denied_fact_makes_no_shortcut(raw_copy, tmp_path):
    (raw_copy / "030_denied.txt").write_text(
        "---\ntitle: Visit called off\npublisher: Test Wire\nreference_date: 2018-05-02\n---\n"
        "Pakistan's defence minister did not travel to Moscow in April; the visit was called off.\n",
        encoding="utf-8")
    (raw_copy / "030_denied.facts.yaml").write_text(
        "facts:\n  - type: visit\n    visitor: Khurram Dastgir Khan\n    visiting_state: Pakistan\n"
        "    host: Russia\n    denied: true\n    date: April 2018\n"
        "    quote: Pakistan's defence minister did not travel to Moscow in April\n", encoding="utf-8")
    kg.build(raw_copy, tmp_path / "out")
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    assert len(set(g.subjects(KG.denied, Literal(True)))) == 1
    assert not list(g.triples((None, KG.visited, None)))


def test_every_fact_is_a_kg_fact_without_inference(built, store):
    g = _graph(built)
    cited = set(g.subjects(PROV.wasDerivedFrom, None))
    assert set(g.subjects(RDF.type, KG.Fact)) == cited and len(cited) == 46
    (row,) = run("SELECT (COUNT(?f) AS ?n) WHERE { ?f a kg:Fact }", store).dicts()
    assert row["n"] == "46"
    order = KGR["fact/pakistan-orders-mi-35m-2015"]
    assert {KG.ArmsOrder, KG.ArmsTransfer, KG.Fact, PROV.Entity} <= set(g.objects(order, RDF.type))


def test_pyshacl_with_rdfs_inference_conforms_and_infers_no_false_fact(built):
    data = _graph(built)
    ontology = Graph().parse(resources.ontology_file())
    shapes = Graph().parse(resources.shapes_file())
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    assert conforms, text
    # The same closure, by hand: nothing becomes a fact that is not one (a speech, a person).
    closed = data + ontology
    pyshacl.validate(closed, shacl_graph=shapes, inference="rdfs", inplace=True)
    assert set(closed.subjects(RDF.type, KG.Fact)) == set(data.subjects(PROV.wasDerivedFrom, None))
    speech = URIRef(str(KGR["fact/svi-conference-pakistan-russia-2023"]) + "/speakers/1")
    assert (speech, RDF.type, KG.Speech) in closed and (speech, RDF.type, KG.Fact) not in closed


def test_entity_facts_includes_speeches_and_sources(store):
    rows = run("entity-facts", store, {"entity": "Anton Khlopkov"}).dicts()
    conference = [r for r in rows if r["type"] == "conference or meeting"]
    assert [r["role"] for r in conference] == ["speaker (introductory remarks)"]
    assert all(r["sources"].startswith("Press Release: SVI international conference") for r in rows)
    kidwai = run("entity-facts", store, {"entity": "Khalid Ahmad Kidwai"}).dicts()
    assert "speaker (keynote address)" in {r["role"] for r in kidwai}
