"""Finding the dates a sentence gives, and reading them with kg.dates.

Each expression is found by pattern, rewritten only as far as kg.dates needs
("12 and 13 February 2025" becomes "12-13 February 2025", "later this year"
becomes "this year"), and read against the document's reference date. A
weekday in a sentence about the future ("will travel on Friday") is the next
such day, not the last.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from ..core import dates
from ..core.errors import DateError

_M = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
      r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?")
_D = r"\d{1,2}(?:st|nd|rd|th)?"
_Y = r"(?:1[89]|20)\d{2}"
_DASH = r"\s*(?:-|–|—|to|and|until)\s*"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_PATTERNS = [
    rf"(?:between\s+|from\s+)?{_D}\s+{_M}{_DASH}{_D}\s+{_M},?\s+{_Y}",
    rf"(?:between\s+|from\s+)?{_D}{_DASH}{_D}\s+{_M},?\s+{_Y}",
    rf"{_M}\s+{_D}{_DASH}{_D},?\s+{_Y}",
    rf"{_D}\s+{_M},?\s+{_Y}",
    rf"{_M}\s+{_D},\s+{_Y}",
    rf"{_M}\s+{_D}\s+{_Y}",
    rf"(?:between\s+|from\s+)?{_M}{_DASH}{_M},?\s+{_Y}",
    rf"{_M},?\s+{_Y}",
    r"\d{4}-\d{2}-\d{2}",
    rf"(?:between\s+|from\s+)?{_D}{_DASH}{_D}\s+{_M}(?![\w,]*\s+{_Y})",
    rf"{_D}\s+{_M}(?!,?\s+{_Y})",
    rf"{_M}\s+{_D}(?!\d|,?\s+{_Y})(?!\s*(?:-|–))",
    rf"(?:between\s+|from\s+)?{_Y}{_DASH}{_Y}",
    r"(?:(?:later|earlier)\s+)?(?:this|last|next)\s+(?:year|month|week)",
    r"(?:the\s+)?(?:previous|current|coming)\s+year",
    r"today|yesterday|tomorrow",
    rf"(?:(?:last|next|this|on)\s+)?{_WEEKDAY}",
    rf"\b(?:in|In|on|On|from|From|since|Since|during|During)\s+{_M}(?!\s+\d)",
    rf"(?:early|mid|late)[- ]{_Y}",
    rf"(?<![\w-]){_Y}(?![\w-]|\s*(?:percent|per cent|%|tonnes|troops|soldiers))",
]
_ALL = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_QUALIFIER_BEFORE = re.compile(r"\b(since|before|after|as of|as at|until|by)\s+(?:the\s+)?(?:end\s+of\s+)?$", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|is due|are due|is scheduled|are scheduled|scheduled for|"
                     r"is expected to|are expected to|plans? to|planned|intends? to|would|next|upcoming|to be held|"
                     r"is set to|are set to)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text, read at its precision."""

    start: int
    end: int
    text: str
    spec: dates.DateSpec

    @property
    def precision_rank(self) -> int:
        return {"year": 0, "month": 1, "day": 2}[self.spec.precision]


def _normalise(expr: str) -> str:
    s = " ".join(expr.split())
    s = re.sub(r"^(?:later|earlier)\s+", "", s, flags=re.IGNORECASE)
    s = re.sub(r"^(?:between|from)\s+", "", s, flags=re.IGNORECASE)
    s = re.sub(r"^on\s+", "", s, flags=re.IGNORECASE)
    s = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", s)
    s = re.sub(r"(\d{1,2}|[A-Za-z]+\.?)\s+and\s+(\d{1,2}|[A-Za-z]+)", r"\1-\2", s)
    s = re.sub(r"\b(\d{1,2}) (\d{4})$", r"\1, \2", s)  # "July 8 2024"
    m = re.fullmatch(r"(early|mid|late)[- ](\d{4})", s, re.IGNORECASE)
    if m:
        s = m.group(2)
    return s


def read(expr: str, reference: dates.PartialDate, future: bool = False) -> dates.DateSpec | None:
    """A date expression read against ``reference``; None when it cannot be read."""
    s = _normalise(expr)
    low = s.lower()
    if future and reference.precision == dates.DAY:
        m = re.fullmatch(r"(?:next\s+|this\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", low)
        if m:
            r = reference.earliest()
            ahead = (dates.WEEKDAYS[m.group(1)] - r.weekday()) % 7 or 7
            d = dates.PartialDate.from_date(r + _dt.timedelta(days=ahead))
            return dates.DateSpec(d, text=d.iso())
        if low == "next week":
            r = reference.earliest()
            monday = r - _dt.timedelta(days=r.weekday()) + _dt.timedelta(days=7)
            return dates.DateSpec(dates.PartialDate.from_date(monday),
                                  dates.PartialDate.from_date(monday + _dt.timedelta(days=6)), text="next week")
    low = re.sub(r"^this\s+(?=monday|tuesday|wednesday|thursday|friday|saturday|sunday)", "", low)
    try:
        spec = dates.parse(low, reference)
    except DateError:
        return None
    # A month named without a year, in a sentence about the future, may be next year's.
    if (future and spec.end is None and spec.start.precision != dates.YEAR and not re.search(r"\d{4}", s)
            and reference.precision != dates.YEAR and spec.start.latest() < reference.earliest()
            and re.fullmatch(r"[a-z.]+", low)):
        spec = dates.DateSpec(dates.PartialDate(spec.start.year + 1, spec.start.month, spec.start.day), text=s)
    return spec


def find_dates(text: str, start: int, end: int, reference: dates.PartialDate) -> list[DateMention]:
    """The date expressions in text[start:end], read against ``reference``, in order."""
    out: list[DateMention] = []
    chunk = text[start:end]
    for m in _ALL.finditer(chunk):
        expr = m.group(0)
        # Only a future marker shortly before the date makes it the next such day ("will travel on Friday").
        future = bool(_FUTURE.search(chunk[max(0, m.start() - 60):m.start()]))
        if re.fullmatch(r"May", expr) and not re.search(r"\b(?:in|In|on|since|by|from|until)\s+$", chunk[:m.start()]):
            continue
        # A year inside a name ("Peace Mission 2018", "TurAz Kartali-2024") is part of the name.
        if re.fullmatch(r"\d{4}", expr):
            before = chunk[max(0, m.start() - 2):m.start()]
            if before.endswith("-") or re.search(r"[A-Z][\w]*\s$", chunk[max(0, m.start() - 25):m.start()]) and not re.search(
                    r"\b(?:in|In|of|since|Since|from|From|by|By|until|during|During|early|late|mid|and|to|before|after|[A-Z][a-z]+,)\s$",
                    chunk[max(0, m.start() - 25):m.start()]):
                continue
        spec = read(expr, reference, future)
        if spec is None:
            continue
        q = _QUALIFIER_BEFORE.search(chunk[:m.start()])
        if q and spec.qualifier is None:
            word = q.group(1).lower()
            qualifier = {"as at": "as of", "until": "before", "by": "before"}.get(word, word)
            if qualifier in dates.QUALIFIERS:
                spec = dates.DateSpec(spec.start, spec.end, qualifier, spec.text)
        out.append(DateMention(start + m.start(), start + m.end(), expr, spec))
    return out


def spec_text(spec: dates.DateSpec) -> str:
    """How a date is written in a fact sheet: its ISO value, after its qualifier."""
    return str(spec)


def as_of(spec_or_ref: dates.DateSpec | dates.PartialDate, qualifier: str = "as of") -> dates.DateSpec:
    """The same day, month or year as a state of affairs reported true then."""
    if isinstance(spec_or_ref, dates.PartialDate):
        return dates.DateSpec(spec_or_ref, None, qualifier, f"{qualifier} {spec_or_ref.iso()}")
    return dates.DateSpec(spec_or_ref.start, spec_or_ref.end, qualifier, f"{qualifier} {spec_or_ref.value()}")
