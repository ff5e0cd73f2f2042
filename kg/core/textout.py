"""Text for a terminal: untrusted names and quotes made harmless, and plain tables.

Names, labels and quotes come from fact sheets and source documents. Printed
raw, a control character in them (an ANSI escape, a carriage return) could
rewrite what a person sees in the terminal, so every cell goes through
``safe`` first.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Sequence
from typing import TextIO

# C0 and C1 control characters, DEL, the line and paragraph separators, the
# bidirectional overrides that can make text read in a different order from the
# bytes, and lone surrogates (how Python keeps a file name's non-UTF-8 bytes).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe(text: object) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``) and runs of
    white space squeezed to one space, so it prints on one line as written."""
    return escape_controls(" ".join(str(text).split()))


def escape_controls(text: object) -> str:
    """``text`` with every control character shown as an escape (a line break as ``\\n``),
    and nothing else changed: for a file name, which must print as it is spelled."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape", "backslashreplace").decode("ascii"), str(text))


MIN_COLUMN = 6  # characters a column keeps however narrow the terminal
MAX_CELL_LINES = 4  # lines a cell may take in a table fitted to the terminal; more are cut, ending in CUT
CUT = "…"


def terminal_width(out: TextIO) -> int | None:
    """How wide a table written to ``out`` may be: ``COLUMNS`` when set, else the terminal's width
    when ``out`` is a terminal; None when it is a pipe or a file, which keep the tables' own widths."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size().columns
    return None


def fit_widths(sizes: Sequence[int], room: int) -> list[int]:
    """Column widths no wider than ``sizes`` whose sum is at most ``room``: a column narrower than
    its fair share keeps its size, and the rest share what is left equally (none below MIN_COLUMN,
    so a table of very many columns may still be wider than ``room``)."""
    widths = list(sizes)
    if sum(widths) <= room:
        return widths
    wide = set(range(len(widths)))
    left = room
    while wide:
        share = max(MIN_COLUMN, left // len(wide))
        narrow = {i for i in wide if sizes[i] <= share}
        if not narrow:
            break
        wide -= narrow
        left -= sum(sizes[i] for i in narrow)
    if wide:
        share = max(MIN_COLUMN, left // len(wide))
        extra = max(0, left - share * len(wide))  # the remainder goes to the first wide columns
        for k, i in enumerate(sorted(wide)):
            widths[i] = min(sizes[i], share + (1 if k < extra else 0))
    return widths


def _cut(lines: list[str], width: int) -> list[str]:
    """At most MAX_CELL_LINES lines, the last ending in CUT when some were left out."""
    if len(lines) <= MAX_CELL_LINES:
        return lines
    last = lines[MAX_CELL_LINES - 1]
    return lines[:MAX_CELL_LINES - 1] + [last[:max(0, width - len(CUT))] + CUT]


def write_table(headers: Sequence[str], rows: Sequence[Sequence[object]], out: TextIO,
                widths: Sequence[int] | int | None = None, grid: bool = False,
                width: int | None = -1) -> None:
    """Write ``rows`` under ``headers`` as aligned columns, wrapping cells at ``widths``.

    Every cell goes through ``safe``; a width of 0 means the column is not wrapped, and
    one number wraps every column there. ``grid`` draws rules around every cell (the
    look of `kg query`); otherwise columns are set apart by spaces (`kg timeline`).

    ``width`` is how wide the whole table may be: by default the terminal's (terminal_width;
    none for a pipe or a file), None for no limit. A table wider than that has its widest
    columns narrowed (fit_widths) and their cells wrapped again, each at most MAX_CELL_LINES
    lines, the last of a cut cell ending in CUT.
    """
    if isinstance(widths, int):
        widths = [widths] * len(headers)
    limits = list(widths) if widths else [0] * len(headers)
    safe_rows = [[safe(v) for v in row] for row in rows]
    cells = [[textwrap.wrap(v, w) if w else [v] for v, w in zip(row, limits)] for row in safe_rows]
    cells = [[lines or [""] for lines in row] for row in cells]
    heads = [safe(h) for h in headers]
    sizes = [len(h) for h in heads]
    for row in cells:
        for i, lines in enumerate(row):
            sizes[i] = max(sizes[i], *(len(line) for line in lines))
    room = terminal_width(out) if width == -1 else width
    if room is not None and headers:
        gaps = 3 * len(headers) + 1 if grid else 2 * (len(headers) - 1)
        fitted = fit_widths(sizes, room - gaps)
        if fitted != sizes:
            heads = [h if len(h) <= w else h[:max(0, w - len(CUT))] + CUT for h, w in zip(heads, fitted)]
            cells = [[_cut(textwrap.wrap(v, w) or [""], w) if len(max(lines, key=len)) > w else lines
                      for v, lines, w in zip(row, cells_row, fitted)]
                     for row, cells_row in zip(safe_rows, cells)]
            sizes = fitted
    def line(values: Sequence[str]) -> str:
        if grid:
            return "| " + " | ".join(v.ljust(s) for v, s in zip(values, sizes)) + " |\n"
        return "  ".join(v.ljust(s) for v, s in zip(values, sizes)).rstrip() + "\n"

    rule = "+" + "+".join("-" * (s + 2) for s in sizes) + "+\n"
    out.write((rule if grid else "") + line(heads))
    out.write(rule.replace("-", "=") if grid else line(["-" * s for s in sizes]))
    for row in cells:
        for k in range(max((len(c) for c in row), default=1)):
            out.write(line([c[k] if k < len(c) else "" for c in row]))
        if grid:
            out.write(rule)
