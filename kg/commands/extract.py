"""`kg extract` and `kg eval`: draft fact sheets from raw text, and measure how well.

Both are thin: the work is in kg.extract. They are registered on the `kg`
group in kg/cli.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..core import formats
from .options import reports_errors


@click.command("extract")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write <document>.facts.yaml (or .json) and <document>.entities.yaml into.")
@click.option("--format", "-f", "fmt", default="yaml", show_default=True, type=click.Choice(formats.names("draft")),
              help="yaml: a fact sheet kg build accepts; json: the schema in docs/extract.md.")
@click.option("--reference-date", metavar="YYYY[-MM[-DD]]",
              help="When a document without front matter was written; relative dates are read against it.")
@click.option("--registry", type=click.Path(dir_okay=False, path_type=Path),
              help="Entity registry to match names to [default: entities.yaml beside SOURCE, else raw/entities.yaml].")
@click.option("--jobs", "-j", default=0, show_default=True, type=click.IntRange(min=0),
              help="Worker processes for a folder: 0 chooses, 1 runs in this process.")
@click.option("--force", is_flag=True, help="Replace sheets that already exist in the -o folder.")
@reports_errors
def extract_command(source: Path, out: Path | None, fmt: str, reference_date: str | None, registry: Path | None,
                    jobs: int, force: bool):
    """Draft a fact sheet from each document, for a reviewer to correct.

    SOURCE is a document (text with or without front matter, Markdown or an
    HTML page) or a folder of them. A document is printed to standard output
    unless -o is given; a folder needs -o. Names are matched to the registry;
    entities it lacks are proposed in <document>.entities.yaml (as comments
    when printing), and the facts that need them are commented out, so that
    `kg build` accepts the sheet as it stands.

    \b
    Examples:
        kg extract raw/004_05d95eeefa1e2818.txt
        kg extract article.html --reference-date 2024-03-05 --format json
        kg extract inbox/ -o drafts/
    """
    from ..extract.folder import extract_drafts

    def say(kind: str, text: str) -> None:
        lead = "\n" if out is not None and kind != "warning" else ""
        click.echo(f"{lead}kg: {kind}: {text}", err=True)

    def bar(results, length):
        return click.progressbar(results, length=length, label="drafting", file=sys.stderr, show_pos=True)

    report = extract_drafts(source, out, fmt=fmt, reference_date=reference_date, registry=registry, jobs=jobs,
                            force=force, say=say, progress=bar)
    if out is None:
        click.echo(report.text, nl=False)
        return
    click.echo(report.summary(), err=True)
    if report.failed:
        sys.exit(1)


@click.command("eval")
@click.option("--gold", default="eval/gold", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of documents with reviewed fact sheets and their entities.yaml.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--details", is_flag=True, help="Also list the facts missed and the facts drafted in excess.")
@reports_errors
def eval_command(gold: Path, as_json: bool, details: bool):
    """Score `kg extract` against reviewed fact sheets: precision, recall and F1 per fact type.

    Each document in GOLD is extracted with GOLD/entities.yaml and its drafts
    are matched one to one with the reviewed facts: same type, same
    identifying participants (as registry ids) and overlapping dates. See
    docs/extract.md for the rule.

    A folder of real articles in the development set's format (NAME.txt with
    NAME.gold.yaml, as in ../shared/extract-dev) is scored by that set's
    rules instead: strict per-type precision and recall, optional facts
    neither helping nor hurting.

    \b
    Examples:
        kg eval
        kg eval --gold raw --json
        kg eval --gold ../shared/extract-dev
    """
    from ..extract.evaluate import evaluate
    from ..extract.realtext import evaluate_realtext, is_realtext_gold

    real = gold.is_dir() and is_realtext_gold(gold)
    report = evaluate_realtext(gold) if real else evaluate(gold)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    if real:
        click.echo(f"kg extract on the real articles in {gold}/ ({len(report.by_document)} documents), "
                   f"scored by the development set's rules\n")
    else:
        click.echo(f"kg extract against the reviewed sheets in {gold}/ ({len(report.by_document)} documents)\n")
    click.echo(report.table(), nl=False)
    if details:
        click.echo("")
        for doc, label in report.missed:
            click.echo(f"missed   {doc}: {label}")
        for doc, label in report.invented:
            click.echo(f"extra    {doc}: {label}")
