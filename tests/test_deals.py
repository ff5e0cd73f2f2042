"""Deals followed through: an announcement, a contract and its deliveries, across documents, as one deal."""

from __future__ import annotations

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
