"""Dates at the precision a text gives them.

"2015" stays a year, "June 2017" a month and "21-22 November 2023" a range of
days; nothing here ever fills in a part the text did not give. Each date has
explicit earliest and latest days, which is what queries filter on.

Relative expressions ("this year", "in April", "Thursday", "last week") are
read against a document's reference date, which may itself be partial: a
document known only to be from 2018 can resolve "in April" (April 2018) but not
"Thursday".
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

from .errors import DateError, excerpt

YEAR, MONTH, DAY = "year", "month", "day"

MONTHS = {
    name: i
    for i in range(1, 13)
    for name in (calendar.month_name[i].lower(), calendar.month_abbr[i].lower())
}
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}
QUALIFIERS = ("as of", "before", "after", "since")

_DASH = r"\s*(?:-|–|—|to|until)\s*"
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise DateError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise DateError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateError(f"month {self.month} is out of range (1-12)")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month or 1)[1]
            if not 1 <= self.day <= last:
                raise DateError(
                    f"day {self.day} is out of range for {self.year}-{self.month:02d} (1-{last})"
                )

    @property
    def precision(self) -> str:
        if self.day is not None:
            return DAY
        return MONTH if self.month is not None else YEAR

    def earliest(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> _dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return _dt.date(self.year, month, day)

    def iso(self) -> str:
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        return out

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def from_date(cls, d: _dt.date) -> PartialDate:
        return cls(d.year, d.month, d.day)


@dataclass(frozen=True)
class DateSpec:
    """A fact's date: one partial date or a range, with an optional qualifier.

    ``qualifier`` is None (the fact happened then), "as of" (reported true
    then), "before", "after" or "since".
    """

    start: PartialDate
    end: PartialDate | None = None
    qualifier: str | None = None
    text: str = ""

    @property
    def precision(self) -> str:
        return self.start.precision

    @property
    def is_range(self) -> bool:
        return self.end is not None

    def value(self) -> str:
        """ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD, or START/END for a range."""
        if self.end is None:
            return self.start.iso()
        return f"{self.start.iso()}/{self.end.iso()}"

    def earliest(self) -> _dt.date | None:
        if self.qualifier == "before":
            return None
        if self.qualifier == "after":
            return (self.end or self.start).latest() + _dt.timedelta(days=1)
        return self.start.earliest()

    def latest(self) -> _dt.date | None:
        if self.qualifier == "after":
            return None
        if self.qualifier == "before":
            return self.start.earliest() - _dt.timedelta(days=1)
        return (self.end or self.start).latest()

    def __str__(self) -> str:
        return (f"{self.qualifier} " if self.qualifier else "") + self.value()


def parse_partial(text: str) -> PartialDate:
    """Parse an ISO date at any precision: ``2017``, ``2017-06``, ``2017-06-01``."""
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", str(text))
    if not m:
        raise DateError(f"{excerpt(text)} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    y, mo, d = m.groups()
    return PartialDate(int(y), int(mo) if mo else None, int(d) if d else None)


def parse(value: object, reference: PartialDate | None = None) -> DateSpec:
    """Read a date as a fact sheet or a text gives it.

    Accepts ISO forms and ranges (``2023-11-21/2023-11-22``), written dates
    (``June 2017``, ``21-22 November 2023``, ``November 21, 2023``), relative
    ones resolved against ``reference`` (``this year``, ``in April``,
    ``last month``, ``Thursday``), each optionally after a qualifier
    (``as of``, ``before``, ``after``, ``since``).

    Raises DateError naming what is wrong; never guesses a missing part.
    """
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        d = PartialDate.from_date(value)
        return DateSpec(d, text=d.iso())
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DateError(f"{excerpt(value)} is not a date")
    text = " ".join(str(value).split())
    try:
        spec = _parse(text, reference)
        spec.earliest(), spec.latest()  # a qualifier or a shift may step off the calendar
    except OverflowError:
        raise DateError(f"{excerpt(text)} reaches past the calendar kg reads (0001-01-01 to 9999-12-31)") from None
    return spec


def _parse(text: str, reference: PartialDate | None) -> DateSpec:
    if not text:
        raise DateError("the date is empty")
    lowered = text.lower()
    qualifier = None
    for q in QUALIFIERS:
        if lowered.startswith(q + " "):
            qualifier = q
            lowered = lowered[len(q) + 1 :]
            break
    start, end = _parse_core(lowered.strip(" ,."), reference)
    if end is not None:
        if end.earliest() < start.earliest():
            raise DateError(f"the range {excerpt(text)} ends before it starts")
    return DateSpec(start, end, qualifier, text)


def _need(reference: PartialDate | None, precision: str, what: str) -> PartialDate:
    order = {YEAR: 0, MONTH: 1, DAY: 2}
    if reference is None:
        raise DateError(f"{excerpt(what)} is relative, and the document has no reference date")
    if order[reference.precision] < order[precision]:
        raise DateError(
            f"{excerpt(what)} needs a reference date known to the {precision}, "
            f"but the document's is {reference.iso()}"
        )
    return reference


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _parse_core(s: str, ref: PartialDate | None) -> tuple[PartialDate, PartialDate | None]:
    s = re.sub(r"^(?:in|on|during|from)\s+", "", s)
    s = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", s)

    # ISO forms and ISO intervals.
    m = re.fullmatch(r"(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?:\s*/\s*([\d-]+))?", s)
    if m:
        start = parse_partial(m.group(1))
        if m.group(2) is None:
            return start, None
        tail = m.group(2)
        # "2023-11-21/22" abbreviates the end by the parts it shares.
        parts = m.group(1).split("-")
        tail_parts = tail.split("-")
        if len(tail_parts) < len(parts):
            tail = "-".join(parts[: len(parts) - len(tail_parts)] + tail_parts)
        return start, parse_partial(tail)

    # Year ranges: 2015-2016.
    m = re.fullmatch(rf"(\d{{4}}){_DASH}(\d{{4}})", s)
    if m:
        return PartialDate(int(m.group(1))), PartialDate(int(m.group(2)))

    mon = rf"({_MONTH_RE})\.?"
    year = r",?\s*(\d{4})"
    # 21-22 November 2023; 21 November - 2 December 2023; November 21-22, 2023
    m = re.fullmatch(rf"(\d{{1,2}}){_DASH}(\d{{1,2}})\s+{mon}{year}", s)
    if m:
        y, mo = int(m.group(4)), _month(m.group(3))
        return PartialDate(y, mo, int(m.group(1))), PartialDate(y, mo, int(m.group(2)))
    m = re.fullmatch(rf"{mon}\s+(\d{{1,2}}){_DASH}(\d{{1,2}}){year}", s)
    if m:
        y, mo = int(m.group(4)), _month(m.group(1))
        return PartialDate(y, mo, int(m.group(2))), PartialDate(y, mo, int(m.group(3)))
    m = re.fullmatch(rf"(\d{{1,2}})\s+{mon}{_DASH}(\d{{1,2}})\s+{mon}{year}", s)
    if m:
        y = int(m.group(5))
        return (PartialDate(y, _month(m.group(2)), int(m.group(1))),
                PartialDate(y, _month(m.group(4)), int(m.group(3))))
    # June-July 2017
    m = re.fullmatch(rf"{mon}{_DASH}{mon}{year}", s)
    if m:
        y = int(m.group(3))
        return PartialDate(y, _month(m.group(1))), PartialDate(y, _month(m.group(2)))
    # 21 November 2023; November 21, 2023
    m = re.fullmatch(rf"(\d{{1,2}})\s+{mon}{year}", s)
    if m:
        return PartialDate(int(m.group(3)), _month(m.group(2)), int(m.group(1))), None
    m = re.fullmatch(rf"{mon}\s+(\d{{1,2}}){year}", s)
    if m:
        return PartialDate(int(m.group(3)), _month(m.group(1)), int(m.group(2))), None
    # June 2017
    m = re.fullmatch(rf"{mon}{year}", s)
    if m:
        return PartialDate(int(m.group(2)), _month(m.group(1))), None

    return _parse_relative(s, ref)


def _parse_relative(s: str, ref: PartialDate | None) -> tuple[PartialDate, PartialDate | None]:
    """Dates read against the reference date: this year, last month, Thursday, April, 21 May."""
    mon = rf"({_MONTH_RE})\.?"
    # Relative to the reference date.
    if s in ("this year", "the current year", "current year"):
        return PartialDate(_need(ref, YEAR, s).year), None
    if s in ("last year", "the previous year", "previous year"):
        return PartialDate(_need(ref, YEAR, s).year - 1), None
    if s in ("next year", "the coming year"):
        return PartialDate(_need(ref, YEAR, s).year + 1), None
    if s in ("this month", "last month", "next month"):
        r = _need(ref, MONTH, s)
        shift = {"this month": 0, "last month": -1, "next month": 1}[s]
        index = r.year * 12 + ((r.month or 1) - 1) + shift
        return PartialDate(index // 12, index % 12 + 1), None
    if s in ("today", "yesterday", "tomorrow"):
        day = _need(ref, DAY, s).earliest()
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[s]
        return PartialDate.from_date(day + _dt.timedelta(days=shift)), None
    if s in ("last week", "this week"):
        day = _need(ref, DAY, s).earliest()
        monday = day - _dt.timedelta(days=day.weekday())
        if s == "last week":
            monday -= _dt.timedelta(days=7)
        return PartialDate.from_date(monday), PartialDate.from_date(monday + _dt.timedelta(days=6))
    m = re.fullmatch(r"(?:last\s+)?(" + "|".join(WEEKDAYS) + r")", s)
    if m:
        # A bare weekday in a report means the most recent one on or before
        # the reference date ("said on Thursday").
        day = _need(ref, DAY, s).earliest()
        back = (day.weekday() - WEEKDAYS[m.group(1)]) % 7
        if s.startswith("last ") and back == 0:
            back = 7
        return PartialDate.from_date(day - _dt.timedelta(days=back)), None
    # "April", "in September": the month of the reference year.
    m = re.fullmatch(rf"{mon}", s)
    if m:
        return PartialDate(_need(ref, YEAR, s).year, _month(m.group(1))), None
    # "7-27 September": days of a month of the reference year.
    m = re.fullmatch(rf"(\d{{1,2}}){_DASH}(\d{{1,2}})\s+{mon}", s)
    if m:
        y, mo = _need(ref, YEAR, s).year, _month(m.group(3))
        return PartialDate(y, mo, int(m.group(1))), PartialDate(y, mo, int(m.group(2)))
    m = re.fullmatch(rf"(\d{{1,2}})\s+{mon}|{mon}\s+(\d{{1,2}})", s)
    if m:
        number = int(m.group(1) or m.group(4))
        mo = _month(m.group(2) or m.group(3))
        return PartialDate(_need(ref, YEAR, s).year, mo, number), None
    raise DateError(f"cannot read {excerpt(s)} as a date")
