"""`kg build`: documents, registry and fact sheets in; a checked RDF dataset out.

The graph goes into an Oxigraph store on disk (build/store/), one named graph
per source document (the facts it states, with its own citations), one for the
registry (the entities those facts name and the concepts they use) and one for
the ontology. kg.ttl (the union of the data graphs) and kg.trig (the graphs
kept apart) are written only when asked (``files=True``, `kg build --files`,
or `kg export` at any time): they cost as much as the rest of a build and
cannot be updated per document.

The build streams: one document at a time is read, checked and turned into
quads, so the graph is never held as Python objects. What later steps need
(each fact's id, type, line and a digest of its content, for checks across
documents) is kept in the build's manifest.json, which also makes rebuilds
incremental: a document whose text and fact sheet are unchanged (by content,
not by date) is not read again, and a changed one has its named graph
replaced. The registry, the ontology or kg itself changing forces a full
rebuild. Either way the result is the same bytes as a full build.

Nothing is published unless the whole build succeeds: each build is made in
a folder of its own (from a checkpoint of the current store, when
incremental) and published by switching one pointer (kg.store.publish).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..core.version import __version__
from ..core import dates, resources
from ..sources import grades
from ..sources.documents import Document, check_name, read_document
from ..core.errors import KGError, MissingInputError, OutputError, SourceError, SourceWarning, ValidationError
from ..sources.factsheet import Fact, document_of_sheet, read_sheet, sheet_path_for
from ..sources.inventory import inventory
from ..sources.rawfiles import read_source
from ..core.namespaces import KG, KGR, REGISTRY_GRAPH, citation_path, document_iri, entity_iri, fact_iri, graph_iri
from ..sources.names import NameIndex
from ..sources.registry import Entity, LazyEntities, Registry, load_registry
from ..sources.schema import CONCEPT, ENTITY, FACT, NESTED, Schema, load_schema
from ..core.serialize import atomic_write, write_store_files
from ..store import publish
from .conflicts import conflicts_from_dicts
from .validate import QuadIndex, StoreNodes, check_nodes, check_store, compile_shapes, shape_paths

REGISTRY_FILE = "entities.yaml"
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"  # the manifest's part for each document, a line each (see _document_lines)
REGISTRY_CACHE = "registry.jsonl"  # the registry as read, for the next build (see _write_registry_cache)
FLUSH_QUADS = 300_000  # quads held before a bulk load: bounds memory, keeps the loader's calls few
STORE_DIR = "store"
ONTOLOGY_GRAPH = KGR["graph/ontology"]
GRADES_GRAPH = KGR["graph/grades"]  # what needs every document: each fact's credibility and grade
GRADED_KEYS = ("credibility",)  # sheet keys whose values go to the grades graph, not the document's

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
PRECISION_UNITS = {dates.YEAR: TIME + "unitYear", dates.MONTH: TIME + "unitMonth", dates.DAY: TIME + "unitDay"}
DATE_TYPES = {dates.YEAR: XSD + "gYear", dates.MONTH: XSD + "gYearMonth", dates.DAY: XSD + "date"}
# What kg.core.namespaces' *_iri functions put before an id, for code that makes IRIs by the million
# as plain strings (rdflib's Namespace makes a URIRef at every look-up).
_KGR_BASE = str(KGR)
_ENTITY_BASE, _FACT_BASE, _DOC_BASE = str(entity_iri("")), str(fact_iri("")), str(document_iri(""))
_KG_NAME = KG.name  # (rdflib's Namespace makes a new URIRef at every attribute look-up)
_KG_BASE = str(KG)  # the ontology's namespace, for concept IRIs made as plain strings


@lru_cache(maxsize=100_000)
def _iri(value) -> ox.NamedNode:
    return ox.NamedNode(str(value))


def _lit(value, datatype: str | None = None) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_iri(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_iri(XSD + "integer"))
    if datatype and datatype != XSD + "string":
        return ox.Literal(str(value), datatype=_iri(datatype))
    return ox.Literal(str(value))


_ENCODE_ENTRY = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _document_lines(entries: dict[str, DocumentEntry]) -> str:
    """DOCUMENTS: a line of JSON per document, [id, entry], by id. The line of a document the build did
    not read again is the one the previous build wrote (encoding them all again cost 0.04 s at 1M)."""
    return "".join((entry.line or _ENCODE_ENTRY([doc_id, entry.fields()])) + "\n"
                   for doc_id, entry in sorted(entries.items()))


@dataclass
class DocumentEntry:
    """What the manifest keeps of one document's build (DOCUMENTS)."""

    digest: str
    facts: dict[str, list] = field(default_factory=dict)  # id -> [content digest, class, path, line, type]
    entities: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    refs: list[list] = field(default_factory=list)  # [fact id, key, target id, range class, path, line]
    quads: int = 0
    path: str = ""
    publisher: str = ""  # as the front matter names it
    reliability: str = grades.UNGRADED_RELIABILITY
    reliability_from: str = ""  # "document" or "publisher"
    credibility: dict[str, list] = field(default_factory=dict)  # fact id -> [reviewer's grade 1-6, line]
    line: str = field(default="", compare=False, repr=False)  # its line of DOCUMENTS, as read from the last build

    def fields(self) -> dict:
        """What DOCUMENTS keeps of it."""
        return {k: v for k, v in vars(self).items() if k != "line"}


@dataclass
class BuildResult:
    out: Path
    documents: int
    entities: int
    facts_by_type: dict[str, int]
    triples: int
    rebuilt: list[str] = field(default_factory=list)  # documents read again (all, on a full build)
    files: list[Path] = field(default_factory=list)
    drafts: int = 0  # draft sheets awaiting review (kg review), not read
    warnings: list[KGError] = field(default_factory=list)  # problems that do not stop the build
    conflicts: list = field(default_factory=list)  # kg.conflicts.Conflict: claims that cannot all be true
    folder: Path | None = None  # the published build's own folder (see kg.store.publish)
    notes: list[str] = field(default_factory=list)  # what a person should know, e.g. why it rebuilt in full
    page: Path | None = None  # graph.html, when kg.build(page=True) drew it (kg/api.py)

    @property
    def facts(self) -> int:
        return sum(self.facts_by_type.values())

    def summary(self) -> dict:
        return {"documents": self.documents, "entities": self.entities, "facts": self.facts,
                "facts_by_type": dict(sorted(self.facts_by_type.items())), "triples": self.triples,
                "conflicts": len(self.conflicts)}


# ---------------------------------------------------------------- facts as quads

def _fact_label(fact: Fact, registry: Registry) -> str:
    for key, f in fact.type.fields.items():
        if f.path == _KG_NAME and key in fact.values:
            return f"{fact.values[key][0]} ({fact.date})"
    names = []
    for key, f in fact.type.fields.items():
        if f.kind == ENTITY and f.min_count >= 1:
            names += [registry[e].name for e in fact.values.get(key, [])]
    if not names:  # no required roles (a statement): the first role given, else the speakers as written
        first = next((k for k, f in fact.type.fields.items() if f.kind == ENTITY and k in fact.values), None)
        if first:
            names = [registry[e].name for e in fact.values[first]]
        elif "speaker_as_written" in fact.values:
            names = [str(fact.values["speaker_as_written"][0])]
    detail = next((f": {fact.values[k][0]}" for k in ("topic", "title", "commodity") if k in fact.values), "")
    return f"{fact.type.label.capitalize()}: {' – '.join(names)}{detail} ({fact.date})"


def _qualifiers(schema: Schema) -> dict[str, str]:
    from rdflib.namespace import RDF

    return {str(key): str(c) for c, key in schema.ontology.subject_objects(KG.sheetKey)
            if (c, RDF.type, KG.DateQualifier) in schema.ontology}


def _term(f, value):
    if f.kind == ENTITY:
        return _iri(_ENTITY_BASE + value)
    if f.kind == FACT:
        return _iri(_FACT_BASE + value)
    if f.kind == CONCEPT:
        return _iri(value)
    return _lit(value, str(f.range))


class _KGP:
    """kg's predicates and classes that fact_quads uses, as plain strings: rdflib's Namespace makes a
    new URIRef at every attribute look-up, a million times in a large build."""

    Citation = str(KG.Citation)
    dateLabel = str(KG.dateLabel)
    datePrecision = str(KG.datePrecision)
    dateQualifier = str(KG.dateQualifier)
    dateText = str(KG.dateText)
    dateValue = str(KG.dateValue)
    earliestDate = str(KG.earliestDate)
    endOffset = str(KG.endOffset)
    eventCode = str(KG.eventCode)
    isDateRange = str(KG.isDateRange)
    latestDate = str(KG.latestDate)
    participant = str(KG.participant)
    quote = str(KG.quote)
    startOffset = str(KG.startOffset)


def fact_quads(fact: Fact, sources: Sources, graph: ox.NamedNode, used: set[str],
               index: QuadIndex | None = None) -> list[ox.Quad]:
    """The quads of one fact as one document states it (with that document's citations), as quad
    objects (fact_lines, which the build uses, gives them as N-Quads)."""
    return list(ox.parse(input="".join(fact_lines(fact, sources, graph, used, index)), format=ox.RdfFormat.N_QUADS))


def fact_lines(fact: Fact, sources: Sources, graph: ox.NamedNode, used: set[str],
               index: QuadIndex | None = None) -> list[str]:
    """The quads of one fact as one document states it (with that document's citations), each as a
    line of N-Quads: the terms are made and checked by pyoxigraph and written by its own formatting,
    but no quad object is made (making one costs several times what writing its line does, and a
    large build makes a million).

    IRIs of the concepts the fact uses are added to ``used``; the triples are also put into
    ``index``, when given (a full build checks its shapes on them).
    """
    schema, registry = sources.schema, sources.registry
    out: list[str] = []
    node = _iri(_FACT_BASE + fact.id)
    put = index.put if index is not None else None
    tail = f" {graph} .\n"

    def add(s, p, o):
        if type(p) is not str:  # (an rdflib URIRef is a str, but never equal to one)
            p = p.value if isinstance(p, ox.NamedNode) else str.__str__(p)
        out.append(f"{s} <{p}> {o}{tail}")
        if put is not None:
            put(s.value, p, o)

    add(node, RDF_TYPE, _iri(fact.type.cls))
    for cls in schema.superclasses(fact.type.cls):  # kg:Fact and the rest, for stores without inference
        add(node, RDF_TYPE, _iri(cls))
    add(node, RDFS + "label", _lit(_fact_label(fact, registry)))
    if fact.type.cameo is not None:
        add(node, _KGP.eventCode, _iri(fact.type.cameo))
        used.add(str(fact.type.cameo))
    d = fact.date
    add(node, _KGP.dateText, _lit(d.text))
    add(node, _KGP.dateLabel, _lit(str(d)))
    if d.is_range:
        add(node, _KGP.dateValue, _lit(d.value()))
        add(node, _KGP.isDateRange, _lit(True))
    else:
        add(node, _KGP.dateValue, _lit(d.value(), DATE_TYPES[d.precision]))
    add(node, _KGP.datePrecision, _iri(PRECISION_UNITS[d.precision]))
    if d.qualifier:
        qualifier = sources.qualifiers[d.qualifier]
        add(node, _KGP.dateQualifier, _iri(qualifier))
        used.add(qualifier)
    if (earliest := d.earliest()) is not None:
        add(node, _KGP.earliestDate, _lit(earliest.isoformat(), XSD + "date"))
    if (latest := d.latest()) is not None:
        add(node, _KGP.latestDate, _lit(latest.isoformat(), XSD + "date"))

    role_values: dict[str, list] = {}
    participants: set = set()
    for key, f in fact.type.fields.items():
        if key in GRADED_KEYS:
            continue
        for i, value in enumerate(fact.values.get(key, [])):
            if f.kind == NESTED:
                item = _iri(f"{node.value}/{key}/{i + 1}")
                add(node, f.path, item)
                rng = sources.ranges.get(str(f.path))
                if rng is not None:
                    add(item, RDF_TYPE, _iri(rng))
                for sub in f.nested:
                    for v in value.get(sub.key, []):
                        obj = _term(sub, v)
                        add(item, sub.path, obj)
                        if sub.kind == ENTITY:
                            role_values.setdefault(str(sub.path), []).append(obj)
                            participants.add(obj)
                continue
            obj = _term(f, value)
            add(node, f.path, obj)
            if f.kind == ENTITY:
                role_values.setdefault(str(f.path), []).append(obj)
                participants.add(obj)
            elif f.kind == CONCEPT:
                role_values.setdefault(str(f.path), []).append(obj)
                used.add(obj.value)
    for obj in sorted(participants, key=lambda t: t.value):
        add(node, _KGP.participant, obj)
    for sc in fact.type.shortcuts if fact.reported_done else ():
        if sc.predicate is not None:
            predicates = [str(sc.predicate)]
        else:
            predicates = [str(schema.concept_predicates[c]) for c in map(_rdflib, role_values.get(str(sc.predicate_from), []))
                          if c in schema.concept_predicates]
        objects = role_values.get(str(sc.object), []) if sc.object is not None else [node]
        for pred in predicates:
            for s in role_values.get(str(sc.subject), []):
                for o in objects:
                    if s != o:
                        add(s, pred, o)
    for c in fact.citations:
        cit = _iri(_KGR_BASE + citation_path(c.doc_id, c.start, c.end))
        add(node, PROV + "wasDerivedFrom", cit)
        add(cit, RDF_TYPE, _iri(_KGP.Citation))
        add(cit, _KGP.quote, _lit(c.quote))
        add(cit, _KGP.startOffset, _lit(c.start))
        add(cit, _KGP.endOffset, _lit(c.end))
        add(cit, PROV + "wasQuotedFrom", _iri(_DOC_BASE + c.doc_id))
    return out


def _rdflib(term):
    from rdflib import URIRef

    return URIRef(term.value)


def document_reliability(doc: Document, registry: Registry) -> tuple[str, str, str]:
    """The document's reliability grade, where it comes from ("document", "publisher" or ""), and why."""
    if doc.reliability:
        return doc.reliability, "document", doc.meta.get("reliability_note") or "graded in the document's front matter"
    ent = registry.publisher(doc.meta["publisher"])
    if ent is not None and "reliability" in ent.props:
        note = ent.props.get("reliability_note")
        return str(ent.props["reliability"]), "publisher", \
            f"the default grade of its publisher, {ent.name}" + (f": {note}" if note else "")
    return grades.UNGRADED_RELIABILITY, "", "not graded: neither the document nor its publisher has a grade"


def document_quads(doc: Document, graph: ox.NamedNode, registry: Registry | None = None) -> list[ox.Quad]:
    node = _iri(document_iri(doc.id))
    out = []

    def add(p, o):
        out.append(ox.Quad(node, _iri(p), o, graph))

    add(RDF_TYPE, _iri(KG.SourceDocument))
    add(DCTERMS + "identifier", _lit(doc.id))
    add(DCTERMS + "title", _lit(doc.meta["title"]))
    add(RDFS + "label", _lit(doc.meta["title"]))
    add(KG.publisher, _lit(doc.meta["publisher"]))
    if doc.meta.get("url"):
        add("https://schema.org/url", _lit(doc.meta["url"], XSD + "anyURI"))
    for key, prop in (("author", DCTERMS + "creator"), ("note", KG.note), ("language", DCTERMS + "language")):
        if doc.meta.get(key):
            add(prop, _lit(doc.meta[key]))
    add(KG.referenceDate, _lit(doc.reference_date.iso(), DATE_TYPES[doc.reference_date.precision]))
    if doc.published:
        add(KG.publishedDate, _lit(doc.published.iso(), DATE_TYPES[doc.published.precision]))
    if registry is not None:
        letter, _, why = document_reliability(doc, registry)
        add(KG.reliability, _iri(KG["Reliability" + letter]))
        add(KG.reliabilityNote, _lit(why))
    return out


ENTITY_PROPS = {
    "description": DCTERMS + "description", "iso3166": KG.iso3166Alpha2, "iso3166_alpha3": KG.iso3166Alpha3,
    "rank": KG.rank, "post_nominals": KG.postNominals, "retired": KG.retired, "designation": KG.designation,
    "family": KG.weaponFamily, "weapon_class": KG.weaponClass, "acronym": KG.acronym,
    "country": KG.country, "manufacturer": KG.manufacturer,
}
CONCEPT_PROPS = (RDF_TYPE, RDFS + "label", SKOS + "prefLabel", SKOS + "notation", SKOS + "inScheme")


def registry_quads(sources: Sources, entity_ids: set[str], concepts: set[str]) -> tuple[list[ox.Quad], int]:
    """The registry graph: the entities the facts name (and those they refer to) and the concepts used;
    and how many entities it holds."""
    registry, schema = sources.registry, sources.schema
    graph = _iri(REGISTRY_GRAPH)
    wanted = set(entity_ids)
    todo = list(wanted)
    while todo:  # entities the named ones refer to (a weapon's manufacturer, a person's country)
        for target in registry[todo.pop()].refs.values():
            if target not in wanted:
                wanted.add(target)
                todo.append(target)
    out = []
    for eid in sorted(wanted):
        ent = registry[eid]
        node = _iri(entity_iri(eid))
        out.append(ox.Quad(node, _iri(RDF_TYPE), _iri(schema.entity_types[ent.type]), graph))
        out.append(ox.Quad(node, _iri(SKOS + "prefLabel"), _lit(ent.name), graph))
        out.append(ox.Quad(node, _iri(RDFS + "label"), _lit(ent.name), graph))
        for alias in ent.aliases:
            out.append(ox.Quad(node, _iri(SKOS + "altLabel"), _lit(alias), graph))
        for key, value in ent.props.items():
            if key == "reliability":
                out.append(ox.Quad(node, _iri(KG.reliability), _iri(KG["Reliability" + str(value)]), graph))
            elif key == "reliability_note":
                out.append(ox.Quad(node, _iri(KG.reliabilityNote), _lit(str(value)), graph))
            elif key == "wikidata_source" or (key == "wikidata" and value == "none"):
                continue  # where the QID was verified, or that none was: the registry's business
            elif key == "wikidata":
                out.append(ox.Quad(node, _iri(SKOS + "exactMatch"), _iri(f"http://www.wikidata.org/entity/{value}"), graph))
            elif key == "retired":
                out.append(ox.Quad(node, _iri(KG.retired), _lit(bool(value)), graph))
            else:
                out.append(ox.Quad(node, _iri(ENTITY_PROPS[key]), _lit(str(value)), graph))
        for key, target in ent.refs.items():
            out.append(ox.Quad(node, _iri(ENTITY_PROPS[key]), _iri(entity_iri(target)), graph))
    # The concepts the facts use, with their labels, so the graph explains itself without the ontology.
    from rdflib import Literal as RLiteral, URIRef

    for concept in sorted(concepts):
        for p in CONCEPT_PROPS:
            for o in sorted(schema.ontology.objects(URIRef(concept), URIRef(p)), key=str):
                obj: ox.Literal | ox.NamedNode
                if isinstance(o, RLiteral):
                    obj = ox.Literal(str(o), language=o.language) if o.language else _lit(str(o), str(o.datatype) if o.datatype else None)
                else:
                    obj = _iri(o)
                out.append(ox.Quad(_iri(concept), _iri(p), obj, graph))
    return out, len(wanted)


# ---------------------------------------------------------------- reading the sources

@dataclass
class Sources:
    schema: Schema
    registry: Registry
    qualifiers: dict[str, str]
    ranges: dict[str, str]


def sources_for(schema: Schema, registry: Registry) -> Sources:
    """What turning facts into quads needs besides the facts (also used by kg.review's checks)."""
    from rdflib.namespace import RDFS as R

    ranges = {str(p): str(r) for p, r in schema.ontology.subject_objects(R.range)}
    return Sources(schema, registry, _qualifiers(schema), ranges)


def shape_problems(facts: list[Fact], sources: Sources, checks: list | None = None) -> list[tuple[str, str]]:
    """The SHACL checks `kg build` runs, on these facts alone: (fact id, message) for each violation.

    The facts and the registry entries they name are loaded into a small store in
    memory; the checks are those of the build (``checks``, compiled once by the caller
    when it asks often).
    """
    store = ox.Store()
    used: set[str] = set()
    quads: list[ox.Quad] = []
    for fact in facts:
        quads += fact_quads(fact, sources, _iri(graph_iri(fact.doc_id or "review")), used)
    entity_ids = {e for fact in facts for e in fact.entity_ids()}
    reg_quads, _n = registry_quads(sources, entity_ids, used)
    store.bulk_extend(quads + reg_quads + _ontology_quads())
    if checks is None:
        checks = compile_shapes(sources.schema.shapes, sources.schema.ontology)
    prefix = _FACT_BASE
    out = []
    for v in check_store(store, checks):
        fact_id = v.focus[len(prefix):].split("/", 1)[0] if v.focus.startswith(prefix) else ""
        name = v.path.rsplit("#", 1)[-1] if v.path else ""
        out.append((fact_id, f"{name + ' ' if name else ''}{v.message}"))
    return out


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _read_bytes(path: Path) -> bytes:
    """A raw/ file's bytes (read as kg.sources.rawfiles reads them), or nothing where there is no such entry."""
    if not os.path.lexists(path):
        return b""
    return read_source(path)


def _global_digest(raw: Path) -> str:
    """What every document's graph depends on: the registry, the ontology, and the code that reads
    sources and makes quads (kg.core, kg.sources, kg.builder)."""
    package = Path(__file__).resolve().parent.parent
    code = [p.read_bytes() for sub in ("core", "sources", "builder") for p in sorted((package / sub).glob("*.py"))]
    return _digest(__version__.encode(), _read_bytes(raw / REGISTRY_FILE),
                   resources.ontology_file().read_bytes(), resources.shapes_file().read_bytes(), *code)


def _content_digest(fact: Fact) -> str:
    return hashlib.sha256(repr(fact.content_key()).encode()).hexdigest()[:24]


def _build_document(doc_path: Path, sources: Sources, digest: str, store: ox.Store, pending: list[str],
                    problems: list[KGError], index: QuadIndex | None = None,
                    seen: set[str] | None = None) -> DocumentEntry | None:
    """Read one document and its fact sheet; put its quads in ``pending`` (lines of N-Quads), its
    triples into ``index`` and, as N-Triples without the final " .", into ``seen`` (where given:
    a full build counts the distinct triples of all graphs so)."""
    doc = read_document(doc_path)
    graph = _iri(graph_iri(doc.id))
    sheet = sheet_path_for(doc_path)
    facts: list[Fact] = []
    if os.path.lexists(sheet):  # a sheet that is not a file (a folder, a FIFO) is an error, not no sheet
        facts, found = read_sheet(sheet, doc, sources.registry, sources.schema)
        problems += found
        if found:
            return None
    letter, origin, _ = document_reliability(doc, sources.registry)
    entry = DocumentEntry(digest, path=str(doc_path), publisher=doc.meta["publisher"], reliability=letter,
                          reliability_from=origin)
    doc_quads = document_quads(doc, graph, sources.registry)
    if index is not None:
        index.add(doc_quads)
    lines = [f"{q} .\n" for q in doc_quads]
    used: set[str] = set()
    entities: set[str] = set()
    for fact in facts:
        if fact.id in entry.facts:
            other = entry.facts[fact.id]
            problems.append(SourceError(
                f"fact id {fact.id!r} is used twice in this sheet (first at line {other[3]})"
                + ("" if fact.explicit_id else "; give the facts distinct 'id's"), path=fact.path, line=fact.line))
            continue
        entry.facts[fact.id] = [_content_digest(fact), str(fact.type.cls), fact.path, fact.line, fact.type.name]
        if "credibility" in fact.values:
            concept = str(fact.values["credibility"][0])
            entry.credibility[fact.id] = [concept[-1], fact.line]
        entities.update(fact.entity_ids())
        for key, f in fact.type.fields.items():
            if f.kind == FACT:
                for target in fact.values.get(key, []):
                    entry.refs.append([fact.id, key, target, str(f.range), fact.path, fact.line])
        lines += fact_lines(fact, sources, graph, used, index)
    entry.entities = sorted(entities)
    entry.concepts = sorted(used)
    entry.quads = len(lines)
    if seen is not None:
        cut = len(f" {graph} .\n")
        seen.update([line[:-cut] for line in lines])
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    pending.extend(lines)
    if len(pending) >= FLUSH_QUADS:
        _flush(store, pending)
    return entry


# Fewer quads than this go in by a transaction: the bulk loader is fast per quad but costs about
# 0.1 s a call on a store of 1M triples (measured: 100 quads 0.108 s bulk, 0.001 s in a transaction;
# 30,000 quads 0.39 s bulk, 0.51 s in a transaction).
BULK_MIN_QUADS = 20_000


def _load(store: ox.Store, quads: list[ox.Quad]) -> None:
    if len(quads) >= BULK_MIN_QUADS:
        store.bulk_extend(quads)
    elif quads:
        store.extend(quads)


def _flush(store: ox.Store, pending: list[str]) -> None:
    """Load the quads gathered so far (lines of N-Quads, see fact_lines)."""
    if len(pending) >= BULK_MIN_QUADS:
        store.bulk_load("".join(pending), format=ox.RdfFormat.N_QUADS)
    elif pending:
        store.load("".join(pending), format=ox.RdfFormat.N_QUADS)
    pending.clear()


def _check_across_documents(entries: dict[str, DocumentEntry], schema: Schema) -> tuple[list[KGError], dict]:
    problems: list[KGError] = []
    index: dict[str, list] = {}  # fact id -> first statement
    for entry in entries.values():
        for fact_id, info in entry.facts.items():
            first = index.setdefault(fact_id, info)
            if first is not info and first[0] != info[0]:
                problems.append(SourceError(
                    f"fact {fact_id!r} is stated differently here and at {first[2]}:{first[3]}; "
                    "make them agree, or give them different ids", path=info[2], line=info[3]))
    from rdflib import URIRef

    for entry in entries.values():
        for fact_id, key, target, rng, path, line in entry.refs:
            if target not in index:
                problems.append(SourceError(f"{key}: no fact has the id {target!r}", path=path, line=line))
                continue
            cls = URIRef(index[target][1])
            if cls != URIRef(rng) and not schema.is_subclass(cls, URIRef(rng)):
                problems.append(SourceError(
                    f"{key}: {target!r} is a {schema.label(cls)}, not a {schema.label(URIRef(rng))}",
                    path=path, line=line))
    return problems, index


def grade_quads(entries: dict[str, DocumentEntry], registry: Registry, only: set[str] | None = None,
                ) -> tuple[list[ox.Quad], list[KGError], set[str]]:
    """The grades graph: each fact's credibility, how it was reached, and its grade ("B2"); the quads
    of the facts in ``only``, when given (an incremental build: the others are unchanged).

    Also returns warnings (documents grading one publisher differently, reviewers grading one fact
    differently) and the grade concepts used. The rule is in kg/sources/grades.py.
    """
    graph = _iri(GRADES_GRAPH)
    warnings: list[KGError] = []
    used: set[str] = set()
    by_publisher: dict[str, list[tuple[str, DocumentEntry]]] = {}
    for doc_id, entry in sorted(entries.items()):
        ent = registry.publisher(entry.publisher) if entry.publisher else None
        key = ent.id if ent is not None else " ".join(entry.publisher.casefold().split())
        by_publisher.setdefault(key, []).append((doc_id, entry))
        used.add(_KG_BASE + "Reliability" + entry.reliability)
    for docs in by_publisher.values():
        first = docs[0]
        for other in docs[1:]:
            if other[1].reliability != first[1].reliability:
                warnings.append(SourceWarning(
                    f"{Path(first[1].path).name} grades its publisher {first[1].publisher!r} "
                    f"{first[1].reliability}, but {Path(other[1].path).name} grades the same publisher "
                    f"{other[1].reliability}; each document keeps its own grade", path=other[1].path))
    # Each fact with the documents stating it. Most facts are stated by one document: those are kept
    # as (doc id, entry) and listed only when a second document states them too.
    stated: dict[str, tuple[str, DocumentEntry]] = {}  # fact id -> the first document stating it
    several: dict[str, list[tuple[str, DocumentEntry]]] = {}  # fact id -> every document, where several do
    for item in sorted(entries.items()):
        for fact_id in item[1].facts:
            first = stated.setdefault(fact_id, item)
            if first is not item:
                several.setdefault(fact_id, [first]).append(item)
    publisher = {doc_id: " ".join(e.publisher.casefold().split()) for doc_id, e in entries.items()}
    p_credibility, p_note = _iri(KG.credibility), _iri(KG.credibilityNote)
    p_sources, p_grade = _iri(KG.independentSources), _iri(KG.grade)
    out = []
    if only is None:
        todo = sorted(stated)
    else:  # an incremental build: the quads of the changed facts and of those a reviewer graded
        reviewed_ids = {f for e in entries.values() for f in e.credibility}
        todo = sorted((set(only) | reviewed_ids) & stated.keys())
        # The concepts of the other facts (the registry graph holds those used): one source, unless
        # stated by several documents.
        if len(stated) - len(several) > len(reviewed_ids - several.keys()):
            used.add(_KG_BASE + "Credibility" + grades.derived_credibility(1))
        for fact_id in several.keys() - reviewed_ids:
            docs = several[fact_id]
            used.add(_KG_BASE + "Credibility" + grades.derived_credibility(len({publisher[d] for d, _ in docs})))
    for fact_id in todo:
        docs = several.get(fact_id) or [stated[fact_id]]
        publishers = {publisher[d] for d, _ in docs}
        reviewed = [(e.credibility[fact_id], e) for _, e in docs if fact_id in e.credibility]
        node = _iri(_FACT_BASE + fact_id)
        if reviewed:
            credibility = max(grade for (grade, _), _ in reviewed)  # reviewers differ: the more cautious
            (g0, l0), e0 = reviewed[0]
            for (g1, l1), e1 in reviewed[1:]:
                if g1 != g0:
                    warnings.append(SourceWarning(
                        f"fact {fact_id!r} has credibility {g0} at {e0.path}:{l0} but {g1} here; "
                        f"the graph keeps {credibility}", path=e1.path, line=l1))
            note = "graded by the reviewer"
        else:
            credibility = grades.derived_credibility(len(publishers))
            note = (f"derived: stated by {len(publishers)} independent source"
                    f"{'' if len(publishers) == 1 else 's'} (kg's corroboration rule)")
        letter = grades.best_reliability(e.reliability for _, e in docs)
        concept = _KG_BASE + "Credibility" + credibility
        used.add(concept)
        if only is not None and fact_id not in only:
            continue
        out += [ox.Quad(node, p_credibility, _iri(concept), graph),
                ox.Quad(node, p_note, _lit(note), graph),
                ox.Quad(node, p_sources, _lit(len(publishers)), graph),
                ox.Quad(node, p_grade, _lit(letter + credibility), graph)]
    return out, warnings, used


def _ontology_quads() -> list[ox.Quad]:
    return list(_ontology_quads_cached())


@lru_cache(maxsize=1)
def _ontology_quads_cached() -> tuple[ox.Quad, ...]:
    graph = _iri(ONTOLOGY_GRAPH)
    return tuple(ox.Quad(t.subject, t.predicate, t.object, graph)
                 for t in ox.parse(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE))


def build(raw: str | Path = "raw", out: str | Path = "build", *, full: bool = False,
          files: bool = False) -> BuildResult:
    """Build the graph from ``raw`` into ``out``; return what was built.

    ``full`` rebuilds every document even where the previous build could be
    reused; ``files`` also writes kg.ttl and kg.trig (what `kg export` writes)
    into the build. Raises SourceError or ValidationError (listing every
    problem, each with its file and line) and then leaves ``out`` exactly as
    it was. A file that cannot be written (``out`` or its parent read-only, a
    full disk) is an OutputError naming it, and leaves ``out`` as it was too.
    """
    try:
        return _build(raw, out, full=full, files=files)
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else Path(out)
        if where.name.startswith("."):  # a working folder of this build: name the folder it is in
            where = where.parent
        raise OutputError(f"cannot write here: {exc.strerror or exc}; the previous build is unchanged",
                          path=str(where)) from None


def _build(raw: str | Path, out: str | Path, *, full: bool, files: bool) -> BuildResult:
    raw, out = Path(raw), Path(out)
    if not raw.is_dir():
        raise MissingInputError(f"no such folder: {raw}")
    global_digest = _global_digest(raw)

    def load_sources() -> tuple[Sources, Path | None]:
        """The ontology, shapes and registry, and the build folder whose registry cache was used
        (read only once the build knows something changed: a `touch` needs none of them)."""
        schema = load_schema()
        cached = None if full else _cached_registry(out, raw / REGISTRY_FILE, global_digest)
        registry, registry_cache = cached if cached is not None else (load_registry(raw / REGISTRY_FILE, schema), None)
        return sources_for(schema, registry), registry_cache

    found = inventory(raw)
    doc_paths = found.documents
    if not doc_paths:
        raise SourceError("no documents (*.txt) in the folder", path=str(raw))
    problems: list[KGError] = list(found.problems)
    doc_ids = {p.stem for p in doc_paths}
    drafts = len(found.drafts)  # awaiting review (kg review): not read, only counted
    for sheet in found.sheets + found.drafts:
        stem = document_of_sheet(sheet)
        if stem not in doc_ids:
            problems.append(SourceError(f"no document {stem}.txt beside this fact sheet", path=str(sheet), line=1))
    for doc_path in doc_paths:
        try:
            check_name(doc_path)
        except SourceError as exc:
            problems.append(exc)
    named = {e.path for e in problems}
    doc_paths = [p for p in doc_paths if str(p) not in named]

    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with publish.BuildLock(out):
            publish.clean(out)  # what builds killed before left behind
            with _collector_paused() as resume_collector:
                return _build_into(out, raw, doc_paths, doc_ids, load_sources, resume_collector, problems,
                                   global_digest, full=full, files=files, drafts=drafts,
                                   source_warnings=found.warnings)
    except BaseException:
        if created and publish.current(out) is None:  # a first build that failed leaves nothing
            shutil.rmtree(out, ignore_errors=True)
        raise


@contextmanager
def _collector_paused() -> Iterator[Callable[[], None]]:
    """Pause Python's collector while a build reads its sources: the previous manifest and the
    registry make a few hundred thousand objects, none of them in a cycle, and each collection the
    decoding set off would walk them all (half the time of reading the manifest at 1M). Gives the
    function that resumes it, with what exists then frozen (it lives until the end: no collection,
    nor the one that may close the store, need walk it again). The collector ends as it was."""
    collecting = gc.isenabled()
    gc.disable()

    def resume() -> None:
        gc.freeze()
        if collecting:
            gc.enable()

    try:
        yield resume
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


def _previous_build(out: Path, global_digest: str, full: bool, notes: list[str]):
    """The current build's folder and manifest, if an incremental build can start from it."""
    folder = publish.current(out)
    if full or folder is None:
        return None, None, {}
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("global") != global_digest:
            return None, None, {}  # the registry, the ontology or kg changed: every graph depends on them
        lines = (folder / DOCUMENTS).read_text(encoding="utf-8").splitlines()
        entries = {}
        for line in lines:
            doc_id, entry = json.loads(line)
            entries[doc_id] = DocumentEntry(**entry, line=line)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        notes.append(f"the manifest of the previous build cannot be read ({exc}); building in full")
        return None, None, {}
    if not (folder / STORE_DIR).is_dir():
        notes.append(f"the previous build's store is missing from {out}/; building in full")
        return None, None, {}
    return folder, entries, data


def _build_into(out: Path, raw: Path, doc_paths: list[Path], doc_ids: set[str],
                load_sources: Callable[[], tuple[Sources, Path | None]], resume_collector: Callable[[], None],
                problems: list[KGError], global_digest: str, *, full: bool, files: bool,
                drafts: int = 0, source_warnings: list[SourceWarning] | None = None) -> BuildResult:
    notes: list[str] = []
    prev_folder, previous, prev_data = _previous_build(out, global_digest, full, notes)
    digests: dict[str, str] = {}
    for p in doc_paths:
        try:
            digests[p.stem] = _digest(read_source(p), _read_bytes(sheet_path_for(p)))
        except SourceError as exc:  # a special file, unreadable, too large: reported with the rest
            problems.append(exc)
    doc_paths = [p for p in doc_paths if p.stem in digests]
    previous_store = None
    if previous is not None:
        try:  # a damaged store is found here, not by a reader later
            previous_store = ox.Store.read_only(str(prev_folder / STORE_DIR))
        except (OSError, RuntimeError, ValueError) as exc:  # RocksDB reports corruption as RuntimeError
            notes.append(f"the previous store cannot be read ({exc}); building in full")
            previous = None
    if (previous is not None and prev_folder != out and not problems and set(previous) == doc_ids
            and all(previous[d].digest == digests[d] for d in doc_ids)
            and (not files or (prev_folder / "kg.ttl").is_file())):
        unchanged = _unchanged(out, prev_folder, prev_data, drafts, notes)
        if unchanged is not None:  # same content (a `touch` is not a change): nothing to do
            unchanged.warnings = list(source_warnings or []) + unchanged.warnings  # raw/ as it is now
            return unchanged
    sources, registry_cache = load_sources()
    resume_collector()  # (paused by _build while the manifest and the sources were read)
    schema = sources.schema
    # Everything is made in a folder of its own beside the current build, and published
    # with one rename at the end (kg.store.publish); until then the current build is untouched.
    folder = publish.new_generation(out)
    work = folder / STORE_DIR
    store = None
    try:
        if previous is not None and previous_store is not None:
            try:
                previous_store.backup(str(work))
            except (OSError, RuntimeError, ValueError) as exc:  # RocksDB reports corruption as RuntimeError
                notes.append(f"the previous store cannot be read ({exc}); building in full")
                previous = None
                shutil.rmtree(work, ignore_errors=True)
        previous_store = None  # (closed: only its checkpoint is written to)
        publish._step("store-ready")
        store = ox.Store(str(work))
        # What the graphs about to change hold now, so that the count of triples can be
        # updated from the differences instead of counting the whole union again.
        before: dict[str, set] | None = None
        if previous is not None and not problems:  # (with problems, the build stops before counting)
            changing = [d for d in doc_ids if d not in previous or previous[d].digest != digests.get(d)]
            changing += [d for d in previous if d not in doc_ids]
            before = {str(graph_iri(d)): _triples_of(store, str(graph_iri(d))) for d in changing}
            # (the registry graph's triples are taken below, and only if it is rewritten)
        entries: dict[str, DocumentEntry] = {}
        rebuilt: list[str] = []
        pending: list[str] = []  # lines of N-Quads
        checks = compile_shapes(schema.shapes, schema.ontology)
        # A full build checks the shapes on the quads as it makes them (kg.builder.validate.check_nodes);
        # an incremental one reads the few focus nodes it must check again from the store.
        quads_made = QuadIndex(shape_paths(checks)) if previous is None else None
        # A full build counts the distinct triples as it makes them (a COUNT of the DISTINCT triples of
        # every graph costs 1.8 s at 1M); an incremental one updates the previous count (_updated_count).
        seen: set[str] | None = set() if previous is None else None
        for doc_path in doc_paths:
            digest = digests[doc_path.stem]
            old = previous.get(doc_path.stem) if previous else None
            if old is not None and old.digest == digest:
                entries[doc_path.stem] = old
                continue
            try:
                entry = _build_document(doc_path, sources, digest, store, pending, problems, quads_made, seen)
            except SourceError as exc:
                problems.append(exc)
                continue
            if entry is not None:
                entries[doc_path.stem] = entry
                rebuilt.append(doc_path.stem)
        _flush(store, pending)
        publish._step("documents-loaded")
        for gone in sorted(set(previous or {}) - doc_ids):
            store.remove_graph(_iri(graph_iri(gone)))
        found, index = _check_across_documents(entries, schema)
        problems += found
        if problems:
            raise ValidationError(problems)
        # The facts whose statements changed: only their grades and conflicts can differ from the previous build's.
        changed = None if previous is None else _changed_facts(previous, entries, rebuilt, doc_ids)

        entity_ids = {e for entry in entries.values() for e in entry.entities}
        concepts = {c for entry in entries.values() for c in entry.concepts}
        graded, warnings, grade_concepts = grade_quads(entries, sources.registry, only=changed)
        # The registry graph depends only on which entities and concepts are used (the registry
        # file itself is in the global digest): rewritten, and checked, only when they change.
        registry_key = _digest(*(x.encode() for x in sorted(entity_ids)), b"--",
                               *(x.encode() for x in sorted(concepts | grade_concepts)))
        registry_changed = previous is None or prev_data.get("registry") != registry_key
        if registry_changed:
            reg_quads, n_entities = registry_quads(sources, entity_ids, concepts | grade_concepts)
        else:
            n_entities = int(prev_data.get("entities", 0))
        old_conflicts = [] if previous is None else conflicts_from_dicts(prev_data.get("conflicts", []))
        if changed is None:
            for graph in (_iri(REGISTRY_GRAPH), _iri(GRADES_GRAPH), _iri(ONTOLOGY_GRAPH)):
                if store.contains_named_graph(graph):
                    store.remove_graph(graph)
        else:  # the grades of the changed facts, and the conflicts, replaced; the rest is as it was
            if registry_changed:
                if before is not None:
                    before[str(REGISTRY_GRAPH)] = _triples_of(store, str(REGISTRY_GRAPH))
                if store.contains_named_graph(_iri(REGISTRY_GRAPH)):
                    store.remove_graph(_iri(REGISTRY_GRAPH))
            graded_nodes = _grades_nodes(changed, old_conflicts)
            gone = _triples_of(store, str(GRADES_GRAPH), graded_nodes)
            if before is not None:
                before[str(GRADES_GRAPH)] = gone
            for s_, p_, o_ in gone:
                store.remove(ox.Quad(s_, p_, o_, _iri(GRADES_GRAPH)))
        if registry_changed:
            _load(store, reg_quads)
        _load(store, graded)
        if previous is None:
            store.bulk_extend(_ontology_quads())

        if quads_made is not None:
            for quads in (reg_quads, graded, _ontology_quads()):
                quads_made.add(quads)
            violations = check_nodes(quads_made, quads_made.typed(), checks, store=store)
            quads_made = None  # (its memory is needed for what follows)
        else:
            focus = _focus_graphs(previous, entries, rebuilt, doc_ids, registry_changed)
            nodes = StoreNodes(store)
            violations = check_nodes(nodes, nodes.typed_in(focus), checks, store=store, graphs=focus)
            del nodes  # (it holds the store, which must close before publishing)
        if violations:
            raise ValidationError([_locate(v, index) for v in violations])
        conflicts = _add_conflicts(store, None if changed is None else (old_conflicts, changed))
        publish._step("checked")

        counts = Counter(info[4] for info in index.values())
        manifest = {"kg": __version__, "global": global_digest, "registry": registry_key, "entities": n_entities,
                    "warnings": [[type(w).__name__, w.message, w.path, w.line] for w in warnings],
                    "conflicts": [c.to_dict() for c in conflicts], "documents": len(entries)}
        if before is None or changed is None:
            triples = (_count_union(store) if seen is None
                       else _count_seen(seen, reg_quads, graded, _conflict_quads(conflicts)))
        else:
            after = {g: _triples_of(store, g) for g in before if g != str(GRADES_GRAPH)}
            after[str(GRADES_GRAPH)] = _triples_of(store, str(GRADES_GRAPH), _grades_nodes(changed, conflicts))
            triples = _updated_count(store, before, after, prev_folder)
        summary = {"documents": len(entries), "entities": n_entities, "facts": len(index),
                   "facts_by_type": dict(sorted(counts.items())), "triples": triples,
                   "conflicts": len(conflicts)}
        _write_names(store, folder, prev_folder, reg_quads if registry_changed else None, schema)
        _write_registry_cache(folder, sources.registry, global_digest, registry_cache)
        written = write_store_files(store, folder, exclude=[_iri(ONTOLOGY_GRAPH)]) if files else []
        # The summary last: a build folder with a summary is complete.
        # Compact, so that json's C encoder writes it (indenting falls back to Python: 3 s at 1M).
        atomic_write(folder / DOCUMENTS, _document_lines(entries))
        atomic_write(folder / MANIFEST, json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n")
        atomic_write(folder / "summary.json", json.dumps(summary, indent=2) + "\n")
        store.flush()
        held_elsewhere = sys.getrefcount(store) > 2  # (this name, and the call's argument)
        del store
        if held_elsewhere:  # by a cycle the collector must break before RocksDB can close
            gc.collect()
        publish._step("written")
        publish.publish(out, folder)
    except BaseException:
        store = None  # noqa: F841 - drop the handle, so RocksDB closes before its folder goes
        gc.collect()
        if publish.current(out) != folder:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return BuildResult(out, len(entries), n_entities, dict(counts), triples, rebuilt,
                       [out / p.name for p in written], drafts, list(source_warnings or []) + warnings, conflicts,
                       folder=folder, notes=notes)


def _changed_facts(previous: dict[str, DocumentEntry], entries: dict[str, DocumentEntry], rebuilt: list[str],
                   doc_ids: set[str]) -> set[str]:
    """The ids of the facts stated, now or before, by the documents read again or removed."""
    ids: set[str] = set()
    for doc in set(rebuilt) | (set(previous) - doc_ids):
        for entry in (previous.get(doc), entries.get(doc)):
            if entry is not None:
                ids.update(entry.facts)
    return ids


def _grades_nodes(changed: set[str], conflicts: list) -> set[ox.NamedNode]:
    """The subjects in the grades graph that an incremental build rewrites: the changed facts, and the
    conflicts between them and others (a conflict between two unchanged facts is kept as it was:
    kg.builder.conflicts.update_conflicts)."""
    from .conflicts import conflict_node

    return {_iri(fact_iri(f)) for f in changed} | {_iri(conflict_node(c)) for c in _touching(conflicts, changed)}


def _touching(conflicts: list, changed: set[str]) -> list:
    """The conflicts one of whose facts changed."""
    return [c for c in conflicts if c.a.id in changed or c.b.id in changed]


def _focus_graphs(previous: dict[str, DocumentEntry], entries: dict[str, DocumentEntry], rebuilt: list[str],
                  doc_ids: set[str], registry_changed: bool) -> list[str]:
    """The graphs whose focus nodes an incremental build must check again: the documents read
    again, those sharing a fact with what they (or removed documents) state or stated, and the
    registry if it changed. Every other node was checked by an earlier build and nothing it
    depends on has changed."""
    touched = set(rebuilt)
    ids = _changed_facts(previous, entries, rebuilt, doc_ids)
    touched |= {doc for doc, entry in entries.items() if not ids.isdisjoint(entry.facts)}
    graphs = sorted(str(graph_iri(doc)) for doc in touched)
    return graphs + ([str(REGISTRY_GRAPH)] if registry_changed else [])


def _unchanged(out: Path, folder: Path, data: dict, drafts: int, notes: list[str]) -> BuildResult | None:
    """The current build, as the result of a build that found nothing changed; None if its summary is unreadable."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        kinds = {"SourceWarning": SourceWarning}
        warnings = [kinds.get(kind, KGError)(message, path=path, line=line)
                    for kind, message, path, line in data.get("warnings", [])]
        conflicts = conflicts_from_dicts(data.get("conflicts", []))
        files = [out / name for name in ("kg.ttl", "kg.trig") if (folder / name).is_file()]
        return BuildResult(out, summary["documents"], summary["entities"], summary["facts_by_type"],
                           summary["triples"], [], files, drafts, warnings, conflicts, folder=folder, notes=notes)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cached_registry(out: Path, path: Path, global_digest: str) -> tuple[Registry, Path] | None:
    """The registry as the current build read it (REGISTRY_CACHE), and that build's folder, if nothing
    it depends on has changed since: entities.yaml, the ontology and kg's code are all in the global
    digest. Reading the YAML with line numbers costs about 12 s for the registry of a 1M-triple graph;
    this, a fraction of it."""
    folder = publish.current(out)
    if folder is None:
        return None
    try:
        header, _, rest = (folder / REGISTRY_CACHE).read_text(encoding="utf-8").partition("\n")
        data = json.loads(header)
        if data.get("global") != global_digest:
            return None
        texts = rest.split("\n")  # each entity's fields as JSON text, decoded when first asked for
        if texts[-1] != "" or len(texts) != len(data["ids"]) + 1:
            return None
        cached = dict(zip(data["ids"], texts))
        where = folder / REGISTRY_CACHE
        entities = LazyEntities(cached, lambda text: _cached_entity(text, where))
        return Registry(entities, path, NameIndex.from_json(data["names"])), folder
    except (OSError, ValueError, TypeError, KeyError, AttributeError, KGError):
        return None  # no cache, or a damaged one: the registry is read from its file


def _cached_entity(text: str, where: Path) -> Entity:
    try:
        return Entity(**json.loads(text))
    except (ValueError, TypeError) as exc:
        raise SourceError(f"the build's registry cache is damaged ({exc}); build again with --full",
                          path=str(where)) from None


def _link_previous(previous: Path, folder: Path, name: str) -> bool:
    """Give ``folder`` the previous build's file ``name`` (a hard link: the same bytes, nothing
    written); False where it cannot (the file or that folder gone meanwhile): then it is written anew."""
    try:
        os.link(previous / name, folder / name)
        return True
    except OSError:
        return False


def _write_registry_cache(folder: Path, registry: Registry, global_digest: str, cached_in: Path | None = None) -> None:
    """REGISTRY_CACHE; linked from the build folder ``cached_in`` when the registry was read from its
    cache (_cached_registry), which is then this very file."""
    if cached_in is not None and _link_previous(cached_in, folder, REGISTRY_CACHE):
        return
    # A line of JSON for the ids and the name index, then a line per entity with its fields, in the
    # order of the ids: decoding 24k small objects at once costs 0.13 s, splitting their lines next to
    # nothing, and a small build decodes only the few it needs (LazyEntities).
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # (json.dumps makes one a call)
    entities = list(registry.entities.values())
    header = encode({"global": global_digest, "ids": [e.id for e in entities], "names": registry.names.to_json()})
    atomic_write(folder / REGISTRY_CACHE, "".join([header, "\n"] + [encode(vars(e)) + "\n" for e in entities]))


def _write_names(store: ox.Store, folder: Path, previous: Path | None, registry: list[ox.Quad] | None,
                 schema: Schema) -> None:
    """The index of entity names (kg.store.local.NAMES_FILE), so that a command looks a name up in a
    dictionary instead of scanning every label. It depends only on the registry graph: made from its
    quads (``registry``) when it was rewritten; else the previous build's file is linked."""
    from ..sparql.named import name_lookup_data, names_data
    from ..store.local import NAMES_FILE, Store

    if registry is None and previous is not None and _link_previous(previous, folder, NAMES_FILE):
        return
    data = names_data(_entity_names(registry, schema)) if registry is not None else name_lookup_data(Store(store))
    atomic_write(folder / NAMES_FILE, json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")


def _entity_names(quads: list[ox.Quad], schema: Schema) -> list[tuple[str, str, str | None]]:
    """The rows the entity-names query (kg/queries/internal) gives on the registry graph made of
    ``quads``: each entity (typed with kg:Entity or a subclass) with its display name and each other
    name (alternative label, acronym), or None; by entity IRI."""
    from rdflib import URIRef

    pref, alt, acronym = SKOS + "prefLabel", SKOS + "altLabel", str(KG.acronym)
    types: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    others: dict[str, set[str]] = {}
    for q in quads:
        p, s, o = q.predicate.value, q.subject, q.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            types.setdefault(s.value, set()).add(o.value)
        elif p == pref and isinstance(o, ox.Literal):
            labels.setdefault(s.value, set()).add(o.value)
        elif p in (alt, acronym) and isinstance(o, ox.Literal):
            others.setdefault(s.value, set()).add(o.value)
    entity = str(KG.Entity)
    is_entity = {t: t == entity or schema.is_subclass(URIRef(t), KG.Entity) for ts in types.values() for t in ts}
    rows: list[tuple[str, str, str | None]] = []
    for iri in sorted(labels):
        if any(is_entity[t] for t in types.get(iri, ())):
            for label in sorted(labels[iri]):
                rows += [(iri, label, name) for name in sorted(others.get(iri, ()))] or [(iri, label, None)]
    return rows


def _add_conflicts(store: ox.Store, since: tuple[list, set[str]] | None = None) -> list:
    """Find the conflicting claims (kg/builder/conflicts.py) and write them into the grades graph; they never
    stop the build. ``since`` is the previous build's conflicts and the ids of the facts changed since:
    then only pairs with a changed fact are judged again (the result is the same), and only theirs are
    written (the others' triples are in the grades graph already)."""
    from .conflicts import find_conflicts, update_conflicts
    from ..store.local import Store

    if since is None:
        conflicts = find_conflicts(Store(store))
    else:
        conflicts = update_conflicts(Store(store), since[0], since[1], _FACT_BASE)
    _load(store, _conflict_quads(conflicts if since is None else _touching(conflicts, since[1])))
    return conflicts


def _conflict_quads(conflicts: list) -> list[ox.Quad]:
    """The conflicts' quads, in the grades graph."""
    from .conflicts import conflict_triples

    graph = _iri(GRADES_GRAPH)
    return [ox.Quad(_iri(s), _iri(p), _lit(o[1]) if isinstance(o, tuple) else _iri(o), graph)
            for s, p, o in conflict_triples(conflicts)]


def _triples_of(store: ox.Store, graph: str, subjects: set[ox.NamedNode] | None = None) -> set:
    """The triples of a graph (about ``subjects`` only, when given)."""
    if subjects is None:
        return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, _iri(graph))}
    return {(q.subject, q.predicate, q.object) for s in subjects for q in store.quads_for_pattern(s, None, None, _iri(graph))}


def _updated_count(store: ox.Store, before: dict[str, set], after: dict[str, set], prev_folder: Path) -> int:
    """The number of distinct triples in the data graphs, from the previous build's count and
    what the changed graphs lost and gained: a triple counts once however many graphs hold it,
    so each one that came or went is looked up in the other graphs (O(changes), not O(graph))."""
    try:
        count = int(json.loads((prev_folder / "summary.json").read_text(encoding="utf-8"))["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return _count_union(store)
    candidates = set()
    for g in before:
        candidates |= before[g] ^ after[g]
    skip = set(before) | {str(ONTOLOGY_GRAPH)}
    for s, p, o in candidates:
        elsewhere = any(getattr(q.graph_name, "value", "") not in skip for q in store.quads_for_pattern(s, p, o, None))
        was = elsewhere or any((s, p, o) in held for held in before.values())
        now = elsewhere or any((s, p, o) in held for held in after.values())
        count += int(now) - int(was)
    return count


def _count_seen(seen: set[str], *quads: list[ox.Quad]) -> int:
    """The number of distinct triples in the data graphs: those of the documents' graphs, ``seen``
    as the build made them, with those of ``quads`` (the registry and grades graphs: the same
    terms written by the same formatter)."""
    for some in quads:
        seen.update([f"{q.subject} {q.predicate} {q.object}" for q in some])
    return len(seen)


def _count_union(store: ox.Store) -> int:
    result = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER (?g != <{ONTOLOGY_GRAPH}>) }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)


def _locate(v, index: dict[str, list]) -> SourceError:
    """A shape violation, pinned to the fact sheet line of the fact it concerns."""
    fact_prefix = _FACT_BASE
    where = None
    if v.focus.startswith(fact_prefix):
        fact_id = v.focus[len(fact_prefix):].split("/", 1)[0]
        where = index.get(fact_id)
    name = v.path.rsplit("#", 1)[-1] if v.path else ""
    message = f"shape violated: {v.focus}{' ' + name if name else ''} {v.message}"
    return SourceError(message, path=where[2] if where else None, line=where[3] if where else None)
