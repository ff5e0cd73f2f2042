"""`kg query`: SPARQL over the built graph, named queries, and parameters.

A named query is a .rq file in kg/queries/ whose header says what it answers:

    # title: What arms has a state ordered from another?
    # param: recipient = Pakistan (entity)
    # param: supplier = Russia (entity)

A parameter is written ``$name`` in the query text and replaced by a SPARQL
term before the query runs (``--bind name=value``, or its default). Entity
parameters take a name or alias and become the entity's IRI; grade parameters
take an Admiralty grade such as B3.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path


from ..core import resources
from ..core.dates import parse_partial
from ..core.errors import DateError, MissingInputError, QueryError, UnknownEntityError
from ..sources.grades import Grade
from ..sources.names import NameIndex
from ..core.namespaces import KGR, PREFIXES
from ..store.local import Store
from ..store.result import QueryResult
from .lexer import explain_error, parameters, substitute

PARAM_KINDS = ("entity", "date", "int", "string", "iri", "grade")


@dataclass
class Param:
    name: str
    default: str | None
    kind: str


@dataclass
class NamedQuery:
    name: str
    title: str
    text: str
    params: list[Param] = field(default_factory=list)
    description: str = ""


def _parse_header(name: str, text: str) -> NamedQuery:
    title, desc, params = "", [], []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if body.startswith("title:"):
            title = body[len("title:"):].strip()
        elif body.startswith("param:"):
            m = re.fullmatch(r"param:\s*(\w+)\s*(?:=\s*(.*?))?\s*(?:\((\w+)\))?", body)
            if not m or (m.group(3) or "string") not in PARAM_KINDS:
                raise QueryError(f"named query {name}: bad param line {line!r}")
            params.append(Param(m.group(1), m.group(2) or None, m.group(3) or "string"))
        elif body:
            desc.append(body)
    return NamedQuery(name, title or name, text, params, " ".join(desc))


def named_queries() -> dict[str, NamedQuery]:
    """The queries that ship with kg, by name (those kg uses internally are not among them)."""
    out = {}
    for path in sorted(resources.queries_dir().glob("*.rq")):
        out[path.stem] = _parse_header(path.stem, path.read_text(encoding="utf-8"))
    return out


def internal_query(name: str) -> NamedQuery:
    """One of the queries kg runs for itself (kg/queries/internal/), hidden from `kg query --list`."""
    path = resources.queries_dir() / "internal" / f"{name}.rq"
    return _parse_header(name, path.read_text(encoding="utf-8"))


def entity_names(store) -> NameIndex:
    """Every entity in the graph by every name it goes by (kg.sources.names does the matching)."""
    index = NameIndex()
    for iri, label, name in store.execute(prepare(internal_query("entity-names"), store)).rows:
        index.add(iri.value.rsplit("/", 1)[-1], label.value, [name.value] if name is not None else [])
    return index


def resolve_query(spec: str) -> NamedQuery:
    """A named query, a .rq file, or a SPARQL string."""
    queries = named_queries()
    if spec in queries:
        return queries[spec]
    if spec.endswith((".rq", ".sparql")) and "\n" not in spec:
        path = Path(spec)
        if not path.is_file():
            raise MissingInputError(f"no such query file: {spec}")
        return _parse_header(path.stem, path.read_text(encoding="utf-8"))
    if re.fullmatch(r"[\w-]+", spec):
        close = difflib.get_close_matches(spec, queries, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see kg query --list)"
        raise QueryError(f"no named query {spec!r}{hint}")
    return _parse_header("query", spec)


# ---------------------------------------------------------------- parameters

def _literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def name_lookup_data(store) -> dict:
    """What entity parameters are looked up in, as JSON-ready data `kg build` keeps with the build:
    each name as written (lower-cased, as SPARQL's LCASE) to the first entity going by it, and the
    NameIndex (kg.sources.names) for every other spelling."""
    index = NameIndex()
    exact: dict[str, str] = {}
    for iri, label, name in store.execute(prepare(internal_query("entity-names"), store)).rows:
        for text in (label.value, name.value if name is not None else None):
            if text is not None:
                exact.setdefault(text.lower(), iri.value)
        index.add(iri.value.rsplit("/", 1)[-1], label.value, [name.value] if name is not None else [])
    return {"exact": exact, "index": index.to_json()}


def _entity_term(store: Store, value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return value
    key = " ".join(value.split()).casefold()
    lookup = store.name_lookup() if hasattr(store, "name_lookup") else None
    if lookup is not None:  # the build's own index: two dictionary look-ups, no query
        exact, index = lookup
        return f"<{exact[key]}>" if key in exact else f"<{KGR[index.resolve(value)]}>"
    # Most names are exact: ask for that one first, and fetch every name only when it is not.
    exact = store.execute(prepare(internal_query("entity-by-name"), store, {"key": key}))
    if exact.rows:
        return f"<{exact.rows[0][0].value}>"
    found = entity_names(store).resolve(value)
    return f"<{KGR[found]}>"


def _term(store: Store, kind: str, value: str) -> str:
    if kind == "entity":
        return _entity_term(store, value)
    if kind == "date":
        try:
            d = parse_partial(value)
        except DateError as exc:
            raise QueryError(f"{value!r}: {exc.message}") from None
        if d.day is None:
            raise QueryError(f"{value!r}: a date parameter needs a full date, YYYY-MM-DD")
        return f'"{d.iso()}"^^<http://www.w3.org/2001/XMLSchema#date>'
    if kind == "grade":
        try:
            return _literal(str(Grade.parse(value)))
        except ValueError as exc:
            raise QueryError(str(exc)) from None
    if kind == "int":
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"{value!r} is not a whole number")
        return value
    if kind == "iri":
        if value.startswith("<"):
            return value
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and local:
            return f"<{PREFIXES[prefix]}{local}>"
        return f"<{value}>"
    return _literal(value)


def _guess_kind(store: Store, value: str) -> str:
    if value.startswith("<") or re.fullmatch(r"[a-z]+:[\w-]+", value) and value.split(":")[0] in PREFIXES:
        return "iri"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "date"
    if re.fullmatch(r"-?\d+", value):
        return "int"
    try:
        _entity_term(store, value)
        return "entity"
    except (QueryError, UnknownEntityError):
        return "string"


def prepare(query: NamedQuery, store: Store, bindings: dict[str, str] | None = None) -> str:
    """The query text with prefixes added and every $parameter replaced."""
    bindings = dict(bindings or {})
    declared = {p.name: p for p in query.params}
    slots = parameters(query.text)
    for name in bindings:
        if name not in slots:
            known = ", ".join(sorted(slots)) or "none"
            raise QueryError(f"the query has no parameter ${name} (its parameters: {known})")
    terms = {}
    for name in sorted(slots):
        param = declared.get(name)
        value = bindings.get(name, param.default if param else None)
        if value is None:
            raise QueryError(f"the query's parameter ${name} needs a value: --bind {name}=VALUE")
        kind = param.kind if param else _guess_kind(store, value)
        terms[name] = _term(store, kind, value)
    text = substitute(query.text, terms)
    declared_prefixes = set(re.findall(r"(?im)^\s*PREFIX\s+(\w*):", text))
    extra = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared_prefixes)
    return extra + text


def run(query: str | NamedQuery, store=None, bindings: dict[str, str] | None = None) -> QueryResult:
    """Run a named query, a .rq file or a SPARQL string.

    ``store`` is a Store, a kg.remote.RemoteStore, or a build folder (default: build).
    """
    if store is None or isinstance(store, (str, Path)):
        store = Store.open(store or "build")
    if not isinstance(query, NamedQuery):
        query = resolve_query(query)
    text = prepare(query, store, bindings)
    added = text.count("\n") - query.text.count("\n")  # the PREFIX lines prepare() put in front
    try:
        return store.execute(text)
    except QueryError as exc:
        exc.message = explain_error(exc.message, added)
        raise
