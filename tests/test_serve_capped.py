"""kg serve's SELECT answers through pyoxigraph's own serializer (kg.serve.capped): the same bytes as
kg's writer gave before, and cut exactly at --max-rows and --max-result-mb into documents that parse."""

from __future__ import annotations

import csv
import io
import json
import random

import pyoxigraph as ox
import pytest

from kg.serve.capped import FORMATS, serialize_capped
from kg.serve.protocol import star_as_list
from kg.serve.workers import execute_query, take_within, term_bytes
from kg.sparql.results import write_results
from kg.store.result import QueryResult

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
# Values that look like the row marks each format is counted by, or that break naive counting.
HOSTILE = ['a"b', "back\\slash", '}},{"x":{"type":"', ",{}", "x,{}", "{}", '"type":"', ',{"s":{"type":"uri"',
           ',{"o":{"type":"', "new\nline", "cr\rx", "cr\r\nlf", "tab\tx", "u2028\u2028x", "astral\U0001F600",
           "</result>", "<result>&amp;", "a,b", "", "\\", '\\"', "{", "}", '"', '""', '",', "é", "]}}"]
FORMATS_OF = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
              "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    st = ox.Store()
    p, q, n = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "n")
    for i, text in enumerate(HOSTILE):
        s = ox.NamedNode(f"{EX}{i}")
        st.add(ox.Quad(s, p, ox.Literal(text)))
        st.add(ox.Quad(s, q, ox.Literal(text, language="en")))
        st.add(ox.Quad(ox.BlankNode(f"b{i}"), n, ox.Literal(str(i), datatype=ox.NamedNode(XSD + "integer"))))
        st.add(ox.Quad(s, n, ox.Literal(f"{i}.5", datatype=ox.NamedNode(XSD + "decimal"))))
        st.add(ox.Quad(s, n, ox.Literal(f"20{i:02d}-01-01", datatype=ox.NamedNode(XSD + "date"))))
    return st


QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "SELECT ?o ?missing ?s WHERE { ?s ?p ?o } ORDER BY DESC(?o) ?s",
    # Rows with nothing bound, among rows with values: ",{}" is then a real row start.
    "SELECT ?x ?o WHERE { { ?s <http://example.org/p> ?o } UNION { VALUES ?k { 1 2 3 } } } ORDER BY ?k ?o",
    "SELECT ?x WHERE { VALUES ?k { 1 2 3 4 5 } }",
    "SELECT ?o WHERE { ?s ?p ?o FILTER(false) }",
    "SELECT ?é ?o WHERE { ?é <http://example.org/q> ?o } ORDER BY ?o",
    "SELECT (<<( <http://example.org/a> <http://example.org/b> ?o )>> AS ?t) ?o "
    "WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o",
]


def rows_of(body: bytes, fmt: str) -> list:
    """The rows a client reads from ``body`` (CSV as strings; the rest as pyoxigraph terms)."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))[1:]
    result = ox.parse_query_results(body, FORMATS_OF[fmt])
    return [tuple(solution[v] for v in result.variables) for solution in result]


def kg_writer(store: ox.Store, query: str, fmt: str) -> bytes:
    """What kg serve sent before kg.serve.capped: every row taken in Python, written by kg's writer."""
    result = QueryResult.from_oxigraph(store.query(query), take=lambda items, unit: take_within(
        items, 1 << 30, 1 << 62, lambda row: sum(map(term_bytes, row))))
    out = io.StringIO()
    write_results(result, out, fmt, indent=None)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_the_same_bytes_as_kg_writer_gave(store, fmt):
    for query in QUERIES[:3] + QUERIES[5:6]:
        body, rows, truncated = serialize_capped(store.query(query), fmt, 1 << 30, 1 << 40)
        assert body == kg_writer(store, query, fmt), query
        assert not truncated and rows == len(rows_of(body, fmt)) > 0


def test_xml_is_the_engines_and_holds_the_same_rows(store):
    for query in QUERIES:
        body, rows, truncated = serialize_capped(store.query(query), "xml", 1 << 30, 1 << 40)
        assert body == store.query(query).serialize(None, ox.QueryResultsFormat.XML) + b"\n"
        if "<<(" not in query:  # kg's own writer cannot write triple terms
            assert rows_of(body, "xml") == rows_of(kg_writer(store, query, "xml"), "xml"), query
        assert rows == len(rows_of(body, "xml")) and not truncated


def test_the_two_cases_where_the_engine_writes_otherwise_than_kg_did():
    """TSV: a control character raw (Turtle allows it), where kg wrote \\u0001. CSV: a row of one
    unbound column as an empty line, where kg wrote "". Both read back the same."""
    st = ox.Store()
    st.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("ctl\x01")))
    body, _, _ = serialize_capped(st.query("SELECT ?o WHERE { ?s ?p ?o }"), "tsv", 10, 1 << 20)
    assert body == b'?o\n"ctl\x01"\n'
    assert kg_writer(st, "SELECT ?o WHERE { ?s ?p ?o }", "tsv") == b'?o\n"ctl\\u0001"\n'
    assert rows_of(body, "tsv") == [(ox.Literal("ctl\x01"),)]
    body, _, _ = serialize_capped(st.query("SELECT ?x WHERE { VALUES ?k { 1 2 } }"), "csv", 10, 1 << 20)
    assert body == b"x\r\n\r\n\r\n" and kg_writer(st, "SELECT ?x WHERE { VALUES ?k { 1 2 } }", "csv") == \
        b'x\r\n""\r\n""\r\n'


def feed(fmt: str, variables: list[str], data: bytes, max_rows: int, max_bytes: int, rng: random.Random):
    """The serializer's output ``data`` handed to the sink in writes of 1 to 40 bytes, as a
    serializer that stops when told; what the sink makes of it."""
    body = FORMATS[fmt][1](variables, max_rows, max_bytes)
    at = 0
    while at < len(data):
        size = rng.randint(1, 40)
        if body.write(data[at:at + size]) == 0:
            break
        at += size
    else:
        body.complete = True
    return body.finish()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_cut_anywhere_a_document_that_parses_and_holds_exactly_the_rows_it_says(store, fmt):
    """Every row limit, and byte limits all along the document, with row ends split across writes at
    random: the body parses, holds the first rows of the whole result and no others, says whether it
    was cut, stays within the byte limit, and holds as many rows as fit."""
    rng = random.Random(fmt)
    newline = b"\n" if fmt in ("json", "xml") else b""
    for query in QUERIES:
        if fmt == "csv" and "<<(" in query:
            continue  # pyoxigraph writes a triple term into CSV unquoted: no CSV reader reads it back
        variables = [v.value for v in store.query(query).variables]
        whole = store.query(query).serialize(None, FORMATS_OF[fmt]) + newline
        every = rows_of(whole, fmt)
        sizes = {len(whole), len(whole) - 1, 1} | {rng.randint(1, len(whole)) for _ in range(12)}
        for max_rows in sorted({0, 1, 2, len(every) - 1, len(every), len(every) + 1, rng.randint(0, len(every))}):
            if max_rows < 0:
                continue
            for max_bytes in sorted(sizes) + [1 << 40]:
                body, rows, truncated = feed(fmt, variables, whole[:len(whole) - len(newline)], max_rows, max_bytes, rng)
                case = (query, max_rows, max_bytes)
                assert rows_of(body, fmt) == every[:rows] and rows <= max_rows, case
                assert truncated == (len(every) > max_rows or len(whole) > max_bytes), case
                if not truncated:
                    assert body == whole, case
                    continue
                head = len(feed(fmt, variables, whole[:len(whole) - len(newline)], 0, 1 << 40, rng)[0])
                assert len(body) <= max_bytes or (rows == 0 and len(body) == head), case
                if rows < min(max_rows, len(every)):  # one row more would not have fitted
                    more, _, _ = feed(fmt, variables, whole[:len(whole) - len(newline)], rows + 1, 1 << 40, rng)
                    assert len(more) > max_bytes, case


def test_triple_terms_in_csv_are_counted_as_in_tsv(store):
    """pyoxigraph writes a triple term into CSV unquoted, its literal's quotes doubled; the quotes
    still come in pairs, so the rows are still counted exactly."""
    query = "SELECT (<<( <http://example.org/a> <http://example.org/b> ?o )>> AS ?t) ?o WHERE { ?s ?p ?o }"
    tsv = serialize_capped(store.query(query), "tsv", 1 << 30, 1 << 40)
    for max_rows in (0, 5, tsv[1] - 1, tsv[1]):
        body, rows, truncated = serialize_capped(store.query(query), "csv", max_rows, 1 << 40)
        assert rows == max_rows and truncated == (max_rows < tsv[1])
        assert body.count(b"\r\n") >= rows + 1


def test_many_rows_with_nothing_bound_are_counted_in_linear_time():
    """Every row is a ",{}" to be checked; each check reads back only to the row before."""
    st = ox.Store()
    values = " ".join(str(i) for i in range(30_000))
    body, rows, truncated = serialize_capped(st.query(f"SELECT ?x WHERE {{ VALUES ?k {{ {values} }} }}"),
                                             "json", 20_000, 1 << 40)
    assert rows == 20_000 and truncated and json.loads(body)["results"]["bindings"] == [{}] * 20_000


def test_the_worker_cuts_at_max_rows_and_at_the_byte_limit(store):
    query = QUERIES[0]
    every = rows_of(store.query(query).serialize(None, ox.QueryResultsFormat.JSON), "json")
    for fmt in FORMATS:
        reply = execute_query(store, query, {"results": fmt, "graph": "ttl"}, 7, None, False)
        assert reply["status"] == 200 and reply["truncated"] and reply["count"] == 7
        if fmt != "csv":
            assert rows_of(reply["body"], fmt) == every[:7]
        reply = execute_query(store, query, {"results": fmt, "graph": "ttl"}, len(every), None, False)
        assert not reply["truncated"] and reply["count"] == len(every)
        reply = execute_query(store, query, {"results": fmt, "graph": "ttl"}, 1000, None, False, max_bytes=2000)
        assert reply["truncated"] and len(reply["body"]) <= 2000 and 0 < reply["count"] < len(every)
        assert len(rows_of(reply["body"], fmt)) == reply["count"]
    assert json.loads(execute_query(store, query, {"results": "json", "graph": "ttl"}, 7, None, False)["body"])


def test_a_select_star_keeps_the_querys_order_through_the_engines_serializer(store):
    """Oxigraph sorts the variables of SELECT *; the worker writes them out in the query's order and
    runs it so, rather than fall back to kg's writer."""
    star = "SELECT * WHERE { ?s <http://example.org/p> ?o . BIND(1 AS ?a) } ORDER BY ?o LIMIT 5"
    assert [v.value for v in store.query(star).variables] == ["a", "o", "s"]
    explicit = star.replace("*", "?s ?o ?a", 1)
    for fmt in FORMATS:
        reply = execute_query(store, star, {"results": fmt, "graph": "ttl"}, 10, None, False)
        newline = b"\n" if fmt in ("json", "xml") else b""
        assert reply["body"] == store.query(explicit).serialize(None, FORMATS_OF[fmt]) + newline
        assert reply["count"] == 5 and not reply["truncated"]
    assert star_as_list('SELECT DISTINCT * WHERE { ?s ?p "*" } # SELECT *', ["s", "p"]) == \
        'SELECT DISTINCT ?s ?p WHERE { ?s ?p "*" } # SELECT *'
    assert star_as_list("SELECT ?s WHERE { ?s ?p ?o }", ["s"]) == "SELECT ?s WHERE { ?s ?p ?o }"


def test_a_select_star_not_run_twice_goes_through_kg_writer_in_the_querys_order(store, monkeypatch):
    """A SELECT * whose first run took long (an ORDER BY over many rows) is not run again: kg's writer
    sends its rows, in the query's order, the same bytes."""
    import kg.serve.workers as workers

    monkeypatch.setattr(workers, "RERUN_WITHIN", -1.0)
    star = "SELECT * WHERE { ?s <http://example.org/p> ?o . BIND(1 AS ?a) } ORDER BY ?o"
    for fmt in ("json", "csv", "tsv"):
        reply = execute_query(store, star, {"results": fmt, "graph": "ttl"}, 5, None, False)
        assert reply["count"] == 5 and reply["truncated"]
        explicit = serialize_capped(store.query(star.replace("*", "?s ?o ?a", 1)), fmt, 5, 1 << 40)[0]
        assert reply["body"] == explicit


def test_construct_as_n_triples_is_the_same_bytes_and_cut_at_a_whole_triple(store):
    """N-Triples (one triple a line, line breaks in literals escaped) goes through the engine's
    serializer too: the bytes kg's writer gave, and cuts that parse into the first triples."""
    from kg.sparql.results import write_graph

    query = "CONSTRUCT { ?s ?p ?o . ?s <http://example.org/t> <<( ?s ?p ?o )>> } WHERE { ?s ?p ?o }"
    whole = store.query(query).serialize(None, ox.RdfFormat.N_TRIPLES)
    every = list(ox.parse(whole, ox.RdfFormat.N_TRIPLES))
    plain = "CONSTRUCT WHERE { ?s ?p ?o }"
    out = io.StringIO()
    write_graph(QueryResult.from_oxigraph(store.query(plain)), out, "nt")
    assert serialize_capped(store.query(plain), "nt", 1 << 30, 1 << 40)[0] == out.getvalue().encode("utf-8")
    rng = random.Random("nt")
    for max_rows in (0, 1, 7, len(every) - 1, len(every)):
        for max_bytes in (1 << 40, len(whole), len(whole) - 1, rng.randint(1, len(whole)), 1):
            body, rows, truncated = serialize_capped(store.query(query), "nt", max_rows, max_bytes)
            assert list(ox.parse(body, ox.RdfFormat.N_TRIPLES)) == every[:rows] and len(body) <= max_bytes
            assert truncated == (rows < len(every)) and rows <= max_rows
            if truncated and rows < max_rows:
                assert len(serialize_capped(store.query(query), "nt", rows + 1, 1 << 40)[0]) > max_bytes
    reply = execute_query(store, query, {"results": "json", "graph": "nt"}, 10, None, False)
    assert reply["count"] == 10 and reply["truncated"] and reply["body"].count(b"\n") == 10


def test_a_select_star_the_rewrite_would_break_goes_through_kg_writer(store, monkeypatch):
    import kg.serve.workers as workers

    monkeypatch.setattr(workers, "star_as_list", lambda text, names: "SELECT ?broken WHERE {")
    star = "SELECT * WHERE { ?s <http://example.org/p> ?o . BIND(1 AS ?a) } ORDER BY ?o"
    reply = execute_query(store, star, {"results": "csv", "graph": "ttl"}, 3, None, False)
    assert reply["status"] == 200 and reply["body"].startswith(b"s,o,a\r\n") and reply["count"] == 3
