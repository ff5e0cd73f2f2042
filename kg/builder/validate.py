"""SHACL validation of a built store, by compiling the shapes to SPARQL.

pyshacl validates rdflib graphs in Python and takes minutes past a few hundred
thousand triples; kg graphs grow to millions. The constraints ontology/shapes.ttl
uses are few (targets by class, property shapes with counts, class, datatype,
value lists, minimum length and value, nested node shapes, sh:or of property
counts, and SPARQL constraints), and each compiles to one SPARQL query that
Oxigraph answers in one pass over the data. A shape using anything else is
refused when the shapes are read, so nothing is silently skipped. The tests
check that this agrees with pyshacl on good and broken graphs.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from ..core.errors import KGError
from ..core.namespaces import SH, sparql_prefixes

SUPPORTED_PROPERTY_KEYS = {
    SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["in"], SH.node, SH.minLength,
    SH.minInclusive, SH.message, SH.name, SH.description,
}
SUPPORTED_NODE_KEYS = {SH.targetClass, SH.property, SH.sparql, SH["or"], RDF.type, RDFS.label}
IGNORED_KEYS = {URIRef("https://w3id.org/bilateral-kg/ontology#sheetKey")}


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str


@dataclass
class Check:
    message: str
    path: str | None
    sparql: str


def _n3(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise KGError(f"shapes: cannot use {term!r} in a constraint")


class _Classes:
    """Each class with its subclasses, from the ontology, so that queries match types by
    VALUES rather than walking rdfs:subClassOf* for every node."""

    def __init__(self, ontology: Graph):
        self.ontology = ontology
        self.cache: dict = {}

    def values(self, cls) -> str:
        if cls not in self.cache:
            subs = set(self.ontology.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
            self.cache[cls] = " ".join(sorted(_n3(c) for c in subs if isinstance(c, URIRef)))
        return self.cache[cls]


def _instances(target: str, cls, classes: _Classes, var: str = "?type_") -> str:
    return f"VALUES {var} {{ {classes.values(cls)} }} {target} a {var} ."


def _property_checks(shapes: Graph, prop, focus_pattern: str, where: str, classes: _Classes) -> list[Check]:
    extra = set(shapes.predicates(prop)) - SUPPORTED_PROPERTY_KEYS - IGNORED_KEYS
    if extra:
        raise KGError(f"shapes: unsupported property-shape keys {sorted(map(str, extra))} in {where}")
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise KGError(f"shapes: only IRI paths are supported ({where})")
    p = _n3(path)
    label = str(path)
    checks: list[Check] = []

    def add(message: str, body: str) -> None:
        custom = shapes.value(prop, SH.message)
        checks.append(Check(str(custom) if custom is not None else message, label,
                            f"SELECT DISTINCT ?this ?value WHERE {{ {focus_pattern} {body} }}"))

    mn, mx = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if mn is not None and int(mn) > 0:
        if int(mn) == 1:
            add("has no value (at least 1 needed)", f"FILTER NOT EXISTS {{ ?this {p} ?any_ }}")
        else:
            add(f"has fewer than {int(mn)} values",
                f"{{ SELECT ?this (COUNT(DISTINCT ?v_) AS ?n_) WHERE {{ {focus_pattern} OPTIONAL {{ ?this {p} ?v_ }} }} "
                f"GROUP BY ?this }} FILTER (?n_ < {int(mn)})")
    if mx is not None:
        add(f"has more than {int(mx)} value(s)",
            f"{{ SELECT ?this (COUNT(DISTINCT ?v_) AS ?n_) WHERE {{ {focus_pattern} ?this {p} ?v_ }} "
            f"GROUP BY ?this }} FILTER (?n_ > {int(mx)})")
    cls = shapes.value(prop, SH["class"])
    if cls is not None:
        add(f"has a value that is not a {cls}",
            f"?this {p} ?value . FILTER NOT EXISTS {{ {_instances('?value', cls, classes, '?t_')} }}")
    dtype = shapes.value(prop, SH.datatype)
    if dtype is not None:
        add(f"has a value that is not a {dtype}",
            f"?this {p} ?value . FILTER (!isLiteral(?value) || datatype(?value) != {_n3(dtype)})")
    allowed = shapes.value(prop, SH["in"])
    if allowed is not None:
        values = ", ".join(_n3(v) for v in Collection(shapes, allowed))
        add("has a value outside the allowed list", f"?this {p} ?value . FILTER (?value NOT IN ({values}))")
    min_length = shapes.value(prop, SH.minLength)
    if min_length is not None:
        add(f"has a value shorter than {int(min_length)}",
            f"?this {p} ?value . FILTER (STRLEN(STR(?value)) < {int(min_length)})")
    min_inclusive = shapes.value(prop, SH.minInclusive)
    if min_inclusive is not None:
        add(f"has a value below {min_inclusive}", f"?this {p} ?value . FILTER (?value < {_n3(min_inclusive)})")
    node = shapes.value(prop, SH.node)
    if node is not None:
        # The nested shape's focus nodes are this property's values; the owner keeps its own pattern.
        # The nested shape's checks run on this property's values; as in SHACL, a failure is
        # reported on the owner (the sh:node constraint's focus node), naming the value.
        nested_focus = focus_pattern.replace("?this", "?owner_").replace("?type_", "?ownertype_") + f" ?owner_ {p} ?this ."
        for check in _node_checks(shapes, node, f"{where} > {label}", classes):
            sparql = check.sparql.replace("#FOCUS#", nested_focus).replace(
                "SELECT DISTINCT ?this ?value", "SELECT DISTINCT ?owner_ ?this", 1)
            value_path = check.path.rsplit("#", 1)[-1] if check.path is not None else ""  # None: a SPARQL constraint
            checks.append(Check(f"{label.rsplit('#', 1)[-1]} value {value_path} {check.message}",
                                check.path, sparql))
    return checks


def _node_checks(shapes: Graph, shape, where: str, classes: _Classes) -> list[Check]:
    """Checks of a nested node shape; its focus pattern is left as #FOCUS# for the caller."""
    checks = []
    for prop in shapes.objects(shape, SH.property):
        checks += _property_checks(shapes, prop, "#FOCUS#", where, classes)
    return checks


def compile_shapes(shapes: Graph, ontology: Graph) -> list[Check]:
    """Every constraint of the shapes graph as a SPARQL query returning the violating ?this.

    ``ontology`` gives the subclasses of each class a shape targets or requires.
    """
    classes = _Classes(ontology)
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
        where = str(shape)
        extra = set(shapes.predicates(shape)) - SUPPORTED_NODE_KEYS - IGNORED_KEYS
        if extra:
            raise KGError(f"shapes: unsupported node-shape keys {sorted(map(str, extra))} in {where}")
        for cls in shapes.objects(shape, SH.targetClass):
            focus = _instances("?this", cls, classes)
            for prop in shapes.objects(shape, SH.property):
                checks += _property_checks(shapes, prop, focus, where, classes)
            for constraint in shapes.objects(shape, SH.sparql):
                select = str(shapes.value(constraint, SH.select))
                message = str(shapes.value(constraint, SH.message) or "breaks a SPARQL constraint")
                # The constraint's own PREFIX lines are dropped: check_store declares kg's prefixes.
                inner = select.split("{", 1)[1].rsplit("}", 1)[0].replace("$this", "?this")
                checks.append(Check(message, None, f"SELECT DISTINCT ?this WHERE {{ {focus} {inner} }}"))
            alternatives = shapes.value(shape, SH["or"])
            if alternatives is not None:
                conditions = []
                for alt in Collection(shapes, alternatives):
                    path, mn = shapes.value(alt, SH.path), shapes.value(alt, SH.minCount)
                    if path is None or mn is None or int(str(mn)) != 1:
                        raise KGError(f"shapes: sh:or supports only [sh:path P; sh:minCount 1] ({where})")
                    conditions.append(f"EXISTS {{ ?this {_n3(path)} ?any_ }}")
                paths = " or ".join(str(shapes.value(a, SH.path)).rsplit("#", 1)[-1] for a in Collection(shapes, alternatives))
                checks.append(Check(f"needs one of: {paths}", None,
                                    f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER (!({' || '.join(conditions)})) }}"))
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, BNode):
            raise KGError("shapes: node shapes must have IRIs")
    return checks




def check_store(store, checks: list[Check], limit: int = 200, *, graphs: list[str] | None = None) -> list[Violation]:
    """Run the compiled checks on a pyoxigraph store (union default graph).

    ``graphs``: check only the focus nodes typed in these named graphs (the
    documents an incremental build changed), still against the whole union:
    each check then costs what those graphs hold, not what the store holds.
    """
    out: list[Violation] = []
    prefixes = sparql_prefixes()
    for check in checks:
        sparql = check.sparql if graphs is None else focus_on(check.sparql, graphs)
        for row in store.query(prefixes + sparql + f" LIMIT {limit}", use_default_graph_as_union=True):
            out.append(Violation(row[0].value, check.path, check.message))  # the first column is the focus
            if len(out) >= limit:
                return out
    return out


def focus_on(sparql: str, graphs: list[str]) -> str:
    """A compiled check whose focus nodes are only those typed in ``graphs``.

    Every focus pattern (``?this a ?type_`` after its VALUES, and a nested
    shape's ``?owner_ a ?ownertype_``) takes its type triple from one of the
    graphs; the rest of the check still reads the union.
    """
    values = "VALUES ?focus_ { " + " ".join(f"<{g}>" for g in graphs) + " } "
    for var, typ in (("?this", "?type_"), ("?owner_", "?ownertype_")):
        sparql = sparql.replace(f"VALUES {typ} {{", f"{values}VALUES {typ} {{")
        sparql = sparql.replace(f"{var} a {typ} .", f"GRAPH ?focus_ {{ {var} a {typ} }}")
    return sparql
