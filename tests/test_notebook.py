"""Results in notebooks: a query result is an escaped HTML table with its row count,
a DataFrame where pandas is installed, and pages display inline. The last test runs a
real notebook through a Jupyter kernel (nbclient) and reads what it displayed."""

from __future__ import annotations

import pytest

import kg
from kg.sparql.named import QueryResult



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


@pytest.mark.slow  # starts a Jupyter kernel
def test_a_notebook_shows_a_query_as_a_table_and_pages_inline(built, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"import kg\nbuild = {str(built)!r}"),
        nbformat.v4.new_code_cell('kg.query("dyad", build, {"a": "Pakistan", "b": "Russia"})'),
        nbformat.v4.new_code_cell('kg.query("membership", build).to_dataframe().shape'),
        nbformat.v4.new_code_cell('kg.brief("Pakistan", "Russia", build)'),
        nbformat.v4.new_code_cell("from kg.views.network import graph\nfrom kg.views.selection import View\n"
                                  "from kg.render.page import page\n"
                                  'page(graph(build, View(dyad=("Pakistan", "Russia"))))'),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [cell.outputs for cell in nb.cells]
    assert not any(o.get("output_type") == "error" for cell in outputs for o in cell)
    table = outputs[1][0]["data"]["text/html"]
    assert table.startswith('<table class="kg-result">') and "<p class=\"kg-count\">30 rows</p>" in table
    assert "Friendship 2016" in table
    assert outputs[2][0]["data"]["text/plain"] == "(1, 7)"
    brief_frame = outputs[3][0]["data"]["text/html"]
    assert brief_frame.startswith("<iframe srcdoc=") and "Pakistan – Russia" in brief_frame
    graph_frame = outputs[4][0]["data"]["text/html"]
    assert graph_frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in graph_frame
