"""`kg query`: SPARQL over the built graph, named queries, and parameters.

A named query is a .rq file in kg/queries/ whose header says what it answers:

    # title: What arms has a state ordered from another?
    # param: recipient = Pakistan (entity)
    # param: supplier = Russia (entity)

A parameter is written ``$name`` in the query text and replaced by a SPARQL
term before the query runs (``--bind name=value``, or its default). Entity
parameters take a name or alias and become the entity's IRI; grade parameters
take an Admiralty grade such as B3.

A value is never spliced into the query as text: each becomes an RDF term
first (a pyoxigraph NamedNode, which refuses anything but one valid IRI, or a
Literal, whose quotes, backslashes and line breaks are escaped; a number must
be ASCII digits), and only that term's N-Triples form goes into the query.
So no value can close its term and add to the query (``<x> . SERVICE <...>``).

Before it runs, a query is checked: no SERVICE (it would send a request out)
unless allowed, no update (``kg query`` is read-only), nesting bounded (the
engine's parser recurses). It runs under a time limit, and Ctrl-C stops it at
once (kg.sparql.deadline).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path


import pyoxigraph as ox

from ..core import resources
from ..core.dates import parse_partial
from ..core.errors import DateError, MissingInputError, QueryError, UnknownEntityError, excerpt
from ..sources.grades import Grade
from ..sources.names import NameIndex
from ..core.namespaces import KGR, PREFIXES
from ..store.local import Store
from ..store.result import QueryResult
from ..store.source import open_source
from .deadline import Deadline, timeout_setting, within
from .lexer import check_nesting, declares_dataset, explain_error, names_graphs, parameters, refuse_service, refuse_update, substitute

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


@functools.lru_cache(maxsize=None)
def internal_query(name: str) -> NamedQuery:
    """One of the queries kg runs for itself (kg/queries/internal/), hidden from `kg query --list`."""
    path = resources.queries_dir() / "internal" / f"{name}.rq"
    return _parse_header(name, path.read_text(encoding="utf-8"))


def entity_names(store) -> NameIndex:
    """Every entity in the graph by every name it goes by (kg.sources.names does the matching)."""
    index = NameIndex()
    for iri, label, name in _execute(store, prepare(internal_query("entity-names"), store)).rows:
        index.add(iri.value.rsplit("/", 1)[-1], label.value, [name.value] if name is not None else [])
    return index


def _execute(store, text: str) -> QueryResult:
    """``store.execute(text)``; on a kg Store, on the union copy where the query names no graph."""
    if isinstance(store, Store):
        return store.execute(text, names_graphs=names_graphs(text), declares_dataset=declares_dataset(text))
    return store.execute(text)


def _read_query_file(path: Path) -> str:
    """A .rq file's text; QueryError naming the file (and line) if it cannot be read or is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QueryError(f"cannot be read ({exc.strerror or exc})", path=str(path)) from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise QueryError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})", path=str(path),
                         line=raw.count(b"\n", 0, exc.start) + 1) from None


def resolve_query(spec: str) -> NamedQuery:
    """A named query, a .rq file, or a SPARQL string."""
    queries = named_queries()
    if spec in queries:
        return queries[spec]
    if spec.endswith((".rq", ".sparql")) and "\n" not in spec:
        path = Path(spec)
        if not path.is_file():
            raise MissingInputError(f"no such query file: {spec}")
        return _parse_header(path.stem, _read_query_file(path))
    if re.fullmatch(r"[\w-]+", spec):
        close = difflib.get_close_matches(spec, queries, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see kg query --list)"
        raise QueryError(f"no named query {spec!r}{hint}")
    return _parse_header("query", spec)


# ---------------------------------------------------------------- parameters

def _literal(value: str) -> str:
    """A string literal in N-Triples form, escaped by pyoxigraph (quotes, backslashes, CR, LF)."""
    return str(ox.Literal(value))


def _iri(value: str) -> str:
    """``<value>``, if value is one valid absolute IRI; QueryError otherwise."""
    try:
        return str(ox.NamedNode(value))
    except ValueError as exc:
        raise QueryError(f"{excerpt(value)} is not an IRI ({exc})") from None


def name_lookup_data(store) -> dict:
    """What entity parameters are looked up in, as JSON-ready data `kg build` keeps with the build:
    each name as written (lower-cased, as SPARQL's LCASE) to the first entity going by it, and the
    NameIndex (kg.sources.names) for every other spelling."""
    rows = _execute(store, prepare(internal_query("entity-names"), store)).rows
    return names_data([(iri.value, label.value, name.value if name is not None else None) for iri, label, name in rows])


def names_data(rows: list[tuple[str, str, str | None]]) -> dict:
    """name_lookup_data from the rows of the entity-names query (entity IRI, display name, another
    name or None), in its order: by entity IRI."""
    index = NameIndex()
    exact: dict[str, str] = {}
    for iri, label, name in rows:
        for text in (label, name):
            if text is not None:
                exact.setdefault(text.lower(), iri)
        index.add(iri.rsplit("/", 1)[-1], label, [name] if name is not None else [])
    return {"exact": exact, "index": index.to_json()}


def _entity_term(store: Store, value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return _iri(value[1:-1])
    key = " ".join(value.split()).casefold()
    lookup = store.name_lookup() if hasattr(store, "name_lookup") else None
    if lookup is not None:  # the build's own index: two dictionary look-ups, no query
        exact, index = lookup
        return _iri(exact[key]) if key in exact else _iri(str(KGR[index.resolve(value)]))
    # Most names are exact: ask for that one first, and fetch every name only when it is not.
    exact = _execute(store, prepare(internal_query("entity-by-name"), store, {"key": key}))
    if exact.rows:
        return _iri(exact.rows[0][0].value)
    found = entity_names(store).resolve(value)
    return _iri(str(KGR[found]))


def _term(store: Store, kind: str, value: str) -> str:
    if kind == "entity":
        return _entity_term(store, value)
    if kind == "date":
        try:
            d = parse_partial(value)
        except DateError as exc:
            raise QueryError(f"{excerpt(value)}: {exc.message}") from None
        if d.day is None:
            raise QueryError(f"{excerpt(value)}: a date parameter needs a full date, YYYY-MM-DD")
        return str(ox.Literal(d.iso(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")))
    if kind == "grade":
        try:
            return _literal(str(Grade.parse(value)))
        except ValueError as exc:
            raise QueryError(str(exc)) from None
    if kind == "int":
        if not re.fullmatch(r"[+-]?[0-9]+", value.strip(), flags=re.ASCII):
            raise QueryError(f"{excerpt(value)} is not a whole number (digits 0-9)")
        return str(int(value))
    if kind == "iri":
        if value.startswith("<") and value.endswith(">"):
            return _iri(value[1:-1])
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and local:
            return _iri(f"{PREFIXES[prefix]}{local}")
        return _iri(value)
    return _literal(value)


def _guess_kind(store: Store, value: str) -> str:
    if value.startswith("<") or re.fullmatch(r"[a-z]+:[\w-]+", value) and value.split(":")[0] in PREFIXES:
        return "iri"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "date"
    if re.fullmatch(r"-?[0-9]+", value, flags=re.ASCII):
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


def prepare_checked(query: str | NamedQuery, store, bindings: dict[str, str] | None = None, *,
                    allow_service: bool = False) -> tuple[str, int]:
    """The text to run, after the checks every query kg runs must pass (no update, nesting
    bounded, no SERVICE unless ``allow_service``), and how many lines were put in front of the
    text as written (for error positions: kg.sparql.lexer.explain_error). A caller that streams
    the result itself runs it with kg.sparql.deadline.within, as ``run`` does."""
    if not isinstance(query, NamedQuery):
        query = resolve_query(query)
    refuse_update(query.text)
    check_nesting(query.text)
    if not allow_service:  # on the text as written: a bound value is one term and cannot add a SERVICE
        refuse_service(query.text)
    text = prepare(query, store, bindings)
    return text, text.count("\n") - query.text.count("\n")  # the PREFIX lines prepare() put in front


def run(query: str | NamedQuery, store=None, bindings: dict[str, str] | None = None, *,
        timeout: float | str | None = None, allow_service: bool = False) -> QueryResult:
    """Run a named query, a .rq file or a SPARQL string.

    ``store`` is a Store, a kg.store.remote.RemoteStore, or a build folder (default: build).
    The query may not be an update (kg query is read-only), nest deeper than
    kg.sparql.lexer.MAX_NESTING, or use SERVICE (unless ``allow_service``). It runs for at
    most ``timeout`` seconds (default: KG_QUERY_TIMEOUT, else 60; 0 for no limit); past it,
    QueryTimeout, and on Ctrl-C, QueryInterrupted, both at once.
    """
    seconds = timeout_setting(timeout)
    store = open_source("build" if store is None else store)
    text, added = prepare_checked(query, store, bindings, allow_service=allow_service)
    _ready(store, text)

    def work(deadline: Deadline) -> QueryResult:
        return _evaluate(store, text, deadline, lazy=False)

    try:
        return within(work, seconds)
    except QueryError as exc:
        exc.message = explain_error(exc.message, added)
        raise


def _ready(store, text: str) -> None:
    """Make the in-memory union copy the query will run on (kg.store.local) before its time limit
    starts: it is the store's cost, paid once, not the query's."""
    if isinstance(store, Store) and not names_graphs(text):
        store.union()


def _evaluate(store, text: str, deadline: Deadline, *, lazy: bool) -> QueryResult:
    """The result of ``text``, its rows taken one by one on the deadline's clock (so a stopped
    query stops taking them); ``lazy`` leaves them to be taken as they are written."""
    if not isinstance(store, Store):
        return deadline.engine(lambda: store.execute(text))
    graphs, dataset = names_graphs(text), declares_dataset(text)
    raw = deadline.engine(lambda: store.query(text, names_graphs=graphs, declares_dataset=dataset))

    def take(items, unit):
        rows = _failing_as_query_errors(deadline.rows(items))
        return (rows if lazy else list(rows)), False
    result = QueryResult.from_oxigraph(raw, take=take)
    if lazy and result.kind != "ask":  # rows not taken yet: a writer may serialize them natively
        result.engine, result.clock = raw, deadline
    return result


def _failing_as_query_errors(rows):
    try:
        yield from rows
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from None


def stream(query: str | NamedQuery, store, bindings: dict[str, str] | None, write, *,
           timeout: float | str | None = None, allow_service: bool = False) -> None:
    """Run a query as ``run`` does, and hand its result to ``write`` with the rows (or triples)
    still to be taken: ``write`` writes each as it comes, so the result is never held whole.
    The time limit counts the engine's time, not the writing."""
    seconds = timeout_setting(timeout)
    if store is None or isinstance(store, (str, Path)):
        store = Store.open(store or "build")
    text, added = prepare_checked(query, store, bindings, allow_service=allow_service)
    _ready(store, text)
    try:
        within(lambda deadline: write(_evaluate(store, text, deadline, lazy=True)), seconds)
    except QueryError as exc:
        exc.message = explain_error(exc.message, added)
        raise
