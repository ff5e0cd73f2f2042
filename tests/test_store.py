"""The embedded store: incremental rebuilds, the shapes compiled to SPARQL, and both ways to open it."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph

import kg
from kg.core.errors import SourceError, ValidationError
from kg.store.export import export
from kg.sparql.named import run
from kg.sources.schema import load_schema
from kg.store.local import Store

from .edits import add_document
from kg.builder.validate import RDF_TYPE, QuadIndex, StoreNodes, check_nodes, check_store, compile_shapes, shape_paths




def _files(out):
    current = out / "current"
    return {name: (current / name).read_bytes()
            for name in ("kg.ttl", "kg.trig", "summary.json", "manifest.json", "documents.jsonl")}


def test_rebuilding_after_one_change_redoes_only_that_document(raw_copy, tmp_path):
    out = tmp_path / "build"
    first = kg.build(raw_copy, out)
    assert sorted(first.rebuilt) == ["000_7ea689264487c6d2", "004_05d95eeefa1e2818"]
    again = kg.build(raw_copy, out)
    assert again.rebuilt == []
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("quantity: 4", "quantity: 4\n    value: undisclosed"),
                     encoding="utf-8")
    incremental = kg.build(raw_copy, out, files=True)
    assert incremental.rebuilt == ["004_05d95eeefa1e2818"]
    full = kg.build(raw_copy, tmp_path / "full", full=True, files=True)
    assert _files(out) == _files(tmp_path / "full")
    assert export("nq", out) == export("nq", tmp_path / "full")
    assert "undisclosed" in (out / "kg.ttl").read_text(encoding="utf-8")
    assert full.summary() == incremental.summary()


def test_removing_a_document_removes_its_graph(raw_copy, tmp_path):
    out = tmp_path / "build"
    kg.build(raw_copy, out)
    (raw_copy / "000_7ea689264487c6d2.txt").unlink()
    (raw_copy / "000_7ea689264487c6d2.facts.yaml").unlink()
    result = kg.build(raw_copy, out, files=True)
    assert result.documents == 1 and result.rebuilt == []
    assert _files(out) == _files(kg.build(raw_copy, tmp_path / "full", full=True, files=True).out)


def test_a_failed_build_leaves_no_temporary_files(raw_copy, tmp_path):
    out = tmp_path / "build"
    kg.build(raw_copy, out)
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("weapon: Mi-35M", "weapon: Nothing"), encoding="utf-8")
    with pytest.raises(ValidationError):
        kg.build(raw_copy, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "raw"]
    names = sorted(p.name for p in out.iterdir())
    assert [n for n in names if not n.startswith(".gen-")] == [".lock", "current", "manifest.json", "store",
                                                             "summary.json"]
    assert len([n for n in names if n.startswith(".gen-")]) == 1  # the failed build's folder is gone


def test_on_disk_and_in_memory_give_the_same_answers(built):
    disk, memory = Store.open(built, in_memory=False), Store.open(built, in_memory=True)
    assert len(disk) == len(memory)
    def answers(store, name):
        # GROUP_CONCAT joins quotes in no set order; compare them as sets.
        return [{k: (frozenset(v.split(" | ")) if v and k in ("quotes", "sources") else v) for k, v in row.items()}
                for row in run(name, store).dicts()]

    for name in ("dyad", "posts", "treaty-status"):
        assert answers(disk, name) == answers(memory, name)


def test_exports_leave_the_ontology_out_unless_asked(built):
    g = Graph().parse(data=export("ttl", built).decode(), format="turtle")
    assert json.loads((built / "summary.json").read_text())["triples"] == len(g)
    with_ontology = Graph().parse(data=export("ttl", built, with_ontology=True).decode(), format="turtle")
    assert len(with_ontology) > len(g)


@pytest.fixture(scope="module")
def seed_graph(built):
    """The seed graph with the ontology, as rdflib sees it (for pyshacl) and as Oxigraph does."""
    ds = Dataset()
    ds.parse(data=export("nq", built, with_ontology=True).decode(), format="nquads")
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _pyshacl_focus_nodes(graph: Graph) -> set[str]:
    from pyshacl import validate

    schema = load_schema()
    conforms, results, _ = validate(graph, shacl_graph=schema.shapes, inference="none", advanced=True)
    from kg.core.namespaces import SH

    report = next(results.subjects(SH.conforms, None))
    return {str(results.value(r, SH.focusNode)) for r in results.objects(report, SH.result)}


def _ours(graph: Graph) -> set[str]:
    """The focus nodes the compiled queries find; the Python rules must find the same violations."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(input=graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    checks = compile_shapes(load_schema().shapes, load_schema().ontology)
    queried = check_store(store, checks)
    index = QuadIndex(shape_paths(checks))
    index.add(store.quads_for_pattern(None, None, None, None))
    ruled = check_nodes(index, index.typed(), checks, store=store)
    focused = StoreNodes(store)
    from_store = check_nodes(focused, {n: _types_of(store, n) for n in index.typed()}, checks, store=store)
    assert sorted(map(_key, ruled)) == sorted(map(_key, queried)) == sorted(map(_key, from_store))
    return {v.focus for v in queried}


def _key(v):
    return (v.focus, v.path or "", v.message)


def _types_of(store, node) -> set[str]:
    import pyoxigraph as ox

    term = ox.NamedNode(node) if ":" in node else ox.BlankNode(node)
    return {q.object.value for q in store.quads_for_pattern(term, ox.NamedNode(RDF_TYPE), None, None)}


def test_compiled_shapes_agree_with_pyshacl_on_the_seed_graph(seed_graph):
    assert _pyshacl_focus_nodes(seed_graph) == set() == _ours(seed_graph)


@pytest.mark.parametrize("breakage", ["drop supplier", "two quantities", "bad datatype", "speech without role",
                                      "statement without speaker", "citation without quote", "dates reversed",
                                      "quantity zero", "empty quote", "bad precision", "credibility not a grade",
                                      "two bad suppliers", "nested role twice", "negative offset",
                                      "literal speech"])
def test_compiled_shapes_agree_with_pyshacl_on_broken_graphs(seed_graph, breakage):
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from kg.core.namespaces import KG, KGR

    g = Graph()
    for t in seed_graph:
        g.add(t)
    order = KGR["fact/pakistan-orders-mi-35m-2015"]
    if breakage == "drop supplier":
        g.remove((order, KG.supplier, None))
    elif breakage == "two quantities":
        g.add((order, KG.quantity, Literal(5)))
    elif breakage == "bad datatype":
        g.set((order, KG.quantity, Literal("four")))
    elif breakage == "speech without role":
        g.remove((URIRef(str(KGR["fact/svi-conference-pakistan-russia-2023"]) + "/speakers/2"), KG.speechRole, None))
    elif breakage == "statement without speaker":
        fact = KGR["fact/kidwai-south-asia-disputes"]
        g.remove((fact, KG.speaker, None))
    elif breakage == "citation without quote":
        cit = next(g.objects(order, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
        g.remove((cit, KG.quote, None))
    elif breakage == "dates reversed":
        g.set((order, KG.earliestDate, Literal("2016-01-01", datatype=XSD.date)))
    elif breakage == "quantity zero":  # sh:minInclusive
        g.set((order, KG.quantity, Literal(0)))
    elif breakage == "empty quote":  # sh:minLength
        cit = next(g.objects(order, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
        g.set((cit, KG.quote, Literal("")))
    elif breakage == "bad precision":  # sh:in
        g.set((order, KG.datePrecision, URIRef("http://www.w3.org/2006/time#unitWeek")))
    elif breakage == "credibility not a grade":  # sh:class, a value typed otherwise
        g.set((order, KG.credibility, KGR["entity/russia"]))
    elif breakage == "two bad suppliers":  # sh:class with two bad values: one violation each
        g.add((order, KG.supplier, Literal("Rosoboronexport")))
        g.add((order, KG.supplier, URIRef("https://example.org/untyped")))
    elif breakage == "nested role twice":  # sh:node, a nested maxCount, reported on the owner
        g.add((URIRef(str(KGR["fact/svi-conference-pakistan-russia-2023"]) + "/speakers/2"), KG.speechRole, Literal("x")))
    elif breakage == "literal speech":  # a nested shape's node that is a literal has none of its properties
        g.add((KGR["fact/svi-conference-pakistan-russia-2023"], KG.speech, Literal("a speech")))
    elif breakage == "negative offset":  # a literal of another numeric type still compares by value
        cit = next(g.objects(order, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
        g.set((cit, KG.startOffset, Literal("-1.5", datatype=XSD.decimal)))
    theirs, ours = _pyshacl_focus_nodes(g), _ours(g)
    assert theirs and theirs == ours


def _same_as_full(raw, out, tmp_path, name):
    """An incremental build into ``out`` gives the bytes a full build of ``raw`` gives."""
    incremental = kg.build(raw, out, files=True)
    full = kg.build(raw, tmp_path / name, full=True, files=True)
    assert _files(out) == _files(full.out)
    assert export("nq", out) == export("nq", full.out)  # (the ontology graph has blank nodes: never equal bytes)
    assert incremental.summary() == full.summary()
    return incremental


def test_incremental_equals_full_after_adds_edits_removals_and_registry_changes(raw_copy, tmp_path):
    out = tmp_path / "build"
    kg.build(raw_copy, out)
    # an added document that states a fact another document states too
    (raw_copy / "020_other.txt").write_text(
        "---\ntitle: Deliveries\npublisher: Test Wire\nreference_date: 2019-03-14\n---\n"
        "Russia delivered the first two Mi-35M helicopters to Pakistan last month.\n", encoding="utf-8")
    (raw_copy / "020_other.facts.yaml").write_text(
        "facts:\n  - type: arms_delivery\n    supplier: Russia\n    recipient: Pakistan\n    weapon: Mi-35M\n"
        "    quantity: 2\n    date: last month\n"
        "    quote: Russia delivered the first two Mi-35M helicopters to Pakistan last month.\n", encoding="utf-8")
    assert _same_as_full(raw_copy, out, tmp_path, "f1").rebuilt == ["020_other"]
    # an edit
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("quantity: 4", "quantity: 4\n    value: undisclosed"),
                     encoding="utf-8")
    assert _same_as_full(raw_copy, out, tmp_path, "f2").rebuilt == ["004_05d95eeefa1e2818"]
    # a removal, with its facts, quotes and shortcut triples
    (raw_copy / "020_other.txt").unlink()
    (raw_copy / "020_other.facts.yaml").unlink()
    assert _same_as_full(raw_copy, out, tmp_path, "f3").rebuilt == []
    # a registry change: every graph depends on it
    reg = raw_copy / "entities.yaml"
    reg.write_text(reg.read_text(encoding="utf-8").replace("aliases: [Islamic Republic of Pakistan",
                                                           "aliases: [Islamic Republic of Pakistan, IRP"),
                   encoding="utf-8")
    assert len(_same_as_full(raw_copy, out, tmp_path, "f4").rebuilt) == 2


def test_a_touch_changes_nothing_and_publishes_nothing(raw_copy, tmp_path):
    import os

    out = tmp_path / "build"
    first = kg.build(raw_copy, out)
    for path in raw_copy.iterdir():
        os.utime(path)  # newer dates, same content
    again = kg.build(raw_copy, out)
    assert again.rebuilt == [] and again.folder == first.folder  # no new build published
    assert again.summary() == first.summary() and [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    assert [c.to_dict() for c in again.conflicts] == [c.to_dict() for c in first.conflicts]


def test_an_incremental_build_still_checks_the_shapes_of_what_changed(raw_copy, tmp_path):
    out = tmp_path / "build"
    kg.build(raw_copy, out)
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("quantity: 4", "quantity: 0"), encoding="utf-8")
    with pytest.raises(ValidationError) as full:
        kg.build(raw_copy, tmp_path / "full", full=True)
    with pytest.raises(ValidationError) as incremental:
        kg.build(raw_copy, out)
    assert [str(p) for p in incremental.value.problems] == [str(p) for p in full.value.problems]


def test_checks_focused_on_every_graph_find_what_unfocused_checks_find(seed_graph):
    import pyoxigraph as ox

    from kg.core.namespaces import KG, KGR

    ds = ox.Store()
    g = ox.NamedNode("https://example.org/g")
    ds.load(input=seed_graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=g)
    order = ox.NamedNode(str(KGR["fact/pakistan-orders-mi-35m-2015"]))
    ds.remove(next(iter(ds.quads_for_pattern(order, ox.NamedNode(str(KG.supplier)), None))))
    checks = compile_shapes(load_schema().shapes, load_schema().ontology)
    everything = {v.focus for v in check_store(ds, checks)}
    assert everything and everything == {v.focus for v in check_store(ds, checks, graphs=[g.value])}
    assert check_store(ds, checks, graphs=["https://example.org/other"]) == []



def test_incremental_conflicts_and_grades_equal_full(raw_copy, tmp_path):
    """Conflicts and grades are judged again only for the facts of changed documents: the result is
    still a full build's, byte for byte, as a conflicting document comes, changes and goes."""
    from .test_conflicts import _third_document

    out = tmp_path / "build"
    kg.build(raw_copy, out)
    _third_document(raw_copy)  # Pakistan joined the SCO in July 2016: the seeds say June 2017
    (conflict,) = _same_as_full(raw_copy, out, tmp_path, "c1").conflicts
    assert conflict.kind == "dates" and "2016-07" in conflict.reason
    # a second publisher states the 2016 fact, with a reviewer's grade: its grade changes, the conflict stays
    (raw_copy / "021_again.txt").write_text(
        "---\ntitle: SCO again\npublisher: Other Wire\nreference_date: 2016-07-20\n---\n"
        "Pakistan became a full member of the SCO in July 2016.\n", encoding="utf-8")
    (raw_copy / "021_again.facts.yaml").write_text(
        "facts:\n  - type: membership\n    id: pakistan-joins-sco-2016\n    member: Pakistan\n"
        "    organization: SCO\n    status: full\n    date: July 2016\n    credibility: 3\n"
        "    quote: Pakistan became a full member of the SCO in July 2016.\n", encoding="utf-8")
    (regraded,) = _same_as_full(raw_copy, out, tmp_path, "c2").conflicts
    side = regraded.a if regraded.a.id == "pakistan-joins-sco-2016" else regraded.b
    assert side.grade.endswith("3") and len(side.sources) == 2
    # an unrelated edit keeps the conflict as the previous build found it
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("quantity: 4", "quantity: 4\n    value: undisclosed"),
                     encoding="utf-8")
    assert _same_as_full(raw_copy, out, tmp_path, "c3").conflicts == [regraded]
    # an edit of the conflicting date: the same pair, another reason
    for name in ("020_sco_2016", "021_again"):
        for suffix in (".txt", ".facts.yaml"):
            path = raw_copy / (name + suffix)
            path.write_text(path.read_text(encoding="utf-8").replace("July 2016", "May 2015"), encoding="utf-8")
    (moved,) = _same_as_full(raw_copy, out, tmp_path, "c4").conflicts
    assert "2015-05" in moved.reason
    # the contradicting documents removed: no conflict, and the seeds' grades as a full build gives them
    for name in ("020_sco_2016", "021_again"):
        for suffix in (".txt", ".facts.yaml"):
            (raw_copy / (name + suffix)).unlink()
    assert _same_as_full(raw_copy, out, tmp_path, "c5").conflicts == []


def test_a_damaged_registry_cache_is_read_again_from_the_registry(raw_copy, tmp_path):
    """The registry as the last build read it is reused only whole and for the same global digest."""
    from kg.builder.build import REGISTRY_CACHE

    out = tmp_path / "build"
    kg.build(raw_copy, out)
    cache = out / "current" / REGISTRY_CACHE
    header, *lines = cache.read_text(encoding="utf-8").splitlines()
    data = json.loads(header)
    assert data["global"] and json.loads(lines[data["ids"].index("pakistan")])["name"] == "Pakistan"
    cache.unlink()  # (a hard link to the previous build's copy: written anew, not through the link)
    cache.write_text("\n".join([header] + lines[:-1]) + "\n", encoding="utf-8")  # an entity's line lost
    (raw_copy / "020_other.txt").write_text(
        "---\ntitle: Deliveries\npublisher: Test Wire\nreference_date: 2019-03-14\n---\n"
        "Russia delivered two Mi-35M helicopters to Pakistan.\n", encoding="utf-8")
    assert _same_as_full(raw_copy, out, tmp_path, "full").rebuilt == ["020_other"]


def test_an_entity_damaged_in_the_registry_cache_is_an_error_naming_the_cache(raw_copy, tmp_path):
    """The cache's entities are decoded only when a build needs them: one found damaged then stops
    the build with a message (and a full build, which reads the registry itself, still works)."""
    from kg.builder.build import REGISTRY_CACHE

    out = tmp_path / "build"
    kg.build(raw_copy, out)
    cache = out / "current" / REGISTRY_CACHE
    header, *lines = cache.read_text(encoding="utf-8").splitlines()
    lines[json.loads(header)["ids"].index("russia")] = '{"id": "russia", "nmae": "Russia"}'
    cache.unlink()
    cache.write_text("\n".join([header] + lines) + "\n", encoding="utf-8")
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    with pytest.raises(SourceError, match="registry cache is damaged.*--full") as err:
        kg.build(raw_copy, out)
    assert err.value.path.endswith("/" + REGISTRY_CACHE)
    assert kg.build(raw_copy, out, full=True).rebuilt



def test_a_full_build_counts_the_distinct_triples_a_query_counts(raw_copy, tmp_path):
    """A full build counts distinct triples as it writes them (N-Triples of each document's quads,
    and of the registry and grades graphs): the same number as a COUNT of the DISTINCT triples of
    every graph but the ontology, with a triple stated by two documents (a shortcut) counted once."""
    import pyoxigraph as ox

    from kg.builder.build import _count_union
    from kg.store import publish

    add_document(raw_copy, "020_other", "Pakistan joined the SCO in June 2017, \"as a full member\" \\ said the wire.\n",
                 "facts:\n  - type: membership\n    member: Pakistan\n    organization: SCO\n    status: full\n"
                 "    date: June 2017\n    quote: 'Pakistan joined the SCO in June 2017, \"as a full member\" \\ said'\n")
    result = kg.build(raw_copy, tmp_path / "build", full=True)
    store = ox.Store.read_only(str(publish.current(tmp_path / "build") / "store"))
    assert result.triples == _count_union(store)
    shared = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER (STR(?a) < STR(?b)) }"
    assert int(next(iter(store.query(shared)))["n"].value) > 0  # (so that counting once is tested)
