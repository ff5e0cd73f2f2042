"""Source documents: UTF-8 text in raw/ with a front-matter header.

    ---
    title: ...
    publisher: ...
    url: ...
    published: 2024-03-05        (the date printed on it)
    reference_date: 2018         (when it was written, at the precision known)
    reliability: B               (optional: NATO AJP-2.1 source reliability, A-F;
                                  else the publisher's default from the registry)
    reliability_note: ...        (optional: why)
    ---
    The text itself. Quote offsets count characters from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core import dates
from ..core.errors import DateError, SourceError
from .grades import check_reliability

REQUIRED = ("title", "publisher", "reference_date")
OPTIONAL = ("url", "published", "note", "author", "language", "reliability", "reliability_note")


@dataclass
class Document:
    """One source document: its id (the file's stem), metadata and text."""

    id: str
    path: Path
    meta: dict[str, str]
    text: str
    reference_date: dates.PartialDate
    published: dates.PartialDate | None = None
    body_line: int = 1  # the line of the file on which the text starts
    reliability: str | None = None  # A-F where the front matter grades the document
    _index: tuple[str, list[int]] | None = field(default=None, repr=False)

    def find_quote(self, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` stands in the text, as (start, end) character offsets.

        Runs of white space in the quote match any run of white space in the
        text (line breaks in the source split sentences), and nothing else is
        loosened: the cited span is always the document's own characters.
        """
        words = quote.split()
        if not words:
            return None
        exact = self.text.find(quote)
        if exact >= 0 and quote == quote.strip():
            return exact, exact + len(quote)
        pattern = r"\s+".join(re.escape(w) for w in words)
        m = re.compile(pattern).search(self.text)
        return (m.start(), m.end()) if m else None


def slug_of(path: Path) -> str:
    return path.stem


def read_document(path: Path) -> Document:
    """Read a document and its front matter; raise SourceError on anything malformed."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file", path=str(path)) from None
    if b"\x00" in raw:
        raise SourceError("a binary file, not a text document", path=str(path))
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (invalid byte at offset {exc.start})", path=str(path)) from None
    content = content.removeprefix("\ufeff")
    lines = content.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError("no front matter: the file must start with a line '---'", path=str(path), line=1)
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    end = None
    for i, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            end = i
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not re.fullmatch(r"[a-z_]+", key):
            raise SourceError(f"front matter line is not 'key: value': {line!r}", path=str(path), line=i)
        if key not in REQUIRED + OPTIONAL:
            raise SourceError(
                f"unknown front matter key {key!r} (known: {', '.join(REQUIRED + OPTIONAL)})",
                path=str(path), line=i)
        if key in meta:
            raise SourceError(f"front matter key {key!r} appears twice", path=str(path), line=i)
        meta[key] = value.strip().strip('"')
        meta_lines[key] = i
    if end is None:
        raise SourceError("front matter is not closed by a line '---'", path=str(path), line=1)
    for key in REQUIRED:
        if not meta.get(key):
            raise SourceError(f"front matter lacks {key!r}", path=str(path), line=end)

    def date_field(key: str) -> dates.PartialDate | None:
        if not meta.get(key):
            return None
        try:
            return dates.parse_partial(meta[key])
        except DateError as exc:
            raise SourceError(f"{key}: {exc.message}", path=str(path), line=meta_lines[key]) from None

    reliability = None
    if meta.get("reliability"):
        try:
            reliability = check_reliability(meta["reliability"])
        except ValueError as exc:
            raise SourceError(str(exc), path=str(path), line=meta_lines["reliability"]) from None

    text = "\n".join(lines[end:])
    if not text.strip():
        raise SourceError("the document has no text after its front matter", path=str(path), line=end)
    return Document(
        id=slug_of(path), path=path, meta=meta, text=text,
        reference_date=date_field("reference_date"), published=date_field("published"),
        body_line=end + 1, reliability=reliability,
    )
