"""`kg export`: the built graph in the RDF format a user asks for."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import BinaryIO

from .errors import UsageError
from .serialize import FORMATS, atomic_output, write
from .store import ONTOLOGY_GRAPH, Store

EXPORT_FORMATS = ("ttl", "nt", "jsonld", "trig", "xml", "nq")


def export(fmt: str = "ttl", build: str | Path | Store = "build", out: str | Path | BinaryIO | None = None,
           *, with_ontology: bool = False) -> bytes | None:
    """Write the built graph in ``fmt`` to ``out``: a path (replaced atomically), a binary stream,
    or None to return the bytes.

    TriG, N-Quads and JSON-LD keep one named graph per source document; Turtle,
    N-Triples and RDF/XML carry the union.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    store = build if isinstance(build, Store) else Store.open(build)
    exclude = [] if with_ontology else [ONTOLOGY_GRAPH]
    if out is None:
        buffer = io.BytesIO()
        write(store.oxigraph, fmt, buffer, exclude)
        return buffer.getvalue()
    if isinstance(out, (str, Path)):
        with atomic_output(Path(out)) as fh:
            write(store.oxigraph, fmt, fh, exclude)
        return None
    write(store.oxigraph, fmt, out, exclude)
    return None


def load_dataset(build: str | Path = "build"):
    """The built graph as an rdflib Dataset (one graph per document, and the registry), for notebooks."""
    from rdflib import Dataset

    store = build if isinstance(build, Store) else Store.open(build)
    buffer = io.BytesIO()
    write(store.oxigraph, "nq", buffer, [ONTOLOGY_GRAPH])
    ds = Dataset()
    ds.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    return ds
