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


# Result formats written row by row as the engine gives them, never held whole (by pyoxigraph's
# own serializer: kg.sparql.results.write_native).
STREAMED_FORMATS = ("csv", "tsv", "xml", "json")


def _parse_bindings(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--bind takes name=value, not {item!r}")
        out[name.strip().lstrip("$?")] = value
    return out


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
    from .sparql.named import named_queries, prepare, resolve_query, stream
    from .sparql.results import wikidata_links, write_graph, write_results

    if list_queries:
        for name, q in named_queries().items():
            params = " ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
            click.echo(f"{name:<22} {q.title}")
            if params:
                click.echo(f"{'':<22} parameters: {params}")
        return
    if not query:
        raise UsageError("give a query (a name from --list, a .rq file or SPARQL text), or --list")
    named = resolve_query(query)
    store = open_store(build_dir, **server)
    if show:
        click.echo(prepare(named, store, _parse_bindings(bindings)))
        return
    out = sys.stdout

    def write(result) -> None:  # in the query's worker thread, rows taken as they are written
        if result.kind == "graph":
            write_graph(result, out, fmt or "ttl")
            return
        if fmt in formats.names("rdf") and fmt not in formats.names("results"):
            raise UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
        if (fmt or "table") not in STREAMED_FORMATS:  # a table is measured: rows held
            result.rows, result.engine = list(result.rows), None
        links = wikidata_links(store, result) if (fmt or "table") == "table" and result.kind == "select" else None
        write_results(result, out, fmt or "table", links=links)
        out.flush()

    stream(named, store, _parse_bindings(bindings), write, timeout=timeout, allow_service=allow_service)


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
    from .views.network import NETWORK_FORMATS, export_network

    source = open_store(build_dir, store_url, update_url, gsp_url, user, in_memory)
    if fmt in NETWORK_FORMATS:
        out = output if output is not None else sys.stdout
        written = export_network(fmt, source, out, make_view(**view), events=events)
        for path in written:
            click.echo(f"wrote {path}", err=True)
        return

    if any(view.get(k) for k in ("focus", "dyad", "since", "until", "types")):
        raise UsageError("--focus, --dyad, --since, --until and --types apply to graphml, gexf and csv")
    if output is not None and output.is_dir():
        raise UsageError(f"-o {output} is a folder; --format {fmt} writes one file")
    from .store.export import export as run_export

    if output is None:
        sys.stdout.flush()
        stdout = sys.stdout.buffer  # RDF is bytes, written as Oxigraph serializes it
        run_export(fmt, source, stdout, with_ontology=with_ontology)
        stdout.flush()
    else:
        run_export(fmt, source, output, with_ontology=with_ontology)
        click.echo(f"wrote {output}", err=True)


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
