"""`kg query` as a library call: list the named queries, or run one and write its answer to a stream.

The command parses its options and calls :func:`answer` (or prints
:func:`listing`); everything between (resolving the query, binding its
parameters, the clock, choosing how each kind of result is written) is here.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, TextIO

from ..core import formats
from ..core.errors import UsageError
from ..store.result import QueryResult
from ..store.source import Source, SourceLike, open_source

# Result formats written row by row as the engine gives them, never held whole (by pyoxigraph's
# own serializer: kg.sparql.results.write_native).
STREAMED_FORMATS = ("csv", "tsv", "xml", "json")


def listing() -> str:
    """The named queries, one line each with their title, and a line of parameters where they take some."""
    from .named import named_queries

    lines = []
    for name, q in named_queries().items():
        params = " ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
        lines.append(f"{name:<22} {q.title}")
        if params:
            lines.append(f"{'':<22} parameters: {params}")
    return "".join(line + "\n" for line in lines)


def parse_bindings(values: Iterable[str]) -> dict[str, str]:
    """``name=value`` items (as given to --bind) as a dict; a leading ``$`` or ``?`` on a name is dropped."""
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--bind takes name=value, not {item!r}")
        out[name.strip().lstrip("$?")] = value
    return out


def answer(query: str, source: SourceLike | Callable[[], Source], out: TextIO, *, bindings: dict[str, str] | None = None,
           fmt: str | None = None, show: bool = False, timeout: str | float | None = None, allow_service: bool = False) -> None:
    """Run ``query`` (a named query, a .rq file or SPARQL text) on ``source`` and write the answer to ``out``.

    ``fmt`` is a result format (table by default) for SELECT and ASK, an RDF
    format (Turtle by default) for CONSTRUCT and DESCRIBE. With ``show`` the
    query text, parameters filled in, is written instead of its answer.
    ``source`` is a build folder, a Store or a RemoteStore, or a function that
    opens one, called once the query is found (so a misspelt query is reported
    before a missing build).
    """
    from .named import prepare, resolve_query, stream
    from .results import wikidata_links, write_graph, write_results

    named = resolve_query(query)
    store: Any = source() if callable(source) else open_source(source)  # prepare() types it as a local Store
    if show:
        out.write(prepare(named, store, bindings) + "\n")
        return

    def write(result: QueryResult) -> None:  # in the query's worker thread, rows taken as they are written
        if result.kind == "graph":
            write_graph(result, out, fmt or "ttl")
            return
        if fmt in formats.names("rdf") and fmt not in formats.names("results"):
            raise UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
        if (fmt or "table") not in STREAMED_FORMATS:  # a table is measured: rows held
            result.rows, result.engine = list(result.rows), None
        links = wikidata_links(store, result) if (fmt or "table") == "table" and result.kind == "select" else None
        write_results(result, out, fmt or "table", links=links)
        out.flush()

    stream(named, store, bindings, write, timeout=timeout, allow_service=allow_service)
