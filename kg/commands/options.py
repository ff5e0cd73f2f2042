"""The options every command shares, and the one place kg's errors become messages.

`reports_errors` turns the library's KGError into a one-line message (or one
line per problem) and its exit code; the command modules beside this one, and
kg/cli.py, import from here and never from each other.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from ..core.errors import KGError, ValidationError


RAW_OPTION = click.option("--raw", default="raw", show_default=True, envvar="KG_RAW",
                          type=click.Path(file_okay=False, path_type=Path),
                          help="Folder of source documents, fact sheets and entities.yaml.")
BUILD_OPTION = click.option("--build", "build_dir", default="build", show_default=True, envvar="KG_BUILD",
                            type=click.Path(file_okay=False, path_type=Path),
                            help="Folder `kg build` wrote to.")


# Kept in step with kg.store.local.IN_MEMORY_MAX_TRIPLES (tests/test_owners.py checks), so that
# `kg --help` need not import the store.
IN_MEMORY_OPTION = click.option(
    "--in-memory/--on-disk", "in_memory", default=None,
    help="Query the build in memory (faster queries, a load first) or on disk; by default memory for "
         "graphs of up to 20,000 triples (also KG_IN_MEMORY=1 or 0).")


def remote_options(fn):
    """--store, --update-url, --gsp-url and --user: a SPARQL 1.1 server instead of the build folder."""
    for option in reversed([
        click.option("--store", "store_url", metavar="QUERY_URL",
                     help="A SPARQL 1.1 query endpoint to use instead of --build (also KG_STORE or kg.ini)."),
        click.option("--update-url", metavar="URL", help="Its SPARQL Update endpoint (default: the query URL)."),
        click.option("--gsp-url", metavar="URL", help="Its Graph Store Protocol endpoint, for faster loads."),
        click.option("--user", metavar="NAME", help="HTTP basic auth user; the password from KG_STORE_PASSWORD."),
    ]):
        fn = option(fn)
    return fn


def store_options(fn):
    """The remote_options and --in-memory/--on-disk: where a command that reads the graph reads it."""
    return remote_options(IN_MEMORY_OPTION(fn))


STORE_KEYS = ("store_url", "update_url", "gsp_url", "user", "in_memory")


def take_store(build_dir: Path, options: dict):
    """Remove the store_options from a command's keyword arguments and open what they name."""
    return open_store(build_dir, **{key: options.pop(key, None) for key in STORE_KEYS})


def remote_config(store_url=None, update_url=None, gsp_url=None, user=None):
    """The server the remote_options (or KG_STORE, or kg.ini) name, or None."""
    from ..store.remote import RemoteConfig

    return RemoteConfig.resolve(store_url, update_url=update_url, gsp_url=gsp_url, user=user)


def open_store(build_dir: Path, store_url=None, update_url=None, gsp_url=None, user=None, in_memory=None):
    """The Source a command reads: the server named by --store (or KG_STORE, or kg.ini), else the build."""
    from ..store.source import open_source

    return open_source(build_dir, in_memory=in_memory, remote=remote_config(store_url, update_url, gsp_url, user))


# Options that choose part of the graph, spelled the same by every command that
# draws, exports, lists or measures ties (see kg.views.View).
SINCE_OPTION = click.option("--since", metavar="DATE",
                            help="Only facts that can fall on or after DATE (2016, 2016-05 or 2016-05-01).")
UNTIL_OPTION = click.option("--until", metavar="DATE",
                            help="Only facts that can fall on or before DATE (2016, 2016-05 or 2016-05-01).")
TYPES_OPTION = click.option("--types", metavar="TYPES",
                            help="Only these fact types, comma-separated (e.g. arms_order,exercise).")
EVENTS_OPTION = click.option("--events/--no-events", default=True, show_default=True,
                             help="Draw a fact with one party or more than two as an event node linked to "
                                  "its parties, or fold it into one edge per pair of parties.")


def view_options(fn):
    """--focus, --depth, --dyad, --since, --until and --types, in that order in --help."""
    for option in reversed([
        click.option("--focus", metavar="ENTITY", help="Only the ties around ENTITY (a name, alias or id)."),
        click.option("--depth", default=1, show_default=True, type=click.IntRange(min=0),
                     help="With --focus: how many facts away from ENTITY to reach."),
        click.option("--dyad", nargs=2, metavar="A B", default=None,
                     help="Only what lies between A and B: the facts both take part in, and the "
                          "organizations, treaties and exercises each is tied to."),
        SINCE_OPTION, UNTIL_OPTION, TYPES_OPTION,
    ]):
        fn = option(fn)
    return fn


def make_view(focus=None, depth=1, dyad=None, since=None, until=None, types=None, **_ignored):
    """A kg.views.View from the values of view_options."""
    from ..views.selection import View

    return View(focus=focus, depth=depth, dyad=tuple(dyad) if dyad else None, since=since, until=until,
                types=tuple(t for t in types.split(",")) if types else None)


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
        except KeyboardInterrupt:
            click.echo("kg: interrupted (Ctrl-C)", err=True)
            sys.exit(130)
    return wrapper
