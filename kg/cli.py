"""The `kg` command: a thin layer over the Python API.

Each command calls one library function and prints; the library's KGError
becomes a one-line message (or one line per problem) and its exit code, here
and nowhere else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .core import formats
from .core.errors import UsageError
from .core.version import __version__
from .commands.options import (BUILD_OPTION, EVENTS_OPTION, RAW_OPTION, make_view, open_store, remote_config,
                              remote_options, reports_errors, store_options, view_options)

@click.group()
@click.version_option(__version__, prog_name="kg")
def main():
    """kg: a knowledge graph of bilateral defence and diplomatic ties between states.

    Facts come from reviewed fact sheets beside their source documents in raw/;
    `kg build` turns them into RDF, `kg query` asks it questions in SPARQL, and
    `kg export` hands it on.
    """


@main.command()
@RAW_OPTION
@click.option("--out", default="build", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to publish the build in (its store, manifest.json and summary.json).")
@click.option("--files", is_flag=True, help="Also write kg.ttl and kg.trig into the build (as `kg export` would).")
@click.option("--page", is_flag=True, help="Also draw the network page, graph.html, into the build.")
@click.option("--full", is_flag=True, help="Read every document again, even those unchanged since the last build.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@reports_errors
def build(raw: Path, out: Path, files: bool, page: bool, full: bool, as_json: bool):
    """Check the fact sheets and build the graph.

    Every fact is checked against the entity registry, the ontology's SHACL
    shapes and its document (each quote must be found there). Only documents
    changed since the last build are read again. Nothing is published unless
    the whole build succeeds, and then store and files switch together.

    \b
    Example:
        kg build --raw raw --out build
        kg build --files --page      # also kg.ttl, kg.trig and graph.html
    """
    from .api import build as run_build, build_report
    from .core.textout import safe

    result = run_build(raw, out, full=full, files=files, page=page)
    for warning in result.warnings:
        click.echo(safe(str(warning)), err=True)
    for note in result.notes:
        click.echo(f"kg: {safe(note)}", err=True)
    if result.drafts:
        click.echo(f"kg: {result.drafts} draft{'s' if result.drafts != 1 else ''} awaiting review, "
                   f"not built (kg review --raw {raw})", err=True)
    if as_json:
        import json

        click.echo(json.dumps(result.summary(), indent=2))
    else:
        click.echo("\n".join(build_report(result, raw, out)))


@main.command()
@BUILD_OPTION
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON.")
@reports_errors
def check(build_dir: Path, as_json: bool, **options):
    """List the claims that contradict each other across documents.

    A membership begun twice, two standings towards one treaty, two quantities
    of one transfer, a planned fact reported not to have happened: each
    conflict names both facts, both quotes, both sources and their grades.
    Conflicts never stop the build; resolve them by a reviewer's note or by
    grading. The exit status is 0 either way.

    \b
    Example:
        kg check
        kg check --json
    """
    from .builder.conflicts import check as find
    from .core.textout import safe

    conflicts = find(open_store(build_dir, **options))
    if as_json:
        import json

        click.echo(json.dumps({"conflicts": [c.to_dict() for c in conflicts]}, indent=2, ensure_ascii=False))
        return
    for c in conflicts:  # each line escaped, its indentation kept
        click.echo("\n".join(" " * (len(x) - len(x.lstrip(" "))) + safe(x) for x in c.text().splitlines()) + "\n")
    click.echo(f"{len(conflicts)} conflict{'' if len(conflicts) == 1 else 's'}")


@main.command()
@click.argument("query", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("--bind", "-b", "bindings", multiple=True, metavar="NAME=VALUE",
              help="Set a $parameter of the query (an entity name, a date, a number or text).")
@click.option("--format", "-f", "fmt", default=None,
              type=click.Choice(list(dict.fromkeys(formats.names("results") + formats.names("rdf", query_only=True)))),
              help="table (default), csv, tsv, json or xml for SELECT/ASK; ttl (default), nt, xml, jsonld or trig for CONSTRUCT/DESCRIBE.")
@click.option("--show", is_flag=True, help="Print the query text, with parameters filled in, instead of running it.")
@click.option("--timeout", metavar="SECONDS", default=None,
              help="Stop the query after this many seconds (default 60, or KG_QUERY_TIMEOUT; 0 for no limit).")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE send parts of the query to other endpoints over the network (refused by default).")
@BUILD_OPTION
@store_options
@reports_errors
def query(query, list_queries, bindings, fmt, show, timeout, allow_service, build_dir, **server):
    """Run SPARQL over the built graph: a named query, a .rq file, or a query string.

    Prefixes kg:, kgr:, prov:, skos:, rdfs:, dcterms:, xsd:, org:, time: and
    others are declared for you. Parameters are written $name and set with
    --bind name=value.

    \b
    Examples:
        kg query --list
        kg query dyad --bind a=Pakistan --bind b=Russia
        kg query arms-transfers -f csv
        kg query 'SELECT ?s WHERE { ?s kg:memberOf kgr:sco }'
    """
    from .sparql.answer import answer, listing, parse_bindings

    if list_queries:
        click.echo(listing(), nl=False)
        return
    if not query:
        raise UsageError("give a query (a name from --list, a .rq file or SPARQL text), or --list")
    answer(query, lambda: open_store(build_dir, **server), sys.stdout, bindings=parse_bindings(bindings), fmt=fmt,
           show=show, timeout=timeout, allow_service=allow_service)


@main.command()
@click.option("--format", "-f", "fmt", default="ttl", show_default=True,
              type=click.Choice(list(dict.fromkeys(formats.names("rdf") + formats.names("network")))),
              help="RDF format (trig, nq and jsonld keep one named graph per source document), or a "
                   "network for Gephi and Cytoscape: graphml, gexf, or csv (nodes.csv and edges.csv).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (replaced atomically); standard output by default. "
                   "For --format csv, the folder to write nodes.csv and edges.csv into.")
@click.option("--with-ontology", is_flag=True, help="Include the ontology, so the file explains itself (RDF formats).")
@view_options
@EVENTS_OPTION
@BUILD_OPTION
@store_options
@reports_errors
def export(fmt, output, with_ontology, build_dir, events, store_url, update_url, gsp_url, user, in_memory,
           **view):
    """Write the built graph as RDF (Turtle, N-Triples, JSON-LD, TriG, N-Quads,
    RDF/XML) or as a network (GraphML, GEXF, CSV) with every node's and edge's
    type, date and source.

    The network formats take the same view options as `kg viz`; the RDF
    formats always carry the whole graph.

    \b
    Examples:
        kg export > kg.ttl
        kg export --format trig -o kg.trig
        kg export --format gexf -o kg.gexf
        kg export --format csv -o gephi/ --no-events
        kg export --format graphml --dyad Pakistan Russia -o pk-ru.graphml
    """
    from .api import export_graph

    source = open_store(build_dir, store_url, update_url, gsp_url, user, in_memory)
    for path in export_graph(fmt, source, output, view=make_view(**view), events=events, with_ontology=with_ontology):
        click.echo(f"wrote {path}", err=True)


@main.command()
@BUILD_OPTION
@remote_options
@reports_errors
def push(build_dir, store_url, update_url, gsp_url, user):
    """Load the built graph into a SPARQL 1.1 server: one named graph per document.

    Graphs the server already holds unchanged are skipped, and a push cut off
    half-way is finished by running it again. Without --gsp-url the triples go
    in SPARQL Update INSERT DATA batches. Afterwards, `kg query --store URL`
    and `kg export --store URL` read from the server.

    \b
    Examples:
        kg push --store http://127.0.0.1:7878/query --update-url http://127.0.0.1:7878/update
        KG_STORE_PASSWORD=secret kg push --store https://db.example.org/sparql --user analyst
    """
    from .store.remote import RemoteStore, push as run_push

    config = remote_config(store_url, update_url, gsp_url, user)
    if config is None:
        raise UsageError("name the server: --store QUERY_URL (or set KG_STORE, or a kg.ini [store] section)")
    report = run_push(build_dir, RemoteStore(config), progress=lambda g: click.echo(f"pushing {g}", err=True))
    click.echo(f"pushed {len(report.pushed)} graph(s), {report.triples} triples; "
               f"{len(report.unchanged)} unchanged; {len(report.removed)} removed")


# The commands that draw, list and measure ties, and those that draft fact sheets
# and serve the graph, live in kg/commands/.
from .commands.graph import analyze, timeline, viz  # noqa: E402

main.add_command(viz)
main.add_command(timeline)
main.add_command(analyze)


from .commands.extract import eval_command, extract_command  # noqa: E402
main.add_command(extract_command); main.add_command(eval_command)  # noqa: E702

from .commands.serve import serve_command  # noqa: E402
main.add_command(serve_command)

from .commands.review import add_command, review_command  # noqa: E402
main.add_command(add_command); main.add_command(review_command)  # noqa: E702

from .commands.brief import brief as brief_command, diff as diff_command  # noqa: E402
main.add_command(brief_command); main.add_command(diff_command)  # noqa: E702

if __name__ == "__main__":  # pragma: no cover
    main()
