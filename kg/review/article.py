"""A saved web page read as an article: its metadata and its text.

Parsed with Beautiful Soup 4 (bs4) on the standard library's ``html.parser``:
saved pages are often broken HTML (unclosed paragraphs, stray end tags), which
bs4 repairs as browsers do, and its searches by tag, attribute and CSS
selector make reading <meta>, <link rel=canonical> and JSON-LD a few lines.
It is pure Python, kept up to date, and needs no compiler (lxml would be
faster, but pages are small and it is a binary dependency).

Metadata is taken, in order of trust, from the Open Graph and article <meta>
tags, JSON-LD (a NewsArticle, Article, ReportageNews or BlogPosting, possibly
inside an @graph), <link rel="canonical">, and <title>. The text is that of
the page's article: its <article> element (the one with most text), else an
element marked itemprop=articleBody, else <main>, else <body>; navigation,
headers, footers, asides, forms, figures and scripts are left out. Each
paragraph, heading, list item and block quote becomes one paragraph of the
document, separated by a blank line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..core.errors import SourceError

MIN_ARTICLE_CHARS = 200  # less text than this is not an article (an empty body, a cookie wall)
MAX_LINK_SHARE = 0.6  # more of the text in links than this: an index page, not an article
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNews", "BlogPosting", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "Report", "PressRelease"}
DROP = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe",
        "svg", "button", "figure", "figcaption", "select", "input", "textarea", "dialog", "menu"]
BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td"]


@dataclass
class Article:
    """What a page says about itself, and its text."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)  # title, publisher, url, published, author
    sources: dict[str, str] = field(default_factory=dict)  # where each value was found


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _jsonld(soup) -> dict:
    """The first article object of the page's JSON-LD, or {}."""
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        todo = data if isinstance(data, list) else [data]
        while todo:
            item = todo.pop(0)
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("@graph"), list):
                todo.extend(item["@graph"])
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(t in ARTICLE_TYPES for t in types if isinstance(t, str)):
                return item
    return {}


def _name(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return _clean(value) if isinstance(value, str) else ""


def read_article(markup: str, where: str = "") -> Article:
    """Read a saved page; raise SourceError when it is not an article (an index, an empty body)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    meta: dict[str, str] = {}
    sources: dict[str, str] = {}

    def put(key: str, value, source: str) -> None:
        value = _clean(value) if isinstance(value, str) else ""
        if value and key not in meta:
            meta[key] = value
            sources[key] = source

    def tag(attr: str, name: str) -> str:
        found = soup.find("meta", attrs={attr: re.compile(rf"^{re.escape(name)}$", re.I)})
        content = found.get("content") if found is not None else None
        return content if isinstance(content, str) else ""

    ld = _jsonld(soup)
    put("title", tag("property", "og:title"), "og:title")
    put("title", ld.get("headline"), "JSON-LD headline")
    put("publisher", tag("property", "og:site_name"), "og:site_name")
    put("publisher", _name(ld.get("publisher")), "JSON-LD publisher")
    canonical = soup.find("link", rel=lambda v: v and "canonical" in (v if isinstance(v, list) else [v]))
    put("url", canonical.get("href", "") if canonical else "", "link rel=canonical")
    put("url", tag("property", "og:url"), "og:url")
    main_entity = ld.get("mainEntityOfPage")
    put("url", ld.get("url") or (main_entity.get("@id") if isinstance(main_entity, dict) else main_entity),
        "JSON-LD url")
    put("published", tag("property", "article:published_time"), "article:published_time")
    put("published", ld.get("datePublished"), "JSON-LD datePublished")
    put("author", _name(ld.get("author")), "JSON-LD author")
    put("author", tag("name", "author"), "meta author")
    if soup.title and soup.title.string:
        put("title", soup.title.string, "<title>")
    if "published" in meta:
        m = re.match(r"\d{4}-\d{2}-\d{2}", meta["published"])
        if m:
            meta["published"] = m.group(0)
    if "url" in meta and not re.match(r"https?://", meta["url"], re.I):
        del meta["url"]  # a relative or javascript: link says nothing about where the page lives
        sources.pop("url", None)

    for name in DROP:
        for node in soup.find_all(name):
            node.decompose()
    body = soup.body or soup
    articles = body.find_all("article")
    container = max(articles, key=lambda a: len(a.get_text(" ", strip=True))) if articles else None
    container = container or body.find(True, attrs={"itemprop": "articleBody"}) or body.find("main") or body
    paragraphs = []
    for node in container.find_all(BLOCKS):
        if node.find_parent(BLOCKS) is not None:
            continue  # a list inside a block quote: its text is already in the outer block
        text = _clean(node.get_text(" "))
        if text:
            paragraphs.append(text)
    if not paragraphs:
        paragraphs = [p for p in (_clean(line) for line in container.get_text("\n").split("\n")) if p]
    text = "\n\n".join(paragraphs)
    if len(text) < MIN_ARTICLE_CHARS:
        raise SourceError(f"not an article: the page has {len(text)} characters of text "
                          f"(at least {MIN_ARTICLE_CHARS} needed)", path=where or None)
    link_chars = sum(len(_clean(a.get_text(" "))) for a in container.find_all("a"))
    if link_chars > MAX_LINK_SHARE * len(_clean(container.get_text(" "))):
        raise SourceError(f"not an article: {link_chars * 100 // max(1, len(_clean(container.get_text(' '))))}% "
                          "of its text is links (an index or a front page)", path=where or None)
    return Article(text, meta, sources)
