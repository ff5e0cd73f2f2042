"""Writing RDF to files and streams: deterministic, and atomic on disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from .namespaces import PREFIXES

# Formats by the name users give them, with rdflib's name and whether it keeps
# named graphs.
FORMATS = {
    "ttl": ("turtle", False), "turtle": ("turtle", False),
    "nt": ("nt", False), "ntriples": ("nt", False),
    "jsonld": ("json-ld", True), "json-ld": ("json-ld", True),
    "trig": ("trig", True), "nq": ("nquads", True), "nquads": ("nquads", True),
    "xml": ("xml", False), "rdfxml": ("xml", False),
}


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _bind(g) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


def _sorted_lines(text: str) -> str:
    lines = sorted(set(line for line in text.splitlines() if line.strip()))
    return "\n".join(lines) + ("\n" if lines else "")


def serialize(ds: Dataset, fmt: str) -> str:
    """Serialize a dataset in one of FORMATS. Graph-less formats get the union.

    Output is deterministic for the same dataset: line formats are sorted, and
    rdflib's Turtle and TriG writers sort subjects and predicates.
    """
    name, keeps_graphs = FORMATS[fmt]
    if name == "trig":
        return _trig(ds)
    if keeps_graphs:
        target = ds
        _bind(target)
    else:
        target = Graph()
        _bind(target)
        for s, p, o, _ in ds.quads((None, None, None, None)):
            target.add((s, p, o))
    if name == "json-ld":
        context = {p: str(ns) for p, ns in PREFIXES.items()}
        return target.serialize(format="json-ld", context=context, indent=2, sort_keys=True)
    text = target.serialize(format=name)
    if name in ("nt", "nquads"):
        text = _sorted_lines(text)
    return text


def _trig(ds: Dataset) -> str:
    """TriG with graphs in IRI order, each written by the (sorting) Turtle writer.

    rdflib's own TriG writer orders graphs by chance, so equal datasets could
    give different bytes.
    """
    header: dict[str, str] = {}
    blocks = []
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(ctx) == 0:
            continue
        g = Graph()
        _bind(g)
        for triple in ctx:
            g.add(triple)
        text = g.serialize(format="turtle")
        # rdflib writes every @prefix line first; the rest is kept verbatim,
        # since a multi-line literal must not be re-indented.
        lines = text.split("\n")
        n = 0
        while n < len(lines) and (lines[n].startswith("@prefix") or not lines[n].strip()):
            if lines[n].startswith("@prefix"):
                header[lines[n]] = lines[n]
            n += 1
        body = "\n".join(lines[n:]).rstrip("\n")
        blocks.append(f"<{ctx.identifier}> {{\n{body}\n}}\n")
    return "\n".join(sorted(header)) + "\n\n" + "\n".join(blocks)


def write_dataset_files(ds: Dataset, out: Path, extra: dict[str, str]) -> list[Path]:
    """Write kg.ttl, kg.trig and ``extra`` files into ``out``, each atomically.

    Everything is serialized in memory first, so a failure leaves ``out`` as it was.
    """
    payload = {"kg.ttl": serialize(ds, "ttl"), "kg.trig": serialize(ds, "trig"), **extra}
    written = []
    for name, text in payload.items():
        path = out / name
        atomic_write(path, text)
        written.append(path)
    return written
