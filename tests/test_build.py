"""The seed graph: what `kg build` makes of raw/, checked as a graph, not as strings."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD

import kg
from kg.sources.documents import read_document
from kg.core.namespaces import KG, KGR, WD

from .conftest import SEED_RAW, assert_isomorphic, invoke


def _rdflib_from_oxigraph(path, fmt) -> Graph:
    """Parse with pyoxigraph (an independent parser) into an rdflib graph."""
    g = Graph()
    for quad in ox.parse(path=str(path), format=fmt):
        g.add(tuple(_term(t) for t in (quad.subject, quad.predicate, quad.object)))
    return g


def _term(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return Literal(t.value, datatype=None if dt == str(XSD.string) else URIRef(dt))


def test_summary_counts_every_fact_of_the_seeds(built):
    summary = json.loads((built / "summary.json").read_text())
    assert summary["documents"] == 2
    assert summary["facts"] == sum(summary["facts_by_type"].values())
    expected_types = {"membership", "arms_order", "exercise", "visit", "conference", "statement", "office",
                      "treaty_status", "diplomatic_relations", "anniversary", "cooperation_mechanism",
                      "energy_cooperation"}
    assert expected_types <= set(summary["facts_by_type"])
    g = Graph().parse(built / "kg.ttl")
    assert summary["triples"] == len(g)


def test_build_is_deterministic(tmp_path):
    kg.build(SEED_RAW, tmp_path / "one", files=True)
    kg.build(SEED_RAW, tmp_path / "two", files=True)
    for name in ("kg.ttl", "kg.trig", "summary.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_turtle_parses_with_pyoxigraph_into_an_isomorphic_graph(built):
    ours = Graph().parse(built / "kg.ttl", format="turtle")
    theirs = _rdflib_from_oxigraph(built / "kg.ttl", ox.RdfFormat.TURTLE)
    assert len(ours) == len(theirs)
    assert_isomorphic(ours, theirs)


def test_trig_keeps_one_named_graph_per_document_one_for_the_registry_and_one_for_grades(built):
    ds = Dataset()
    ds.parse(built / "kg.trig", format="trig")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {str(KGR["graph/000_7ea689264487c6d2"]), str(KGR["graph/004_05d95eeefa1e2818"]),
                     str(KGR["graph/registry"]), str(KGR["graph/grades"])}
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    assert_isomorphic(Graph().parse(built / "kg.ttl"), union)


def test_every_fact_has_a_quote_found_at_its_offsets(built):
    g = Graph().parse(built / "kg.ttl")
    docs = {d.stem: read_document(d) for d in SEED_RAW.glob("*.txt")}
    facts = set(g.subjects(PROV.wasDerivedFrom, None))
    assert len(facts) == json.loads((built / "summary.json").read_text())["facts"]
    for fact in facts:
        for cit in g.objects(fact, PROV.wasDerivedFrom):
            doc_id = str(g.value(cit, PROV.wasQuotedFrom)).rsplit("/", 1)[-1]
            start, end = int(g.value(cit, KG.startOffset)), int(g.value(cit, KG.endOffset))
            assert docs[doc_id].text[start:end] == str(g.value(cit, KG.quote))


def test_dates_carry_precision_and_bounds(built):
    g = Graph().parse(built / "kg.ttl")
    joined = KGR["fact/pakistan-joins-sco"]
    assert g.value(joined, KG.dateValue) == Literal("2017-06", datatype=XSD.gYearMonth)
    assert g.value(joined, KG.earliestDate) == Literal("2017-06-01", datatype=XSD.date)
    assert g.value(joined, KG.latestDate) == Literal("2017-06-30", datatype=XSD.date)
    conference = KGR["fact/svi-conference-pakistan-russia-2023"]
    assert str(g.value(conference, KG.dateValue)) == "2023-11-21/2023-11-22"
    assert g.value(conference, KG.isDateRange) == Literal(True)
    # "in April", written in February 2018, is April 2018; no day invented.
    visit = KGR["fact/dastgir-khan-visits-moscow-2018"]
    assert g.value(visit, KG.dateValue) == Literal("2018-04", datatype=XSD.gYearMonth)
    assert g.value(visit, KG.planned) == Literal(True)


def test_the_misdated_seed_keeps_both_dates_and_its_events_stay_in_2017_2018(built):
    g = Graph().parse(built / "kg.ttl")
    doc = KGR["doc/004_05d95eeefa1e2818"]
    assert g.value(doc, KG.publishedDate) == Literal("2024-03-05", datatype=XSD.date)
    assert g.value(doc, KG.referenceDate) == Literal("2018-02-01", datatype=XSD.date)
    for fact in g.subjects(PROV.wasDerivedFrom, None):
        cits = list(g.objects(fact, PROV.wasDerivedFrom))
        if all(g.value(c, PROV.wasQuotedFrom) == doc for c in cits):
            latest = g.value(fact, KG.latestDate)
            assert latest is not None and latest.toPython().year <= 2018, fact


def test_misspellings_are_aliases_never_new_people(built):
    g = Graph().parse(built / "kg.ttl")
    khlopkov = KGR["anton-khlopkov"]
    assert Literal("Anton Knlopkov") in set(g.objects(khlopkov, SKOS.altLabel))
    assert (KGR["naeem-salik"], SKOS.altLabel, Literal("Naeem A, Salik")) in g
    names = {str(o) for o in g.objects(None, SKOS.prefLabel)}
    assert "Anton Knlopkov" not in names and "Naeem A, Salik" not in names


def test_shortcuts_wikidata_and_cameo(built):
    g = Graph().parse(built / "kg.ttl")
    assert (KGR.pakistan, KG.memberOf, KGR.sco) in g
    assert (KGR.pakistan, KG.orderedArmsFrom, KGR.russia) in g
    assert (KGR.pakistan, KG.exercisedWith, KGR.russia) in g
    assert (KGR.russia, KG.exercisedWith, KGR.pakistan) in g
    assert (KGR.pakistan, KG.notPartyTo, KGR.npt) in g
    assert (KGR.pakistan, KG.lacksWaiverFrom, KGR.nsg) in g
    assert (KGR["khalid-kidwai"], KG.spokeAt, KGR["fact/svi-conference-pakistan-russia-2023"]) in g
    for entity, qid in (("pakistan", "Q843"), ("russia", "Q159"), ("india", "Q668"), ("sco", "Q485207")):
        assert (KGR[entity], SKOS.exactMatch, WD[qid]) in g
    cameo = g.value(KGR["fact/pakistan-orders-mi-35m-2015"], KG.eventCode)
    assert g.value(cameo, SKOS.notation) == Literal("062")


def test_a_fact_stated_by_two_documents_keeps_both_sources(raw_copy, tmp_path):
    (raw_copy / "010_second.txt").write_text(
        "---\ntitle: Another report\npublisher: Test Wire\nreference_date: 2019-01-10\n---\n"
        "Pakistan ordered four Mi-35M helicopters from Russia in 2015, officials recalled.\n",
        encoding="utf-8")
    (raw_copy / "010_second.facts.yaml").write_text(
        "facts:\n"
        "  - type: arms_order\n    id: pakistan-orders-mi-35m-2015\n    supplier: Russia\n"
        "    recipient: Pakistan\n    weapon: Mi-35M\n    manufacturer: Russian Helicopters\n"
        "    quantity: 4\n    date: 2015\n"
        "    quote: Pakistan ordered four Mi-35M helicopters from Russia in 2015\n", encoding="utf-8")
    result = kg.build(raw_copy, tmp_path / "out", files=True)
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    fact = KGR["fact/pakistan-orders-mi-35m-2015"]
    docs = {g.value(c, PROV.wasQuotedFrom) for c in g.objects(fact, PROV.wasDerivedFrom)}
    assert docs == {KGR["doc/004_05d95eeefa1e2818"], KGR["doc/010_second"]}
    assert result.facts_by_type["arms_order"] == 1
    ds = Dataset()
    ds.parse(tmp_path / "out" / "kg.trig", format="trig")
    assert (fact, RDF.type, KG.ArmsOrder) in ds.graph(KGR["graph/010_second"])
    assert (fact, RDF.type, KG.ArmsOrder) in ds.graph(KGR["graph/004_05d95eeefa1e2818"])


def test_build_cli_prints_a_summary(tmp_path):
    result = invoke("build", "--raw", SEED_RAW, "--out", tmp_path / "b")
    assert result.exit_code == 0, result.output
    assert "documents  2" in result.output and "arms_order" in result.output
    assert "(2 of 2 document(s) read)" in result.output
    assert not (tmp_path / "b" / "kg.ttl").exists()  # files only on request
    result = invoke("build", "--raw", SEED_RAW, "--out", tmp_path / "b", "--files")
    assert "(0 of 2 document(s) read)" in result.output and f"file       {tmp_path / 'b' / 'kg.ttl'}" in result.output
    assert (tmp_path / "b" / "kg.ttl").is_file()
    as_json = invoke("build", "--raw", SEED_RAW, "--out", tmp_path / "b", "--json")
    assert json.loads(as_json.output)["documents"] == 2


def test_build_works_from_any_directory_on_a_users_raw_folder(tmp_path, monkeypatch):
    shutil.copytree(SEED_RAW, tmp_path / "my-sources")
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--raw", "my-sources")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "build" / "summary.json").is_file() and (tmp_path / "build" / "store").is_dir()


def test_fact_types_the_seeds_do_not_use_build_too(raw_copy, tmp_path):
    (raw_copy / "020_other.txt").write_text(
        "---\ntitle: Deliveries and a deal\npublisher: Test Wire\nreference_date: 2019-03-14\n---\n"
        "Russia delivered the first two Mi-35M helicopters to Pakistan last month. "
        "On Thursday, Pakistan and Russia signed an agreement on military-technical cooperation in Moscow.\n",
        encoding="utf-8")
    (raw_copy / "020_other.facts.yaml").write_text(
        "facts:\n"
        "  - type: arms_delivery\n    supplier: Russia\n    recipient: Pakistan\n    weapon: Mi-35M\n"
        "    quantity: 2\n    date: last month\n"
        "    quote: Russia delivered the first two Mi-35M helicopters to Pakistan last month.\n"
        "  - type: agreement\n    title: Agreement on military-technical cooperation\n"
        "    parties: [Pakistan, Russia]\n    location: Moscow\n    date: Thursday\n"
        "    quote: Pakistan and Russia signed an agreement on military-technical cooperation in Moscow.\n",
        encoding="utf-8")
    result = kg.build(raw_copy, tmp_path / "out", files=True)
    assert result.facts_by_type["arms_delivery"] == 1 and result.facts_by_type["agreement"] == 1
    g = Graph().parse(tmp_path / "out" / "kg.ttl")
    assert (KGR.russia, KG.deliveredArmsTo, KGR.pakistan) in g
    assert (KGR.pakistan, KG.signedAgreementWith, KGR.russia) in g
    delivery = next(g.subjects(RDF.type, KG.ArmsDelivery))
    assert g.value(delivery, KG.dateValue) == Literal("2019-02", datatype=XSD.gYearMonth)
    agreement = next(g.subjects(RDF.type, KG.AgreementSigning))
    assert g.value(agreement, KG.dateValue) == Literal("2019-03-14", datatype=XSD.date)  # a Thursday
