"""`kg extract` and `kg eval`: draft fact sheets from raw text, and measure how well.

Both are thin: the work is in kg.extract. They are registered on the `kg`
group in kg/cli.py.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..core import formats
from ..core.errors import MissingInputError, UsageError
from ..core.textout import safe
from .options import reports_errors


def _find_registry(option: Path | None, source: Path) -> Path | None:
    """--registry, else entities.yaml beside the documents, else raw/entities.yaml ($KG_RAW)."""
    if option is not None:
        if not option.is_file():
            raise MissingInputError(f"no such registry: {option}")
        return option
    folder = source if source.is_dir() else source.parent
    for candidate in (folder / "entities.yaml", Path(os.environ.get("KG_RAW", "raw")) / "entities.yaml"):
        if candidate.is_file():
            return candidate
    return None


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
    from ..extract.batch import documents_in, draft_many
    from ..extract.sheet import proposals_as_comments

    if not source.exists():
        raise MissingInputError(f"no such file or folder: {source}")
    registry_path = _find_registry(registry, source)
    if registry_path is None:
        click.echo("kg: warning: no entity registry found; every entity will be proposed as new", err=True)
    suffix = ".facts.json" if fmt == "json" else ".facts.yaml"
    if source.is_dir():
        if out is None:
            raise UsageError("a folder needs -o DIR for the drafts (they would otherwise overwrite reviewed sheets)")
        paths = documents_in(source)
        if not paths:
            raise MissingInputError(f"no documents (*.txt, *.md, *.html) in {source}")
    else:
        paths = [source]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        if not force:
            clash = [out / (p.stem + suffix) for p in paths if (out / (p.stem + suffix)).exists()]
            if clash:
                raise UsageError(f"{clash[0]} exists (and {len(clash) - 1} more); use --force to replace drafts"
                                 if len(clash) > 1 else f"{clash[0]} exists; use --force to replace it")
    if out is None:
        from ..extract.batch import draft_one

        result = draft_one(source, str(registry_path) if registry_path else None, reference_date, fmt, raise_errors=True)
        if result.note:
            click.echo(f"kg: note: {safe(str(source))}: {result.note}", err=True)
        click.echo(result.sheet + (proposals_as_comments(result.proposals) if fmt == "yaml" else ""), nl=False)
        return
    results = draft_many(paths, str(registry_path) if registry_path else None, reference_date, fmt, jobs)
    failed = 0
    written = 0
    facts = 0
    with click.progressbar(results, length=len(paths), label="drafting", file=sys.stderr,
                           show_pos=True) if len(paths) > 1 else _single(results) as bar:
        for result in bar:
            if result.error:
                failed += 1
                click.echo(f"\nkg: error: {result.error}", err=True)
                continue
            if result.note:
                click.echo(f"\nkg: note: {safe(str(result.path))}: {result.note}", err=True)
            _write(out / (result.stem + suffix), result.sheet)
            if result.proposals:
                _write(out / (result.stem + ".entities.yaml"), result.proposals)
            written += 1
            facts += result.facts
    if fmt == "yaml" and written > 1:
        from ..extract.batch import separate_clashing_ids

        sheets = {out / (p.stem + suffix): p for p in paths if (out / (p.stem + suffix)).exists()}
        separate_clashing_ids(sheets, str(registry_path) if registry_path else None)
    click.echo(f"drafted {facts} facts from {written} document(s) into {out}/"
               + (f"; {failed} document(s) could not be read" if failed else ""), err=True)
    if failed:
        sys.exit(1)


class _single:
    """A stand-in for the progress bar when there is one document."""

    def __init__(self, it):
        self.it = it

    def __enter__(self):
        return self.it

    def __exit__(self, *exc):
        return False


def _write(path: Path, text: str) -> None:
    from ..core.serialize import atomic_write

    atomic_write(path, text)


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
