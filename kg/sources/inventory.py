"""What a raw/ folder holds, sorted by what `kg build` does with each entry.

Nothing in raw/ is passed over in silence (but names starting with a dot,
such as editor files and .git): a file the build does not read gets a warning, one that holds facts under a name the build does not read
(a sheet saved as ``.yml``) is an error, and so is an empty sheet's silence:
a sheet truncated to nothing gets a warning, since its document then builds
with no facts at all.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import SourceError, SourceWarning
from .factsheet import SHEET_SUFFIX, is_draft
from .rawfiles import read_source

REGISTRY_FILE = "entities.yaml"
DOCUMENT_SUFFIX = ".txt"
# A file that reads like a fact sheet holds a line starting "facts:".
_HOLDS_FACTS = re.compile(rb"^facts[ \t]*:", re.MULTILINE)
_PEEK_BYTES = 1 << 20


@dataclass
class Inventory:
    """The files of a raw/ folder, sorted by what the build does with them."""

    documents: list[Path] = field(default_factory=list)
    sheets: list[Path] = field(default_factory=list)   # <document>.facts.yaml, with or without their document
    drafts: list[Path] = field(default_factory=list)   # <document>.draft.facts.yaml: counted, not read
    problems: list[SourceError] = field(default_factory=list)
    warnings: list[SourceWarning] = field(default_factory=list)


def inventory(raw: Path) -> Inventory:
    """Sort the entries of ``raw``: documents, sheets and drafts to read, and a warning for each
    other entry (an error for one that holds facts but would not be read, such as a sheet
    named ``.yml``, and a warning for an empty sheet, whose document would build without facts).

    Names starting with a dot (editor files, .git) are passed over in silence.
    """
    out = Inventory()
    try:
        names = sorted(os.listdir(raw))
    except OSError as exc:
        raise SourceError(f"the folder cannot be read ({exc.strerror or exc})", path=str(raw)) from None
    for name in names:
        path = raw / name
        if name.startswith(".") or name == REGISTRY_FILE:
            continue
        if name.endswith(DOCUMENT_SUFFIX):
            out.documents.append(path)
        elif is_draft(path):
            out.drafts.append(path)
        elif name.endswith(SHEET_SUFFIX):
            out.sheets.append(path)
            if _is_empty_sheet(path):
                out.warnings.append(SourceWarning(
                    "the fact sheet is empty, so its document builds with no facts (write 'facts: []' "
                    "if it has none)", path=str(path)))
        else:
            _unread(path, out)
    return out


def _unread(path: Path, out: Inventory) -> None:
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        out.warnings.append(SourceWarning("a folder, not read: kg build reads only the files directly in the "
                                          "raw folder", path=str(path)))
        return
    if stat.S_ISREG(st.st_mode):
        try:
            head = _peek(path)
        except OSError:
            head = b""
        if _HOLDS_FACTS.search(head):
            out.problems.append(SourceError(
                f"holds facts but is not read: a fact sheet is named <document>{SHEET_SUFFIX}"
                f" (rename it {_sheet_name_for(path.name)})", path=str(path)))
            return
    out.warnings.append(SourceWarning(
        f"not read: documents end in {DOCUMENT_SUFFIX}, fact sheets in {SHEET_SUFFIX}, and the registry is "
        f"{REGISTRY_FILE}", path=str(path)))


def _peek(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return os.read(fd, _PEEK_BYTES)
    finally:
        os.close(fd)


def _sheet_name_for(name: str) -> str:
    stem = name
    for suffix in (".facts.yml", ".facts.YAML", ".facts.YML", ".yml", ".yaml", ".YAML", ".YML"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    stem = stem.removesuffix(".facts")
    return stem + SHEET_SUFFIX


def _is_empty_sheet(path: Path) -> bool:
    """Whether a sheet holds nothing but white space and comments (a file truncated to nothing)."""
    try:
        st = os.stat(path)
    except OSError:
        return False  # the read reports it
    if not stat.S_ISREG(st.st_mode) or st.st_size > 4096:
        return False
    try:
        text = read_source(path)
    except SourceError:
        return False
    return all(not line.strip() or line.lstrip().startswith(b"#") for line in text.splitlines())
