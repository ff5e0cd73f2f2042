"""SELECT results as pyoxigraph's own serializer writes them, cut exactly at kg serve's limits.

kg serve sends at most ``--max-rows`` rows and ``--max-result-mb`` bytes of a
result. pyoxigraph's ``QuerySolutions.serialize`` writes a whole result and
has no hook between rows, so the worker hands it a ``CappedBody``: a binary
sink that keeps the bytes and counts the rows in them as they arrive, with
``bytes.count`` and compiled regular expressions, loops in C that never look
at a row from Python. Each format ends a row with something its escaping
keeps out of every value, so the count is exact, not estimated:

- XML: ``</result>``. Text and attribute values escape ``<``.
- TSV: a line break. Literals escape line breaks (``\\n``), and IRIs and
  blank node labels hold none.
- CSV: a line break outside double quotes. A value holding a line break,
  comma or quote is quoted, and a quote inside is doubled, so the number of
  quotes before a byte says whether it is inside a value.
- JSON: ``,{"v":{"type":"``, where ``v`` is the row's first bound variable,
  starts every row but the first. A JSON string never holds an unescaped
  ``"``, and the key ``"type"`` only ever precedes a term, so this cannot
  occur inside a value. A row with no bound variable starts ``,{}``, which a
  string may hold too: each such candidate is checked by reading the document
  as JSON tokens from the nearest ``"type":"`` before it, which is always
  outside a string.

Once a limit is passed, ``write`` returns 0, which stops the serializer and
with it the engine. ``finish`` then cuts the body at the end of the last row
that fits, and closes the document as the serializer closes it
(``]}}`` and ``</results></sparql>``), so a cut result is still a
well-formed document of exactly the rows it claims.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

import pyoxigraph as ox

# How much of a write beyond the byte limit is kept, at least: enough to see a row's end that
# straddles the limit. A longer write (one huge literal) is not kept whole.
SLACK = 4096


class CappedBody:
    """A binary sink for ``QuerySolutions.serialize`` that keeps at most ``max_rows`` rows and
    ``max_bytes`` bytes; see the module. Subclasses know one format's row ends."""

    close = b""    # what ends a document cut short, as the serializer ends a whole one
    newline = b""  # what kg adds after the serializer's last byte (JSON and XML end in a line break)
    header_rows = 0  # row ends that end no row (TSV's and CSV's header line)
    reach = 0        # bytes past a row's end needed to see that it ended there (JSON's next row start)

    def __init__(self, variables: list[str], max_rows: int, max_bytes: int):
        self.variables = variables
        self.max_rows, self.max_bytes = max_rows, max_bytes
        self.buf = bytearray()
        self.ends = 0                 # row ends found so far
        self.marks: list[int] = [0]   # len(buf) after each write ...
        self.counts: list[int] = [0]  # ... and how many row ends lay within it
        self.stopped = False          # a limit was passed: the serializer was told to stop
        self.complete = False         # the serializer finished the document
        self._head = -1               # where the rows begin, once the head is written

    # -- what a format says

    def _count(self, start: int) -> int:
        """Row ends that became whole with ``buf[start:]`` (the bytes just written)."""
        raise NotImplementedError

    def _ends_in(self, mark: int) -> list[int]:
        """Where each row end that became whole in write number ``mark`` puts its boundary:
        the offset at which the row's bytes stop."""
        raise NotImplementedError

    def _find_head(self) -> int:
        """Where the rows begin (the offset after the head), or -1 if the head is not whole yet."""
        if not self.header_rows:
            return 0
        return self._boundary_of_end(self.header_rows) if self.ends >= self.header_rows else -1

    def _first_boundary(self) -> int:
        """Where the rows begin: the boundary of zero rows; -1 while the head is not whole."""
        if self._head < 0:
            self._head = self._find_head()
        return self._head

    def _rows(self) -> int:
        """Rows in a whole document, once the serializer has finished."""
        return self.ends - self.header_rows

    # -- the sink

    def write(self, data: Any) -> int:
        if self.stopped:
            return 0
        start = len(self.buf)
        room = self.max_bytes + max(SLACK, 2 * self.reach) - start
        self.buf += data if len(data) <= room else memoryview(data)[:room]
        self.ends += self._count(start)
        self.marks.append(len(self.buf))
        self.counts.append(self.ends)
        if self.ends - self.header_rows > self.max_rows or (
                len(self.buf) + len(self.newline) > self.max_bytes + self.reach and self._first_boundary() >= 0):
            # The head is always sent whole, even past the byte limit: it is as long as the query's list of
            # variables, no more.
            self.stopped = True
            return 0  # pyoxigraph stops with "failed to write whole buffer"
        return len(data)

    def flush(self) -> None:
        pass

    # -- the body

    def _boundary_of_end(self, n: int) -> int:
        """The boundary of row end number ``n`` (1-based), from the write in which it became whole."""
        mark = bisect_left(self.counts, n)
        return self._ends_in(mark)[n - self.counts[mark - 1] - 1]

    def _boundary(self, rows: int) -> int:
        """The offset at which the first ``rows`` rows end."""
        return self._boundary_of_end(rows + self.header_rows) if rows else self._first_boundary()

    def finish(self) -> tuple[bytes, int, bool]:
        """The body to send, its rows, and whether rows were left out."""
        known = self.ends - self.header_rows  # rows whose end was seen
        rows = self._rows() if self.complete else known
        if not self.stopped and self.complete and rows <= self.max_rows \
                and len(self.buf) + len(self.newline) <= self.max_bytes:
            self.buf += self.newline
            return bytes(self.buf), rows, False
        keep = min(self.max_rows, known)
        room = self.max_bytes - len(self.close) - len(self.newline)
        if self._boundary(keep) > room:
            # The most rows whose end fits; the boundaries grow with the rows, so search.
            low, high = 0, keep
            while low < high:
                mid = (low + high + 1) // 2
                if self._boundary(mid) <= room:
                    low = mid
                else:
                    high = mid - 1
            keep = low
        return bytes(self.buf[:self._boundary(keep)]) + self.close + self.newline, keep, True


class _XmlBody(CappedBody):
    close = b"</results></sparql>"
    newline = b"\n"
    END = b"</result>"
    _END = re.compile(re.escape(END))

    def _count(self, start: int) -> int:
        # The row ends that straddle the previous write are counted now, not then.
        back = max(0, start - len(self.END) + 1)
        return self.buf.count(self.END, back) - self.buf.count(self.END, back, start)

    def _ends_in(self, mark: int) -> list[int]:
        start, end = self.marks[mark - 1], self.marks[mark]
        back = max(0, start - len(self.END) + 1)
        return [m.end() for m in self._END.finditer(self.buf, back, end) if m.end() > start]

    def _find_head(self) -> int:
        at = self.buf.find(b"<results>")
        return at + len(b"<results>") if at >= 0 else -1

    def _rows(self) -> int:
        return self.ends


class _LinesBody(CappedBody):
    """One row (or triple) a line, no head: N-Triples, which escapes line breaks in literals."""

    def _count(self, start: int) -> int:
        return self.buf.count(b"\n", start)

    def _ends_in(self, mark: int) -> list[int]:
        start, end = self.marks[mark - 1], self.marks[mark]
        found, at = [], self.buf.find(b"\n", start, end)
        while at >= 0:
            found.append(at + 1)
            at = self.buf.find(b"\n", at + 1, end)
        return found


class _TsvBody(_LinesBody):
    header_rows = 1


class _CsvBody(CappedBody):
    header_rows = 1

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.quoted = [False]  # after each write: whether it ended inside a quoted value

    def _count(self, start: int) -> int:
        inside = self.quoted[-1]
        chunk = self.buf[start:]
        if not inside and b'"' not in chunk:
            self.quoted.append(False)
            return chunk.count(b"\n")
        pieces = chunk.split(b'"')  # outside and inside a quoted value by turns ("" inside is two turns)
        self.quoted.append(inside ^ (len(pieces) % 2 == 0))
        return b"".join(pieces[1 if inside else 0::2]).count(b"\n")

    def _ends_in(self, mark: int) -> list[int]:
        start, end = self.marks[mark - 1], self.marks[mark]
        inside, found, at = self.quoted[mark - 1], [], start
        for piece in bytes(self.buf[start:end]).split(b'"'):
            if not inside:
                line = piece.find(b"\n")
                while line >= 0:
                    found.append(at + line + 1)
                    line = piece.find(b"\n", line + 1)
            at += len(piece) + 1
            inside = not inside
        return found


# Reads JSON from outside a string up to a given offset: it stops at a string left open there.
_JSON_TOKENS = re.compile(rb'(?:[^"]++|"(?:[^"\\]++|\\.)*+")*+', re.DOTALL)
_TYPE_KEY = b'"type":"'  # occurs only where a term begins, and always outside a string


class _JsonBody(CappedBody):
    close = b"]}}"
    newline = b"\n"

    def __init__(self, variables: list[str], *args: Any):
        super().__init__(variables, *args)
        names = [re.escape(b'"' + v.encode("utf-8") + b'":{"type":"') for v in variables]
        # A new row: its first binding, or nothing bound at all (checked: see _outside).
        # findall gives the group: b"}" for a row with nothing bound, else b"" (both cached by Python,
        # so a list of them costs no new objects).
        self._start = re.compile(rb",\{(?:(\})|" + b"|".join(names) + rb")" if names else rb",\{(\})")
        self.reach = max([len(n) for n in names] + [1]) + 2  # the longest row start
        self._outside_at = 0  # an offset known to lie outside every string
        self._slow: dict[int, list[int]] = {}  # row starts of the writes that held a ",{}"

    def _outside(self, at: int) -> bool:
        """Whether offset ``at`` lies outside every JSON string: read as JSON tokens from the last
        offset known to be outside (a ``"type":"``, or a row start found before)."""
        known = self._outside_at if self._outside_at <= at else 0
        back = max(self.buf.rfind(_TYPE_KEY, known, at), known)
        found = _JSON_TOKENS.match(self.buf, back, at)
        return found is not None and found.end() == at

    def _starts(self, start: int, end: int) -> list[int]:
        """Where each row start that ends within ``buf[start:end]`` begins (its comma)."""
        found = []
        for m in self._start.finditer(self.buf, max(0, start - self.reach), end):
            if m.end() > start and (m.end() - m.start() > 3 or self._outside(m.start())):
                found.append(m.start())
                self._outside_at = max(self._outside_at, m.start())
        return found

    def _count(self, start: int) -> int:
        back = max(0, start - self.reach)
        found = self._start.findall(self.buf, back)
        if b"}" in found:  # a row with nothing bound, or those bytes inside a string
            self._slow[len(self.marks)] = starts = self._starts(start, len(self.buf))
            return len(starts)
        return len(found) - len(self._start.findall(self.buf, back, start))

    def _ends_in(self, mark: int) -> list[int]:
        if mark in self._slow:
            return self._slow[mark]
        return self._starts(self.marks[mark - 1], self.marks[mark])  # no ",{}" there: no reading back

    def _find_head(self) -> int:
        at = self.buf.find(b'"bindings":[')
        return at + len(b'"bindings":[') if at >= 0 else -1

    def _rows(self) -> int:
        # A row start is the end of the row before it; the last row ends at "]".
        return self.ends + (self.buf[self._first_boundary():self._first_boundary() + 1] == b"{")


FORMATS: dict[str, tuple[ox.QueryResultsFormat, type[CappedBody]]] = {
    "json": (ox.QueryResultsFormat.JSON, _JsonBody),
    "xml": (ox.QueryResultsFormat.XML, _XmlBody),
    "csv": (ox.QueryResultsFormat.CSV, _CsvBody),
    "tsv": (ox.QueryResultsFormat.TSV, _TsvBody),
}
# CONSTRUCT and DESCRIBE: N-Triples only. Turtle and the rest group triples under their
# subject (and kg writes them with prefixes, which QueryTriples.serialize does not take).
GRAPH_FORMATS: dict[str, tuple[ox.RdfFormat, type[CappedBody]]] = {
    "nt": (ox.RdfFormat.N_TRIPLES, _LinesBody),
}


def serialize_capped(result: ox.QuerySolutions | ox.QueryTriples, fmt: str, max_rows: int,
                     max_bytes: int) -> tuple[bytes, int, bool]:
    """``result`` written by pyoxigraph in ``fmt`` (SELECT: json, xml, csv or tsv; CONSTRUCT:
    nt), cut after ``max_rows`` rows (or triples) and within ``max_bytes`` bytes: the body, its
    rows, and whether any were left out. An error of the engine's while it runs is raised as
    pyoxigraph raises it."""
    oxformat: ox.QueryResultsFormat | ox.RdfFormat
    if isinstance(result, ox.QueryTriples):
        oxformat, kind = GRAPH_FORMATS[fmt]
        body = kind([], max_rows, max_bytes)
    else:
        oxformat, kind = FORMATS[fmt]
        body = kind([v.value for v in result.variables], max_rows, max_bytes)
    try:
        result.serialize(body, oxformat)  # type: ignore[arg-type]  # a binary stream, as far as it writes
    except OSError:
        if not body.stopped:
            raise
    else:
        body.complete = True
    return body.finish()
