"""The chronology of ties between two entities: a table to read, CSV or JSON to
reuse, and a chart of facts per year by type.

The facts are the dyad's, as kg.views.dyad defines it for every command: those
A and B both take part in, directly or through their own people, institutions
and places (a Pakistani minister's visit to Moscow), and those tying each to
common ground of its own (both belong to the IAEA), as the `dyad` query counts them.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..core import formats
from ..core.errors import UsageError
from .palette import fact_color
from ..core.textout import safe, write_table
from ..views.ties import Entity, Fact, Ties
from ..views.selection import View, dyad, select

TIMELINE_FORMATS = formats.names("timeline")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


@dataclass
class Timeline:
    """The facts between ``a`` and ``b``, oldest first."""

    a: Entity
    b: Entity
    facts: list[Fact]
    fact_types: dict[str, str]
    subtitle: str = ""
    common: dict[str, list[str]] = field(default_factory=dict)  # fact id -> names of its common ground (kg.views.Dyad)

    @property
    def title(self) -> str:
        return f"{self.a.name} – {self.b.name}"


def chronology(ties: Ties, a: str, b: str, view: View | None = None) -> Timeline:
    """The ties between ``a`` and ``b`` (names, aliases or ids) in date order,
    within the view's dates and types (its focus and dyad are not used here).

    Raises UnknownEntityError for a name no entity goes by.
    """
    view = view or View()
    selection = select(ties, View(since=view.since, until=view.until, types=view.types))
    found = dyad(ties, a, b, selection.facts.values())
    common = {fid: [ties.entities[e].name for e in ids] for fid, ids in found.common.items()}
    return Timeline(found.a, found.b, found.facts, ties.fact_types, selection.subtitle, common)


def write(timeline: Timeline, out: TextIO, fmt: str = "table", *, quotes: bool = False) -> None:
    """Write the timeline as an aligned table (with each quote and its source under
    its fact if ``quotes``), as CSV, or as JSON."""
    if fmt not in TIMELINE_FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(TIMELINE_FORMATS)})")
    if fmt == "json":
        json.dump({"a": timeline.a.name, "b": timeline.b.name, "facts": [_record(f, timeline.common) for f in timeline.facts]},
                  out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["date", "earliest", "latest", "precision", "type", "fact", "planned", "grade", "quote", "source",
                    "url"])
        for f in timeline.facts:
            r = _record(f, timeline.common)
            w.writerow([r["date"], r["earliest"] or "", r["latest"] or "", r["precision"], r["type"], r["fact"],
                        "true" if r["planned"] else "false", r["grade"], " | ".join(q["quote"] for q in r["quotes"]),
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
        via = timeline.common.get(f.id)
        rows.append([f.date, f.grade, f.type_label, f.headline + (" [planned]" if f.planned else "")
                     + (" [common ground]" if via else "")])
        if quotes:
            for c in f.citations:
                rows.append(["", "", "", f"“{c.quote}”"])
                rows.append(["", "", "", f"— {c.source.title}" + (f", {c.source.publisher}" if c.source.publisher else "")
                             + (f" (reliability {c.source.reliability})" if c.source.reliability else "")])
    write_table(["date", "grade", "type", "fact"], rows, out, widths=[0, 0, 0, 72])


def _record(f: Fact, common: dict[str, list[str]]) -> dict:
    return {
        "date": f.date, "earliest": f.earliest.isoformat() if f.earliest else None,
        "latest": f.latest.isoformat() if f.latest else None, "precision": f.precision,
        "type": f.type, "type_label": f.type_label, "fact": f.headline, "id": f.id, "planned": f.planned,
        "common_ground": common.get(f.id, []),
        "grade": f.grade,
        "quotes": [{"quote": " ".join(c.quote.split()), "source": c.source.title, "publisher": c.source.publisher,
                    "url": c.source.url, "reliability": c.source.reliability} for c in f.citations],
    }


def year_of(fact: Fact) -> int | None:
    """The year a fact counts in on a chart: its first possible year, or for a
    fact open at the start ("before 2018-02-01"), its last."""
    day = fact.earliest or fact.latest
    return day.year if day else None


def _plain(text: str) -> str:
    # Matplotlib reads $...$ as mathematics; a name with a dollar sign stays text.
    return safe(text).replace("$", r"\$")


# A run of at least this many years without a fact is drawn as one narrow gap
# marked with its years, so that 1948 and 2015 can share a chart: this skips
# every empty decade.
GAP_YEARS = 10
STATUSES = ("reported", "planned", "open")
HATCHES = {"reported": "", "planned": "////", "open": "...."}
STATUS_LABELS = {"reported": "", "planned": "planned", "open": "open-ended (\u201cbefore \u2026\u201d)"}


def status_of(fact: Fact) -> str:
    """How the chart marks a fact: planned, open-ended (its date has no start,
    "before 2018-02-01"), or reported as done at a known time."""
    if fact.planned:
        return "planned"
    if fact.earliest is None:
        return "open"
    return "reported"


@dataclass
class PlotSlot:
    """One place on the chart's x axis: a year, or a gap standing for empty years."""

    label: str
    year: int | None  # None for a gap
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (fact type, status) -> facts

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def plot_slots(timeline: Timeline) -> list[PlotSlot]:
    """The chart's x axis: each year from the first fact to the last, except that a
    run of GAP_YEARS or more empty years becomes one gap labelled with its span."""
    counts: Counter[tuple[int, str, str]] = Counter()
    for f in timeline.facts:
        year = year_of(f)
        if year is not None:
            counts[(year, f.type, status_of(f))] += 1
    years = sorted({y for y, _, _ in counts})
    slots: list[PlotSlot] = []
    for i, year in enumerate(years):
        if i:
            empty = year - years[i - 1] - 1
            if empty >= GAP_YEARS:
                slots.append(PlotSlot(f"{years[i - 1] + 1}\u2013{year - 1}", None))
            else:
                slots.extend(PlotSlot(str(y), y) for y in range(years[i - 1] + 1, year))
        slots.append(PlotSlot(str(year), year, {(t, st): n for (y, t, st), n in counts.items() if y == year}))
    return slots


def plot(timeline: Timeline, path: str | Path) -> Path:
    """Draw facts per year, stacked by type, to a .png, .svg or .pdf; return the path.

    Planned facts are hatched ////, open-ended ones (``before 2018-02-01``) dotted;
    each bar is labelled with its count; runs of empty years (GAP_YEARS or more)
    collapse into one marked gap."""
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise UsageError(f"--plot writes {', '.join(PLOT_SUFFIXES)} files, not {path.name!r}")
    try:
        from matplotlib.figure import Figure  # imported here: it takes a second, and only plots need it
        from matplotlib.patches import Patch
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise UsageError("--plot needs matplotlib (pip install matplotlib)") from None

    slots = plot_slots(timeline)
    fig = Figure(figsize=(max(8.0, min(16.0, 4.5 + 0.45 * len(slots))), 4.4), layout="constrained")
    ax = fig.add_subplot()
    order = list(timeline.fact_types)
    if slots:
        xs = list(range(len(slots)))
        bottom = [0] * len(slots)
        present = {key for s in slots for key in s.counts}
        legend = []
        for ftype in [t for t in order if any(t == k for k, _ in present)]:
            color = fact_color(ftype, order)
            legend.append(Patch(facecolor=color, edgecolor="white", label=_plain(timeline.fact_types.get(ftype, ftype))))
            for status in STATUSES:
                if (ftype, status) not in present:
                    continue
                heights = [s.counts.get((ftype, status), 0) for s in slots]
                ax.bar(xs, heights, bottom=bottom, width=0.8, color=color, hatch=HATCHES[status],
                       edgecolor="white", linewidth=0.5)
                bottom = [b + h for b, h in zip(bottom, heights)]
        for status in ("planned", "open"):
            if any(st == status for _, st in present):
                legend.append(Patch(facecolor="#dddddd", edgecolor="#555555", hatch=HATCHES[status],
                                    label=STATUS_LABELS[status]))
        for x, slot in zip(xs, slots):
            if slot.total:
                ax.text(x, slot.total, str(slot.total), ha="center", va="bottom", fontsize=8, color="#333")
            elif slot.year is None:
                ax.axvspan(x - 0.4, x + 0.4, color="#f0f0f0", zorder=0)
                ax.text(x, 0, "no facts", rotation=90, ha="center", va="bottom", fontsize=7, color="#888")
        ax.set_xticks(xs, [s.label for s in slots], rotation=45 if len(slots) > 12 else 0, ha="right"
                      if len(slots) > 12 else "center", fontsize=8)
        ax.set_ylim(0, max(s.total for s in slots) * 1.15 + 0.5)
        ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, "no dated facts", transform=ax.transAxes, ha="center", va="center", color="#666")
        ax.set_xticks([])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("facts")
    ax.set_title(_plain(f"{timeline.title}: facts per year by type"), fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    return path
