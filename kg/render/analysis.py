"""kg analyze's report for people: the measures as text tables, and a chain of ties hop by hop."""

from __future__ import annotations

from typing import TextIO

from ..core.textout import safe, write_table
from ..views.analyze import Hop, Measures
from ..views.selection import Selection


def write_measures(found: Measures, selection: Selection, out: TextIO) -> None:
    """The measures of ``selection`` (kg.views.analyze.measures) as `kg analyze` prints them."""
    scope = selection.title + (f"; {selection.subtitle}" if selection.subtitle else "")
    out.write(safe(f"Entity graph of {scope}: {found.nodes} entities, {found.edges} tied pairs, "
                   f"{found.components} component(s)") + "\n")
    for note in found.notes:
        out.write(f"note: {note}\n")
    out.write("\nDegree centrality: the share of the other entities each one shares a fact with\n")
    write_table(["rank", "entity", "type", "score", "facts"],
                [[i, r.name, r.type_label, f"{r.score:.3f}", r.ties] for i, r in enumerate(found.degree, 1)], out)
    out.write("\nBetweenness centrality: how often each one lies on the shortest chains between two others\n")
    write_table(["rank", "entity", "type", "score", "facts"],
                [[i, r.name, r.type_label, f"{r.score:.3f}", r.ties] for i, r in enumerate(found.betweenness, 1)], out)
    out.write("\nCommunities (Louvain, weighted by shared facts)\n")
    write_table(["#", "size", "members, most tied first"],
                [[i, c.size, ", ".join(c.members)] for i, c in enumerate(found.communities, 1)], out,
                widths=[0, 0, 90])
    out.write("\nBridges: ties whose loss would cut entities off\n")
    if found.bridges:
        write_table(["tie", "cuts off", "facts"],
                    [[f"{br.a} – {br.b}", br.cut_off, "; ".join(br.facts)] for br in found.bridges], out,
                    widths=[0, 0, 70])
    else:
        out.write("none that cut off more than one entity\n")
    out.write(f"(and {found.leaf_bridges} tie(s) that are an entity's only one)\n")


def path_lines(hops: list[Hop]) -> list[str]:
    """A chain of ties (kg.views.analyze.path) as `kg analyze path` prints it."""
    lines = [safe(f"{hops[0].source} to {hops[-1].target}: {len(hops)} hop(s)"), ""]
    for i, hop in enumerate(hops, 1):
        fact = hop.fact
        lines.append(safe(f"{i}. {hop.source} — {hop.target}"))
        lines.append("   " + safe(f"{fact.type_label}, {fact.date}{' (planned)' if fact.planned else ''}: {fact.headline}"))
        for c in fact.citations[:1]:
            lines.append("   " + safe(f"“{c.quote}”"))
            lines.append("   " + safe(f"— {c.source.title}" + (f", {c.source.publisher}" if c.source.publisher else "")))
        if hop.others:
            lines.append(f"   (and {hop.others} more fact(s) tie them)")
    return lines
