"""The chronology of ties between two entities: a table to read, CSV or JSON to
reuse, and a chart of facts per year by type.

A fact is between A and B when each takes part in it, directly or through its
own people, institutions and places (a Pakistani minister's visit to Moscow is
between Pakistan and Russia), as the `dyad` query counts them.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .errors import UsageError
from .palette import fact_color
from .textout import safe, write_table
from .ties import Entity, Fact, Ties
from .views import View, select, side

TIMELINE_FORMATS = ("table", "csv", "json")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


@dataclass
class Timeline:
    """The facts between ``a`` and ``b``, oldest first."""

    a: Entity
    b: Entity
    facts: list[Fact]
    fact_types: dict[str, str]
    subtitle: str = ""

    @property
    def title(self) -> str:
        return f"{self.a.name} – {self.b.name}"


def chronology(ties: Ties, a: str, b: str, view: View | None = None) -> Timeline:
    """The ties between ``a`` and ``b`` (names, aliases or ids) in date order,
    within the view's dates and types (its focus and dyad are not used here).

    Raises UnknownEntityError for a name no entity goes by.
    """
    view = view or View()
    first, second = ties.resolve(a), ties.resolve(b)
    if first.id == second.id:
        raise UsageError(f"give two different entities, not {first.name} twice")
    selection = select(ties, View(since=view.since, until=view.until, types=view.types))
    side_a, side_b = side(ties, first.id), side(ties, second.id)
    facts = [f for f in selection.facts.values()
             if side_a & set(f.participants) and side_b & set(f.participants)]
    facts.sort(key=Fact.sort_key)
    return Timeline(first, second, facts, ties.fact_types, selection.subtitle)


def write(timeline: Timeline, out: TextIO, fmt: str = "table", *, quotes: bool = False) -> None:
    """Write the timeline as an aligned table (with each quote and its source under
    its fact if ``quotes``), as CSV, or as JSON."""
    if fmt not in TIMELINE_FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(TIMELINE_FORMATS)})")
    if fmt == "json":
        json.dump({"a": timeline.a.name, "b": timeline.b.name, "facts": [_record(f) for f in timeline.facts]},
                  out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["date", "earliest", "latest", "precision", "type", "fact", "planned", "quote", "source", "url"])
        for f in timeline.facts:
            r = _record(f)
            w.writerow([r["date"], r["earliest"] or "", r["latest"] or "", r["precision"], r["type"], r["fact"],
                        "true" if r["planned"] else "false", " | ".join(q["quote"] for q in r["quotes"]),
                        " | ".join(dict.fromkeys(q["source"] for q in r["quotes"])),
                        " | ".join(dict.fromkeys(q["url"] for q in r["quotes"] if q["url"]))])
        return
    out.write(safe(f"{timeline.title}: {len(timeline.facts)} fact(s)"
                   + (f" ({timeline.subtitle})" if timeline.subtitle else "")) + "\n\n")
    if not timeline.facts:
        out.write("No ties between them in the graph" + (" in this view" if timeline.subtitle else "") + ".\n")
        return
    rows = []
    for f in timeline.facts:
        rows.append([f.date, f.type_label, f.headline + (" [planned]" if f.planned else "")])
        if quotes:
            for c in f.citations:
                rows.append(["", "", f"“{c.quote}”"])
                rows.append(["", "", f"— {c.source.title}" + (f", {c.source.publisher}" if c.source.publisher else "")])
    write_table(["date", "type", "fact"], rows, out, widths=[0, 0, 72])


def _record(f: Fact) -> dict:
    return {
        "date": f.date, "earliest": f.earliest.isoformat() if f.earliest else None,
        "latest": f.latest.isoformat() if f.latest else None, "precision": f.precision,
        "type": f.type, "type_label": f.type_label, "fact": f.headline, "id": f.id, "planned": f.planned,
        "quotes": [{"quote": " ".join(c.quote.split()), "source": c.source.title, "publisher": c.source.publisher,
                    "url": c.source.url} for c in f.citations],
    }


def year_of(fact: Fact) -> int | None:
    """The year a fact counts in on a chart: its first possible year, or for a
    fact open at the start ("before 2018-02-01"), its last."""
    day = fact.earliest or fact.latest
    return day.year if day else None


def _plain(text: str) -> str:
    # Matplotlib reads $...$ as mathematics; a name with a dollar sign stays text.
    return safe(text).replace("$", r"\$")


def plot(timeline: Timeline, path: str | Path) -> Path:
    """Draw facts per year, stacked by type, to a .png, .svg or .pdf; return the path."""
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise UsageError(f"--plot writes {', '.join(PLOT_SUFFIXES)} files, not {path.name!r}")
    try:
        from matplotlib.figure import Figure  # imported here: it takes a second, and only plots need it
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise UsageError("--plot needs matplotlib (pip install matplotlib)") from None

    counts: Counter[tuple[int, str]] = Counter()
    for f in timeline.facts:
        year = year_of(f)
        if year is not None:
            counts[(year, f.type)] += 1
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax = fig.add_subplot()
    order = list(timeline.fact_types)
    if counts:
        years = list(range(min(y for y, _ in counts), max(y for y, _ in counts) + 1))
        bottom = [0] * len(years)
        for ftype in [t for t in order if any(t == k for _, k in counts)]:
            heights = [counts.get((y, ftype), 0) for y in years]
            ax.bar(years, heights, bottom=bottom, width=0.8, color=fact_color(ftype, order),
                   label=_plain(timeline.fact_types.get(ftype, ftype)), edgecolor="white", linewidth=0.5)
            bottom = [b + h for b, h in zip(bottom, heights)]
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
    else:
        ax.text(0.5, 0.5, "no dated facts", transform=ax.transAxes, ha="center", va="center", color="#666")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("facts")
    ax.set_title(_plain(f"{timeline.title}: facts per year by type"), fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    return path
