"""The commands are thin: each opens its source, calls one library function and prints (issue 13).

The library entry points they call (kg.sparql.answer, kg.api.export_graph,
kg.extract.folder) are checked here without click; the command bodies are
measured; kg's own SPARQL lives in kg/queries/internal/, not in Python strings.
"""

from __future__ import annotations

import ast
import csv
import inspect
import io

import pytest

from kg.api import export_graph
from kg.cli import export, query
from kg.commands.extract import extract_command
from kg.core.errors import UsageError
from kg.sparql.answer import answer, listing, parse_bindings
from kg.sparql.named import internal_query, named_queries
from kg.views.selection import View
from .conftest import ROOT, assert_isomorphic


def _body_lines(command) -> int:
    """Lines of a command's function after its docstring."""
    fn = inspect.unwrap(command.callback)
    node = ast.parse(inspect.getsource(fn).lstrip()).body[0]
    assert isinstance(node, ast.FunctionDef)
    first = node.body[1] if ast.get_docstring(node) else node.body[0]
    return node.end_lineno - first.lineno + 1


@pytest.mark.parametrize("command", [query, export, extract_command], ids=["query", "export", "extract"])
def test_a_command_body_is_short(command):
    assert _body_lines(command) <= 25


def test_listing_names_every_named_query():
    text = listing()
    assert [line.split()[0] for line in text.splitlines() if not line.startswith(" ")] == list(named_queries())


def test_answer_writes_a_named_query_to_a_stream(store):
    out = io.StringIO()
    answer("dyad", store, out, bindings=parse_bindings(["a=PAKISTAN.", "$b=Russia"]), fmt="csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows and all(row for row in rows)
    shown = io.StringIO()
    answer("dyad", store, shown, bindings={"a": "Pakistan", "b": "Russia"}, show=True)
    assert "$a" not in shown.getvalue() and "SELECT" in shown.getvalue()
    with pytest.raises(UsageError, match="name=value"):
        parse_bindings(["a"])


def test_a_misspelt_query_is_reported_before_the_source_is_opened(store):
    opened = []
    with pytest.raises(Exception, match="nosuchquery"):
        answer("nosuchquery", lambda: opened.append(1) or store, io.StringIO())
    assert opened == []


def test_export_graph_writes_rdf_or_refuses_a_view(built, tmp_path):
    import rdflib

    written = export_graph("ttl", built, tmp_path / "kg.ttl")
    assert written == [tmp_path / "kg.ttl"]
    assert_isomorphic(rdflib.Graph().parse(built / "kg.ttl"), rdflib.Graph().parse(tmp_path / "kg.ttl"))
    with pytest.raises(UsageError, match="graphml, gexf and csv"):
        export_graph("ttl", built, tmp_path / "x.ttl", view=View(dyad=("Pakistan", "Russia")))
    with pytest.raises(UsageError, match="is a folder"):
        export_graph("nt", built, tmp_path)
    assert export_graph("graphml", built, tmp_path / "g.graphml", view=View(dyad=("Pakistan", "Russia")))


@pytest.mark.parametrize("module", ["kg/views/changes.py", "kg/render/brief.py", "kg/views/ties.py"])
def test_kg_s_own_sparql_is_in_rq_files(module):
    source = (ROOT / module).read_text(encoding="utf-8")
    strings = [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [s for s in strings if "SELECT" in s and "WHERE" in s]


def test_the_internal_queries_of_diff_and_brief_exist():
    for name in ("changes-names", "changes-entities", "changes-aliases", "changes-fact-kinds", "changes-fact-fields",
                 "changes-nested-fields", "changes-quotes", "changes-documents", "brief-conflicts"):
        assert internal_query(name).text.lstrip().startswith("#")
        assert "SELECT" in internal_query(name).text
