"""Contradictions surfaced, not hidden: kg check, the build's summary line, the conflicts query, the page."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

import kg
from kg.builder.conflicts import check
from kg.core.namespaces import KG
from kg.sparql.named import run

from .conftest import invoke


def _third_document(raw):
    """A document saying Pakistan joined the SCO in July 2016, under a new fact id (the seeds say June 2017)."""
    (raw / "020_sco_2016.txt").write_text(
        "---\ntitle: Pakistan joins the SCO\npublisher: Test Wire\nreference_date: 2016-07-15\n---\n"
        "Pakistan joined the Shanghai Cooperation Organization as a full member in July 2016, officials said.\n",
        encoding="utf-8")
    (raw / "020_sco_2016.facts.yaml").write_text(
        "facts:\n  - type: membership\n    id: pakistan-joins-sco-2016\n    member: Pakistan\n"
        "    organization: SCO\n    status: full\n    date: July 2016\n"
        "    quote: Pakistan joined the Shanghai Cooperation Organization as a full member in July 2016\n",
        encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def contradicted(tmp_path_factory):
    import shutil

    from .conftest import SEED_RAW

    root = tmp_path_factory.mktemp("contradicted")
    shutil.copytree(SEED_RAW, root / "raw")
    _third_document(root / "raw")
    result = invoke("build", "--raw", root / "raw", "--out", root / "build", "--files", "--page")
    return root / "build", result


def test_the_seeds_have_no_conflict(built):
    assert check(built) == []


def test_a_third_document_contradicting_the_sco_date_is_one_conflict(contradicted):
    out, result = contradicted
    assert result.exit_code == 0, result.output  # a conflict never stops the build
    assert "  conflicts  1 " in result.output
    (conflict,) = check(out)
    assert conflict.kind == "dates"
    assert {conflict.a.id, conflict.b.id} == {"pakistan-joins-sco", "pakistan-joins-sco-2016"}
    assert "begins twice" in conflict.reason


def test_kg_check_json_lists_both_quotes_and_sources_with_grades(contradicted):
    out, _ = contradicted
    result = invoke("check", "--build", out, "--json")
    assert result.exit_code == 0, result.output
    (conflict,) = json.loads(result.output)["conflicts"]
    sides = {f["fact"]: f for f in conflict["facts"]}
    seed, third = sides["pakistan-joins-sco"], sides["pakistan-joins-sco-2016"]
    assert "full-members in June 2017" in seed["sources"][0]["quote"]
    assert seed["sources"][0]["title"] == "Pakistan will participate in SCO Peace Mission 2018 exercise"
    assert seed["sources"][0]["reliability"] == "C" and seed["grade"] == "C6"
    assert third["sources"] == [{"title": "Pakistan joins the SCO", "reliability": "F",
                                 "quote": "Pakistan joined the Shanghai Cooperation Organization as a full member in July 2016"}]
    text = invoke("check", "--build", out)
    assert text.output.startswith("conflict (dates): the membership begins twice")
    assert text.output.rstrip().endswith("1 conflict")


def test_the_conflicts_query_and_the_graph_name_both_facts(contradicted):
    out, _ = contradicted
    rows = run("conflicts", out).dicts()
    assert len(rows) == 2 and {r["date"] for r in rows} == {"2017-06", "2016-07"}
    assert all(r["kind"] == "dates" for r in rows)
    g = Graph().parse(out / "kg.ttl")
    (node,) = set(g.subjects(None, KG.Conflict))
    assert len(set(g.objects(node, KG.conflictingFact))) == 2


def test_a_planned_fact_reported_not_to_have_happened_conflicts(raw_copy, tmp_path):
    (raw_copy / "030_denied.txt").write_text(
        "---\ntitle: Visit called off\npublisher: Test Wire\nreference_date: 2018-05-02\n---\n"
        "Pakistan's defence minister did not travel to Moscow in April; the visit was called off.\n",
        encoding="utf-8")
    (raw_copy / "030_denied.facts.yaml").write_text(
        "facts:\n  - type: visit\n    visitor: Khurram Dastgir Khan\n    visiting_state: Pakistan\n"
        "    host: Russia\n    location: Moscow\n    denied: true\n    date: April 2018\n"
        "    quote: Pakistan's defence minister did not travel to Moscow in April\n", encoding="utf-8")
    result = kg.build(raw_copy, tmp_path / "out")
    (conflict,) = result.conflicts
    assert conflict.kind == "outcome" and "reported planned" in conflict.reason


def test_different_quantities_of_one_order_conflict(raw_copy, tmp_path):
    (raw_copy / "040_six.txt").write_text(
        "---\ntitle: Six helicopters\npublisher: Test Wire\nreference_date: 2016-01-10\n---\n"
        "Pakistan ordered six Mi-35M helicopters from Russia in 2015.\n", encoding="utf-8")
    (raw_copy / "040_six.facts.yaml").write_text(
        "facts:\n  - type: arms_order\n    id: pakistan-orders-six-mi-35m\n    supplier: Russia\n"
        "    recipient: Pakistan\n    weapon: Mi-35M\n    quantity: 6\n    date: 2015\n"
        "    quote: Pakistan ordered six Mi-35M helicopters from Russia in 2015.\n", encoding="utf-8")
    result = kg.build(raw_copy, tmp_path / "out")
    assert [c.kind for c in result.conflicts] == ["quantity"]


@pytest.mark.slow
def test_the_page_marks_the_contradicted_edge_and_shows_both_sides(browser, contradicted):
    from .test_viz_browser import Opened

    out, _ = contradicted
    opened = Opened(browser, out / "graph.html")
    page = opened.page
    try:
        marked = page.evaluate("kgView.network.body.data.edges.get({filter: (e) => e.conflict})"
                               ".map((e) => [e.id, e.width, e.color.color])")
        assert marked and all(width == 4 and color == "#b00020" for _, width, color in marked)
        edge = marked[0][0]
        page.evaluate("(edge) => kgView.network.body.emitter.emit('click', "
                      "{nodes: [], edges: [edge], pointer: {DOM: {x: 0, y: 0}, canvas: {x: 0, y: 0}}})", edge)
        details = page.text_content("#details")
        assert "⚠ Conflict" in details and "begins twice" in details
        assert "full-members in June 2017" in details
        assert "as a full member in July 2016" in details
        opened.assert_clean()
    finally:
        opened.close()
