"""Writing query results to a stream: a table for people, CSV, TSV, JSON and XML
(the SPARQL 1.1 result formats) for programs, and RDF for CONSTRUCT/DESCRIBE."""

from __future__ import annotations

import codecs
import csv
import json
import re
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..core import formats
from ..core.errors import QueryError, UsageError
from ..core.namespaces import PREFIXES
from ..core.textout import write_table as write_text_table
from ..store.result import QueryResult

TABLE_FORMATS = formats.names("results")
GRAPH_FORMATS = formats.names("rdf", query_only=True)
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"

# The formats pyoxigraph's own serializer writes for SELECT results: kg hands it the engine's
# result, rows untaken, wherever a result still has them (kg query; see write_native).
NATIVE_RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}

# Literals that SPARQL 1.1 TSV lets stand bare (Turtle's short forms), as pyoxigraph writes them,
# so a spreadsheet reads a number as a number: integers, decimals and booleans.
_TSV_SHORT = {XSD + "integer": re.compile(r"[+-]?[0-9]+"), XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
              XSD + "boolean": re.compile(r"true|false")}


def compact(term) -> str:
    """A term as a person reads it: prefixed IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(str(ns)) and "/" not in term.value[len(str(ns)):]:
                return f"{prefix}:{term.value[len(str(ns)):]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _ntriples(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)  # pyoxigraph prints literals in N-Triples syntax


def tsv_term(term) -> str:
    """A term as SPARQL 1.1 TSV writes it: IRIs in <>, literals in Turtle syntax, with the bare
    short forms of integers, decimals and booleans; an unbound variable is empty."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        short = _TSV_SHORT.get(term.datatype.value)
        if short is not None and short.fullmatch(term.value):
            return term.value
    return _ntriples(term)


class _Sink:
    """A binary stream for pyoxigraph's serializers that writes into the text stream ``out``
    (its byte buffer when it has one), with the writing kept off the query's clock; past the
    deadline, the next write stops the serializer.

    A failure is kept as its type and arguments, never as the exception: that exception's frames
    would lead back to the engine's result, which must be let go in the query's own thread
    (pyoxigraph's result objects are bound to it), not by the collector in another.
    """

    def __init__(self, out: TextIO, clock: Any = None):
        self.out, self.clock = out, clock
        self.buffer = getattr(out, "buffer", None)
        if self.buffer is not None:
            out.flush()  # what was written as text goes first
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.failure: tuple[type[BaseException], tuple] | None = None

    def _put(self, data: bytes) -> None:
        if self.buffer is not None:
            self.buffer.write(data)
        else:
            self.out.write(self.decoder.decode(bytes(data)))

    def write(self, data: bytes) -> int:
        """Write ``data`` whole; 0 (which stops the serializer) once something failed."""
        if self.failure is not None:
            return 0
        try:
            if self.clock is None:
                self._put(data)
            else:
                self.clock.outside(lambda: self._put(data))  # raises QueryTimeout past the deadline
        except Exception as exc:  # noqa: BLE001 - raised again, anew, by run()
            self.failure = (type(exc), exc.args)
            return 0
        return len(data)

    def flush(self) -> None:
        if self.buffer is not None and self.failure is None:
            self.buffer.flush()

    def run(self, serialize: Any) -> None:
        """``serialize(self)`` on the query's clock; what a write raised is raised again."""
        message = None
        try:
            if self.clock is None:
                serialize(self)
            else:
                self.clock.engine(lambda: serialize(self))
        except (OSError, RuntimeError, ValueError) as exc:
            message = str(exc)
        if self.failure is not None:
            kind, args = self.failure
            raise kind(*args)
        if message is not None:
            raise QueryError(f"query failed: {message}")


def write_native(result: QueryResult, out: TextIO, fmt: str) -> bool:
    """Write a SELECT result's rows in ``fmt`` (json, xml, csv or tsv) with pyoxigraph's own
    serializer, streaming, if the result still holds the engine's rows (``result.engine``);
    returns whether it did. JSON and XML come out on one line, ended by a line break."""
    raw = result.engine
    if raw is None or result.kind != "select" or fmt not in NATIVE_RESULTS:
        return False
    result.engine = None  # its rows are taken now
    _Sink(out, result.clock).run(lambda sink: raw.serialize(sink, NATIVE_RESULTS[fmt]))
    if fmt in ("json", "xml"):
        out.write("\n")
    return True


_js = json.encoder.encode_basestring  # json's C string encoder, as ensure_ascii=False writes strings


def _json_text(term) -> str:
    """``_json_term(term)`` as compact JSON text, the same bytes json.dumps writes."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _js(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _js(term.value) + "}"
    if not isinstance(term, ox.Literal):
        return json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))
    if term.language:
        return '{"type":"literal","value":' + _js(term.value) + ',"xml:lang":' + _js(term.language) + "}"
    datatype = term.datatype.value
    if datatype != XSD_STRING:
        return '{"type":"literal","value":' + _js(term.value) + ',"datatype":' + _js(datatype) + "}"
    return '{"type":"literal","value":' + _js(term.value) + "}"


def _write_json_rows(result: QueryResult, out: TextIO) -> None:
    """SPARQL JSON results, compact (the bytes json.dumps writes for the same document), written
    in batches of rows rather than built as one document first."""
    keys = [_js(v) + ":" for v in result.variables]
    out.write('{"head":{"vars":[' + ",".join(_js(v) for v in result.variables) + ']},"results":{"bindings":[')
    batch: list[str] = []
    first = True
    for row in result.rows:
        batch.append("{" + ",".join([k + _json_text(t) for k, t in zip(keys, row) if t is not None]) + "}")
        if len(batch) >= 1000:
            out.write(("" if first else ",") + ",".join(batch))
            batch, first = [], False
    if batch:
        out.write(("" if first else ",") + ",".join(batch))
    out.write("]}}\n")


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"
MAX_LINKED = 5_000  # distinct IRIs in a table whose Wikidata links are looked up


def wikidata_links(store, result: QueryResult) -> dict[str, str]:
    """The Wikidata page of each entity IRI in ``result`` that has a QID (skos:exactMatch), by IRI."""
    iris = sorted({t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)})
    if not iris or len(iris) > MAX_LINKED:  # one VALUES query; a bigger table goes without links
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    found = store.execute(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f"SELECT DISTINCT ?e ?m WHERE {{ VALUES ?e {{ {values} }} ?e skos:exactMatch ?m . "
        f'FILTER (STRSTARTS(STR(?m), "{WIKIDATA_ENTITY}Q")) }}')
    return {e.value: WIKIDATA_PAGE + m.value[len(WIKIDATA_ENTITY):] for e, m in found.rows}


def write_table(result: QueryResult, out: TextIO, width: int = 60, links: dict[str, str] | None = None) -> None:
    """Write ``result`` as a text table; an IRI found in ``links`` (see wikidata_links) is followed by its link."""
    if result.kind == "ask":
        out.write(("yes" if result.boolean else "no") + "\n")
        return
    headers = result.variables
    links = links or {}

    def text(t) -> str:
        link = links.get(t.value) if isinstance(t, ox.NamedNode) else None
        return compact(t) + (f" {link}" if link else "")

    table_rows = [[text(t) if t is not None else "" for t in row] for row in result.rows]
    write_text_table(headers, table_rows, out, widths=width, grid=True)
    out.write(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}\n")


def write_results(result: QueryResult, out: TextIO, fmt: str = "table", *, indent: int | None = 2,
                  links: dict[str, str] | None = None) -> None:
    """Write SELECT or ASK results in ``fmt``: table, csv, tsv, json or xml.

    A result that still holds the engine's rows is written by pyoxigraph's serializer
    (write_native), except as a table; otherwise kg writes the same formats itself.

    ``indent=None`` writes JSON compact, on one line: about three times faster
    than indented (json's C encoder only works without indent), for programs.
    """
    if result.kind == "graph":
        raise UsageError("a CONSTRUCT or DESCRIBE query gives triples: choose --format ttl, nt, xml, jsonld or trig")
    if write_native(result, out, fmt):
        return
    if fmt == "table":
        write_table(result, out, links=links)
    elif fmt == "json":
        doc: dict[str, object]
        if result.kind == "ask":
            doc = {"head": {}, "boolean": result.boolean}
        elif indent is not None:
            doc = {"head": {"vars": result.variables}, "results": {"bindings": [
                {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None}
                for row in result.rows]}}
        if indent is None and result.kind == "select":  # compact, row by row (kg serve)
            _write_json_rows(result, out)
            return
        if indent is None:  # one string: json.dump streams through the pure-Python encoder
            out.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
        else:
            json.dump(doc, out, indent=indent, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        if result.kind == "ask":
            writer.writerows([["boolean"], [str(result.boolean).lower()]])
            return
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value)
                             for t in row])
    elif fmt == "tsv":
        if result.kind == "ask":
            out.write(f"?boolean\n{str(result.boolean).lower()}\n")
            return
        out.write("\t".join("?" + v for v in result.variables) + "\n")
        for row in result.rows:
            out.write("\t".join(map(tsv_term, row)) + "\n")
    elif fmt == "xml":
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>\n')
        for v in result.variables:
            out.write(f"  <variable name={quoteattr(v)}/>\n")
        out.write("</head>\n")
        if result.kind == "ask":
            out.write(f"<boolean>{str(result.boolean).lower()}</boolean>\n</sparql>\n")
            return
        out.write("<results>\n")
        for row in result.rows:
            out.write("  <result>\n")
            for v, t in zip(result.variables, row):
                if t is None:
                    continue
                if isinstance(t, ox.NamedNode):
                    inner = f"<uri>{escape(t.value)}</uri>"
                elif isinstance(t, ox.BlankNode):
                    inner = f"<bnode>{escape(t.value)}</bnode>"
                else:
                    attr = f" xml:lang={quoteattr(t.language)}" if t.language else (
                        f" datatype={quoteattr(t.datatype.value)}" if t.datatype.value != XSD_STRING else "")
                    inner = f"<literal{attr}>{escape(t.value)}</literal>"
                out.write(f"    <binding name={quoteattr(v)}>{inner}</binding>\n")
            out.write("  </result>\n")
        out.write("</results>\n</sparql>\n")
    else:
        raise UsageError(f"unknown result format {fmt!r} (choose from {', '.join(TABLE_FORMATS)})")


def write_graph(result: QueryResult, out: TextIO, fmt: str = "ttl") -> None:
    """Write CONSTRUCT or DESCRIBE triples as RDF (quad formats put them in the default graph)."""
    from ..core.serialize import FORMATS, OUTPUT_PREFIXES

    if fmt not in FORMATS:
        raise UsageError(f"unknown RDF format {fmt!r} (choose from {', '.join(GRAPH_FORMATS)})")
    oxfmt, quads = FORMATS[fmt]
    triples = result.triples  # taken one by one as the serializer writes, when they are still the engine's
    items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples) if quads else triples
    # Lazy triples are taken on the query's clock one by one (kg.sparql.deadline.Deadline.rows),
    # so the serializer itself runs off it.
    _Sink(out).run(lambda sink: ox.serialize(items, sink, oxfmt, prefixes=OUTPUT_PREFIXES))
