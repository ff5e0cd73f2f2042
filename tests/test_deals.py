"""Deals followed through: an announcement, a contract and its deliveries, across documents, as one deal."""

from __future__ import annotations

import pytest
from rdflib import Graph

import kg
from kg.core.namespaces import KG, KGR
from kg.sparql.named import run

from .conftest import invoke


def _doc(raw, stem, title, date, text, fact):
    (raw / f"{stem}.txt").write_text(
        f"---\ntitle: {title}\npublisher: {title} Wire\nreference_date: {date}\n---\n{text}\n", encoding="utf-8")
    (raw / f"{stem}.facts.yaml").write_text("facts:\n" + fact, encoding="utf-8")


TRANSFER = "    supplier: Russia\n    recipient: Pakistan\n    weapon: Mi-35M\n    deal: pakistan-mi-35m\n"


def _deal_documents(raw):
    _doc(raw, "050_announced", "Talks", "2014-11-20",
         "Russia has agreed to sell Mi-35M attack helicopters to Pakistan, officials announced.",
         "  - type: arms_order\n    id: mi-35m-announced\n" + TRANSFER + "    stage: announced\n"
         "    date: 2014-11\n    quote: Russia has agreed to sell Mi-35M attack helicopters to Pakistan\n")
    _doc(raw, "051_first", "First", "2017-09-01",
         "The first two of four Mi-35M helicopters reached Pakistan from Russia in August.",
         "  - type: arms_delivery\n    id: mi-35m-batch-1\n" + TRANSFER + "    stage: delivered\n"
         "    quantity: 2\n    batch: 1\n    batches: 2\n    date: August 2017\n"
         "    quote: The first two of four Mi-35M helicopters reached Pakistan from Russia in August.\n")
    _doc(raw, "052_second", "Second", "2018-03-10",
         "Russia delivered the remaining two Mi-35M helicopters to Pakistan in February.",
         "  - type: arms_delivery\n    id: mi-35m-batch-2\n" + TRANSFER + "    stage: delivered\n"
         "    quantity: 2\n    batch: 2\n    date: February 2018\n"
         "    quote: Russia delivered the remaining two Mi-35M helicopters to Pakistan in February.\n")


def test_the_seed_order_is_a_deal_at_stage_ordered(store):
    (deal,) = run("deals", store).dicts()
    assert (deal["deal"], deal["stage"], deal["ordered"], deal["quantityOrdered"]) == \
        ("pakistan-mi-35m", "ordered", "2015", "4")
    assert deal["deliveries"] is None


def test_announcement_contract_and_two_deliveries_are_one_deal(raw_copy, tmp_path):
    _deal_documents(raw_copy)
    kg.build(raw_copy, tmp_path / "out", files=True)
    (deal,) = run("deals", tmp_path / "out").dicts()
    assert deal["stage"] == "delivered (2 of 2 batches)"
    assert (deal["announced"], deal["ordered"], deal["deliveries"]) == ("2014-11", "2015", "2017-08 (2), 2018-02 (2)")
    assert (deal["quantityOrdered"], deal["quantityDelivered"]) == ("4", "4")
    assert set(deal["sources"].split(" | ")) == {
        "Talks", "First", "Second", "Pakistan will participate in SCO Peace Mission 2018 exercise"}
    # The announcement alone says nothing was ordered yet: no shortcut from it.
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    assert (KGR["fact/mi-35m-announced"], KG.dealStage, KG.StageAnnounced) in g
    assert (KGR.russia, KG.deliveredArmsTo, KGR.pakistan) in g


def test_an_announced_deal_alone_makes_no_shortcut(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    from .conftest import SEED_RAW

    (raw / "entities.yaml").write_text((SEED_RAW / "entities.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    _deal_documents(raw)
    for stem in ("051_first", "052_second"):
        (raw / f"{stem}.txt").unlink()
        (raw / f"{stem}.facts.yaml").unlink()
    kg.build(raw, tmp_path / "out", files=True)
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    assert not list(g.triples((None, KG.orderedArmsFrom, None)))
    (deal,) = run("deals", tmp_path / "out").dicts()
    assert deal["stage"] == "announced"


def test_an_unknown_stage_is_refused_with_file_and_line(raw_copy, tmp_path):
    _deal_documents(raw_copy)
    sheet = raw_copy / "052_second.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("stage: delivered", "stage: shipped"),
                     encoding="utf-8")
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("052_second.facts.yaml:8: arms_delivery: 'stage' must be one of announced, delivered, in_service, "
            "negotiated, ordered, not 'shipped'") in result.output


def test_the_page_draws_a_deal_once_and_lists_its_stages(raw_copy, tmp_path):
    from kg.render.page import page_data
    from kg.views.network import project
    from kg.views.selection import select
    from kg.views.ties import load_ties

    _deal_documents(raw_copy)
    kg.build(raw_copy, tmp_path / "out")
    ties = load_ties(tmp_path / "out")
    assert ties.facts["mi-35m-announced"].planned and ties.facts["mi-35m-batch-2"].stage == "delivered"
    g = project(select(ties))
    deal_facts = {"mi-35m-announced", "pakistan-orders-mi-35m-2015", "mi-35m-batch-1", "mi-35m-batch-2"}
    drawn = {d["fact"] for _, d in g.nodes(data=True) if "fact" in d} | {d["fact"] for *_, d in g.edges(data=True)}
    assert drawn & deal_facts == {"mi-35m-batch-2"}  # one node for the deal: its furthest stage
    data = page_data(g)
    rows = [r for r in data["facts"] if len(r) > 11]  # the drawn stage, and the others it lists
    assert len(rows) == 4 and all(r[11] == rows[0][11] for r in rows)
    deal, stages = rows[0][11]
    assert deal == "pakistan-mi-35m"
    assert [(s, d) for s, d, _ in stages] == [("announced", "2014-11"), ("ordered", "2015"),
                                              ("delivered", "2017-08"), ("delivered", "2018-02")]


@pytest.mark.slow
def test_the_deal_panel_lists_its_stages_in_the_browser(browser, raw_copy, tmp_path):
    from kg.render.page import render
    from kg.views.network import project
    from kg.views.selection import select
    from kg.views.ties import load_ties

    from .test_viz_browser import Opened

    _deal_documents(raw_copy)
    kg.build(raw_copy, tmp_path / "out")
    g = project(select(load_ties(tmp_path / "out")))
    path = tmp_path / "deal.html"
    path.write_text(render(g), encoding="utf-8")
    node = list(g.nodes).index("fact/mi-35m-batch-2")
    opened = Opened(browser, path)
    try:
        page = opened.page
        page.evaluate("(node) => kgView.network.body.emitter.emit('click', "
                      "{nodes: [node], edges: [], pointer: {DOM: {x: 0, y: 0}, canvas: {x: 0, y: 0}}})", node)
        page.wait_for_selector("#details .deal")
        assert page.text_content("#details .deal h3") == "Deal pakistan-mi-35m"
        items = page.locator("#details .deal li").all_text_contents()
        assert [i.split(" (")[0] for i in items] == ["2014-11 · announced", "2015 · ordered", "2017-08 · delivered",
                                                     "2018-02 · delivered"]
        page.get_by_role("button", name="ordered").click()
        assert "four Mi-35M from Russian Helicopters in 2015" in page.text_content("#details")
        opened.assert_clean()
    finally:
        opened.close()


def test_kg_extract_drafts_name_the_deal_stage(tmp_path):
    from kg.extract import extract_document
    from kg.extract.sheet import deal_stage, fact_to_json, to_yaml
    from kg.extract.text import document_from_text
    from kg.sources.documents import read_document
    from kg.sources.registry import load_registry
    from kg.sources.schema import load_schema

    from .conftest import SEED_RAW

    text = ("Russia delivered four Mi-35M helicopters to Pakistan in December 2017. "
            "Pakistan ordered four Mi-35M helicopters from Russia in 2015.")
    found = {d.type: d for d in extract_document(document_from_text(text, "2018-02-01"))}
    assert deal_stage(found["arms_delivery"]) == "delivered" and deal_stage(found["arms_order"]) == "ordered"
    assert fact_to_json(found["arms_order"])["stage"] == "ordered"
    found["arms_order"].planned = True  # an order only announced
    assert fact_to_json(found["arms_order"])["stage"] == "announced"
    # The fact sheet a reviewer edits carries the key too.
    path = tmp_path / "090_deal.txt"
    path.write_text(f"---\ntitle: Deal\npublisher: Test Wire\nreference_date: 2018-02-01\n---\n{text}\n",
                    encoding="utf-8")
    registry = load_registry(SEED_RAW / "entities.yaml", load_schema())
    drafts = extract_document(read_document(path), registry=registry)
    sheet, _ = to_yaml(drafts, read_document(path), registry, load_schema())
    assert "stage: delivered" in sheet and "stage: ordered" in sheet
