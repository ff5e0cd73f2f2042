"""`kg build`: documents, registry and fact sheets in; a checked RDF dataset out.

The dataset has one named graph per source document (the facts it states,
with its own citations) and one for the registry (the entities those facts
name). build/kg.ttl is their union, build/kg.trig keeps the graphs apart.
Both are written deterministically: sorted, with IRIs derived from ids, and no
blank nodes, so an unchanged input gives identical bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from . import dates
from .documents import Document, read_document
from .errors import KGError, MissingInputError, SourceError, ValidationError
from .factsheet import Fact, read_sheet, sheet_path_for, slugify
from .namespaces import (KG, PREFIXES, REGISTRY_GRAPH, SCHEMA, SH, WD, citation_iri, document_iri,
                         entity_iri, fact_iri, graph_iri)
from .registry import Registry, load_registry
from .schema import CONCEPT, ENTITY, FACT, LITERAL, NESTED, Schema, load_schema
from .serialize import write_dataset_files

REGISTRY_FILE = "entities.yaml"
PRECISION_UNITS = {dates.YEAR: TIME.unitYear, dates.MONTH: TIME.unitMonth, dates.DAY: TIME.unitDay}
DATE_TYPES = {dates.YEAR: XSD.gYear, dates.MONTH: XSD.gYearMonth, dates.DAY: XSD.date}


@dataclass
class Sources:
    """Everything read from a raw/ folder, checked and ready to turn into RDF."""

    raw: Path
    schema: Schema
    registry: Registry
    documents: dict[str, Document]
    facts: dict[str, list[Fact]]  # id -> the statements of that fact, one per document


@dataclass
class BuildResult:
    dataset: Dataset
    out: Path | None
    documents: int
    entities: int
    facts_by_type: dict[str, int]
    triples: int
    files: list[Path] = field(default_factory=list)

    @property
    def facts(self) -> int:
        return sum(self.facts_by_type.values())

    def summary(self) -> dict:
        return {"documents": self.documents, "entities": self.entities, "facts": self.facts,
                "facts_by_type": dict(sorted(self.facts_by_type.items())), "triples": self.triples}


def read_sources(raw: str | Path) -> Sources:
    """Read and check a raw/ folder. Raises SourceError or ValidationError."""
    raw = Path(raw)
    if not raw.is_dir():
        raise MissingInputError(f"no such folder: {raw}")
    schema = load_schema()
    registry = load_registry(raw / REGISTRY_FILE, schema)
    documents: dict[str, Document] = {}
    for path in sorted(raw.glob("*.txt")):
        doc = read_document(path)
        documents[doc.id] = doc
    if not documents:
        raise SourceError("no documents (*.txt) in the folder", path=str(raw))
    problems: list[KGError] = []
    by_id: dict[str, list[Fact]] = {}
    for sheet in sorted(raw.glob("*.facts.yaml")):
        doc_id = sheet.name[: -len(".facts.yaml")]
        doc = documents.get(doc_id)
        if doc is None:
            problems.append(SourceError(f"no document {doc_id}.txt beside this fact sheet", path=str(sheet), line=1))
            continue
        facts, found = read_sheet(sheet, doc, registry, schema)
        problems += found
        seen_here: dict[str, Fact] = {}
        for fact in facts:
            if fact.id in seen_here:
                other = seen_here[fact.id]
                problems.append(SourceError(
                    f"fact id {fact.id!r} is used twice in this sheet (first at line {other.line})"
                    + ("" if fact.explicit_id else "; give the facts distinct 'id's"),
                    path=fact.path, line=fact.line))
                continue
            seen_here[fact.id] = fact
            by_id.setdefault(fact.id, []).append(fact)
    for fact_id, statements in by_id.items():
        first = statements[0]
        for other in statements[1:]:
            if other.content_key() != first.content_key():
                problems.append(SourceError(
                    f"fact {fact_id!r} is stated differently here and at {first.path}:{first.line}; "
                    "make them agree, or give them different ids", path=other.path, line=other.line))
    for statements in by_id.values():
        fact = statements[0]
        for key, f in fact.type.fields.items():
            if f.kind != FACT:
                continue
            for target in fact.values.get(key, []):
                if target not in by_id:
                    problems.append(SourceError(f"{key}: no fact has the id {target!r}", path=fact.path, line=fact.line))
                elif not schema.is_subclass(by_id[target][0].type.cls, f.range) and by_id[target][0].type.cls != f.range:
                    problems.append(SourceError(
                        f"{key}: {target!r} is a {by_id[target][0].type.label}, not a {schema.label(f.range)}",
                        path=fact.path, line=fact.line))
    if problems:
        raise ValidationError(problems)
    return Sources(raw, schema, registry, documents, dict(sorted(by_id.items())))


def _fact_label(fact: Fact, registry: Registry) -> str:
    for key, f in fact.type.fields.items():
        if f.path == KG.name and key in fact.values:
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


def _add_fact(g: Graph, fact: Fact, sources: Sources, citations) -> None:
    schema, registry = sources.schema, sources.registry
    node = fact_iri(fact.id)
    g.add((node, RDF.type, fact.type.cls))
    g.add((node, RDFS.label, Literal(_fact_label(fact, registry))))
    if fact.type.cameo is not None:
        g.add((node, KG.eventCode, fact.type.cameo))
    d = fact.date
    g.add((node, KG.dateText, Literal(d.text)))
    g.add((node, KG.dateLabel, Literal(str(d))))
    if d.is_range:
        g.add((node, KG.dateValue, Literal(d.value())))
        g.add((node, KG.isDateRange, Literal(True)))
    else:
        g.add((node, KG.dateValue, Literal(d.value(), datatype=DATE_TYPES[d.precision])))
    g.add((node, KG.datePrecision, PRECISION_UNITS[d.precision]))
    if d.qualifier:
        g.add((node, KG.dateQualifier, _qualifier(schema, d.qualifier)))
    if d.earliest() is not None:
        g.add((node, KG.earliestDate, Literal(d.earliest().isoformat(), datatype=XSD.date)))
    if d.latest() is not None:
        g.add((node, KG.latestDate, Literal(d.latest().isoformat(), datatype=XSD.date)))

    role_values: dict[URIRef, list[URIRef]] = {}
    for key, f in fact.type.fields.items():
        for i, value in enumerate(fact.values.get(key, [])):
            if f.kind == NESTED:
                item = URIRef(f"{node}/{key}/{i + 1}")
                g.add((node, f.path, item))
                rng = schema.ontology.value(f.path, RDFS.range)
                if rng is not None:
                    g.add((item, RDF.type, rng))
                for sub in f.nested:
                    for v in value.get(sub.key, []):
                        obj = _term(sub, v)
                        g.add((item, sub.path, obj))
                        if sub.kind == ENTITY:
                            role_values.setdefault(sub.path, []).append(obj)
                            g.add((node, KG.participant, obj))
                continue
            obj = _term(f, value)
            g.add((node, f.path, obj))
            if f.kind == ENTITY:
                role_values.setdefault(f.path, []).append(obj)
                g.add((node, KG.participant, obj))
            elif f.kind == CONCEPT:
                role_values.setdefault(f.path, []).append(obj)
    for sc in fact.type.shortcuts:
        predicates = [sc.predicate] if sc.predicate is not None else [
            schema.concept_predicates[c] for c in role_values.get(sc.predicate_from, [])
            if c in schema.concept_predicates]
        objects = role_values.get(sc.object, []) if sc.object is not None else [node]
        for pred in predicates:
            for s in role_values.get(sc.subject, []):
                for o in objects:
                    if s != o:
                        g.add((s, pred, o))
    for c in citations:
        cit = citation_iri(c.doc_id, c.start, c.end)
        g.add((node, PROV.wasDerivedFrom, cit))
        g.add((cit, RDF.type, KG.Citation))
        g.add((cit, KG.quote, Literal(c.quote)))
        g.add((cit, KG.startOffset, Literal(c.start, datatype=XSD.nonNegativeInteger)))
        g.add((cit, KG.endOffset, Literal(c.end, datatype=XSD.nonNegativeInteger)))
        g.add((cit, PROV.wasQuotedFrom, document_iri(c.doc_id)))


def _qualifier(schema: Schema, text: str) -> URIRef:
    for concept, key in schema.ontology.subject_objects(KG.sheetKey):
        if str(key) == text and (concept, RDF.type, KG.DateQualifier) in schema.ontology:
            return concept
    raise KeyError(text)


def _term(f, value):
    if f.kind == ENTITY:
        return entity_iri(value)
    if f.kind == FACT:
        return fact_iri(value)
    if f.kind == CONCEPT:
        return value
    return Literal(value, datatype=None if f.range == XSD.string else f.range)


def _add_document(g: Graph, doc: Document) -> None:
    node = document_iri(doc.id)
    g.add((node, RDF.type, KG.SourceDocument))
    g.add((node, DCTERMS.identifier, Literal(doc.id)))
    g.add((node, DCTERMS.title, Literal(doc.meta["title"])))
    g.add((node, RDFS.label, Literal(doc.meta["title"])))
    g.add((node, KG.publisher, Literal(doc.meta["publisher"])))
    if doc.meta.get("url"):
        g.add((node, SCHEMA.url, Literal(doc.meta["url"], datatype=XSD.anyURI)))
    for key, prop in (("author", DCTERMS.creator), ("note", KG.note), ("language", DCTERMS.language)):
        if doc.meta.get(key):
            g.add((node, prop, Literal(doc.meta[key])))
    g.add((node, KG.referenceDate, Literal(doc.reference_date.iso(), datatype=DATE_TYPES[doc.reference_date.precision])))
    if doc.published:
        g.add((node, KG.publishedDate, Literal(doc.published.iso(), datatype=DATE_TYPES[doc.published.precision])))


ENTITY_PROPS = {
    "description": DCTERMS.description, "iso3166": KG.iso3166Alpha2, "iso3166_alpha3": KG.iso3166Alpha3,
    "rank": KG.rank, "post_nominals": KG.postNominals, "retired": KG.retired, "designation": KG.designation,
    "family": KG.weaponFamily, "weapon_class": KG.weaponClass, "acronym": KG.acronym,
    "country": KG.country, "manufacturer": KG.manufacturer,
}


def _add_entities(g: Graph, sources: Sources) -> int:
    registry, schema = sources.registry, sources.schema
    wanted = {e for statements in sources.facts.values() for e in statements[0].entity_ids()}
    todo = list(wanted)
    while todo:  # entities the named ones refer to (a weapon's manufacturer, a person's country)
        for target in registry[todo.pop()].refs.values():
            if target not in wanted:
                wanted.add(target)
                todo.append(target)
    for eid in sorted(wanted):
        ent = registry[eid]
        node = entity_iri(eid)
        g.add((node, RDF.type, schema.entity_types[ent.type]))
        g.add((node, SKOS.prefLabel, Literal(ent.name)))
        g.add((node, RDFS.label, Literal(ent.name)))
        for alias in ent.aliases:
            g.add((node, SKOS.altLabel, Literal(alias)))
        for key, value in ent.props.items():
            if key == "wikidata":
                g.add((node, SKOS.exactMatch, WD[str(value)]))
            elif key == "retired":
                g.add((node, KG.retired, Literal(bool(value))))
            else:
                g.add((node, ENTITY_PROPS[key], Literal(str(value))))
        for key, target in ent.refs.items():
            g.add((node, ENTITY_PROPS[key], entity_iri(target)))
    return len(wanted)


CONCEPT_PROPS = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.notation, SKOS.inScheme)


def _add_concepts(g: Graph, facts: Graph, sources: Sources) -> None:
    """Copy the concepts the facts use (statuses, posts, CAMEO codes) with their labels,
    so that the graph explains itself without the ontology beside it."""
    onto = sources.schema.ontology
    used = {o for o in facts.objects() if isinstance(o, URIRef) and (o, RDF.type, None) in onto}
    for concept in sorted(used):
        types = set(onto.objects(concept, RDF.type))
        if URIRef("http://www.w3.org/2002/07/owl#Class") in types or not (
                SKOS.Concept in types or any(sources.schema.is_subclass(t, SKOS.Concept) for t in types)):
            continue
        for p in CONCEPT_PROPS:
            for o in onto.objects(concept, p):
                g.add((concept, p, o))


def make_dataset(sources: Sources) -> tuple[Dataset, int]:
    """Turn checked sources into a dataset; return it and the number of entities."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    for doc in sources.documents.values():
        _add_document(ds.graph(graph_iri(doc.id)), doc)
    for statements in sources.facts.values():
        for fact in statements:
            _add_fact(ds.graph(graph_iri(fact.doc_id)), fact, sources, fact.citations)
    registry = ds.graph(REGISTRY_GRAPH)
    entities = _add_entities(registry, sources)
    _add_concepts(registry, union_graph(ds), sources)
    return ds, entities


def union_graph(ds: Dataset) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def validate(sources: Sources, graph: Graph) -> None:
    """Check the built graph against the SHACL shapes; map each problem to its sheet line."""
    from pyshacl import validate as shacl_validate  # imported here: it is slow to import

    conforms, results, _text = shacl_validate(
        graph, shacl_graph=sources.schema.shapes, ont_graph=sources.schema.ontology,
        inference="none", advanced=True, allow_warnings=False)
    if conforms:
        return
    where = {str(fact_iri(fid)): st[0] for fid, st in sources.facts.items()}
    problems = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = str(results.value(result, SH.focusNode))
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        fact = where.get(focus) or where.get(focus.rsplit("/", 2)[0])
        pname = graph.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else ""
        text = f"shape violated at {pname or focus}: {message}"
        problems.append(SourceError(text, path=fact.path if fact else None, line=fact.line if fact else None))
    problems.sort(key=lambda p: (p.path or "", p.line or 0, p.message))
    raise ValidationError(problems or [SourceError("the graph does not conform to the shapes")])


def compile_sources(raw: str | Path = "raw", *, check_shapes: bool = True) -> BuildResult:
    """Read, check and build a raw/ folder into a dataset, writing nothing."""
    sources = read_sources(raw)
    ds, entities = make_dataset(sources)
    union = union_graph(ds)
    if check_shapes:
        validate(sources, union)
    counts = Counter(st[0].type.name for st in sources.facts.values())
    return BuildResult(ds, None, len(sources.documents), entities, dict(counts), len(union))


def build(raw: str | Path = "raw", out: str | Path = "build", *, check_shapes: bool = True) -> BuildResult:
    """Build the graph from ``raw`` and write it to ``out``.

    Writes ``kg.ttl`` (the union), ``kg.trig`` (a named graph per document and
    one for the registry) and ``summary.json``. Nothing is written unless the
    whole build succeeds, and each file is replaced atomically.
    """
    result = compile_sources(raw, check_shapes=check_shapes)
    out = Path(out)
    result.out = out
    result.files = write_dataset_files(result.dataset, out, {"summary.json": json.dumps(result.summary(), indent=2) + "\n"})
    return result
