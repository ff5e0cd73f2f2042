"""The graph page in a real browser (Debian's Chromium, driven by Playwright), offline.

Each page is opened from file:// with every request that is not the page
itself recorded and refused, so a page that reached for a CDN, an image or a
font would show it here. These tests fail, never skip, when Chromium or
Playwright is missing: CI must have both (apt-get install chromium;
pip install playwright, and never `playwright install`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.views.network import project
from kg.views.ties import load_ties
from kg.views.selection import View, select
from kg.render.page import render

from .browser import GuardedPage
from .conftest import ROOT
from .hostile import AMP, IMG, SCRIPT, TITLE

pytestmark = pytest.mark.slow

ARTIFACTS = ROOT / "test-artifacts"


class Opened(GuardedPage):
    """A page opened offline from file://, with everything it tried to do that it should not."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 900):
        self.url = path.resolve().as_uri()
        super().__init__(browser, lambda url: url == self.url, viewport={"width": width, "height": height})
        self.page.goto(self.url)
        # A selector, not wait_for_function: the page's policy forbids the eval that polling needs.
        self.page.wait_for_selector("html[data-drawn]", state="attached", timeout=60_000)

    def shown(self) -> dict:
        return self.page.evaluate("kgView.shown()")

    def assert_clean(self) -> None:
        assert self.refused == [], self.refused
        assert self.dialogs == [] and self.errors == []


def _month(day: dt.date | None) -> int | None:
    return None if day is None else day.year * 12 + day.month - 1


def expected_shown(g, facts_off=(), entities_off=(), start: int | None = None, end: int | None = None) -> dict:
    """What the page should draw under these filters, by the rules the page states: a fact
    shows when its type is ticked and its date can fall in the range; an edge when its
    fact shows and both ends pass their own filter; a node when it keeps an edge."""
    facts = g.graph["facts"]

    def fact_on(fid: str) -> bool:
        f = facts[fid]
        if f.type in facts_off:
            return False
        if start is not None and f.latest is not None and _month(f.latest) < start:
            return False
        return not (end is not None and f.earliest is not None and _month(f.earliest) > end)

    def node_on(n) -> bool:
        d = g.nodes[n]
        return fact_on(d["fact"]) if d["kind"] == "event" else d["entity_type"] not in entities_off

    edges = [(u, v) for u, v, d in g.edges(data=True) if fact_on(d["fact"]) and node_on(u) and node_on(v)]
    return {"nodes": len({n for e in edges for n in e}), "edges": len(edges)}


def _set_range(page, which: str, value: int) -> None:
    page.evaluate("([id, v]) => { const i = document.getElementById(id); i.value = String(v);"
                  " i.dispatchEvent(new Event('input')); }", [which, value])


def test_seed_page_draws_the_whole_graph_offline_and_filters(browser, built, tmp_path):
    g = project(select(load_ties(built)))
    path = tmp_path / "seed.html"
    path.write_text(render(g), encoding="utf-8")
    opened = Opened(browser, path)
    page = opened.page
    try:
        assert opened.shown() == {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "seed-graph.png"))

        statements = page.get_by_role("checkbox", name="statement")
        statements.uncheck()
        assert opened.shown() == expected_shown(g, facts_off={"statement"})
        people = page.get_by_role("checkbox", name="person")
        people.uncheck()
        assert opened.shown() == expected_shown(g, facts_off={"statement"}, entities_off={"Person"})
        statements.check()
        people.check()
        assert opened.shown() == {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}

        # The time range: from 2017 on, then nothing after 2016.
        from_2017 = 2017 * 12
        _set_range(page, "range-from", from_2017)
        assert opened.shown() == expected_shown(g, start=from_2017) != {"nodes": g.number_of_nodes(),
                                                                         "edges": g.number_of_edges()}
        assert page.text_content("#range-label").startswith("2017-01 to 2023-")
        _set_range(page, "range-from", 1948 * 12)
        _set_range(page, "range-to", 2016 * 12 + 11)
        assert opened.shown() == expected_shown(g, end=2016 * 12 + 11)
        _set_range(page, "range-to", 1950 * 12)
        shown = opened.shown()
        assert shown == expected_shown(g, end=1950 * 12)
        _set_range(page, "range-to", 2023 * 12 + 11)

        # Search by an alias focuses the entity and lists its facts.
        page.fill("#search", "Kyrgyz Republic")
        page.press("#search", "Enter")
        page.wait_for_timeout(700)  # the view flies to the entity for 400 ms
        assert page.text_content("#details h2") == "Kyrgyzstan"
        assert page.evaluate("kgView.network.getSelectedNodes().length") == 1
        page.get_by_role("button", name="2016 · Peace Mission 2016 (2016)").click()
        details = page.text_content("#details")
        assert "Peace Mission is a biennially-held counter-terrorism exercise" in details
        assert "2016 (to the year)" in details
        link = page.locator("#details a").first
        assert link.get_attribute("href").startswith("https://quwa.org/") and "Quwa" in details

        # Hovering an event shows its type, date and quote.
        page.locator("#details-close").click()
        node = next(i for i, n in enumerate(g.nodes) if n == "fact/friendship-2017")
        box = page.locator("#canvas").bounding_box()
        xy = page.evaluate("id => { const p = kgView.network.getPositions([id])[id];"
                           " return kgView.network.canvasToDOM(p); }", node)
        page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
        page.wait_for_selector("#tip:not(.hidden)")
        tip = page.text_content("#tip")
        assert "military exercise" in tip and "2017" in tip and "This was followed by Friendship 2017" in tip
        assert "— Pakistan will participate in SCO Peace Mission 2018 exercise, Quwa" in tip

        # Hovering a tie, then clicking it: the oldest Pakistan-Russia tie is the straight one.
        page.mouse.move(box["x"] + 2, box["y"] + 2)
        page.wait_for_selector("#tip.hidden", state="attached")
        ends = [next(i for i, n in enumerate(g.nodes) if n == name) for name in ("pakistan", "russia")]
        edge = next(i for i, (*_, k) in enumerate(g.edges(keys=True)) if k == "pakistan-russia-diplomatic-relations/0")
        # A point on that edge where it is the only thing under the pointer.
        mid = page.evaluate("""([ids, edge]) => { const net = kgView.network, p = net.getPositions(ids);
            const boxes = ids.map((id) => net.getBoundingBox(id));  // shape and label
            for (const d of [0, 0.02, -0.02, 0.04, -0.04, 0.06, -0.06, 0.08, -0.08, 0.1, -0.1, 0.15, -0.15]) {
              const t = 0.5 + d;
              const c = {x: p[ids[0]].x + t * (p[ids[1]].x - p[ids[0]].x),
                         y: p[ids[0]].y + t * (p[ids[1]].y - p[ids[0]].y)};
              const inBox = boxes.some((b) => c.x >= b.left - 8 && c.x <= b.right + 8
                                              && c.y >= b.top - 8 && c.y <= b.bottom + 8);
              const at = net.canvasToDOM(c);
              if (!inBox && net.getNodeAt(at) === undefined && net.getEdgeAt(at) === edge) return at;
            }
            return null; }""", [ends, edge])
        assert mid is not None, "no clear point on the Pakistan-Russia tie"
        page.mouse.move(box["x"] + mid["x"], box["y"] + mid["y"])
        page.wait_for_selector("#tip:not(.hidden)")
        tip = page.text_content("#tip")
        assert "diplomatic relations" in tip and "1948" in tip and "75 years" in tip
        # Click it. Hammer.js (inside vis-network) can read a synthetic press after the pointer
        # jumped as the start of a pan, so the click goes through vis-network's own event.
        page.evaluate("([edge, at]) => kgView.network.body.emitter.emit('click', "
                      "{nodes: [], edges: [edge], pointer: {DOM: at, canvas: kgView.network.DOMtoCanvas(at)}})",
                      [edge, mid])
        details = page.text_content("#details")
        assert "has diplomatic relations with" in details and "1948 (to the year)" in details
        assert "Strategic Vision Institute (SVI), Islamabad" in details
        opened.assert_clean()
    finally:
        opened.close()


def test_hostile_names_and_quotes_show_as_text_and_run_nothing(browser, hostile_built, tmp_path):
    ties = load_ties(hostile_built)
    for name, view in (("hostile", View()), ("hostile-focus", View(focus=IMG))):
        g = project(select(ties, view))
        path = tmp_path / f"{name}.html"
        path.write_text(render(g), encoding="utf-8")
        opened = Opened(browser, path, 1000, 700)
        page = opened.page
        try:
            assert opened.shown() == {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
            assert page.evaluate("document.querySelectorAll('img, svg[onload], b, iframe, object').length") == 0
            assert page.evaluate("document.scripts.length") == 3
            if view.focus:
                assert page.text_content("h1") == f"{IMG} and its ties"
                assert page.title() == f"{IMG} and its ties · kg"
            for who in (IMG, SCRIPT, AMP.split("\u2028")[0].strip()):
                page.fill("#search", who)
                page.press("#search", "Enter")
                heading = page.text_content("#details h2")
                assert heading.startswith(who), (who, heading)
            fact_button = page.locator("#details li button").first
            fact_button.click()
            details = page.text_content("#details")
            assert TITLE in details and "<b onmouseover=alert(1)>Pub</b>" in details
            assert page.locator("#details a").count() == 0  # a javascript: URL is never a link
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
            opened.assert_clean()
        finally:
            opened.close()


def test_empty_view_page_says_so(browser, built, tmp_path):
    selection = select(load_ties(built), View(since="2030"))
    path = tmp_path / "empty.html"
    path.write_text(render(project(selection), empty_message=selection.empty_message()), encoding="utf-8")
    opened = Opened(browser, path, 800, 500)
    try:
        assert opened.page.evaluate("document.documentElement.dataset.drawn") == "empty"
        assert opened.page.is_visible("#empty")
        assert opened.page.text_content("#empty") == "No facts match this view (2030-01-01 to …)."
        opened.assert_clean()
    finally:
        opened.close()


LABEL_OVERLAPS = """() => {
  const b = kgView.labelBoxes(), all = b.nodes.concat(b.edges);
  let n = 0;
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      const x = all[i], y = all[j];
      if (x[0] < y[2] && y[0] < x[2] && x[1] < y[3] && y[1] < x[3]) n++;
    }
  return {nodes: b.nodes.length, edges: b.edges.length, overlaps: n};
}"""


def test_no_two_labels_overlap_on_the_seed_graph_and_the_dyad_page(browser, built, tmp_path):
    from kg.render.page import write_page

    for name, view in (("seed", View()), ("dyad", View(dyad=("Pakistan", "Russia")))):
        path = tmp_path / f"{name}.html"
        written = write_page(built, path, view)
        opened = Opened(browser, path)
        page = opened.page
        try:
            # Every node's label is drawn, and none overlaps another label (node or edge).
            found = page.evaluate(LABEL_OVERLAPS)
            assert found["nodes"] == written.nodes and found["overlaps"] == 0, found
            # Zoomed in, more edge labels fit, and still none overlaps.
            page.evaluate("kgView.network.moveTo({scale: kgView.network.getScale() * 3}); kgView.network.redraw()")
            page.wait_for_timeout(300)
            zoomed = page.evaluate(LABEL_OVERLAPS)
            assert zoomed["overlaps"] == 0, zoomed
            if name == "seed":
                assert zoomed["edges"] > found["edges"], (found, zoomed)
            opened.assert_clean()
        finally:
            opened.close()


def test_hovering_a_tie_shows_its_label(browser, built, tmp_path):
    from kg.render.page import write_page

    path = tmp_path / "seed.html"
    write_page(built, path)
    g = project(select(load_ties(built)))
    opened = Opened(browser, path)
    page = opened.page
    try:
        # A tie whose label collides at rest, so it is not drawn...
        drawn = page.evaluate("kgView.labelBoxes().edgeIds")
        edge = next(i for i, (u, v, k, d) in enumerate(g.edges(keys=True, data=True))
                    if d["kind"] == "tie" and i not in drawn)
        # ...is labelled while the pointer is on it (vis-network's own hover event, as a pointer raises it).
        page.evaluate("id => kgView.network.body.emitter.emit('hoverEdge', {edge: id, pointer: {DOM: {x: 10, y: 10}}})",
                      edge)
        page.wait_for_timeout(200)
        assert edge in page.evaluate("kgView.labelBoxes().edgeIds")
        page.evaluate("id => kgView.network.body.emitter.emit('blurEdge', {edge: id, pointer: {DOM: {x: 10, y: 10}}})",
                      edge)
        page.wait_for_timeout(200)
        assert page.evaluate("kgView.labelBoxes().edgeIds") == drawn
        opened.assert_clean()
    finally:
        opened.close()


def test_a_quote_opens_its_document_in_the_reader_with_the_quote_marked(browser, built, tmp_path):
    from kg.render.page import write_page

    from .conftest import SEED_RAW

    path = tmp_path / "seed.html"
    write_page(built, path, raw=SEED_RAW)
    opened = Opened(browser, path)
    page = opened.page
    try:
        page.fill("#search", "Mi-35M")
        page.press("#search", "Enter")
        page.get_by_role("button", name="2015 · Arms order: Russia – Pakistan – Mi-35M (2015)").click()
        page.locator("#details button.read").first.click()
        assert page.is_visible("#reader")
        fact = load_ties(built).facts["pakistan-orders-mi-35m-2015"]
        cite = fact.citations[0]
        assert page.text_content("#reader-title") == cite.source.title
        assert page.text_content("#reader mark") == cite.quote
        assert page.evaluate("document.querySelector('#reader mark').previousSibling.textContent.length") == cite.start
        page.click("#reader-close")
        assert not page.is_visible("#reader")
        opened.assert_clean()
    finally:
        opened.close()


def test_hostile_documents_show_as_text_in_the_reader(browser, hostile_built, tmp_path):
    from kg.render.page import write_page

    path = tmp_path / "hostile.html"
    write_page(hostile_built, path, raw=hostile_built.parent / "raw")
    opened = Opened(browser, path, 1000, 700)
    page = opened.page
    try:
        page.fill("#search", "Pakistan")
        page.press("#search", "Enter")
        page.locator("#details li button").first.click()
        page.locator("#details button.read").first.click()
        assert page.text_content("#reader-title") == TITLE
        assert IMG in page.text_content("#reader-text")
        assert page.evaluate("document.querySelectorAll('#reader-text *').length") == 1  # the mark, nothing else
        assert page.evaluate("document.querySelectorAll('img, b, iframe, object, svg[onload]').length") == 0
        assert page.evaluate("document.scripts.length") == 3
        opened.assert_clean()
    finally:
        opened.close()


def test_big_graphs_draw_a_label_layer_without_overlaps(browser, built, tmp_path, monkeypatch):
    # The seed graph drawn as a big graph would be: dots, and labels only where they fit.
    import kg.render.page as page_module

    monkeypatch.setattr(page_module, "LABEL_LAYER_MIN_NODES", 10)
    g = project(select(load_ties(built)))
    path = tmp_path / "layer.html"
    path.write_text(page_module.render(g), encoding="utf-8")
    opened = Opened(browser, path)
    page = opened.page
    try:
        assert page.evaluate("kgView.network.body.nodes[0].options.shape") == "dot"
        assert page.evaluate("kgView.network.body.nodes[0].options.label") in (None, "")
        found = page.evaluate(LABEL_OVERLAPS)
        assert 0 < found["nodes"] <= g.number_of_nodes() and found["overlaps"] == 0, found
        page.evaluate("kgView.network.moveTo({scale: kgView.network.getScale() * 2.5}); kgView.network.redraw()")
        page.wait_for_timeout(300)
        assert page.evaluate(LABEL_OVERLAPS)["overlaps"] == 0
        opened.assert_clean()
    finally:
        opened.close()
