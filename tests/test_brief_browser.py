"""The brief in a real browser (Debian's Chromium, driven by Playwright), offline: no
request leaves the page, the counts match `kg query dyad`, every fact has its quotes, a
quote opens its document at its offsets, no two graph labels overlap, hostile text runs
nothing, and printing to PDF gives pages with text on every one."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest

import kg
from kg.render.brief import render_brief
from kg.views.ties import load_ties
from kg.views.selection import dyad

from .browser import GuardedPage
from .conftest import ROOT, SEED_RAW
from .hostile import IMG, SCRIPT, TITLE

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts"

OVERLAPS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)].map((t) => t.getBoundingClientRect());
  let n = 0;
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
    }
  return [boxes.length, n];
}"""


class Opened(GuardedPage):
    def __init__(self, browser, path: Path, width: int = 1200, height: int = 900):
        self.url = path.resolve().as_uri()
        super().__init__(browser, lambda url: url == self.url, viewport={"width": width, "height": height})
        self.page.goto(self.url)
        self.page.wait_for_selector("html[data-ready]", state="attached", timeout=30_000)

    def assert_clean(self) -> None:
        assert self.refused == [], self.refused
        assert self.dialogs == [] and self.errors == []


def pdf_pages(pdf: bytes) -> list[bytes]:
    """The decompressed content stream of each page of a PDF Chromium printed."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}
    pages = []
    for body in objects.values():
        if re.search(rb"/Type\s*/Page\b", body):
            refs = re.search(rb"/Contents\s*(?:\[(.*?)\]|(\d+) 0 R)", body, re.S)
            ids = [int(x) for x in re.findall(rb"(\d+) 0 R", refs.group(1))] if refs.group(1) else [int(refs.group(2))]
            content = b""
            for i in ids:
                stream = re.search(rb"stream\r?\n(.*?)\r?\nendstream", objects[i], re.S).group(1)
                content += zlib.decompress(stream) if b"FlateDecode" in objects[i] else stream
            pages.append(content)
    return pages


def test_the_pakistan_russia_brief_offline_counts_quotes_reader_labels_and_pdf(browser, built, tmp_path):
    path = tmp_path / "brief.html"
    from .conftest import invoke

    assert invoke("brief", "Pakistan", "Russia", "--build", built, "--raw", SEED_RAW, "-o", path).exit_code == 0
    opened = Opened(browser, path)
    page = opened.page
    try:
        rows = kg.query("dyad", built, {"a": "Pakistan", "b": "Russia"}).dicts()
        ties = load_ties(built)
        by_label = {label: key for key, label in ties.fact_types.items()}
        counts = page.evaluate("[...document.querySelectorAll('#summary a')].map(a => [a.dataset.type, +a.dataset.count])")
        expected: dict[str, int] = {}
        for r in rows:
            key = "common" if r["through"] else by_label[r["type"]]
            expected[key] = expected.get(key, 0) + 1
        assert dict(counts) == expected and sum(n for _, n in counts) == len(rows) == 30
        # Every fact is there with all its quotes, each with a reader button.
        facts = dyad(ties, "Pakistan", "Russia").facts
        shown = page.evaluate("Object.fromEntries([...document.querySelectorAll('article.fact')].map(a =>"
                              " [a.id.slice(5), [a.querySelectorAll('blockquote').length,"
                              " a.querySelectorAll('button.read').length]]))")
        assert shown == {f.id: [len(f.citations), len(f.citations)] for f in facts}
        # A summary link leads to its evidence.
        assert page.evaluate("document.querySelector(document.querySelector('#summary a[data-type=exercise]')"
                             ".getAttribute('href')).textContent").startswith("Military exercises")
        # A click on a quote's button opens its document with the quote marked at its offsets.
        arms = next(f for f in facts if f.type == "arms_order")
        cite = arms.citations[0]
        page.locator(f"#fact-{arms.id} button.read").first.click()
        assert page.is_visible("#reader")
        assert page.text_content("#reader-title") == cite.source.title
        assert page.text_content("#reader mark") == cite.quote
        before = page.evaluate("document.querySelector('#reader mark').previousSibling.textContent.length")
        assert before == cite.start
        page.keyboard.press("Escape")
        assert not page.is_visible("#reader")
        # No two labels of the graph overlap, as the browser draws them.
        labels, overlaps = page.evaluate(OVERLAPS, "svg text.label")
        assert labels >= 20 and overlaps == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=True)
        # Printed to PDF: several pages, each with text on it, and no reader or buttons.
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('button.read')).display") == "none"
        pdf = page.pdf(format="A4")
        (ARTIFACTS / "brief.pdf").write_bytes(pdf)
        pages = pdf_pages(pdf)
        assert len(pages) >= 3
        assert all(re.search(rb"\bT[jJ]\b", content) for content in pages), [len(c) for c in pages]
        opened.assert_clean()
    finally:
        opened.close()


def test_hostile_names_quotes_and_documents_run_nothing_in_the_brief_or_reader(browser, hostile_built, tmp_path):
    path = tmp_path / "hostile-brief.html"
    path.write_text(render_brief(hostile_built, "Pakistan", IMG, raw=hostile_built.parent / "raw").html,
                    encoding="utf-8")
    opened = Opened(browser, path, 1000, 800)
    page = opened.page
    try:
        assert page.evaluate("document.querySelectorAll('img, b, iframe, object, svg[onload]').length") == 0
        assert page.text_content("h1") == f"Pakistan – {IMG}"
        assert SCRIPT in page.text_content("main")
        buttons = page.locator("button.read")
        assert buttons.count() >= 2
        for i in range(buttons.count()):
            buttons.nth(i).click()
            assert page.text_content("#reader-title") == TITLE
            assert "<img src=x onerror=alert(1)>" in page.text_content("#reader-text")
            assert page.evaluate("document.querySelectorAll('#reader-text *').length") == 1  # the mark only
            page.click("#reader-close")
        labels, overlaps = page.evaluate(OVERLAPS, "svg text.label")
        assert labels >= 2 and overlaps == 0
        opened.assert_clean()
    finally:
        opened.close()
