"""`kg export`: the built graph in the RDF format a user asks for."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from rdflib import Dataset

from . import resources
from .errors import NotBuiltError, UsageError
from .namespaces import KGR
from .serialize import FORMATS, atomic_write, serialize

EXPORT_FORMATS = ("ttl", "nt", "jsonld", "trig", "xml", "nq")


def load_dataset(build: str | Path = "build", *, with_ontology: bool = False) -> Dataset:
    """Read a build folder's kg.trig back into an rdflib Dataset."""
    trig = Path(build) / "kg.trig"
    if not trig.is_file():
        raise NotBuiltError(f"no built graph in {build}/ (run `kg build` first)")
    ds = Dataset()
    ds.parse(trig, format="trig")
    if with_ontology:
        ds.graph(KGR["graph/ontology"]).parse(resources.ontology_file(), format="turtle")
    return ds


def export(fmt: str = "ttl", build: str | Path = "build", out: str | Path | TextIO | None = None,
           *, with_ontology: bool = False) -> str:
    """Serialize the built graph; write it to ``out`` (a path, atomically, or a stream) and return it.

    TriG, N-Quads and JSON-LD keep one named graph per source document; Turtle,
    N-Triples and RDF/XML carry the union.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    text = serialize(load_dataset(build, with_ontology=with_ontology), fmt)
    if isinstance(out, (str, Path)):
        atomic_write(Path(out), text)
    elif out is not None:
        out.write(text)
    return text
