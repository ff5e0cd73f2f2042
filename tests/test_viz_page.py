"""The graph page as a string: offline, escaped, and allowed to run only its own scripts."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pytest

from kg.views.network import project
from kg.views.ties import load_ties
from kg.views.selection import View, select
from kg.render.page import GraphPage, inline_scripts, page_data, render, script_json, to_pyvis, write_page

from .hostile import EVENT, IMG, SCRIPT, TITLE


@pytest.fixture(scope="module")
def seed_page(built) -> str:
    return render(project(select(load_ties(built))))


@pytest.fixture(scope="module")
def hostile_page(hostile_built) -> str:
    return render(project(select(load_ties(hostile_built))))


def _csp(page: str) -> dict[str, list[str]]:
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page).group(1)
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_csp_allows_exactly_the_inline_scripts_and_style(seed_page):
    csp = _csp(seed_page)
    scripts = list(inline_scripts(seed_page))
    assert len(scripts) == 2 and "vis-network" in scripts[0][:200]
    assert sorted(csp["script-src"]) == sorted(_sha(s) for s in scripts)
    (style,) = re.findall(r"<style>(.*?)</style>", seed_page, flags=re.S)
    assert csp["style-src"] == [_sha(style)]
    assert csp["default-src"] == ["'none'"] and csp["connect-src"] == ["'none'"]
    assert "'unsafe-eval'" not in seed_page[:3000] and "'unsafe-inline'" not in seed_page[:3000]


def test_the_page_loads_nothing_from_anywhere(seed_page):
    assert not re.search(r"<(script|img|iframe|link)[^>]*\s(src|href)=", seed_page, flags=re.I)
    assert "@import" not in seed_page and "url(" not in seed_page.split("<script", 1)[0]
    assert "cdn" not in seed_page.split("<script", 1)[0].lower()
    assert "bootstrap" not in seed_page.lower()


def test_vis_network_keeps_its_licence_header(seed_page):
    vis = next(inline_scripts(seed_page))
    assert "@license" in vis[:1000] and "vis.js is dual licensed" in vis[:1000]


def test_data_is_json_that_cannot_close_its_script(hostile_page):
    data_block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', hostile_page, re.S).group(1)
    assert "<" not in data_block and ">" not in data_block and "&" not in data_block
    assert "\u2028" not in data_block and "\\u2028" in data_block
    data = json.loads(data_block)
    labels = {n[0] for n in data["nodes"]}
    assert {IMG, SCRIPT} <= labels and any(label.startswith("Tom & Jerry") for label in labels)
    assert any(EVENT in f[1] for f in data["facts"])
    assert data["sources"][0][0] == TITLE
    assert any(SCRIPT in quote for quote, *_source in data["citations"])


def test_no_hostile_text_reaches_the_html_unescaped(hostile_page, hostile_built):
    for text in (IMG, SCRIPT, TITLE, EVENT, "<b>bold</b>", "<b onmouseover"):
        assert text not in hostile_page, text
    # Exactly three script elements, each closed once: the data, vis-network and the page's own.
    assert hostile_page.count("\n<script") == 3 and hostile_page.count("</script>") == 3
    focused = render(project(select(load_ties(hostile_built), View(focus=IMG))))
    heading = re.search(r"<h1>(.*?)</h1>", focused).group(1)
    assert html.unescape(heading) == f"{IMG} and its ties"
    assert "&lt;img src=x onerror=alert(1)&gt;" in heading
    assert f"<title>{html.escape(IMG)} and its ties · kg</title>" in focused


def test_script_json_escapes_what_html_would_read():
    text = script_json({"a": "</script><!-- & \u2028\u2029 >"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e"}'
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_page_script_never_uses_innerhtml(seed_page):
    app = list(inline_scripts(seed_page))[1]
    assert "innerHTML" not in app.replace("no innerHTML", "") and "eval(" not in app
    assert "outerHTML" not in app and "insertAdjacentHTML" not in app and "document.write" not in app


def test_empty_selection_writes_a_page_that_says_so(built, tmp_path):
    written = write_page(built, tmp_path / "empty.html", View(since="2030"))
    text = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert (written.nodes, written.edges) == (0, 0)
    assert "No facts match this view (2030-01-01 to …)." in text
    assert '<p id="empty">' in text


def test_page_data_bends_parallel_ties_apart(built):
    data = page_data(project(select(load_ties(built)), events=False))
    names = [n[0] for n in data["nodes"]]
    pk, ru = names.index("Pakistan"), names.index("Russia")
    between = [e for e in data["edges"] if {e[0], e[1]} == {pk, ru}]
    assert len(between) > 10
    # One straight, the rest on curves of their own (a tie drawn the other way bends the other way).
    bends = [e[6] if e[0] == pk else -e[6] for e in between]
    assert bends.count(0) == 1 and len(set(bends)) == len(bends)
    assert len({(n[1], n[2]) for n in data["nodes"]}) == len(data["nodes"])


def test_notebook_objects(built):
    g = project(select(load_ties(built), View(dyad=("Pakistan", "Russia"))))
    shown = GraphPage(render(g))._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;') and 'sandbox="allow-scripts"' in shown
    net = to_pyvis(g)
    assert len(net.nodes) == g.number_of_nodes() and len(net.edges) == g.number_of_edges()
    assert {"x", "y", "label", "color"} <= set(net.nodes[0])
