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
from ..core.textout import safe


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
    from ..render.analysis import write_measures
    from ..views.analyze import measures
    from ..views.ties import load_ties
    from ..views.selection import select

    selection = select(load_ties(take_store(build_dir, view)), make_view(**view))
    found = measures(selection, top=top)
    if fmt == "json":
        click.echo(json.dumps(asdict(found), indent=2, ensure_ascii=False))
        return
    out = io.StringIO()
    write_measures(found, selection, out)
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
    from ..render.analysis import path_lines
    from ..views.analyze import path as find_path
    from ..views.ties import load_ties
    from ..views.selection import select

    selection = select(load_ties(take_store(build_dir, server)), make_view(since=since, until=until, types=types))
    hops = find_path(selection, a, b)
    click.echo("\n".join(path_lines(hops)))
