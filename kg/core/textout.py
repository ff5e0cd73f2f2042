"""Text for a terminal: untrusted names and quotes made harmless, and plain tables.

Names, labels and quotes come from fact sheets and source documents. Printed
raw, a control character in them (an ANSI escape, a carriage return) could
rewrite what a person sees in the terminal, so every cell goes through
``safe`` first.
"""

from __future__ import annotations

import re
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


def write_table(headers: Sequence[str], rows: Sequence[Sequence[object]], out: TextIO,
                widths: Sequence[int] | int | None = None, grid: bool = False) -> None:
    """Write ``rows`` under ``headers`` as aligned columns, wrapping cells at ``widths``.

    Every cell goes through ``safe``; a width of 0 means the column is not wrapped, and
    one number wraps every column there. ``grid`` draws rules around every cell (the
    look of `kg query`); otherwise columns are set apart by spaces (`kg timeline`).
    """
    if isinstance(widths, int):
        widths = [widths] * len(headers)
    limits = list(widths) if widths else [0] * len(headers)
    cells = [[textwrap.wrap(safe(v), w) if w else [safe(v)] for v, w in zip(row, limits)] for row in rows]
    cells = [[lines or [""] for lines in row] for row in cells]
    heads = [safe(h) for h in headers]
    sizes = [len(h) for h in heads]
    for row in cells:
        for i, lines in enumerate(row):
            sizes[i] = max(sizes[i], *(len(line) for line in lines))

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
