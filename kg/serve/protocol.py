"""The SPARQL 1.1 Protocol as `kg serve` speaks it: reading a request, choosing
a result format, and refusing what would reach outside the server.

Everything here is pure (no sockets, no store, no processes), so that each
rule is tested on its own; kg.serve puts it on the wire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from ..core import formats
from ..core.errors import QueryError
from ..sparql.lexer import check_nesting, explain_error, first_keyword, keywords, masked, where

# ------------------------------------------------------------------ formats

# Media types a client may ask for, in the order the server prefers them when
# the client likes several equally. Each maps to a kg.results format name.
RESULT_MEDIA: list[tuple[str, str]] = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/plain", "table"),
]
GRAPH_MEDIA: list[tuple[str, str]] = [
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "xml"),
    ("application/trig", "trig"),
    ("application/x-turtle", "ttl"),
    ("text/plain", "nt"),
]
# What a response says it is, by kind of result and format name (kg.core.formats).
CONTENT_TYPES: dict[tuple[str, str], str] = {
    ("results" if f.kind == "results" else "graph", f.name): f.media_type
    for f in formats.TABLE if f.kind == "results" or (f.kind == "rdf" and f.query)}
# Short names for the format= parameter (as Virtuoso, Fuseki and YASGUI send it).
FORMAT_NAMES: dict[str, dict[str, str]] = {
    "results": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
                "table": "table", "text": "table", "txt": "table"},
    "graph": {"ttl": "ttl", "turtle": "ttl", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
              "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "xml": "xml", "rdfxml": "xml",
              "rdf": "xml", "trig": "trig"},
}
MEDIA: dict[str, list[tuple[str, str]]] = {"results": RESULT_MEDIA, "graph": GRAPH_MEDIA}
KINDS = ("results", "graph")  # SELECT/ASK give results; CONSTRUCT/DESCRIBE give a graph


class ProtocolError(Exception):
    """A request the server answers with an HTTP error status and a one-paragraph text."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _accept_ranges(header: str) -> list[tuple[str, str, float]]:
    """The media ranges of an Accept header as (type, subtype, q); malformed parts are skipped."""
    ranges = []
    for part in header.split(","):
        fields = part.split(";")
        media = fields[0].strip().lower()
        if media == "*":
            media = "*/*"
        kind, sep, sub = media.partition("/")
        if not sep or not kind or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    pass  # RFC 9110 has no rule for a broken q; keep the range at its default weight
        ranges.append((kind, sub, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, str, float]]) -> float | None:
    """The q the client gives ``media``: that of the most specific range matching it, None if none does."""
    kind, _, sub = media.partition("/")
    best: tuple[int, float] | None = None
    for r_kind, r_sub, q in ranges:
        if (r_kind, r_sub) == (kind, sub):
            rank = 3
        elif r_kind == kind and r_sub == "*":
            rank = 2
        elif (r_kind, r_sub) == ("*", "*"):
            rank = 1
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, q)
    return None if best is None else best[1]


def available(kind: str) -> str:
    """The media types a result of ``kind`` comes in, for messages."""
    seen: list[str] = []
    for media, _ in MEDIA[kind]:
        if media not in seen:
            seen.append(media)
    return ", ".join(seen)


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> str:
    """The kg.results format to answer a result of ``kind`` ("results" or "graph") in.

    A ``format=`` parameter (a short name or a media type) wins over Accept,
    and raises ProtocolError(406) when this kind of result cannot be given in
    it: the client insists. Otherwise the best Accept match is used; when
    nothing in Accept matches, the default (SPARQL JSON results, Turtle) is
    given, because clients such as rdflib's SPARQLStore send one Accept for
    every kind of query and read whatever Content-Type comes back. Only an
    Accept that rules the default out explicitly (q=0) gets a 406.
    """
    media = MEDIA[kind]
    if fmt:
        name = fmt.strip().lower()
        if name in FORMAT_NAMES[kind]:
            return FORMAT_NAMES[kind][name]
        for media_type, fmt_name in media:
            if name.split(";")[0].strip() == media_type:
                return fmt_name
        what = "SELECT and ASK results" if kind == "results" else "CONSTRUCT and DESCRIBE results"
        raise ProtocolError(406, f"format={fmt!r} is not available for {what}; choose one of "
                                 f"{', '.join(sorted(set(FORMAT_NAMES[kind])))} or {available(kind)}")
    if not accept or not accept.strip():
        return media[0][1]
    ranges = _accept_ranges(accept)
    best: tuple[float, int, str] | None = None
    for index, (media_type, fmt_name) in enumerate(media):
        q = _quality(media_type, ranges)
        if q and (best is None or (q, -index) > (best[0], best[1])):
            best = (q, -index, fmt_name)
    if best is not None:
        return best[2]
    if _quality(media[0][0], ranges) == 0.0:
        raise ProtocolError(406, f"none of the types in Accept ({accept.strip()!r}) is available; "
                                 f"this result comes as {available(kind)}")
    return media[0][1]


def content_type(kind: str, fmt: str) -> str:
    """The Content-Type header for a result of ``kind`` written in kg.results format ``fmt``."""
    return CONTENT_TYPES[(kind, fmt)]


# ------------------------------------------------------------------ requests

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass
class SparqlRequest:
    """One SPARQL operation, as the protocol carries it."""

    operation: str  # "query" or "update"
    text: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)

    @property
    def dataset(self) -> tuple[list[str], list[str]] | None:
        """The query's dataset as the request gives it (default graphs, named graphs), or None.

        The protocol's dataset replaces the whole of the query's own (FROM and
        FROM NAMED), even when the request gives only one half: the other half
        is then empty.
        """
        if self.default_graphs or self.named_graphs:
            return list(self.default_graphs), list(self.named_graphs)
        return None


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not UTF-8 (byte {exc.start}); send it as UTF-8") from None


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ProtocolError(400, f"the request carries {len(values)} {name} parameters; send one")
    return values[0]


MAX_FORM_FIELDS = 1_000  # a form names a query and a few graphs; more is an attack on the parser


def _form(text: str, what: str) -> dict[str, list[str]]:
    """Form or URL parameters; at most MAX_FORM_FIELDS of them, counted before anything is parsed."""
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise ProtocolError(400, f"the {what} has more than {MAX_FORM_FIELDS:,} fields; "
                                 "a SPARQL request needs a few") from None


def parse_request(method: str, query_string: str, content_type_header: str | None,
                  body: bytes = b"") -> SparqlRequest | None:
    """Read a SPARQL 1.1 Protocol request; None for a GET with no query (a service description).

    Raises ProtocolError for anything the protocol does not allow: an update
    by GET, both a query and an update, a query (or update) in both the URL
    and the body, an unknown Content-Type (415), text that is not UTF-8, an
    empty operation, graph parameters of the wrong operation, or a form of
    more than MAX_FORM_FIELDS fields.
    """
    url_params = _form(query_string, "URL")
    media = (content_type_header or "").split(";")[0].strip().lower()
    if method == "GET":
        params, direct, direct_kind = url_params, None, None
        if "update" in params:
            raise ProtocolError(400, "SPARQL Update must be sent with POST, not GET")
        if "query" not in params:
            return None
    elif method == "POST":
        if media == FORM:
            body_params = _form(_decode(body, "form body"), "form body")
            for name in ("query", "update"):
                if name in url_params and name in body_params:
                    raise ProtocolError(400, f"the request carries {name}= both in the URL and in the body; "
                                             "send it in one place")
            params = {name: url_params.get(name, []) + body_params.get(name, [])
                      for name in {*url_params, *body_params}}
            direct, direct_kind = None, None
        elif media in (SPARQL_QUERY, SPARQL_UPDATE):
            params = url_params
            direct = _decode(body, "request body")
            direct_kind = "query" if media == SPARQL_QUERY else "update"
            if "query" in params or "update" in params:
                raise ProtocolError(400, f"a {media} request carries its operation in the body, "
                                         "not in a query= or update= parameter")
        else:
            raise ProtocolError(415, f"unsupported Content-Type {media or '(none)'!r}: send {FORM} "
                                     f"(query= or update=), {SPARQL_QUERY} or {SPARQL_UPDATE}")
    else:
        raise ProtocolError(405, f"{method} is not allowed here; use GET or POST")

    query = _single(params, "query")
    update = _single(params, "update")
    if direct_kind == "query":
        query = direct
    elif direct_kind == "update":
        update = direct
    if query is not None and update is not None:
        raise ProtocolError(400, "the request carries both a query and an update; send one")
    operation, text = ("update", update) if update is not None else ("query", query)
    if text is None or not text.strip():
        raise ProtocolError(400, f"the {operation} is empty")
    if operation == "update" and (params.get("default-graph-uri") or params.get("named-graph-uri")):
        raise ProtocolError(400, "default-graph-uri and named-graph-uri are for queries; an update names "
                                 "its graphs with using-graph-uri and using-named-graph-uri, or in its text")
    if operation == "query" and (params.get("using-graph-uri") or params.get("using-named-graph-uri")):
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri are for updates; a query names "
                                 "its graphs with default-graph-uri and named-graph-uri")
    graphs = {name: [_iri(value, name) for value in params.get(name, [])]
              for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")}
    return SparqlRequest(operation, text, graphs["default-graph-uri"], graphs["named-graph-uri"],
                         _single(params, "format"), graphs["using-graph-uri"], graphs["using-named-graph-uri"])


# What an IRIREF may hold (SPARQL 1.1 grammar, rule 139): nothing that could end it early.
_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')


def _iri(value: str, name: str) -> str:
    """A graph parameter, checked to be an absolute IRI that can be written between < and > as it stands."""
    if not _IRI.fullmatch(value) or not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise ProtocolError(400, f"{name}={shown!r} is not an absolute IRI")
    return value


# ------------------------------------------------------------------ what a query may not do

# Strings, IRIs, escapes and comments are skipped by the one SPARQL lexer (kg.sparql.lexer).
_OUTSIDE = keywords("SERVICE", "LOAD")
_RANDOM = keywords("RAND", "UUID", "STRUUID", "NOW", "BNODE", then=r"(?=\s*\()")
_where, _first_keyword = where, first_keyword


def refuse_outside_requests(text: str) -> None:
    """Raise ProtocolError(400) if the operation has SERVICE or LOAD anywhere outside strings, IRIs and comments.

    Both make Oxigraph fetch a URL (pyoxigraph is built with an HTTP client),
    and the server must send nothing out. The scan errs on the side of
    refusing: a prefixed name such as ex:a.service is refused too.
    """
    m = _first_keyword(_OUTSIDE, text)
    if m is None:
        return
    word = m.group(2).upper()
    reason = ("federated queries are off: this server sends no request to other endpoints"
              if word == "SERVICE" else
              "this server loads nothing from URLs; add documents to raw/ and run kg build")
    raise ProtocolError(400, f"{_where(text, m.start(2))}: {word} is refused here ({reason})")


def refuse_deep_nesting(text: str) -> None:
    """Raise ProtocolError(400) if the operation nests deeper than kg takes (kg.sparql.lexer.check_nesting):
    Oxigraph's parser would overflow its stack and take the worker down with it."""
    try:
        check_nesting(text)
    except QueryError as exc:
        raise ProtocolError(400, exc.message) from None


def refuse_random(text: str) -> None:
    """Raise ProtocolError(400) if an update calls RAND, UUID, STRUUID, NOW or BNODE.

    Each worker process keeps its own copy of the graph and applies every
    update itself, so an update must give the same triples each time it runs.
    """
    m = _first_keyword(_RANDOM, text)
    if m is None:
        return
    raise ProtocolError(400, f"{_where(text, m.start(2))}: {m.group(2).upper()}() is refused in updates here: "
                             "each worker applies the update to its own copy of the graph, so it must give "
                             "the same result every time (write the value out instead)")


def explain_syntax_error(message: str) -> str:
    """Oxigraph's "error at L:C: ..." as "line L, column C: ...", the way kg query says it."""
    return explain_error(message)


_masked = masked


_STAR = re.compile(r"(?<![\w:?$@])SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(\*)?", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$](\w+)")


def star_variables(text: str) -> list[str] | None:
    """For ``SELECT *``, the query's variables in the order they first appear in it; None for any other query.

    The SPARQL specification leaves the order of SELECT * open; Oxigraph
    sorts the names, and clients (and the W3C result-format tests) expect
    the order of the query, as Jena, RDF4J and Virtuoso give it.
    """
    masked = _masked(text)
    select = _STAR.search(masked)
    if select is None or select.group(1) is None:
        return None
    seen: dict[str, None] = {}
    for m in _VARIABLE.finditer(masked):
        seen.setdefault(m.group(1), None)
    return list(seen)


def star_as_list(text: str, names: list[str]) -> str:
    """``text`` with the ``*`` of its ``SELECT *`` written out as ``names``, in that order.

    Given the variables the engine found in scope for the ``*``, the query means
    the same, and Oxigraph then gives them in this order (kg serve writes SELECT
    * results with pyoxigraph's serializer, which keeps the engine's order).
    """
    select = _STAR.search(_masked(text))
    if select is None or select.group(1) is None:
        return text
    return text[:select.start(1)] + " ".join("?" + name for name in names) + text[select.end(1):]


_UPDATE_WORDS = re.compile(r"(?<![\w:?$@])(WHERE|USING|WITH|DELETE|INSERT)(?![\w:])|([{}])", re.IGNORECASE)


def apply_using(text: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's using-graph-uri and using-named-graph-uri written into it as USING
    and USING NAMED clauses, before the WHERE of every operation that has one.

    The protocol treats the parameters as such clauses, and forbids them
    beside the update's own USING, USING NAMED or WITH (ProtocolError 400).
    ``DELETE WHERE { P }``, which cannot carry USING, is written out as
    ``DELETE { P } USING ... WHERE { P }``, its meaning. Operations without
    a WHERE (INSERT DATA, CLEAR, ...) are left as they are.
    """
    if not using and not using_named:
        return text
    clauses = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    masked = _masked(text)
    depth = 0
    last = None            # the last keyword met outside braces
    braces_since = False   # whether a { ... } came between that keyword and now
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    open_where: tuple[int, int] | None = None  # a DELETE WHERE's (keyword start, pattern start)
    for m in _UPDATE_WORDS.finditer(masked):
        word, brace = m.group(1), m.group(2)
        if brace == "{":
            if depth == 0:
                braces_since = True
                if open_where is not None and open_where[1] < 0:
                    open_where = (open_where[0], m.start())
            depth += 1
            continue
        if brace == "}":
            depth = max(0, depth - 1)
            if depth == 0 and open_where is not None and open_where[1] >= 0:
                pattern = text[open_where[1]:m.end()]
                edits.append((open_where[0], open_where[0], f"{pattern} {clauses} "))
                open_where = None
            continue
        if depth:
            continue
        word = word.upper()
        if word in ("USING", "WITH"):
            raise ProtocolError(400, f"{_where(text, m.start())}: the update has its own {word}, and the request "
                                     "gives using-graph-uri or using-named-graph-uri too; the protocol allows "
                                     "one or the other")
        if word == "WHERE":
            if last == "DELETE" and not braces_since:
                open_where = (m.start(), -1)
            else:
                edits.append((m.start(), m.start(), f"{clauses} "))
        last, braces_since = word, False
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


# A Host header as RFC 9110 allows it: a name or IPv4 address, or an IPv6 literal, and a port.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def endpoint_url(host_header: str | None, fallback: str) -> str:
    """The endpoint's URL as the client addressed it (its Host header), or ``fallback`` (the bind
    address) when there is no Host header or it is not a plain host and port.

    It names the endpoint in the service description and is the base IRI
    against which a query's or update's relative IRIs resolve, as the
    protocol suggests ("the service endpoint").
    """
    host = (host_header or "").strip()
    if not host or not _HOST.fullmatch(host):
        return fallback
    return f"http://{host.lower()}/sparql"
