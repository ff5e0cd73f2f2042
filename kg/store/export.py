"""`kg export`: the built graph in the RDF format a user asks for."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..core.errors import NotBuiltError, UsageError
from ..core import formats
from ..core.serialize import FORMATS, atomic_output, write
from .local import ONTOLOGY_GRAPH, Store

EXPORT_FORMATS = formats.names("rdf")


def export(fmt: str = "ttl", build="build", out: str | Path | BinaryIO | None = None,
           *, with_ontology: bool = False) -> bytes | None:
    """Write the graph in ``fmt`` to ``out``: a path (replaced atomically), a binary stream, or None
    to return the bytes. ``build`` is a build folder, a Store or a kg.remote.RemoteStore.

    TriG, N-Quads and JSON-LD keep one named graph per source document; Turtle,
    N-Triples and RDF/XML carry the union.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    store = _oxigraph(build)
    exclude = [] if with_ontology else [ONTOLOGY_GRAPH]
    if out is None:
        buffer = io.BytesIO()
        write(store, fmt, buffer, exclude)
        return buffer.getvalue()
    if isinstance(out, (str, Path)):
        with atomic_output(Path(out)) as fh:
            write(store, fmt, fh, exclude)
        return None
    write(store, fmt, out, exclude)
    return None


def _oxigraph(source) -> ox.Store:
    """The Oxigraph store to write from: a build's, or a copy of what a SPARQL server holds."""
    # The build's canonical order (that of kg.ttl and kg.trig) is the on-disk store's, which depends
    # on the content alone; a copy in memory orders the same triples differently. So read the disk.
    if isinstance(source, (str, Path)):
        return Store.open(source, in_memory=False).oxigraph
    if isinstance(source, Store):
        if source.source and Path(source.source).is_dir():
            try:
                return Store.open(source.source, in_memory=False).oxigraph
            except NotBuiltError:
                pass
        return source.oxigraph
    copy = ox.Store()  # a kg.remote.RemoteStore: its graphs, fetched one by one
    copy.bulk_extend(source.quads())
    return copy


def load_dataset(build: str | Path = "build"):
    """The built graph as an rdflib Dataset (one graph per document, and the registry), for notebooks."""
    from rdflib import Dataset

    buffer = io.BytesIO()
    write(_oxigraph(build), "nq", buffer, [ONTOLOGY_GRAPH])
    ds = Dataset()
    ds.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    return ds


def export_rdf(fmt: str, source, output: str | Path | None = None, *, with_ontology: bool = False) -> list[Path]:
    """`kg export`'s RDF half: write ``fmt`` to the file ``output`` (replaced atomically), or to standard
    output as bytes when None. Returns the files written."""
    if output is not None and Path(output).is_dir():
        raise UsageError(f"-o {output} is a folder; --format {fmt} writes one file")
    if output is not None:
        export(fmt, source, output, with_ontology=with_ontology)
        return [Path(output)]
    sys.stdout.flush()
    stdout = sys.stdout.buffer  # RDF is bytes, written as Oxigraph serializes it
    export(fmt, source, stdout, with_ontology=with_ontology)
    stdout.flush()
    return []
