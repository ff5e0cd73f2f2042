"""`kg serve`: thin, like every command; the work is in kg.serve.

Registered on the `kg` group in kg/cli.py.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..serve.limits import (DEFAULT_HEAVY_AFTER, DEFAULT_HOST, DEFAULT_MAX_QUERY_MEMORY, DEFAULT_MAX_RESULT_BYTES,
                            DEFAULT_MAX_ROWS, DEFAULT_PORT, DEFAULT_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS)
from .options import BUILD_OPTION, IN_MEMORY_OPTION, reports_errors

MB = 1024 * 1024


@click.command("serve")
@BUILD_OPTION
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Anything but a loopback address lets other machines query the "
                   "graph (a warning says so).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=0, min_open=True),
              metavar="SECONDS", help="Stop a query (or update) that runs longer, and say so (HTTP 503).")
@click.option("--max-rows", default=DEFAULT_MAX_ROWS, show_default=True, type=click.IntRange(min=1),
              help="Return at most this many rows (or triples); a cut result carries the header KG-Truncated.")
@click.option("--update-token", envvar="KG_UPDATE_TOKEN", metavar="TOKEN",
              help="Allow SPARQL Update from requests that send Authorization: Bearer TOKEN, to in-memory "
                   "copies of the graph (never to the store on disk). Prefer the KG_UPDATE_TOKEN variable: "
                   "an option shows in the process list. Off by default: the graph is read-only.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes running queries: how many can run at once. Default: one per CPU, "
                   "at least 2, at most 4.")
@IN_MEMORY_OPTION
@click.option("--max-result-mb", default=DEFAULT_MAX_RESULT_BYTES // MB, show_default=True,
              type=click.IntRange(min=1), metavar="MB",
              help="Cut a result at the last row that fits in this size (the body of a SELECT, or of a "
                   "CONSTRUCT in N-Triples, in bytes; other graph formats: their terms' text, plus 40 bytes a "
                   "term); a cut result carries the header KG-Truncated.")
@click.option("--max-query-mb", default=DEFAULT_MAX_QUERY_MEMORY // MB, show_default=True,
              type=click.IntRange(min=1), metavar="MB",
              help="Stop a query that makes its worker process grow by more than this (HTTP 503); the worker "
                   "is replaced. Linux only.")
@click.option("--heavy-after", default=DEFAULT_HEAVY_AFTER, show_default=True, metavar="SECONDS",
              type=click.FloatRange(min=0, min_open=True),
              help="A query running longer is long: long queries may hold every worker but one, kept for "
                   "short queries; one more is stopped and queued until a long one ends.")
@click.option("--max-connections", default=MAX_CONNECTIONS, show_default=True, type=click.IntRange(min=1),
              help="Open connections at once; one more is answered 503 and closed.")
@click.option("--idle-timeout", default=IDLE_TIMEOUT, show_default=True, metavar="SECONDS",
              type=click.FloatRange(min=0, min_open=True),
              help="Close a connection that sends no whole request (head and body) for this long.")
@click.option("--quiet", is_flag=True, help="Do not log each request on stderr.")
@reports_errors
def serve_command(build_dir: Path, host: str, port: int, timeout: float, max_rows: int, update_token: str | None,
                  workers: int | None, in_memory: bool | None, max_result_mb: int, max_query_mb: int,
                  heavy_after: float, max_connections: int, idle_timeout: float, quiet: bool) -> None:
    """Answer SPARQL over the built graph: a SPARQL 1.1 Protocol endpoint at
    /sparql and a query page at /, until Ctrl-C.

    The page works offline and offers the named queries as examples; /graph
    shows the network page `kg build` wrote. Queries run in worker processes,
    each within the time limit. SERVICE and LOAD are refused: the server
    sends no request anywhere.

    \b
    Examples:
        kg serve                               # http://127.0.0.1:7373/
        curl -H 'Accept: text/csv' --data-urlencode 'query=ASK { ?s ?p ?o }' http://127.0.0.1:7373/sparql
        KG_UPDATE_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe())') kg serve
    """
    from ..serve.server import serve

    serve(build_dir, host, port, timeout=timeout, max_rows=max_rows, update_token=update_token,
          workers=workers, in_memory=in_memory, quiet=quiet, max_connections=max_connections,
          idle_timeout=idle_timeout, max_result_bytes=max_result_mb * MB, max_query_memory=max_query_mb * MB,
          heavy_after=heavy_after)
