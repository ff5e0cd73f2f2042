"""`kg viz`, `kg timeline` and `kg analyze`: the commands that draw, list and
measure ties. Each reads the build, calls one library function and prints."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from .options import (BUILD_OPTION, RAW_OPTION, store_options, take_store, EVENTS_OPTION, SINCE_OPTION, TYPES_OPTION,
                   UNTIL_OPTION, make_view, reports_errors, view_options)
from ..core import formats
from ..core.textout import safe, write_table


@click.command()
@view_options
@EVENTS_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (replaced atomically); <build>/graph.html by default; - for standard output.")
@click.option("--physics/--no-physics", default=None,
              help="Let the browser tidy the layout for a moment (default: only for graphs of at most "
                   "300 nodes; larger ones keep the layout computed in Python).")
@RAW_OPTION
@BUILD_OPTION
@store_options
@reports_errors
def viz(events, output, physics, raw, build_dir, **view):
    """Draw the graph as one HTML page that works offline.

    The page embeds everything it needs (no network, no CDN): open it from
    disk in any browser. Entities are shaped and coloured by type; ties are
    coloured by fact type; hover or click a tie or an event for its date,
    quotes and sources. Filters, a time range, search and neighbourhood
    highlighting are on the page.

    \b
    Examples:
        kg viz                                   # build/graph.html, the whole graph
        kg viz --focus Pakistan --depth 2 -o pakistan.html
        kg viz --dyad Pakistan Russia --since 2015 -o pk-ru.html
        kg viz --types arms_order,exercise --no-events
    """
    from ..render.page import write_page

    out = sys.stdout if str(output) == "-" else output
    source = take_store(build_dir, view)
    from ..store.local import Store

    if out is None and isinstance(source, Store):
        source = build_dir  # drawn into the build it comes from, as build/graph.html (kg.store.publish)
    page = write_page(source, out, make_view(**view), events=events, physics=physics,
                      raw=raw if raw.is_dir() else None)
    if page.empty_message:
        click.echo(f"kg: warning: {safe(page.empty_message)} The page says so.", err=True)
    if page.path is not None:
        click.echo(f"wrote {page.path} ({page.nodes} nodes, {page.edges} edges)", err=True)


@click.command()
@click.argument("a")
@click.argument("b")
@SINCE_OPTION
@UNTIL_OPTION
@TYPES_OPTION
@click.option("--format", "-f", "fmt", default="table", show_default=True,
              type=click.Choice(formats.names("timeline")), help="How to print the chronology.")
@click.option("--quotes", is_flag=True, help="Print each fact's quotes and sources under it (table format).")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw facts per year by type to FILE (.png, .svg or .pdf).")
@BUILD_OPTION
@store_options
@reports_errors
def timeline(a, b, since, until, types, fmt, quotes, plot, build_dir, **server):
    """List the ties between two entities in date order.

    A fact is between A and B when each takes part in it, directly or through
    its own people, institutions and places. Dates are shown at the precision
    the source gives.

    \b
    Examples:
        kg timeline Pakistan Russia
        kg timeline Pakistan Russia --quotes --since 2015
        kg timeline Pakistan Russia --plot pk-ru.png
    """
    from ..views.ties import load_ties
    from ..render.timeline import chronology, write
    from ..render.timeline import plot as draw

    found = chronology(load_ties(take_store(build_dir, server)), a, b,
                       make_view(since=since, until=until, types=types))
    buffer = io.StringIO()
    write(found, buffer, fmt, quotes=quotes)
    click.echo(buffer.getvalue(), nl=False)
    if plot is not None:
        click.echo(f"wrote {draw(found, plot)}", err=True)


@click.group(invoke_without_command=True)
@view_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many to list in each ranking.")
@click.option("--format", "-f", "fmt", default="table", show_default=True, type=click.Choice(formats.names("analysis")))
@BUILD_OPTION
@store_options
@click.pass_context
@reports_errors
def analyze(ctx, top, fmt, build_dir, **view):
    """Measure the network: central entities, communities, bridges; or find a chain.

    The measures run on the entity graph: two entities are joined when they
    take part in a fact together (each pair of an exercise's states, say),
    weighted by how many facts they share.

    \b
    Examples:
        kg analyze
        kg analyze --since 2015 --top 5
        kg analyze path "Kazi Khalilullah" "Vladimir Putin"
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..views.analyze import measures
    from ..views.ties import load_ties
    from ..views.selection import select

    selection = select(load_ties(take_store(build_dir, view)), make_view(**view))
    found = measures(selection, top=top)
    if fmt == "json":
        click.echo(json.dumps(asdict(found), indent=2, ensure_ascii=False))
        return
    out = io.StringIO()
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
    click.echo(out.getvalue(), nl=False)


@analyze.command()
@click.argument("a")
@click.argument("b")
@SINCE_OPTION
@UNTIL_OPTION
@TYPES_OPTION
@BUILD_OPTION
@store_options
@reports_errors
def path(a, b, since, until, types, build_dir, **server):
    """The shortest chain of ties from A to B, each hop with its fact, date and quote.

    \b
    Example:
        kg analyze path "Kazi Khalilullah" "Vladimir Putin"
    """
    from ..views.analyze import path as find_path
    from ..views.ties import load_ties
    from ..views.selection import select

    selection = select(load_ties(take_store(build_dir, server)), make_view(since=since, until=until, types=types))
    hops = find_path(selection, a, b)
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
    click.echo("\n".join(lines))
