"""SHACL validation of a built store, by compiling the shapes to SPARQL.

pyshacl validates rdflib graphs in Python and takes minutes past a few hundred
thousand triples; kg graphs grow to millions. The constraints ontology/shapes.ttl
uses are few (targets by class, property shapes with counts, class, datatype,
value lists, minimum length and value, nested node shapes, sh:or of property
counts, and SPARQL constraints), and each compiles to one SPARQL query that
Oxigraph answers in one pass over the data. A shape using anything else is
refused when the shapes are read, so nothing is silently skipped. The tests
check that this agrees with pyshacl on good and broken graphs.

Each check but a SPARQL constraint also carries a Rule: the same constraint in
a form Python evaluates on the triples of the focus nodes (check_nodes). A
build checks with the rules, on the quads it has just made or, when it changed
a few documents, on the focus nodes of those documents read from the store: at
a million triples the 236 queries cost about 20 s on disk, the rules about 2 s
(bench/README.md). The tests check that rules, queries and pyshacl agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Protocol

import pyoxigraph as ox
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


@dataclass(frozen=True)
class Rule:
    """A constraint as data, for check_nodes. ``targets``: the focus nodes are those typed with one of
    these classes; ``via``: for a nested shape's constraint, the path from the focus node (the owner,
    which is reported) to the nodes the constraint applies to. ``kind`` and ``arg``: min / max (a
    count of distinct values), class (the classes a value must be typed with, one of), datatype (an
    IRI), in (the allowed IRIs), min_length, min_inclusive (a number), or (the paths, one needed)."""
    targets: frozenset
    via: str | None
    kind: str
    path: str | None
    arg: Any


@dataclass
class Check:
    message: str
    path: str | None
    sparql: str
    rule: Rule | None = None  # None: a SPARQL constraint, run as a query


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

    def members(self, cls) -> frozenset:
        """The IRIs of the class and its subclasses."""
        if cls not in self.cache:
            subs = set(self.ontology.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
            self.cache[cls] = frozenset(str(c) for c in subs if isinstance(c, URIRef))
        return self.cache[cls]

    def values(self, cls) -> str:
        return " ".join(sorted(f"<{c}>" for c in self.members(cls)))


def _instances(target: str, cls, classes: _Classes, var: str = "?type_") -> str:
    return f"VALUES {var} {{ {classes.values(cls)} }} {target} a {var} ."


def _property_checks(shapes: Graph, prop, focus_pattern: str, where: str, classes: _Classes,
                     targets: frozenset = frozenset()) -> list[Check]:
    extra = set(shapes.predicates(prop)) - SUPPORTED_PROPERTY_KEYS - IGNORED_KEYS
    if extra:
        raise KGError(f"shapes: unsupported property-shape keys {sorted(map(str, extra))} in {where}")
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise KGError(f"shapes: only IRI paths are supported ({where})")
    p = _n3(path)
    label = str(path)
    checks: list[Check] = []

    def add(message: str, body: str, kind: str, arg: object) -> None:
        custom = shapes.value(prop, SH.message)
        rule = Rule(targets, None, kind, label, arg) if kind else None
        checks.append(Check(str(custom) if custom is not None else message, label,
                            f"SELECT DISTINCT ?this ?value WHERE {{ {focus_pattern} {body} }}", rule))

    mn, mx = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if mn is not None and int(mn) > 0:
        if int(mn) == 1:
            add("has no value (at least 1 needed)", f"FILTER NOT EXISTS {{ ?this {p} ?any_ }}", "min", 1)
        else:
            add(f"has fewer than {int(mn)} values",
                f"{{ SELECT ?this (COUNT(DISTINCT ?v_) AS ?n_) WHERE {{ {focus_pattern} OPTIONAL {{ ?this {p} ?v_ }} }} "
                f"GROUP BY ?this }} FILTER (?n_ < {int(mn)})", "min", int(mn))
    if mx is not None:
        add(f"has more than {int(mx)} value(s)",
            f"{{ SELECT ?this (COUNT(DISTINCT ?v_) AS ?n_) WHERE {{ {focus_pattern} ?this {p} ?v_ }} "
            f"GROUP BY ?this }} FILTER (?n_ > {int(mx)})", "max", int(mx))
    cls = shapes.value(prop, SH["class"])
    if cls is not None:
        add(f"has a value that is not a {cls}",
            f"?this {p} ?value . FILTER NOT EXISTS {{ {_instances('?value', cls, classes, '?t_')} }}",
            "class", classes.members(cls))
    dtype = shapes.value(prop, SH.datatype)
    if dtype is not None:
        add(f"has a value that is not a {dtype}",
            f"?this {p} ?value . FILTER (!isLiteral(?value) || datatype(?value) != {_n3(dtype)})", "datatype", str(dtype))
    allowed = shapes.value(prop, SH["in"])
    if allowed is not None:
        members = list(Collection(shapes, allowed))
        values = ", ".join(_n3(v) for v in members)
        iris = all(isinstance(v, URIRef) for v in members)  # a literal compares by value: left to the query
        add("has a value outside the allowed list", f"?this {p} ?value . FILTER (?value NOT IN ({values}))",
            "in" if iris else "", frozenset(str(v) for v in members))
    min_length = shapes.value(prop, SH.minLength)
    if min_length is not None:
        add(f"has a value shorter than {int(min_length)}",
            f"?this {p} ?value . FILTER (STRLEN(STR(?value)) < {int(min_length)})", "min_length", int(min_length))
    min_inclusive = shapes.value(prop, SH.minInclusive)
    if min_inclusive is not None:
        bound = _number(str(min_inclusive), str(min_inclusive.datatype)) if isinstance(min_inclusive, Literal) else None
        add(f"has a value below {min_inclusive}", f"?this {p} ?value . FILTER (?value < {_n3(min_inclusive)})",
            "min_inclusive" if bound is not None else "", bound)
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
            rule = check.rule
            nested = None if rule is None or rule.via is not None else Rule(targets, label, rule.kind, rule.path, rule.arg)
            checks.append(Check(f"{label.rsplit('#', 1)[-1]} value {value_path} {check.message}",
                                check.path, sparql, nested))
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
            targets = classes.members(cls)
            for prop in shapes.objects(shape, SH.property):
                checks += _property_checks(shapes, prop, focus, where, classes, targets)
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
                                    f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER (!({' || '.join(conditions)})) }}",
                                    Rule(targets, None, "or", None,
                                         tuple(str(shapes.value(a, SH.path)) for a in Collection(shapes, alternatives)))))
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


# ---------------------------------------------------------------- the rules, evaluated in Python

RDF_TYPE = str(RDF.type)
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD_NS + t for t in (
    "integer", "decimal", "float", "double", "long", "int", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}


def _number(lexical: str, datatype: str) -> Decimal | None:
    """A numeric literal's value, as SPARQL compares it; None for anything else (an ill-typed
    number, a date, a string), where the query's comparison is an error and finds nothing."""
    if datatype not in _NUMERIC:
        return None
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class NodeData(Protocol):
    """What check_nodes reads: a node's triples in the union of all graphs, by predicate IRI. Nodes
    are named by their IRI or blank node id (a str: pyoxigraph's terms hash slowly, in Rust)."""

    def triples(self, node: str) -> dict[str, list]: ...

    def types(self, node: str) -> set[str]: ...


class QuadIndex:
    """The triples of the given quads by subject and predicate (the union of their graphs), kept for
    the predicates ``paths`` (those the shapes constrain) and rdf:type: what check_nodes reads."""

    def __init__(self, paths: Iterable[str]):
        self.paths = set(paths) | {RDF_TYPE}
        self.nodes: dict = {}

    def add(self, quads: Iterable) -> None:
        for q in quads:
            self.put(q.subject.value, q.predicate.value, q.object)

    def put(self, s: str, p: str, o) -> None:
        """One triple (``s`` and ``p`` as strings, ``o`` a term); kept if the shapes read its predicate."""
        if p in self.paths:
            by_path = self.nodes.get(s)
            if by_path is None:
                self.nodes[s] = by_path = {}
            values = by_path.get(p)
            if values is None:
                by_path[p] = [o]
            else:
                values.append(o)

    def triples(self, node: str) -> dict[str, list]:
        return self.nodes.get(node, {})

    def types(self, node: str) -> set[str]:
        return {t.value for t in self.nodes.get(node, {}).get(RDF_TYPE, ())}

    def typed(self) -> dict:
        """Every node with its types."""
        return {node: {t.value for t in by_path.get(RDF_TYPE, ())} for node, by_path in self.nodes.items()
                if RDF_TYPE in by_path}


class StoreNodes:
    """check_nodes' view of a pyoxigraph store: each node's triples read from its indexes on demand."""

    def __init__(self, store):
        self.store = store
        self.cache: dict = {}

    def triples(self, node: str) -> dict[str, list]:
        found = self.cache.get(node)
        if found is None:
            found = {}
            term = ox.NamedNode(node) if ":" in node else ox.BlankNode(node)  # (a blank node's id has no colon)
            for q in self.store.quads_for_pattern(term, None, None, None):
                found.setdefault(q.predicate.value, []).append(q.object)
            self.cache[node] = found
        return found

    def types(self, node: str) -> set[str]:
        found = self.cache.get(node)
        if found is not None:
            return {t.value for t in found.get(RDF_TYPE, ())}
        term = ox.NamedNode(node) if ":" in node else ox.BlankNode(node)
        return {q.object.value for q in self.store.quads_for_pattern(term, ox.NamedNode(RDF_TYPE), None, None)}

    def typed_in(self, graphs: list[str]) -> dict:
        """The nodes typed in these graphs, with the types given there (what a focused check targets)."""
        kind = ox.NamedNode(RDF_TYPE)
        out: dict = {}
        for g in graphs:
            for q in self.store.quads_for_pattern(None, kind, None, ox.NamedNode(g)):
                out.setdefault(q.subject.value, set()).add(q.object.value)
        return out


class _Judge:
    """Evaluates rules on the nodes ``data`` gives, remembering each value's types (the same entities
    and concepts are the values of thousands of facts)."""

    def __init__(self, data: NodeData):
        self.data = data
        self.types: dict[str, frozenset] = {}

    def type_set(self, term) -> frozenset:
        key = term.value
        found = self.types.get(key)
        if found is None:
            found = self.types[key] = frozenset(self.data.types(key))
        return found

    def bad_values(self, rule: Rule, values: list) -> int:
        """How many of the (distinct) values break a value constraint (class, datatype, in,
        min_length, min_inclusive)."""
        kind, arg = rule.kind, rule.arg
        bad = 0
        for v in values:
            if kind == "class":
                ok = not isinstance(v, ox.Literal) and not self.type_set(v).isdisjoint(arg)
            elif kind == "datatype":
                ok = isinstance(v, ox.Literal) and v.datatype.value == arg
            elif kind == "in":
                ok = isinstance(v, ox.NamedNode) and v.value in arg
            elif kind == "min_length":
                ok = isinstance(v, ox.BlankNode) or len(v.value) >= arg  # STR() of a blank node is an error
            elif kind == "min_inclusive":
                number = _number(v.value, v.datatype.value) if isinstance(v, ox.Literal) else None
                ok = number is None or number >= arg
            else:
                raise KGError(f"shapes: no rule for {kind!r}")
            bad += not ok
        return bad

    def breaks(self, rule: Rule, by_path: dict) -> int:
        """How often a node whose triples are ``by_path`` breaks a rule (a nested shape's rule
        applying to the node itself): once for a count, once per bad value otherwise."""
        kind = rule.kind
        if kind == "or":
            return 0 if any(by_path.get(p) for p in rule.arg) else 1
        values: list = by_path.get(rule.path or "") or []
        n = len(values) if len(values) < 2 else len(set(values))
        if kind == "min":
            return int(n < rule.arg)
        if kind == "max":
            return int(n > rule.arg)
        if not n:
            return 0
        return self.bad_values(rule, values if n == len(values) else list(dict.fromkeys(values)))


def check_nodes(data: NodeData, focus: dict[str, set], checks: list[Check], limit: int = 200, *,
                store=None, graphs: list[str] | None = None) -> list[Violation]:
    """Run the compiled checks on the focus nodes ``focus`` (each node with the types that make it a
    focus node) whose triples ``data`` gives: a rule in Python, a SPARQL constraint (a check without a
    rule) as its query on ``store`` (focused on ``graphs`` when given). The same violations as
    check_store, one per focus node and bad value (per owner and nested node for a nested shape), in
    the order of the checks and then of the nodes' IRIs.

    Node by node: each node's triples are fetched once, and the checks that apply to a set of types
    are found once for all the nodes with that set."""
    judge = _Judge(data)
    found: list[list[Violation]] = [[] for _ in checks]
    plans: dict[frozenset, list] = {}
    for node in sorted(focus):
        types = frozenset(focus[node])
        plan = plans.get(types)
        if plan is None:
            plan = plans[types] = [(i, c.rule) for i, c in enumerate(checks)
                                   if c.rule is not None and not types.isdisjoint(c.rule.targets)]
        by_path = data.triples(node)
        for i, rule in plan:
            if rule.via is None:
                broken = judge.breaks(rule, by_path)
            else:  # a nested shape: one violation per nested node breaking it, reported on the owner
                broken = sum(1 for v in dict.fromkeys(by_path.get(rule.via, ()))
                             if judge.breaks(rule, {} if isinstance(v, ox.Literal) else data.triples(v.value)))
            if broken:
                bucket = found[i]
                check = checks[i]
                bucket += [Violation(node, check.path, check.message)] * min(broken, limit - len(bucket))
    out: list[Violation] = []
    for check, bucket in zip(checks, found):
        if check.rule is None and store is not None:
            bucket = check_store(store, [check], limit - len(out), graphs=graphs)
        out += bucket[:limit - len(out)]
        if len(out) >= limit:
            break
    return out


def shape_paths(checks: list[Check]) -> set[str]:
    """The predicates the rules read: what a QuadIndex must keep."""
    paths: set[str] = set()
    for check in checks:
        rule = check.rule
        if rule is not None:
            paths |= {p for p in (rule.via, rule.path) if p} | (set(rule.arg) if rule.kind == "or" else set())
    return paths
