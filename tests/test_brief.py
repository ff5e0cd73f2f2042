"""`kg brief A B`: the page's parts, its counts against `kg query dyad`, and its bad input.
(tests/test_brief_browser.py opens it in Chromium.)"""

from __future__ import annotations

import html
import io
import re
from collections import Counter

import kg
from kg.render.brief import BriefPage, render_brief, write_brief
from kg.views.ties import load_ties
from kg.views.selection import dyad

from .conftest import SEED_RAW, invoke
from .edits import add_document
from .hostile import IMG, SCRIPT, TITLE


def summary_counts(page: str) -> dict[str, int]:
    summary = re.search(r'<p class="summary" id="summary"[^>]*>(.*?)</p>', page, re.S).group(1)
    return {t: int(n) for t, n in re.findall(r'data-type="([^"]+)" data-count="(\d+)"', summary)}


def test_summary_counts_match_the_dyad_query_and_every_fact_has_its_quotes(built):
    page = render_brief(built, "Pakistan", "Russia", raw=SEED_RAW).html
    rows = kg.query("dyad", built, {"a": "Pakistan", "b": "Russia"}).dicts()
    ties = load_ties(built)
    by_label = {label: key for key, label in ties.fact_types.items()}
    expected = Counter(by_label[r["type"]] for r in rows if not r["through"])
    expected["common"] = sum(1 for r in rows if r["through"])
    assert summary_counts(page) == dict(expected)
    assert re.search(r'data-total="(\d+)"', page).group(1) == str(len(rows)) == "30"
    # The headline reads as the issue asks: relations since 1948, two exercises, one arms order.
    summary = re.sub(r"<[^>]+>", "", re.search(r'<p class="summary".*?</p>', page, re.S).group(0))
    assert summary.startswith("Pakistan and Russia: diplomatic relations since 1948;")
    assert "2 military exercises (2016, 2017)" in summary and "1 arms order (2015)" in summary
    assert "1 visit (2018 planned)" in summary
    # Every fact of the dyad has its article, with each quote, document, publisher and a reader button.
    for fact in dyad(ties, "Pakistan", "Russia").facts:
        article = re.search(rf'<article class="fact" id="fact-{re.escape(fact.id)}".*?</article>', page, re.S)
        assert article, fact.id
        assert fact.grade and f'<span class="badge grade">grade {fact.grade}</span>' in article.group(0)
        for c in fact.citations:
            assert f"<blockquote>{html.escape(c.quote)}</blockquote>" in article.group(0)
            assert html.escape(c.source.title) in article.group(0) and html.escape(c.source.publisher) in article.group(0)
            assert f"(source reliability {c.source.reliability})" in article.group(0)
            assert f'data-doc="{c.source.id}" data-start="{c.start}" data-end="{c.end}"' in article.group(0)
    for row in rows:
        for quote in row["quotes"].split(" | "):
            assert html.escape(quote) in page
    # Standing ties side by side, the timeline's planned marks, the graph, the sources.
    assert "<h3>Memberships in common</h3>" in page and "<h3>Treaty status side by side</h3>" in page
    assert re.search(r"Treaty on the Non-Proliferation of Nuclear Weapons</td><td>.*?has not signed.*?</td><td>"
                     r".*?party", page)
    assert page.count('<tr data-status="planned">') == 2 and "1949–2014: no facts" in page
    assert page.count('<text class="label"') >= 20
    assert page.count('<li id="source-') == 2
    # Nothing to fetch: no src or link attributes, and the policy allows no connection.
    assert not re.search(r"\ssrc=|<link\b|@import|url\(", page)
    assert "connect-src 'none'" in page and "default-src 'none'" in page


def test_the_api_returns_the_page_or_writes_it_to_a_stream(built):
    page = kg.brief("Pakistan", "Russia", built, generated="2026-01-01")
    assert isinstance(page, BriefPage) and page.facts == 30 and not page.empty
    out = io.StringIO()
    written = write_brief(built, "pakistan", "RUSSIA", out, generated="2026-01-01")
    assert out.getvalue() == written.html == str(page)
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in frame and "<script>" not in frame
    # Without the raw folder the quotes stay, and the page says the documents are not embedded.
    assert "read in the document" not in page.html and "The documents&#x27; text is not embedded" in page.html
    assert '"005' not in page.html


def test_since_marks_what_is_new_and_against_lists_the_dyads_changes(built, edited_built):
    page = render_brief(built, "Pakistan", "Russia", since="2023").html
    section = page[page.index('<h2 id="changes">'):]
    assert re.search(r'<p data-count="(\d+)">\1 of the 30 facts can fall on or after 2023', section)
    changed = render_brief(edited_built, "Pakistan", "Russia", against=built).html
    section = changed[changed.index('<h2 id="changes">'):]
    assert '<section class="kg-diff"' in section
    assert "facts: 1 added, 0 removed, 2 changed" in section
    assert "Friendship 2018 (2018-10)" in section and "quantity: 4 → 6" in section and "date: 2017 → 2017-10" in section
    assert "Pabbi (Place)" in section
    assert summary_counts(changed)["exercise"] == 3
    assert changed.count('<span class="badge new">new</span>') >= 3


def test_unknown_entity_is_one_line_with_did_you_mean_and_exit_2(built, tmp_path):
    result = invoke("brief", "Pakistan", "Rusia", "--build", built, "-o", tmp_path / "b.html")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "kg: error: no entity named 'Rusia' in the graph (did you mean Russia, RIA Novosti?)"]
    assert not (tmp_path / "b.html").exists()


def test_a_dyad_with_no_facts_gets_a_brief_that_says_so(built, tmp_path):
    assert not dyad(load_ties(built), "Kyrgyzstan", "Anton Khlopkov").facts
    result = invoke("brief", "Kyrgyzstan", "Anton Khlopkov", "--build", built, "-o", tmp_path / "e.html")
    assert result.exit_code == 0
    assert "no facts tie Kyrgyzstan – Anton Khlopkov" in result.output
    page = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert ('<p class="empty" id="summary" data-total="0">The graph holds no facts that tie Kyrgyzstan and '
            "Anton Khlopkov") in page
    assert "No sources: the brief has no facts." in page


def test_the_cli_writes_the_page_with_the_reader(built, tmp_path):
    result = invoke("brief", "Pakistan", "Russia", "--build", built, "--raw", SEED_RAW, "-o", tmp_path / "b.html")
    assert result.exit_code == 0 and "wrote" in result.output and "(30 facts)" in result.output
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert page.count("read in the document") >= 30
    assert '<script type="application/json" id="kg-docs">{"000_7ea689264487c6d2":' in page


def test_hostile_names_and_quotes_are_escaped(hostile_built, tmp_path):
    raw = hostile_built.parent / "raw"
    page = render_brief(hostile_built, "Pakistan", IMG, raw=raw).html
    body = page[page.index("<body>"):]
    assert "<img" not in body and "<svg onload" not in body and "<b>" not in body
    assert body.count("<script") == 2  # the JSON of the documents and kg's own script
    data = body[body.index('id="kg-docs">'):body.index("</script>")]
    assert "<" not in data.split(">", 1)[1]  # the document's text cannot close its script element
    assert html.escape(TITLE) in body and html.escape(SCRIPT) in body
    assert 'href="javascript' not in body


def test_conflicts_the_build_found_show_on_both_facts(tmp_path):
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(SEED_RAW, raw)
    add_document(raw, "006_test_relations", "Pakistan and Russia established diplomatic relations in 1950.\n",
                 "facts:\n  - type: diplomatic_relations\n    id: relations-1950\n    parties: [Pakistan, Russia]\n"
                 "    date: 1950\n    quote: \"Pakistan and Russia established diplomatic relations in 1950.\"\n",
                 title="Relations since 1950", publisher="Test Desk", reference_date="2020")
    kg.build(raw, tmp_path / "build")
    page = render_brief(tmp_path / "build", "Pakistan", "Russia").html
    for fid in ("relations-1950", "pakistan-russia-diplomatic-relations"):
        article = re.search(rf'<article class="fact" id="fact-{fid}".*?</article>', page, re.S).group(0)
        assert '<span class="badge conflict"' in article and "<dt>conflict</dt>" in article
    assert page.count("<dt>conflict</dt>") == 2
