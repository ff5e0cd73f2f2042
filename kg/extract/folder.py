"""`kg extract` as a library call: a document or a folder of them drafted into fact sheets.

:func:`extract_drafts` does the whole workflow of the command: it finds the
entity registry, walks a folder, refuses to overwrite drafts (unless told),
drafts each document (in worker processes for large folders, see
kg.extract.batch), writes each sheet and its proposed entities atomically, and
gives clashing fact ids apart. What a person should be told along the way
(a missing registry, a document that could not be read) goes to a ``say``
callback; the command prints it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator

from ..core.errors import MissingInputError, UsageError
from ..core.serialize import atomic_write
from ..core.textout import safe
from .batch import Drafted, documents_in, draft_many, draft_one, separate_clashing_ids

Say = Callable[[str, str], None]  # (kind: "warning", "note" or "error", one line of text)
Progress = Callable[[Iterator[Drafted], int], ContextManager[Iterable[Drafted]]]  # (results, how many)


@dataclass
class ExtractReport:
    """What :func:`extract_drafts` did: the printed draft (no ``out``), or what it wrote into ``out``."""

    out: Path | None
    text: str = ""  # the draft sheet, when one document is drafted without an out folder
    facts: int = 0
    written: int = 0
    failed: int = 0  # documents that could not be read

    def summary(self) -> str:
        """One line for the person: how many facts from how many documents, and what failed."""
        return (f"drafted {self.facts} facts from {self.written} document(s) into {self.out}/"
                + (f"; {self.failed} document(s) could not be read" if self.failed else ""))


def find_registry(option: Path | None, source: Path) -> Path | None:
    """``option``, else entities.yaml beside the documents, else raw/entities.yaml ($KG_RAW)."""
    if option is not None:
        if not option.is_file():
            raise MissingInputError(f"no such registry: {option}")
        return option
    folder = source if source.is_dir() else source.parent
    for candidate in (folder / "entities.yaml", Path(os.environ.get("KG_RAW", "raw")) / "entities.yaml"):
        if candidate.is_file():
            return candidate
    return None


def sheet_suffix(fmt: str) -> str:
    """The file ending of a draft sheet in ``fmt`` (yaml or json)."""
    return ".facts.json" if fmt == "json" else ".facts.yaml"


def _documents(source: Path, out: Path | None) -> list[Path]:
    if not source.is_dir():
        return [source]
    if out is None:
        raise UsageError("a folder needs -o DIR for the drafts (they would otherwise overwrite reviewed sheets)")
    paths = documents_in(source)
    if not paths:
        raise MissingInputError(f"no documents (*.txt, *.md, *.html) in {source}")
    return paths


def _refuse_clashes(paths: list[Path], out: Path, suffix: str) -> None:
    clash = [out / (p.stem + suffix) for p in paths if (out / (p.stem + suffix)).exists()]
    if clash:
        raise UsageError(f"{clash[0]} exists (and {len(clash) - 1} more); use --force to replace drafts"
                         if len(clash) > 1 else f"{clash[0]} exists; use --force to replace it")


def extract_drafts(source: str | Path, out: str | Path | None = None, *, fmt: str = "yaml",
                   reference_date: str | None = None, registry: str | Path | None = None, jobs: int = 0,
                   force: bool = False, say: Say | None = None, progress: Progress | None = None) -> ExtractReport:
    """Draft a fact sheet from ``source`` (a document or a folder of them).

    Without ``out`` the one document's draft is returned as ``text`` (with the
    entities it proposes as YAML comments). With ``out`` each document's sheet
    (and ``<document>.entities.yaml`` when it proposes entities) is written
    there atomically; existing sheets are refused unless ``force``. A folder
    needs ``out``. ``progress(results, n)`` may wrap the drafting of more than
    one document (a progress bar). Raises MissingInputError or UsageError;
    a folder's unreadable documents are counted in ``failed`` and said.
    """
    source = Path(source)
    out = Path(out) if out is not None else None
    tell: Say = say or (lambda kind, text: None)
    if not source.exists():
        raise MissingInputError(f"no such file or folder: {source}")
    found = find_registry(Path(registry) if registry is not None else None, source)
    registry_path = str(found) if found else None
    if found is None:
        tell("warning", "no entity registry found; every entity will be proposed as new")
    suffix = sheet_suffix(fmt)
    paths = _documents(source, out)
    if out is None:
        return _print_one(source, registry_path, reference_date, fmt, tell)
    out.mkdir(parents=True, exist_ok=True)
    if not force:
        _refuse_clashes(paths, out, suffix)
    report = ExtractReport(out)
    results = draft_many(paths, registry_path, reference_date, fmt, jobs)
    with progress(results, len(paths)) if progress and len(paths) > 1 else contextlib.nullcontext(results) as bar:
        for result in bar:
            _write_draft(result, out, suffix, report, tell)
    if fmt == "yaml" and report.written > 1:
        sheets = {out / (p.stem + suffix): p for p in paths if (out / (p.stem + suffix)).exists()}
        separate_clashing_ids(sheets, registry_path)
    return report


def _print_one(source: Path, registry_path: str | None, reference_date: str | None, fmt: str,
               tell: Say) -> ExtractReport:
    from .sheet import proposals_as_comments

    result = draft_one(source, registry_path, reference_date, fmt, raise_errors=True)
    if result.note:
        tell("note", f"{safe(str(source))}: {result.note}")
    text = result.sheet + (proposals_as_comments(result.proposals) if fmt == "yaml" else "")
    return ExtractReport(None, text, facts=result.facts, written=1)


def _write_draft(result: Drafted, out: Path, suffix: str, report: ExtractReport, tell: Say) -> None:
    if result.error:
        report.failed += 1
        tell("error", result.error)
        return
    if result.note:
        tell("note", f"{safe(str(result.path))}: {result.note}")
    atomic_write(out / (result.stem + suffix), result.sheet)
    if result.proposals:
        atomic_write(out / (result.stem + ".entities.yaml"), result.proposals)
    report.written += 1
    report.facts += result.facts
