"""The `kg` command: a thin layer over the Python API.

Each command calls one library function and prints; the library's KGError
becomes a one-line message (or one line per problem) and its exit code, here
and nowhere else.
"""

from __future__ import annotations

import functools
import io
import sys
from pathlib import Path

import click

from . import __version__
from .errors import KGError, ValidationError

RAW_OPTION = click.option("--raw", default="raw", show_default=True, envvar="KG_RAW",
                          type=click.Path(file_okay=False, path_type=Path),
                          help="Folder of source documents, fact sheets and entities.yaml.")
BUILD_OPTION = click.option("--build", "build_dir", default="build", show_default=True, envvar="KG_BUILD",
                            type=click.Path(file_okay=False, path_type=Path),
                            help="Folder `kg build` wrote to.")


def reports_errors(fn):
    """Turn the library's errors into messages on stderr and exit codes, without tracebacks."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            for problem in exc.problems:
                click.echo(f"kg: error: {problem}", err=True)
            click.echo(f"kg: {len(exc.problems)} problem(s); nothing was written", err=True)
            sys.exit(exc.exit_code)
        except KGError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            sys.exit(0)
    return wrapper


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
              help="Folder to write kg.ttl, kg.trig and summary.json into.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@reports_errors
def build(raw: Path, out: Path, as_json: bool):
    """Check the fact sheets and build the graph.

    Every fact is checked against the entity registry, the ontology's SHACL
    shapes and its document (each quote must be found there). Nothing is
    written unless the whole build succeeds.

    \b
    Example:
        kg build --raw raw --out build
    """
    from .build import build as run_build

    result = run_build(raw, out)
    if as_json:
        import json

        click.echo(json.dumps(result.summary(), indent=2))
        return
    click.echo(f"built {out}/kg.ttl and {out}/kg.trig from {raw}/")
    click.echo(f"  documents  {result.documents}")
    click.echo(f"  entities   {result.entities}")
    click.echo(f"  facts      {result.facts}")
    for name, count in sorted(result.facts_by_type.items()):
        click.echo(f"    {name:<22} {count}")
    click.echo(f"  triples    {result.triples}")


def _parse_bindings(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--bind takes name=value, not {item!r}")
        out[name.strip().lstrip("$?")] = value
    return out


@main.command()
@click.argument("query", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("--bind", "-b", "bindings", multiple=True, metavar="NAME=VALUE",
              help="Set a $parameter of the query (an entity name, a date, a number or text).")
@click.option("--format", "-f", "fmt", default=None,
              type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld", "trig"]),
              help="table (default), csv, tsv, json or xml for SELECT/ASK; ttl (default), nt, xml, jsonld or trig for CONSTRUCT/DESCRIBE.")
@click.option("--show", is_flag=True, help="Print the query text, with parameters filled in, instead of running it.")
@BUILD_OPTION
@reports_errors
def query(query, list_queries, bindings, fmt, show, build_dir):
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
    from .query import named_queries, prepare, resolve_query, run
    from .results import write_graph, write_results
    from .store import Store

    if list_queries:
        for name, q in named_queries().items():
            params = " ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
            click.echo(f"{name:<22} {q.title}")
            if params:
                click.echo(f"{'':<22} parameters: {params}")
        return
    if not query:
        raise click.UsageError("give a query (a name from --list, a .rq file or SPARQL text), or --list")
    named = resolve_query(query)
    store = Store.open(build_dir)
    if show:
        click.echo(prepare(named, store, _parse_bindings(bindings)))
        return
    result = run(named, store, _parse_bindings(bindings))
    buffer = io.StringIO()
    if result.kind == "graph":
        write_graph(result, buffer, fmt or "ttl")
    else:
        if fmt in ("ttl", "nt", "jsonld", "trig"):
            raise click.UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
        write_results(result, buffer, fmt or "table")
    click.echo(buffer.getvalue(), nl=False)


@main.command()
@click.option("--format", "-f", "fmt", default="ttl", show_default=True,
              type=click.Choice(["ttl", "nt", "jsonld", "trig", "xml", "nq"]),
              help="RDF format. trig, nq and jsonld keep one named graph per source document.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (replaced atomically); standard output by default.")
@click.option("--with-ontology", is_flag=True, help="Include the ontology, so the file explains itself.")
@BUILD_OPTION
@reports_errors
def export(fmt, output, with_ontology, build_dir):
    """Write the built graph as Turtle, N-Triples, JSON-LD, TriG, N-Quads or RDF/XML.

    \b
    Examples:
        kg export > kg.ttl
        kg export --format trig -o kg.trig
    """
    from .export import export as run_export

    if output is None:
        text = run_export(fmt, build_dir, with_ontology=with_ontology)
        click.echo(text, nl=False)
    else:
        run_export(fmt, build_dir, output, with_ontology=with_ontology)
        click.echo(f"wrote {output}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
