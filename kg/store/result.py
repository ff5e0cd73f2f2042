"""QueryResult: what a query returned, from a local store, a remote one or a worker.

It lives below both the stores that make it and the named-query layer that runs
queries (kg.sparql), so neither imports the other for it. It is made in one of two
ways: from pyoxigraph's answer (`from_oxigraph`: the local store and kg serve's
workers) or from a server's SPARQL JSON or RDF (`from_sparql_json`, `from_triples`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..core.errors import UsageError


@dataclass
class QueryResult:
    """What a query returned: solutions, a boolean, or triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False  # rows (or triples) were left out, by the `take` given to from_oxigraph
    # The engine's own result, while its rows are still to be taken (a lazy `take`): a writer may
    # hand it to pyoxigraph's serializer instead of taking ``rows``. ``clock`` is the query's
    # kg.sparql.deadline.Deadline, which that serializer runs on.
    engine: Any = field(default=None, repr=False, compare=False)
    clock: Any = field(default=None, repr=False, compare=False)

    # Rows a notebook shows as a table; the row count always says how many there are.
    HTML_ROWS = 200

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as plain dicts of strings (IRIs and literal values), for notebooks and tests."""
        return [{v: (None if t is None else t.value) for v, t in zip(self.variables, row)} for row in self.rows]

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows)

    def to_dataframe(self):
        """The rows as a pandas DataFrame of strings (None where unbound); needs pandas.

        Raises UsageError when pandas is not installed or the result is not a SELECT."""
        if self.kind != "select":
            raise UsageError(f"a {self.kind.upper()} result has no rows to put in a DataFrame")
        try:
            import pandas  # optional: imported only here
        except ImportError:
            raise UsageError("to_dataframe() needs pandas (pip install pandas)") from None
        return pandas.DataFrame(self.dicts(), columns=self.variables)

    def _repr_html_(self) -> str:
        """An HTML table for Jupyter, every value escaped, with the row count (at most
        HTML_ROWS rows are drawn; the count says how many there are)."""
        from html import escape

        if self.kind == "ask":
            return f"<p><b>{'yes' if self.boolean else 'no'}</b> (ASK)</p>"
        if self.kind == "graph":
            return f"<p>{len(self.triples)} triple{'s' if len(self.triples) != 1 else ''} (CONSTRUCT/DESCRIBE)</p>"
        head = "".join(f"<th>{escape(v)}</th>" for v in self.variables)
        body = []
        for row in self.rows[: self.HTML_ROWS]:
            cells = "".join(f"<td>{'' if t is None else escape(t.value)}</td>" for t in row)
            body.append(f"<tr>{cells}</tr>")
        n = len(self.rows)
        count = f"{n} row{'s' if n != 1 else ''}" + (f", the first {self.HTML_ROWS} shown" if n > self.HTML_ROWS else "")
        return (f'<table class="kg-result"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
                f'<p class="kg-count">{count}</p>')

    @classmethod
    def from_oxigraph(cls, raw: Any, order: list[str] | None = None,
                      take: Callable[[Iterable, str], tuple[list, bool]] | None = None) -> QueryResult:
        """The result of pyoxigraph's Store.query.

        ``order`` puts those variables first, in that order (SELECT *); ``take(items, unit)``
        ("row" or "triple") chooses which to keep and says whether any were left out
        (default: all of them)."""
        keep = take or (lambda items, unit: (list(items), False))
        if isinstance(raw, ox.QueryBoolean):
            return cls("ask", boolean=bool(raw))
        if isinstance(raw, ox.QuerySolutions):
            variables = [v.value for v in raw.variables]
            if order is not None:
                rank = {name: i for i, name in enumerate(order)}
                variables.sort(key=lambda name: (rank.get(name, len(rank)), name))
            rows, truncated = keep(([solution[v] for v in variables] for solution in raw), "row")
            return cls("select", variables, rows, truncated=truncated)
        triples, truncated = keep(raw, "triple")
        return cls("graph", triples=triples, truncated=truncated)

    @classmethod
    def from_sparql_json(cls, doc: dict) -> QueryResult:
        """A SPARQL 1.1 Query Results JSON document (a server's answer to SELECT or ASK)."""
        if "boolean" in doc:
            return cls("ask", boolean=bool(doc["boolean"]))
        variables = doc["head"]["vars"]
        return cls("select", variables, [[_json_term(b.get(v)) for v in variables] for b in doc["results"]["bindings"]])

    @classmethod
    def from_triples(cls, triples: Iterable) -> QueryResult:
        """A CONSTRUCT or DESCRIBE result (or any triples to be written as one)."""
        return cls("graph", triples=list(triples))


def _json_term(b: dict | None):
    if b is None:
        return None
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in b:
        return ox.Literal(value, language=b["xml:lang"])
    if b.get("datatype"):
        return ox.Literal(value, datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(value)
