"""`kg add` and `kg review`: a page or text into raw/ with a draft, and the page to review drafts.

Both are thin: the work is in kg.review. They are registered on the `kg`
group in kg/cli.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import RAW_OPTION, reports_errors


@click.command("add")
@click.argument("source", type=click.Path(path_type=Path))
@RAW_OPTION
@click.option("--title", help="The document's title (default: the page's og:title, JSON-LD headline or <title>).")
@click.option("--publisher", help="Who published it (default: the page's og:site_name or JSON-LD publisher).")
@click.option("--url", help="Where it was published (default: the page's canonical link).")
@click.option("--published", metavar="DATE", help="The date printed on it (default: article:published_time).")
@click.option("--reference-date", metavar="DATE",
              help="When it was written, which relative dates are read against (default: the published date).")
@click.option("--no-draft", is_flag=True, help="Add the document only; draft no facts.")
@reports_errors
def add_command(source: Path, raw: Path, title, publisher, url, published, reference_date, no_draft: bool):
    """Add a saved web page (HTML) or a text to raw/, and draft its facts for review.

    The document is written as raw/<reference date>_<slug of the title>.txt
    with its front matter, and its draft facts beside it as
    <document>.draft.facts.yaml, which kg build skips until `kg review` has
    been through them. Options override what the page says; what is still
    missing is asked for at a terminal, else refused. Nothing is overwritten,
    and a text already in raw/ is refused.

    \b
    Examples:
        kg add saved-page.html
        kg add notes.txt --title "Talks in Moscow" --publisher "Own notes" --published 2018-03-14
        kg add inbox/ --raw raw
    """
    from ..review.add import add_many

    ask = None
    if sys.stdin.isatty():
        def ask(key: str, option: str) -> str:
            return click.prompt(f"{key.replace('_', ' ')} ({option})", default="", show_default=False, err=True)
    results = add_many(source, raw, title=title, publisher=publisher, url=url, published=published,
                       reference_date=reference_date, draft=not no_draft, ask=ask)
    for added in results:
        for note in added.notes:
            click.echo(f"kg: {note}", err=True)
        click.echo(f"added {added.document}")
        if added.draft is not None:
            click.echo(f"drafted {added.facts} fact(s) into {added.draft}; review them with: kg review --raw {raw}")


@click.command("review")
@click.argument("doc", required=False)
@RAW_OPTION
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--no-browser", is_flag=True, help="Print the address only; do not open a browser.")
@reports_errors
def review_command(doc: str | None, raw: Path, port: int, no_browser: bool):
    """Review draft facts in a local page: accept, reject, edit, add, save.

    The page is served on 127.0.0.1 only, at an address with a random token
    (printed here), and opens in the browser where there is one. With DOC (a
    document of raw/, by name or path) it opens that document; without, the
    list of drafts awaiting review. Stop it with Ctrl-C.

    \b
    Keys: j/k next/previous fact, a accept, r reject, e edit, u undo, s save.

    \b
    Examples:
        kg review
        kg review 2018-03-14_pakistan-and-russia-hold-defence-talks-in-moscow --port 8765
    """
    from ..review.server import serve

    serve(raw, doc, port=port, open_browser=not no_browser,
          announce=lambda url: click.echo(f"reviewing drafts in {raw}/ at {url}\n(Ctrl-C stops it)", err=True))
