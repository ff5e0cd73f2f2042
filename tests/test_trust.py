"""Trust in every claim: shortcuts that never overstate, and a graph sound under RDFS."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

import kg
from kg.core import resources
from kg.core.namespaces import KG, KGR
from kg.sparql.named import run
from kg.sources.schema import load_schema


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
    kg.build(raw_copy, tmp_path / "out", files=True)
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
    assert {r["grade"] for r in rows} == {"B6"}  # SVI's press release, one source each
    kidwai = run("entity-facts", store, {"entity": "Khalid Ahmad Kidwai"}).dicts()
    assert "speaker (keynote address)" in {r["role"] for r in kidwai}


# ---------------------------------------------------------------- grades

from kg.sources.grades import Grade, derived_credibility  # noqa: E402

from .conftest import invoke  # noqa: E402

ORDER = KGR["fact/pakistan-orders-mi-35m-2015"]


def _add_second_report(raw, *, publisher="Test Wire", extra_front="", extra_fact=""):
    (raw / "010_second.txt").write_text(
        f"---\ntitle: Another report\npublisher: {publisher}\nreference_date: 2019-01-10\n{extra_front}---\n"
        "Pakistan ordered four Mi-35M helicopters from Russia in 2015, officials recalled.\n", encoding="utf-8")
    (raw / "010_second.facts.yaml").write_text(
        "facts:\n"
        "  - type: arms_order\n    id: pakistan-orders-mi-35m-2015\n    supplier: Russia\n"
        "    recipient: Pakistan\n    weapon: Mi-35M\n    manufacturer: Russian Helicopters\n"
        f"    quantity: 4\n    date: 2015\n{extra_fact}"
        "    quote: Pakistan ordered four Mi-35M helicopters from Russia in 2015\n", encoding="utf-8")


def test_documents_take_their_publishers_grade_and_single_source_facts_are_6(built):
    g = _graph(built)
    assert g.value(KGR["doc/000_7ea689264487c6d2"], KG.reliability) == KG.ReliabilityB  # SVI, from the registry
    assert g.value(KGR["doc/004_05d95eeefa1e2818"], KG.reliability) == KG.ReliabilityC  # Quwa
    assert "Quwa" in str(g.value(KGR["doc/004_05d95eeefa1e2818"], KG.reliabilityNote))
    assert g.value(ORDER, KG.credibility) == KG.Credibility6
    assert g.value(ORDER, KG.grade) == Literal("C6")
    grades = {str(o) for o in g.objects(None, KG.grade)}
    assert grades == {"B6", "C6"} and len(list(g.subjects(KG.grade, None))) == 46


def test_corroboration_by_an_independent_source_raises_credibility(raw_copy, tmp_path):
    _add_second_report(raw_copy, extra_front="reliability: B\n")
    kg.build(raw_copy, tmp_path / "out", files=True)
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    assert g.value(ORDER, KG.credibility) == KG.Credibility2
    assert g.value(ORDER, KG.grade) == Literal("B2")  # the better of C (Quwa) and B
    assert g.value(ORDER, KG.independentSources) == Literal(2)
    assert [derived_credibility(n) for n in (1, 2, 3, 9)] == ["6", "2", "1", "1"]


def test_the_same_publisher_twice_is_not_corroboration(raw_copy, tmp_path):
    _add_second_report(raw_copy, publisher="Quwa")
    kg.build(raw_copy, tmp_path / "out", files=True)
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    assert g.value(ORDER, KG.grade) == Literal("C6")


def test_a_reviewers_credibility_wins(raw_copy, tmp_path):
    _add_second_report(raw_copy, extra_fact="    credibility: 3\n")
    kg.build(raw_copy, tmp_path / "out", files=True)
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    assert g.value(ORDER, KG.credibility) == KG.Credibility3
    assert "reviewer" in str(g.value(ORDER, KG.credibilityNote))


def test_a_grade_outside_the_scales_is_refused_with_file_and_line(raw_copy, tmp_path):
    _add_second_report(raw_copy, extra_front="reliability: G\n")
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "010_second.txt:5: reliability must be one of A, B, C, D, E, F" in result.output
    assert not (tmp_path / "out" / "kg.ttl").exists()
    _add_second_report(raw_copy, extra_fact="    credibility: 7\n")
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "010_second.facts.yaml:10: arms_order: 'credibility' must be one of 1, 2, 3, 4, 5, 6, not 7" in result.output
    (raw_copy / "entities.yaml").write_text(
        (raw_copy / "entities.yaml").read_text(encoding="utf-8").replace("reliability: B", "reliability: Z", 1),
        encoding="utf-8")
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "entities.yaml:" in result.output and "not 'Z'" in result.output


def test_two_documents_grading_one_publisher_differently_build_with_a_warning(raw_copy, tmp_path):
    _add_second_report(raw_copy, publisher="Quwa", extra_front="reliability: A\n")
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1
    assert "004_05d95eeefa1e2818.txt" in warning[0] and "010_second.txt" in warning[0]
    assert "C" in warning[0] and "A" in warning[0]


def test_grades_in_dyad_and_min_grade_filters(store, built):
    rows = run("dyad", store).dicts()
    assert {r["grade"] for r in rows} == {"B6", "C6"}
    better = run("dyad", store, {"min_grade": "B6"}).dicts()
    assert better and {r["grade"] for r in better} == {"B6"} and len(better) < len(rows)
    assert run("dyad", store, {"min_grade": "B3"}).dicts() == []
    assert Grade.parse("b3").at_least(Grade.parse("C6")) and not Grade.parse("B6").at_least(Grade.parse("B3"))
    result = invoke("query", "dyad", "--build", built, "--bind", "min_grade=G3")
    assert result.exit_code != 0 and "a grade is a letter A-F and a digit 1-6" in result.output


def test_grades_in_the_timeline_and_network_exports(built, tmp_path):
    from kg.views.network import NODE_COLUMNS

    result = invoke("timeline", "Pakistan", "Russia", "--build", built, "--format", "csv")
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert "grade" in header.split(",") and any(",C6," in line for line in lines)
    assert "grade" in NODE_COLUMNS



# ---------------------------------------------------------------- Wikidata links

def test_every_registry_entity_says_whether_a_qid_was_verified_and_where():
    from .conftest import SEED_RAW
    from kg.sources.registry import load_registry

    registry = load_registry(SEED_RAW / "entities.yaml", load_schema())
    for ent in registry.entities.values():
        qid = ent.props.get("wikidata")
        assert qid is not None, f"{ent.id}: give its QID, or wikidata: none"
        if qid != "none":
            assert ent.props.get("wikidata_source"), f"{ent.id}: where was {qid} verified?"
    verified = {e.id: e.props["wikidata"] for e in registry.entities.values() if e.props["wikidata"] != "none"}
    assert verified["iaea"] == "Q41984" and verified["pakistan"] == "Q843" and len(verified) == 9


def test_qids_show_as_links_in_query_tables(built):
    result = invoke("query", "--build", built, "SELECT ?e WHERE { VALUES ?e { kgr:pakistan kgr:svi } }")
    assert result.exit_code == 0, result.output
    assert "kgr:pakistan https://www.wikidata.org/wiki/Q843" in result.output
    svi = next(line for line in result.output.splitlines() if "kgr:svi" in line)
    assert "wikidata" not in svi  # no QID verified for it: no link
    csv = invoke("query", "--build", built, "-f", "csv", "SELECT ?e WHERE { VALUES ?e { kgr:pakistan } }")
    assert "wikidata" not in csv.output  # machine formats keep the bare IRI


def test_the_page_data_carries_qids(built):
    from kg.render.page import page_data
    from kg.views.network import project
    from kg.views.selection import select
    from kg.views.ties import load_ties

    ties = load_ties(built)
    assert ties.entities["pakistan"].wikidata == "Q843" and ties.entities["svi"].wikidata == ""
    data = page_data(project(select(ties)))
    rows = {row[0]: row for row in data["nodes"]}
    assert rows["Pakistan"][9] == "Q843" and rows["Strategic Vision Institute"][9] == ""


@pytest.mark.slow
def test_the_page_links_an_entity_to_its_wikidata_item(browser, built, tmp_path):
    from kg.render.page import render
    from kg.views.network import project
    from kg.views.selection import select
    from kg.views.ties import load_ties

    from .test_viz_browser import Opened

    path = tmp_path / "page.html"
    path.write_text(render(project(select(load_ties(built)))), encoding="utf-8")
    opened = Opened(browser, path)
    try:
        page = opened.page
        page.fill("#search", "Pakistan")
        page.press("#search", "Enter")
        page.wait_for_selector("#details a.wikidata")
        link = page.locator("#details a.wikidata")
        assert link.get_attribute("href") == "https://www.wikidata.org/wiki/Q843" and link.text_content() == "Q843"
        opened.assert_clean()
    finally:
        opened.close()
