"""Extracting many documents: one draft sheet per document, in parallel where that pays.

Each worker process loads the ontology, the registry and the gazetteer once,
then drafts the documents it is handed. Small batches run in this process:
starting workers costs more than it saves below a few dozen documents
(measured in bench/bench_extract.py).
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..core.errors import KGError
from ..sources.registry import Registry, load_registry
from ..sources.schema import load_schema

DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm")
PARALLEL_FROM = 24  # documents; below this one process is faster


@dataclass
class Drafted:
    """What extraction made of one file: the sheet text and new entities, or the error."""

    path: Path
    stem: str
    sheet: str = ""  # YAML or JSON
    proposals: str = ""  # YAML draft of new registry entities ("" when none)
    facts: int = 0
    error: str | None = None
    note: str | None = None  # something the reader should know, such as "no English sentences found"


def documents_in(folder: Path) -> list[Path]:
    """The documents of a folder, by name: text, Markdown and HTML files (fact sheets and registries left out)."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.endswith(".facts.yaml"))


@lru_cache(maxsize=4)
def _registry(path: str | None) -> Registry:
    if path is None:
        return Registry({})
    return load_registry(Path(path), load_schema())


def draft_one(path: str | Path, registry_path: str | None, reference_date: str | None, fmt: str,
              raise_errors: bool = False) -> Drafted:
    """Draft one document; errors become the result's ``error`` (one line) unless ``raise_errors``."""
    from .pipeline import extract_document, has_english
    from .sheet import to_json, to_yaml
    from .text import read_source

    path = Path(path)
    stem = path.stem
    try:
        registry = _registry(registry_path)
        doc = read_source(path, reference_date)
        english = has_english(doc)
        drafts = extract_document(doc, registry=registry) if english else []
        note = None if english else "no English sentences found"
        if fmt == "json":
            return Drafted(path, stem, to_json(drafts), "", len(drafts), note=note)
        sheet, proposals = to_yaml(drafts, doc, registry, load_schema())
        return Drafted(path, stem, sheet, proposals, len(drafts), note=note)
    except KGError as exc:
        if raise_errors:
            raise
        return Drafted(path, stem, error=str(exc))


def draft_many(paths: list[Path], registry_path: str | None, reference_date: str | None, fmt: str,
               jobs: int = 0) -> Iterator[Drafted]:
    """Draft each document, yielding results in the order of ``paths``.

    ``jobs`` is the number of worker processes: 0 chooses (one per core for
    large batches, none for small ones), 1 runs everything in this process.
    """
    if jobs == 0:
        jobs = (os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1
    if jobs <= 1 or len(paths) < 2:
        for p in paths:
            yield draft_one(p, registry_path, reference_date, fmt)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(paths) // (jobs * 8))
        yield from pool.map(draft_one, paths, [registry_path] * len(paths), [reference_date] * len(paths),
                            [fmt] * len(paths), chunksize=chunk)


def separate_clashing_ids(sheets: dict[Path, Path], registry_path: str | None) -> int:
    """Give explicit ids to drafted facts whose derived id another draft states differently.

    ``sheets`` maps each written sheet to its document. `kg build` merges the
    statements of one fact id across documents and refuses them when they
    disagree; two articles may report the same tie differently (a status, a
    quantity), so the later draft's fact gets the id ``<id>-<document>``.
    Returns the number of ids given.
    """
    from ..sources.factsheet import read_sheet
    from .text import read_source

    schema = load_schema()
    registry = _registry(registry_path)
    first: dict[str, tuple] = {}
    given = 0
    for sheet, doc_path in sorted(sheets.items()):
        try:
            doc = read_source(doc_path)
        except KGError:
            continue
        facts, _problems = read_sheet(sheet, doc, registry, schema)
        lines = sheet.read_text(encoding="utf-8").split("\n")
        changed = False
        for fact in sorted(facts, key=lambda f: -f.line):  # bottom up, so line numbers stay right
            key = fact.content_key()
            seen = first.setdefault(fact.id, key)
            if seen == key or fact.explicit_id:
                continue
            new_id = f"{fact.id}-{doc.id}"[:120].rstrip("-").lower()
            new_id = re.sub(r"[^a-z0-9_-]+", "-", new_id)
            at = fact.line - 1
            indent = re.match(r"(\s*)- ", lines[at])
            if indent is None:
                continue
            lines.insert(at + 1, " " * (len(indent.group(1)) + 2) + f"id: {new_id}")
            changed = True
            given += 1
        if changed:
            from ..core.serialize import atomic_write

            atomic_write(sheet, "\n".join(lines))
    return given
