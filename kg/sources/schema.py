"""The fact-sheet schema, read from the ontology and its SHACL shapes.

Adding a fact type or a field is an edit to ontology/kg.ttl and
ontology/shapes.ttl; nothing here names a fact type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.namespace import RDF, RDFS, XSD

from ..core import resources
from ..core.namespaces import KG, SH, SKOS

ENTITY, FACT, CONCEPT, LITERAL, NESTED = "entity", "fact", "concept", "literal", "nested"


@dataclass
class Field:
    """One key a fact (or a nested mapping) may carry in a fact sheet."""

    key: str
    path: URIRef
    kind: str
    range: URIRef | None = None  # class for entity/fact/concept, datatype for literal
    min_count: int = 0
    max_count: int | None = None
    nested: list[Field] = field(default_factory=list)
    concepts: dict[str, URIRef] = field(default_factory=dict)
    minimum: int | None = None  # sh:minInclusive, for whole numbers

    @property
    def many(self) -> bool:
        return self.max_count != 1


@dataclass
class Shortcut:
    subject: URIRef
    predicate: URIRef | None
    object: URIRef | None  # None: the fact node itself
    predicate_from: URIRef | None = None


@dataclass
class FactType:
    name: str
    cls: URIRef
    label: str
    fields: dict[str, Field]
    shortcuts: list[Shortcut]
    cameo: URIRef | None


@dataclass
class Schema:
    ontology: Graph
    shapes: Graph
    fact_types: dict[str, FactType]
    entity_types: dict[str, URIRef]  # local name -> class
    concept_predicates: dict[URIRef, URIRef]  # status concept -> implied predicate
    _subclass_cache: dict = field(default_factory=dict, repr=False)

    def is_subclass(self, cls: URIRef, ancestor: URIRef) -> bool:
        """Whether ``cls`` is ``ancestor`` or a subclass of it (asked for every value of every fact)."""
        key = (cls, ancestor)
        if key not in self._subclass_cache:
            self._subclass_cache[key] = cls == ancestor or ancestor in set(
                self.ontology.transitive_objects(cls, RDFS.subClassOf))
        return self._subclass_cache[key]

    def superclasses(self, cls: URIRef) -> list[URIRef]:
        """Every named class ``cls`` is a subclass of (itself excluded), sorted: the types the build
        writes beside a fact's own class, so that plain queries work on stores without inference."""
        key = ("super", cls)
        if key not in self._subclass_cache:
            self._subclass_cache[key] = sorted(
                {c for c in self.ontology.transitive_objects(cls, RDFS.subClassOf)
                 if isinstance(c, URIRef) and c != cls}, key=str)
        return self._subclass_cache[key]

    def label(self, term: URIRef) -> str:
        value = self.ontology.value(term, RDFS.label)
        return str(value) if value is not None else str(term)


def _iri(graph: Graph, subject: Node, predicate: URIRef) -> URIRef | None:
    """The IRI ``subject`` has for ``predicate`` in kg's own ontology or shapes, or None where it has none."""
    value = graph.value(subject, predicate)
    if value is None or isinstance(value, URIRef):
        return value
    raise ValueError(f"{subject} {predicate}: an IRI was expected, not {value!r}")


def _int(graph: Graph, subject: Node, predicate: URIRef) -> int | None:
    """The whole number ``subject`` has for ``predicate`` (a literal such as sh:minCount), or None."""
    value = graph.value(subject, predicate)
    return int(str(value)) if value is not None else None


def _fields(shapes: Graph, ontology: Graph, shape: Node, is_sub) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for prop in shapes.objects(shape, SH.property):
        key = shapes.value(prop, KG.sheetKey)
        if key is None:
            continue
        path = _iri(shapes, prop, SH.path)
        if path is None:
            raise ValueError(f"the shape of {key!r} has no sh:path")
        cls = _iri(shapes, prop, SH["class"])
        dtype = _iri(shapes, prop, SH.datatype)
        node = shapes.value(prop, SH.node)
        mn = _int(shapes, prop, SH.minCount)
        f = Field(str(key), path, LITERAL, dtype or XSD.string, mn if mn is not None else 0,
                  _int(shapes, prop, SH.maxCount))
        f.minimum = _int(shapes, prop, SH.minInclusive)
        if node is not None:
            f.kind = NESTED
            f.range = None
            f.nested = list(_fields(shapes, ontology, node, is_sub).values())
        elif cls is not None:
            f.range = cls
            if is_sub(cls, KG.Fact):
                f.kind = FACT
            elif is_sub(cls, SKOS.Concept):
                f.kind = CONCEPT
                f.concepts = {
                    str(ontology.value(c, KG.sheetKey)): c
                    for c in ontology.subjects(RDF.type, cls)
                    if isinstance(c, URIRef) and ontology.value(c, KG.sheetKey) is not None
                }
            else:
                f.kind = ENTITY
        out[f.key] = f
    return out


def _read_turtle(path) -> Graph:
    """A Turtle file as an rdflib Graph, parsed by pyoxigraph (twice as fast as rdflib's parser, which
    every build and command paid for the ontology and shapes)."""
    import pyoxigraph as ox

    iris: dict[str, URIRef] = {}  # (an IRI is checked as each URIRef is made: once per IRI)

    def term(t):
        if isinstance(t, ox.NamedNode):
            found = iris.get(t.value)
            if found is None:
                found = iris[t.value] = URIRef(t.value)
            return found
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        datatype = t.datatype.value
        plain = t.language or datatype == "http://www.w3.org/2001/XMLSchema#string"  # as rdflib reads it
        return Literal(t.value, lang=t.language, datatype=None if plain else URIRef(datatype))

    graph = Graph(store="SimpleMemory")  # (a plain triple store: no contexts to keep, a third faster to fill)
    parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    for t in parser:
        graph.add((term(t.subject), term(t.predicate), term(t.object)))
    for prefix, iri in parser.prefixes.items():  # (known once the file is read) kept, as rdflib's parser keeps them
        graph.bind(prefix, iri, override=False)
    return graph


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """Read kg.ttl and shapes.ttl into the fact-sheet schema (once per process)."""
    ontology = _read_turtle(resources.ontology_file())
    shapes = _read_turtle(resources.shapes_file())

    def is_sub(cls, ancestor) -> bool:
        return cls == ancestor or ancestor in set(ontology.transitive_objects(cls, RDFS.subClassOf))

    base_shape = URIRef(str(KG).replace("ontology#", "shapes#") + "Fact")
    base_fields = _fields(shapes, ontology, base_shape, is_sub)

    fact_types: dict[str, FactType] = {}
    for cls, name in sorted(ontology.subject_objects(KG.sheetType), key=lambda pair: (str(pair[0]), str(pair[1]))):
        if not isinstance(cls, URIRef):
            raise ValueError(f"kg:sheetType {name} is given to {cls!r}, not a class IRI")
        fields = dict(base_fields)
        for shape in sorted(shapes.subjects(SH.targetClass, cls), key=str):
            fields.update(_fields(shapes, ontology, shape, is_sub))
        shortcuts = []
        for node in ontology.objects(cls, KG.shortcut):
            subject = _iri(ontology, node, KG.shortcutSubject)
            if subject is None:
                raise ValueError(f"a kg:shortcut of {cls} has no kg:shortcutSubject")
            shortcuts.append(Shortcut(
                subject,
                _iri(ontology, node, KG.shortcutPredicate),
                _iri(ontology, node, KG.shortcutObject),
                _iri(ontology, node, KG.shortcutPredicateFrom),
            ))
        shortcuts.sort(key=lambda s: (str(s.subject), str(s.predicate), str(s.object)))
        fact_types[str(name)] = FactType(
            str(name), cls, str(ontology.value(cls, RDFS.label) or name), fields, shortcuts,
            _iri(ontology, cls, KG.cameoCode),
        )

    entity_types = {
        str(c).split("#")[-1]: c
        for c in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))
        if isinstance(c, URIRef) and str(c).startswith(str(KG)) and is_sub(c, KG.Entity)
    }
    concept_predicates = {
        c: p for c, p in ontology.subject_objects(KG.impliesPredicate) if isinstance(c, URIRef) and isinstance(p, URIRef)
    }
    return Schema(ontology, shapes, fact_types, entity_types, concept_predicates)

