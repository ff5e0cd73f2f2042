"""Reading what `kg extract` is given, and cutting its text into sentences.

Input may be a document with front matter (as in raw/), plain text, or an HTML
page. Whatever it is, offsets always count characters of the text a fact sheet
is checked against: the document's text after its front matter, exactly as
kg.documents reads it.

Site clutter ("Also Read:", "Photo source:", bylines, datelines, bare dates and
headings) is marked, not removed, so that offsets stay true; sentences are
only ever drawn from the lines that remain.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..core import dates
from ..sources.documents import Document, read_document
from ..core.errors import DateError, SourceError

# Larger inputs are refused before they are read: a news article or press
# release is a few tens of kilobytes, and a 50 MB "article" is a mistake.
MAX_BYTES = 5 * 1024 * 1024

_CLUTTER = re.compile(
    r"""^\s*(?:
        (?:also\s+read|read\s+more|read\s+also|related|recommended|see\s+also|more\s+on\s+this|don't\s+miss)\b.*
      | read\s*:.*
      | (?:photo|image|picture|file\s+photo|video|graphic|illustration)s?\s*(?:source|credit|courtesy)?\s*[:|].*
      | \(?(?:photo|image)\s+(?:source|credit|courtesy)\b.*
      | (?:by|written\s+by|reporting\s+by|edited\s+by|compiled\s+by)\s+[A-Z][^.]{0,80}
      | (?:reporting|editing|writing)\s+by\b.*
      | (?:published|updated|posted|last\s+updated|posted\s+on)\s*(?:on|:)?\s*\d.*
      | posted\s+on\s*:.*
      | (?:share|tweet|email|print|subscribe|follow\s+us|advertisement|sponsored|comments?)\b\W{0,3}(?:this)?\s*$
      | (?:tags?|categories|filed\s+under)\s*:.*
      | (?:signed|sgd\.?)\s*:.*
      | press\s+(?:release|statement)(?:\s+no\.?\s*\d+)?\s*
      | staff\s+reporter\s*
      | copyright\b.* | ©.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BARE_DATE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'/-]{1,40},\s*)?(?:\w+day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:[ ,]+\d{1,2}[:.]\d{2}\s*(?:[AP]M)?(?:\s*[A-Z]{2,4})?)?\s*$")
# "NEW DELHI, Dec 15 (GWS) - ", "ISLAMABAD: ", "WASHINGTON/STOCKHOLM - ", "LILONGWE (Reuters) - ",
# "ASTANA, JUNE 12:", "London, June 26: ", "Phnom Penh, Nov 11 (EFE).- ", "Addis Ababa, Sep 11 The ..."
_MONTH_WORD = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-zA-Z]*\.?"
_DATELINE = re.compile(
    r"^(?:"
    r"[A-Z][A-Z.'/-]+(?:\s+[A-Z][A-Z.'/-]+){0,3}"
    rf"(?:,\s*{_MONTH_WORD}\s+\d{{1,2}}(?:,\s*\d{{4}})?)?"
    r",?(?:\s*\([^)]{1,60}\))?\s*(?:\.-|-|–|—|:)\s*"
    r"|"
    r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2},\s*"
    rf"(?:{_MONTH_WORD}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH_WORD})(?:,?\s*\d{{4}})?"
    r"(?:\s*\([^)]{1,40}\))?(?:\s*(?:\.-|-|–|—|:)\s*|\s+)"
    r")(?=[A-Z\"“‘'])")
_NUMBERED = re.compile(r"^\(?\d{1,2}[.)]\s+(?=[A-Z\"“])")
_TERMINAL = re.compile(r"[.!?:;][\"”’')\]]*\s*$|[\"”]\s*$")

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "prof", "gen", "lt", "col", "maj", "brig", "adm", "capt", "cdr", "cmdr",
    "sgt", "cpl", "pvt", "gov", "sen", "rep", "hon", "st", "mt", "no", "nos", "vol", "jr", "sr",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "vs", "etc", "inc", "ltd", "co", "corp", "approx", "est", "fig", "al", "dept", "govt", "retd", "u.s",
    "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
}


@dataclass(frozen=True)
class Sentence:
    """A sentence of the document: its exact characters and where they stand."""

    start: int
    end: int
    text: str
    paragraph: int


class _TextOfHTML(HTMLParser):
    """The visible text of an HTML page, one block element per paragraph."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
              "article", "header", "footer", "blockquote", "figcaption", "title", "ul", "ol", "table"}
    SKIP = {"script", "style", "noscript", "nav", "aside", "form", "svg", "iframe", "button", "select"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The readable text of an HTML page: scripts, styles and navigation dropped,
    one paragraph per block element, runs of spaces squeezed."""
    parser = _TextOfHTML()
    parser.feed(markup)
    parser.close()
    raw = html.unescape("".join(parser.parts))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(?:html|body|head|p|div)\b[^>]*>", head)) and "</" in text


def read_source(path: str | Path, reference_date: str | dates.PartialDate | None = None,
                max_bytes: int = MAX_BYTES) -> Document:
    """Read a file for extraction, whatever shape it is in, as a Document.

    A file with front matter is read exactly as `kg build` reads it. Plain
    text or an HTML page (reduced to its text) needs ``reference_date``.
    Raises SourceError, naming the file and the reason, for a missing, empty,
    binary, non-UTF-8 or oversized file, or a document without a reference date.
    """
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise SourceError("no such file", path=str(path)) from None
    if path.is_dir():
        raise SourceError("is a folder, not a document", path=str(path))
    if size == 0:
        raise SourceError("the file is empty", path=str(path))
    if size > max_bytes:
        raise SourceError(f"the file is {size / 1e6:.1f} MB, above the {max_bytes / 1e6:.0f} MB limit "
                          "for one document; split it into articles", path=str(path))
    raw = path.read_bytes()
    if b"\x00" in raw[:8192] or b"\x00" in raw:
        raise SourceError("a binary file, not a text document", path=str(path))
    try:
        content = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (invalid byte at offset {exc.start})", path=str(path)) from None
    if not content.strip():
        raise SourceError("the file holds only white space", path=str(path))
    ref = _reference(reference_date, path)
    if content.lstrip().startswith("---"):
        doc = read_document(path)
        if ref is not None and reference_date is not None and not doc.meta.get("reference_date"):
            doc.reference_date = ref
        return doc
    meta = {"title": path.stem, "publisher": "unknown"}
    text = content
    if looks_like_html(content):
        text = html_to_text(content)
        m = re.search(r"<title[^>]*>(.*?)</title>", content, re.IGNORECASE | re.DOTALL)
        if m and m.group(1).strip():
            meta["title"] = " ".join(html.unescape(m.group(1)).split())
        if not text.strip():
            raise SourceError("an HTML page with no readable text", path=str(path))
    if ref is None:
        raise SourceError("no front matter, so no reference date: give one with --reference-date YYYY[-MM[-DD]]",
                          path=str(path))
    return Document(id=path.stem, path=path, meta=meta, text=text, reference_date=ref)


def document_from_text(text: str, reference_date: str | dates.PartialDate | None, doc_id: str = "text") -> Document:
    """A Document for text held in memory (a notebook, a test, the benchmark)."""
    ref = _reference(reference_date, None)
    if ref is None:
        raise SourceError("text without a reference date: relative dates could not be resolved")
    return Document(id=doc_id, path=Path(f"{doc_id}.txt"), meta={"title": doc_id, "publisher": "unknown"},
                    text=text, reference_date=ref)


def _reference(value, path: Path | None) -> dates.PartialDate | None:
    if value is None or isinstance(value, dates.PartialDate):
        return value
    try:
        return dates.parse_partial(str(value))
    except DateError as exc:
        raise SourceError(f"--reference-date: {exc.message}", path=str(path) if path else None) from None


def is_clutter(line: str) -> bool:
    """True for a line of site furniture that states no fact."""
    s = line.strip()
    if not s:
        return True
    return bool(_CLUTTER.match(s) or _BARE_DATE.match(s)) or s.startswith(("#", "|", "!["))


def _is_heading(line: str, next_line: str | None) -> bool:
    """A short line without closing punctuation followed by more text: a headline."""
    s = line.strip()
    words = s.split()
    return len(words) <= 16 and not _TERMINAL.search(s) and next_line is not None


def body_spans(text: str) -> list[tuple[int, int, int]]:
    """The spans of running text, as (start, end, paragraph number).

    Clutter lines and headings are left out. A line that ends mid-sentence is
    joined to the next paragraph when that starts in lower case (some pages
    break sentences across blank lines); datelines and paragraph numbers at
    the start of a paragraph are skipped.
    """
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    content = [(s, e) for s, e in lines if text[s:e].strip()]
    width = _wrap_width(text, lines)
    spans: list[list[int]] = []
    prev_end = -2
    for i, (s, e) in enumerate(content):
        line = text[s:e]
        nxt = text[content[i + 1][0]:content[i + 1][1]] if i + 1 < len(content) else None
        if is_clutter(line):
            continue
        if spans and not _TERMINAL.search(text[spans[-1][0]:spans[-1][1]]):
            last_line = text[text.rfind("\n", 0, prev_end) + 1:prev_end].rstrip()
            wrapped = (width and prev_end == s - 1 and len(last_line) >= 0.7 * width
                       and not _DATELINE.match(line.lstrip()))
            if line.lstrip()[:1].islower() or wrapped:
                spans[-1][1] = e
                prev_end = e
                continue
        prev_end = e
        opens_wrapped = (width and nxt is not None and content[i + 1][0] == e + 1
                         and len(line.rstrip()) >= 0.7 * width and not _DATELINE.match(nxt.lstrip()))
        if _is_heading(line, nxt) and not opens_wrapped:
            continue
        lead = len(line) - len(line.lstrip())
        body = line.lstrip()
        for pattern in (_NUMBERED, _DATELINE):
            m = pattern.match(body)
            if m:
                lead += m.end()
                body = body[m.end():]
        spans.append([s + lead, e, len(spans)])
    return [(s, e, n) for s, e, n in spans]


def _wrap_width(text: str, lines: list[tuple[int, int]]) -> int:
    """The line width of hard-wrapped text (lines broken mid-sentence at about the same length), or 0.

    Some pages keep the line breaks of a wire service's fixed-width copy; their
    lines are joined into paragraphs again. A document counts as wrapped when
    at least three lines, and a fifth of its lines, end mid-sentence right
    before another line."""
    broken = []
    for (s, e), (s2, e2) in zip(lines, lines[1:]):
        line = text[s:e].rstrip()
        if 30 <= len(line) <= 100 and text[s2:e2].strip() and not _TERMINAL.search(line):
            broken.append(len(line))
    full = sum(1 for s, e in lines if text[s:e].strip())
    if len(broken) < 3 or len(broken) * 5 < full:
        return 0
    broken.sort()
    return broken[len(broken) // 2]


_SENT_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|[.!?]+[\"”’')\]]*\s*$")


def split_sentences(text: str, start: int = 0, end: int | None = None, paragraph: int = 0) -> list[Sentence]:
    """Split text[start:end] into sentences, keeping the offsets of each.

    A full stop after a known abbreviation (Dr., Lt., Gen., Sept.) or an
    initial (Naeem A. Salik) does not end a sentence.
    """
    end = len(text) if end is None else end
    out: list[Sentence] = []
    cursor = start
    chunk = text[start:end]
    for m in _SENT_END.finditer(chunk):
        stop = start + m.end()
        dot = start + m.start()
        if text[dot] == ".":
            word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[cursor:dot])
            if word:
                w = word.group(1).lower().rstrip(".")
                if w in ABBREVIATIONS or (len(w) == 1 and word.group(1).isupper()):
                    continue
        _add(out, text, cursor, stop, paragraph)
        cursor = stop
    _add(out, text, cursor, end, paragraph)
    return out


def _add(out: list[Sentence], text: str, s: int, e: int, paragraph: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e - s >= 3:
        out.append(Sentence(s, e, text[s:e], paragraph))


def sentences(text: str, nlp=None) -> list[Sentence]:
    """The sentences of a document's running text, clutter left out.

    With a spaCy pipeline (``nlp``), its sentence boundaries are used within
    each span of running text; otherwise the rule-based splitter.
    """
    out: list[Sentence] = []
    for s, e, para in body_spans(text):
        if nlp is not None:
            doc = nlp(text[s:e])
            for sent in doc.sents:
                _add(out, text, s + sent.start_char, s + sent.end_char, para)
        else:
            out.extend(split_sentences(text, s, e, para))
    return out


# Function words that make up about a third of any English prose, and much less of any other language's.
_ENGLISH = frozenset("the of and to in is was were that for with on said has have had by as at from it be will this "
                     "are an which its their after been would also who not but they he she his her".split())


def looks_english(text: str) -> bool:
    """Whether a sentence reads as English: enough English function words among its words.

    Very short sentences (under five words: headlines, captions) are given
    the benefit of the doubt; a sentence mostly in another script is not
    English whatever it contains.
    """
    sample = text[:20000]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) >= 20 and sum(c.isascii() for c in letters) * 2 < len(letters):
        return False  # mostly another script (Chinese, Arabic, Cyrillic...)
    words = re.findall(r"[^\W\d_]+", sample.lower())
    if len(words) < 5:
        return True
    if sum(w.isascii() for w in words) * 2 < len(words):
        return False
    return sum(w in _ENGLISH for w in words) >= 0.12 * len(words)
