"""`kg add`: a saved page or a text into raw/, with its front matter and a draft fact sheet.

The document is named ``<reference date>_<slug of its title>.txt``. Its
metadata comes from the page (kg.review.article) and from options, which win;
a required value still missing is asked for (when a function to ask is
given) or refused with a message naming the option. The reference date
defaults to the published date, and the result says so: a page may be
printed later than it was written.

The draft sheet (``<document>.draft.facts.yaml``) is what kg.extract drafts,
with every fact in it, those needing a new entity included (kg extract
comments them out, since its sheets must build; a draft is not built, see
kg.sources.factsheet.is_draft). Nothing existing is overwritten, and a text already
in raw/ (the same words, whatever the spacing) is refused, naming its file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from ..core import dates
from ..sources.documents import read_document
from ..core.errors import DateError, KGError, MissingInputError, SourceError, UsageError
from ..sources.factsheet import draft_path_for, sheet_path_for, slugify
from ..core.serialize import atomic_write

MAX_BYTES = 5 * 1024 * 1024  # a saved article is tens of kilobytes; more is a mistake
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".md", ".text")
REQUIRED = {"title": "--title", "publisher": "--publisher", "reference_date": "--reference-date"}


@dataclass
class Added:
    """What `kg add` did with one file."""

    source: Path
    document: Path
    draft: Path | None
    facts: int
    meta: dict[str, str]
    notes: list[str] = field(default_factory=list)  # what a person should know (reference date defaulted, ...)


def content_digest(text: str) -> str:
    """The digest by which the same text is recognised: words only, spacing ignored."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


def _existing(raw: Path) -> dict[str, Path]:
    out = {}
    for path in sorted(raw.glob("*.txt")):
        try:
            out[content_digest(read_document(path).text)] = path
        except KGError:
            continue
    return out


def _read_input(path: Path) -> tuple[str, dict[str, str], list[str]]:
    """The text of a file, the metadata it carries, and where that came from."""
    if not path.is_file():
        raise MissingInputError(f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourceError(f"{size} bytes is too large for an article (at most {MAX_BYTES})", path=str(path))
    data = path.read_bytes()
    if b"\x00" in data:
        raise SourceError("a binary file, not a page or a text", path=str(path))
    try:
        content = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        if path.suffix.lower() not in HTML_SUFFIXES:
            raise SourceError("not UTF-8 text", path=str(path)) from None
        content = data.decode("latin-1")
    if path.suffix.lower() in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", content, re.I):
        from .article import read_article

        art = read_article(content, str(path))
        return art.text, art.meta, [f"{k} from {v}" for k, v in art.sources.items()]
    if content.startswith("---\n"):
        doc = read_document(path)
        return doc.text.strip("\n"), dict(doc.meta), ["front matter of the file"]
    text = "\n".join(line.rstrip() for line in content.strip().split("\n"))
    if not text.strip():
        raise SourceError("the file has no text", path=str(path))
    return text, {}, []


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def add_document(source: str | Path, raw: str | Path = "raw", *, title: str | None = None,
                 publisher: str | None = None, url: str | None = None, published: str | None = None,
                 reference_date: str | None = None, author: str | None = None, draft: bool = True,
                 ask: Callable[[str, str], str] | None = None) -> Added:
    """Add one page or text to ``raw`` and draft its facts; see the module's docstring.

    ``ask(key, option)`` is called for a required value the page and the options
    lack; without it such a value is refused with a UsageError naming the option.
    """
    source, raw = Path(source), Path(raw)
    if not raw.is_dir():
        raise MissingInputError(f"no such folder: {raw}")
    text, found, notes = _read_input(source)
    meta = dict(found)
    for key, value in (("title", title), ("publisher", publisher), ("url", url), ("published", published),
                       ("reference_date", reference_date), ("author", author)):
        if value:
            meta[key] = value
    for key in ("published", "reference_date"):
        if meta.get(key):
            try:
                meta[key] = dates.parse_partial(meta[key]).iso()
            except DateError as exc:
                raise UsageError(f"--{key.replace('_', '-')}: {exc.message}") from None
    if not meta.get("reference_date") and meta.get("published"):
        meta["reference_date"] = meta["published"]
        notes.append(f"reference date {meta['published']} is the published date; give --reference-date "
                     "if the text was written earlier (relative dates are read against it)")
    for key, option in REQUIRED.items():
        if not meta.get(key) and ask is not None:
            meta[key] = ask(key, option)
            if key == "reference_date" and meta[key]:
                try:
                    meta[key] = dates.parse_partial(meta[key]).iso()
                except DateError as exc:
                    raise UsageError(f"{option}: {exc.message}") from None
        if not meta.get(key):
            raise UsageError(f"{source}: the page gives no {key.replace('_', ' ')}; give it with {option}")
    existing = _existing(raw).get(content_digest(text))
    if existing is not None:
        raise UsageError(f"{source}: the same text is already in {existing}")
    stem = f"{meta['reference_date']}_{slugify(meta['title'], 60)}"
    doc_path = raw / f"{stem}.txt"
    n = 2
    while doc_path.exists() or sheet_path_for(doc_path).exists() or draft_path_for(doc_path).exists():
        doc_path = raw / f"{stem}-{n}.txt"
        n += 1
    order = ("title", "publisher", "author", "url", "published", "reference_date")
    lines = ["---"] + [f"{k}: {_one_line(meta[k])}" for k in order if meta.get(k)] + ["---"]
    atomic_write(doc_path, "\n".join(lines) + "\n" + text.strip("\n") + "\n")
    added = Added(source, doc_path, None, 0, {k: meta[k] for k in order if meta.get(k)}, notes)
    if draft:
        added.draft, added.facts = write_draft(doc_path, raw)
    return added


_COMMENTED = re.compile(r"^(\s*)# (- |  )")
PROPOSED = "# proposed entity: "  # a new entity kg extract proposes, as JSON, for the review page to offer


def _proposed(proposals: str) -> list[dict]:
    """kg extract's draft registry entries (id, name, type, iso3166, country), or [] if unreadable."""
    try:
        data = yaml.safe_load(proposals) if proposals else None
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    out = []
    for key, entry in data.items():
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.append({"id": str(key), **{k: str(v) for k, v in entry.items()
                                            if k in ("name", "type", "iso3166", "country") and v is not None}})
    return out


def draft_text(doc_path: Path, raw: Path) -> tuple[str, int]:
    """The draft sheet of a document of ``raw``: kg.extract's sheet with every fact in it."""
    from ..extract import extract_document
    from ..extract.sheet import to_yaml
    from ..sources.registry import load_registry
    from ..sources.schema import load_schema
    from .sheetfile import split_sheet

    schema = load_schema()
    registry = load_registry(raw / "entities.yaml", schema)
    doc = read_document(doc_path)
    drafts = extract_document(doc, registry=registry)
    sheet, proposals = to_yaml(drafts, doc, registry, schema)
    # kg extract comments out the facts that need a new entity; a draft keeps them for the reviewer.
    lines = [_COMMENTED.sub(r"\1\2", line) for line in sheet.split("\n")]
    body = [line for line in lines if not line.startswith("# ")]
    head = [f"# Draft facts of {doc_path.name}, drafted by kg extract: review them with `kg review`.",
            "# kg build does not read this file; the review writes the reviewed facts to "
            f"{sheet_path_for(doc_path).name}."]
    head += [f"{PROPOSED}{json.dumps(p, ensure_ascii=False)}" for p in _proposed(proposals)]
    text = "\n".join(head + body)
    text = re.sub(r"^facts: \[\]$", "facts:", text, flags=re.M)
    try:
        cut = split_sheet(text, str(draft_path_for(doc_path)))
    except KGError:  # an uncommented block that does not parse: keep kg extract's sheet as it was
        return sheet, len(drafts)
    # Each fact written as the reviewed sheets are, so that accepting it changes nothing.
    return cut.render([(b, True) for b in cut.blocks]), len(cut.blocks)


def write_draft(doc_path: Path, raw: Path) -> tuple[Path, int]:
    path = draft_path_for(doc_path)
    if path.exists() or sheet_path_for(doc_path).exists():
        raise UsageError(f"{path.name} or the reviewed sheet exists already; kg add never overwrites them")
    text, n = draft_text(doc_path, raw)
    atomic_write(path, text)
    return path, n


def add_many(source: str | Path, raw: str | Path = "raw", **options) -> list[Added]:
    """Add a file, or each page and text of a folder (by name); options as add_document's."""
    source = Path(source)
    if source.is_dir():
        paths = sorted(p for p in source.iterdir()
                       if p.is_file() and p.suffix.lower() in HTML_SUFFIXES + TEXT_SUFFIXES)
        if not paths:
            raise MissingInputError(f"no pages or texts (*.html, *.txt, *.md) in {source}")
        return [add_document(p, raw, **options) for p in paths]
    return [add_document(source, raw, **options)]
