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

import yaml

from ..core import dates
from ..core.errors import DateError, SourceError, excerpt
from .grades import check_reliability
from .rawfiles import not_utf8, read_source

# Front matter values are YAML scalars read as text: quotes are YAML's (a value
# that starts with one must be one quoted string), and nothing is turned into
# a number, a boolean or a date behind the writer's back.
_SCALAR_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

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
        A quote starts and ends on word boundaries: "kista" is not a quote
        from "Pakistan", and "full-mem" not one from "full-members".
        """
        words = quote.split()
        if not words:
            return None
        if quote == quote.strip():
            exact = self.text.find(quote)
            while exact >= 0:
                if self._on_boundaries(exact, exact + len(quote)):
                    return exact, exact + len(quote)
                exact = self.text.find(quote, exact + 1)
        head = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
        tail = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
        pattern = head + r"\s+".join(re.escape(w) for w in words) + tail
        m = re.compile(pattern).search(self.text)
        return (m.start(), m.end()) if m else None

    def _on_boundaries(self, start: int, end: int) -> bool:
        """Whether text[start:end] neither starts nor ends inside a word."""
        text = self.text
        inside_start = start > 0 and _is_word(text[start - 1]) and _is_word(text[start])
        inside_end = end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])
        return not inside_start and not inside_end


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def slug_of(path: Path) -> str:
    return path.stem


# A document's name becomes part of IRIs (its graph, its citations), so it must be one
# an IRI can hold as written: letters and digits of any script, '-', '_', '.' and '~'.
_NAME = re.compile(r"[^\W][\w.~-]*")


def check_name(path: Path) -> None:
    """Raise SourceError unless the document's name can stand in an IRI as written."""
    stem = slug_of(path)
    if not _NAME.fullmatch(stem) or not stem.isprintable():
        raise SourceError(f"the name {excerpt(stem)} cannot be part of an IRI; rename the file (and its fact "
                          "sheet) using letters, digits, '-', '_' and '.' only", path=str(path))


def read_document(path: Path) -> Document:
    """Read a document and its front matter; raise SourceError on anything malformed."""
    raw = read_source(path)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise SourceError("a binary file, not a text document (a NUL byte)", path=str(path),
                          line=raw.count(b"\n", 0, nul) + 1)
    content = _decode(raw, path)
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
            raise SourceError(f"front matter line is not 'key: value': {excerpt(line)}", path=str(path), line=i)
        if key not in REQUIRED + OPTIONAL:
            raise SourceError(
                f"unknown front matter key {excerpt(key)} (known: {', '.join(REQUIRED + OPTIONAL)})",
                path=str(path), line=i)
        if key in meta:
            raise SourceError(f"front matter key {key!r} appears twice", path=str(path), line=i)
        meta[key] = _scalar(key, value, path, i)
        meta_lines[key] = i
    if end is None:
        raise SourceError("front matter is not closed by a line '---'", path=str(path), line=1)
    for key in REQUIRED:
        if not meta.get(key):
            raise SourceError(f"front matter lacks {key!r}", path=str(path), line=end)

    def date_field(key: str) -> dates.PartialDate:
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
        reference_date=date_field("reference_date"),  # required: checked above
        published=date_field("published") if meta.get("published") else None,
        body_line=end + 1, reliability=reliability,
    )


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise SourceError(not_utf8(raw, exc), path=str(path), line=raw.count(b"\n", 0, exc.start) + 1) from None


def _scalar(key: str, value: str, path: Path, line: int) -> str:
    """The text of one front matter value, read as a YAML scalar."""
    value = value.strip()
    if not value:
        return ""
    try:
        parsed = yaml.load(f"v: {value}\n", Loader=_SCALAR_LOADER)  # noqa: S506 - BaseLoader builds only text
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or "not valid YAML"
        hint = (" (a value that starts with a quote must end with it: put the whole value in quotes, "
                "or use the other kind of quote around it)" if value[0] in "\"'" else
                " (put the value in quotes)")
        raise SourceError(f"front matter {key!r}: not one YAML value: {reason}{hint}", path=str(path),
                          line=line) from None
    text = parsed.get("v") if isinstance(parsed, dict) and len(parsed) == 1 else None
    if not isinstance(text, str):
        raise SourceError(f"front matter {key!r} must be text, not a list or a mapping (put it in quotes)",
                          path=str(path), line=line)
    return text
