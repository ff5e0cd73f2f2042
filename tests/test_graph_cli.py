"""`kg viz`, `kg export` to networks, and `kg build`'s page: what they write and how they fail."""

from __future__ import annotations

import networkx as nx
import pytest

from .conftest import invoke


def test_build_writes_the_page_beside_the_graph_when_asked(raw_copy, tmp_path):
    out = tmp_path / "build"
    result = invoke("build", "--raw", raw_copy, "--out", out, "--page")
    assert result.exit_code == 0, result.output
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert f"page       {out / 'graph.html'}" in result.output
    # Nothing changed: the page is still this build's.
    result = invoke("build", "--raw", raw_copy, "--out", out)
    assert (out / "graph.html").read_text(encoding="utf-8") == page
    # A changed build without --page does not leave the last build's page behind as if it were current...
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = invoke("build", "--raw", raw_copy, "--out", out)
    assert not (out / "graph.html").exists() and "kg viz --build" in result.output
    # ...and `kg viz` draws it for the current build, in the build folder.
    result = invoke("viz", "--build", out)
    assert result.exit_code == 0 and (out / "graph.html").read_text(encoding="utf-8") == page


def test_viz_writes_the_views_it_is_asked_for(built, tmp_path):
    result = invoke("viz", "--dyad", "Pakistan", "Russia", "--since", "2015", "-o", tmp_path / "d.html",
                    "--build", built)
    assert result.exit_code == 0, result.output
    assert "<h1>Pakistan – Russia</h1>" in (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "wrote" in result.stderr
    result = invoke("viz", "--focus", "sco", "--depth", "2", "--no-events", "--types", "membership,exercise",
                    "-o", "-", "--build", built)
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "Shanghai Cooperation Organisation and its ties (depth 2)" in result.stdout


def test_an_empty_view_writes_a_page_that_says_so(built, tmp_path):
    result = invoke("viz", "--since", "2030", "-o", tmp_path / "e.html", "--build", built)
    assert result.exit_code == 0
    assert "No facts match this view" in result.stderr
    assert "No facts match this view (2030-01-01 to …)." in (tmp_path / "e.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (("viz", "--focus", "Pakstan"), "kg: error: no entity named 'Pakstan' in the graph (did you mean Pakistan?)"),
    (("viz", "--dyad", "Pakistan", "Rusia"), "did you mean Russia"),
    (("analyze", "path", "Pakistan", "Moskow"), "did you mean Moscow"),
    (("timeline", "Pakistan", "Rusia"), "did you mean Russia"),
    (("viz", "--since", "2016-13"), "--since: month 13 is out of range"),
    (("viz", "--since", "2019", "--until", "2016"), "is after --until"),
    (("viz", "--types", "arms_ordr"), "did you mean arms_order"),
    (("export", "-f", "csv"), "give a folder with -o DIR"),
    (("export", "-f", "ttl", "--focus", "Pakistan"), "apply to graphml, gexf and csv"),
])
def test_bad_input_gets_one_line_and_exit_2(built, args, message):
    result = invoke(*args, "--build", built)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [("viz",), ("timeline", "a", "b"), ("analyze",), ("analyze", "path", "a", "b"),
                                     ("export", "-f", "graphml")])
def test_without_a_build_says_to_run_kg_build(tmp_path, command):
    result = invoke(*command, "--build", tmp_path / "nothing")
    assert result.exit_code == 2
    assert "run `kg build` first" in result.stderr


def test_export_dispatches_network_formats(built, tmp_path):
    result = invoke("export", "-f", "graphml", "--dyad", "Pakistan", "Russia", "--build", built)
    assert result.exit_code == 0
    (tmp_path / "x.graphml").write_text(result.stdout, encoding="utf-8")
    g = nx.read_graphml(tmp_path / "x.graphml")
    assert g.nodes["pakistan"]["label"] == "Pakistan" and g.number_of_edges() > 50
    result = invoke("export", "-f", "csv", "-o", tmp_path / "csv", "--no-events", "--build", built)
    assert result.exit_code == 0 and (tmp_path / "csv" / "edges.csv").is_file()
    assert invoke("export", "-f", "ttl", "--build", built).stdout.startswith("@prefix")
