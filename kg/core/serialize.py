"""Writing the graph out of a store: to files (atomically) or to streams.

Everything is written by Oxigraph's serializers, straight from the store, so
that a graph of millions of triples streams out without becoming Python
objects. Output from an on-disk store is deterministic: Oxigraph keeps its
indexes ordered by the content of the terms, so equal graphs give equal bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox

from . import formats
from .namespaces import KGR, PREFIXES

# Extra prefixes for output only, so that fact and document IRIs read short.
OUTPUT_PREFIXES = {**{p: str(ns) for p, ns in PREFIXES.items()},
                   "fact": str(KGR) + "fact/", "doc": str(KGR) + "doc/", "graph": str(KGR) + "graph/"}

# RDF formats by every name users give them (kg.core.formats): Oxigraph's format, and
# whether it keeps named graphs.
FORMATS = {name: (f.rdf, f.quads) for f in formats.TABLE if f.kind == "rdf" for name in (f.name, *f.aliases)}


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader sees the old file or the new, never half."""
    with atomic_output(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


class atomic_output:
    """A binary file handle whose content replaces ``path`` only if the block ends without error."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self) -> BinaryIO:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self.fh = os.fdopen(fd, "wb")
        return self.fh

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.fh.flush()
                os.fsync(self.fh.fileno())
            self.fh.close()
            if exc_type is None:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.tmp, 0o666 & ~umask)
                os.replace(self.tmp, self.path)
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


def data_graphs(store: ox.Store, exclude: Iterable[ox.NamedNode] = ()) -> list[ox.NamedNode]:
    """The store's named graphs in IRI order, less ``exclude``."""
    skip = {g.value for g in exclude}
    return sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in skip),
                  key=lambda g: g.value)


def union_triples(store: ox.Store, graphs: list[ox.NamedNode]):
    """Each triple of the given graphs once (a fact stated by two documents is in both)."""
    values = " ".join(f"<{g.value}>" for g in graphs)
    return store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
                       f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }}")


def _strip_prefix_lines(data: bytes) -> bytes:
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and (lines[n].startswith(b"@prefix") or not lines[n].strip()):
        n += 1
    return b"\n".join(lines[n:]).rstrip(b"\n")


def write_trig(store: ox.Store, out: BinaryIO, graphs: list[ox.NamedNode]) -> None:
    """TriG with one block per graph, in IRI order, and the prefixes declared once."""
    out.write(b"".join(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in OUTPUT_PREFIXES.items()))
    for g in graphs:
        body = store.dump(format=ox.RdfFormat.TURTLE, from_graph=g, prefixes=OUTPUT_PREFIXES)
        out.write(f"\n<{g.value}> {{\n".encode() + _strip_prefix_lines(body or b"") + b"\n}\n")


def write(store: ox.Store, fmt: str, out: BinaryIO, exclude: Iterable[ox.NamedNode] = ()) -> None:
    """Write the store's data graphs in ``fmt`` (a key of FORMATS) to a binary stream.

    Quad formats keep one named graph per document; triple formats carry their union.
    """
    oxfmt, keeps_graphs = FORMATS[fmt]
    graphs = data_graphs(store, exclude)
    if oxfmt == ox.RdfFormat.TRIG:
        write_trig(store, out, graphs)
    elif keeps_graphs:
        quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
        ox.serialize(quads, out, oxfmt, prefixes=OUTPUT_PREFIXES)
    else:
        ox.serialize(union_triples(store, graphs), out, oxfmt, prefixes=OUTPUT_PREFIXES)


def write_store_files(store: ox.Store, out: Path, exclude: Iterable[ox.NamedNode] = ()) -> list[Path]:
    """Write kg.ttl and kg.trig from the store into ``out``, each atomically."""
    written = []
    for name, fmt in (("kg.ttl", "ttl"), ("kg.trig", "trig")):
        with atomic_output(out / name) as fh:
            write(store, fmt, fh, exclude)
        written.append(out / name)
    return written
