"""`kg brief` and `kg diff`: the analyst's deliverable, and what changed since the last one."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from .options import BUILD_OPTION, RAW_OPTION, reports_errors, store_options, take_store


@click.command()
@click.argument("a")
@click.argument("b")
@click.option("--since", metavar="DATE", help="Mark and list what is new since DATE (older facts stay: "
                                               "standing ties are standing).")
@click.option("--until", metavar="DATE", help="The brief as of DATE: leave out facts that cannot fall before it.")
@click.option("--against", metavar="BUILD", type=click.Path(file_okay=False, path_type=Path),
              help="A previous build folder: list what changed in this dyad since it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (replaced atomically); standard output by default.")
@RAW_OPTION
@BUILD_OPTION
@store_options
@reports_errors
def brief(a, b, since, until, against, output, raw, build_dir, **server):
    """Write a brief of the ties between A and B: one self-contained HTML page.

    It holds a summary in sentences with counts (those of `kg query dyad`),
    the standing ties, a timeline with planned facts marked, the dyad's graph,
    every fact with its quotes, documents, publishers and dates, the sources,
    and what changed since --since or a previous build (--against). It loads
    nothing from the network, and prints cleanly (Save as PDF). With the raw
    folder at hand, a click beside a quote opens its document at the quote.

    \b
    Examples:
        kg brief Pakistan Russia -o brief.html
        kg brief Pakistan Russia --since 2018 -o brief.html
        kg brief Pakistan Russia --against old-build/ -o brief.html
    """
    from ..render.brief import write_brief

    source = take_store(build_dir, server)
    documents = raw if raw.is_dir() else None
    out = sys.stdout if output is None or str(output) == "-" else output
    page = write_brief(source, a, b, out, since=since, until=until, against=against, raw=documents)
    if page.empty:
        click.echo(f"kg: warning: no facts tie {page.title}; the brief says so.", err=True)
    if out is not sys.stdout:
        click.echo(f"wrote {output} ({page.facts} facts)", err=True)


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the changes as an HTML section to FILE.")
@RAW_OPTION
@reports_errors
def diff(old, new, as_json, html_out, raw):
    """What changed between two builds: facts added, removed and changed field by
    field, entities added or merged, documents added, removed or changed.

    OLD and NEW are build folders, or git revisions of the raw folder (each
    built into a temporary folder first). A fact keeps its identity across
    builds, so a refined date shows as a change, not as a fact removed and
    another added.

    \b
    Examples:
        kg diff old-build/ build/
        kg diff HEAD~3 HEAD --raw raw
        kg diff old-build/ build/ --json
    """
    from ..core.serialize import atomic_write
    from ..views.changes import diff as run_diff

    found = run_diff(old, new, raw=raw)
    buffer = io.StringIO()
    if as_json:
        found.write_json(buffer)
    else:
        found.write_text(buffer)
    click.echo(buffer.getvalue(), nl=False)
    if html_out is not None:
        atomic_write(html_out, found.html_section())
        click.echo(f"wrote {html_out}", err=True)
