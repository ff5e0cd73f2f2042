"""Query results as they go out: pyoxigraph's own serializers for kg query, the W3C TSV short
forms in kg's own writer (kg serve), and text tables that fit the terminal."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.core import textout
from kg.sparql.lexer import names_graphs
from kg.sparql.named import prepare_checked
from kg.sparql.results import NATIVE_RESULTS, tsv_term, write_results
from kg.store.local import Store
from kg.store.result import QueryResult

from .conftest import invoke

KG = str(Path(sys.executable).with_name("kg"))
XSD = "http://www.w3.org/2001/XMLSchema#"

# Every kind of term: IRIs, a blank node, numbers, booleans, dates, plain, tagged and odd literals.
VARIED = """SELECT ?x ?v WHERE {
  { SELECT ?x WHERE { ?x rdfs:label ?l } ORDER BY ?x LIMIT 5 }
  VALUES ?v { 1 -7 1.5 .5 true false 1e3 "2020-01-01"^^xsd:date "plain" "tagged"@en "tab\\there"
              "quote \\" and, comma" "007"^^xsd:integer "1."^^xsd:decimal "TRUE"^^xsd:boolean <urn:x:y> }
} ORDER BY ?x STR(?v)"""


def _native(built: Path, query: str, fmt: str) -> bytes:
    store = Store.open(built)
    text, _ = prepare_checked(query, store)
    return store.query(text, names_graphs=names_graphs(text)).serialize(format=NATIVE_RESULTS[fmt])


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_kg_query_writes_what_pyoxigraphs_own_serializer_writes(built, fmt):
    result = invoke("query", "--build", built, VARIED, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    expected = _native(built, VARIED, fmt)
    assert result.stdout_bytes.rstrip(b"\n") == expected.rstrip(b"\n")
    if fmt == "json":  # one document, every row in it
        assert len(json.loads(result.stdout)["results"]["bindings"]) == 5 * 16


def test_kg_query_json_streams_and_stops_at_the_time_limit(built):
    """A result far too big to hold is written by the native serializer until the time limit; the
    engine's result is let go in its own thread (no 'unsendable' complaint at exit)."""
    result = subprocess.run([KG, "query", "--build", str(built), "--timeout", "1", "-f", "json",
                             "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"], capture_output=True, timeout=120)
    assert result.returncode == 3
    assert result.stdout.startswith(b'{"head":{"vars":["a","b","c"') and len(result.stdout) > 100_000
    assert result.stderr.decode().strip().splitlines() == [
        "kg: error: the query ran past its time limit of 1 s and was stopped "
        "(--timeout SECONDS, or KG_QUERY_TIMEOUT, to change it; 0 for none)"]


def test_tsv_terms_take_the_short_forms_the_w3c_format_allows():
    lit = lambda v, t: ox.Literal(v, datatype=ox.NamedNode(XSD + t))  # noqa: E731
    assert tsv_term(lit("12", "integer")) == "12"
    assert tsv_term(lit("-3", "integer")) == "-3"
    assert tsv_term(lit("1.50", "decimal")) == "1.50"
    assert tsv_term(lit("true", "boolean")) == "true"
    assert tsv_term(lit("1e3", "double")) == '"1e3"^^<http://www.w3.org/2001/XMLSchema#double>'
    assert tsv_term(lit("1.", "decimal")) == '"1."^^<http://www.w3.org/2001/XMLSchema#decimal>'  # not Turtle's
    assert tsv_term(lit("TRUE", "boolean")) == '"TRUE"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert tsv_term(ox.Literal("plain")) == '"plain"'
    assert tsv_term(ox.Literal("a\tb\nc")) == '"a\\tb\\nc"'  # one line, one cell
    assert tsv_term(ox.Literal("x", language="en")) == '"x"@en'
    assert tsv_term(ox.NamedNode("http://a/b")) == "<http://a/b>"
    assert tsv_term(None) == ""


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json"])
def test_kgs_own_writer_matches_the_native_one(built, fmt):
    """kg serve writes rows it has counted with kg's writer: the same bytes as pyoxigraph's."""
    store = Store.open(built)
    text, _ = prepare_checked(VARIED, store)
    result = QueryResult.from_oxigraph(store.query(text, names_graphs=names_graphs(text)))
    assert result.engine is None and len(result.rows) == 80
    out = io.StringIO()
    write_results(result, out, fmt, indent=None)  # as kg serve writes
    assert out.getvalue().encode().rstrip(b"\n") == _native(built, VARIED, fmt).rstrip(b"\n")
    if fmt == "json":  # non-ASCII and escapes too
        odd = QueryResult("select", ["x"], [[ox.Literal('é"\\\n\u2028\x01')], [None], [ox.BlankNode("b1")]])
        text = io.StringIO()
        write_results(odd, text, "json", indent=None)
        assert text.getvalue() == json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
            {"x": {"type": "literal", "value": 'é"\\\n\u2028\x01'}}, {}, {"x": {"type": "bnode", "value": "b1"}}]}},
            ensure_ascii=False, separators=(",", ":")) + "\n"


def test_fit_widths_shares_the_room_and_keeps_narrow_columns():
    assert textout.fit_widths([5, 10], 40) == [5, 10]
    assert textout.fit_widths([5, 100, 100], 45) == [5, 20, 20]
    assert textout.fit_widths([5, 100, 30], 45) == [5, 20, 20]
    assert sum(textout.fit_widths([3, 200, 50, 9], 70)) == 70
    assert textout.fit_widths([50, 50], 4) == [textout.MIN_COLUMN] * 2  # never below the minimum


def test_tables_fit_the_width_and_mark_cut_cells():
    long = "word " * 60
    rows = [["a", long, "https://example.org/" + "x" * 80], ["b", "short", "c"]]
    out = io.StringIO()
    textout.write_table(["id", "text", "iri"], rows, out, grid=True, width=50)
    lines = out.getvalue().splitlines()
    assert lines and all(len(line) <= 50 for line in lines)
    assert any(line.rstrip(" |").endswith(textout.CUT) for line in lines)  # the long text was cut, and says so
    assert "| b " in out.getvalue() and "short" in out.getvalue()
    wide = io.StringIO()  # no limit: nothing cut
    textout.write_table(["id", "text", "iri"], rows, wide, widths=0, grid=True, width=None)
    assert textout.CUT not in wide.getvalue() and "x" * 80 in wide.getvalue()


def test_a_piped_table_keeps_its_own_widths(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert textout.terminal_width(io.StringIO()) is None
    monkeypatch.setenv("COLUMNS", "72")
    assert textout.terminal_width(io.StringIO()) == 72


def test_kg_query_table_fits_columns(built):
    query = "SELECT ?f ?q WHERE { ?f kg:quote ?q } LIMIT 5"
    narrow = invoke_env({"COLUMNS": "60"}, "query", "--build", built, query)
    assert narrow.exit_code == 0, narrow.stderr
    lines = narrow.output.splitlines()
    assert all(len(line) <= 60 for line in lines) and lines[-1] == "5 rows"
    wide = invoke_env({"COLUMNS": None}, "query", "--build", built, query)
    assert max(map(len, wide.output.splitlines())) > 60  # piped: the table keeps its 60-character columns


def invoke_env(env: dict, *args):
    from click.testing import CliRunner

    from kg.cli import main
    return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)
