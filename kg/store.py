"""Where queries run: the built graph in Oxigraph, on disk by default.

`kg build` leaves an Oxigraph store in build/store/ (RocksDB). Commands open
it read-only, so a query starts at once, without parsing Turtle, however large
the graph. ``Store.open(build, in_memory=True)`` instead loads the graph into
memory, which is several times faster on analytic queries over the whole
graph and costs a load of a few seconds per million triples (see
bench/README.md). rdflib's own SPARQL engine is not used: it compares
xsd:gYear and xsd:gYearMonth wrongly and slows down badly past 100k triples.
The default graph of every query is the union of all graphs.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import NotBuiltError, QueryError
from .namespaces import KGR

ONTOLOGY_GRAPH = ox.NamedNode(str(KGR["graph/ontology"]))


class Store:
    """A queryable built graph."""

    def __init__(self, oxstore: ox.Store, source: str = ""):
        self._store = oxstore
        self.source = source

    @classmethod
    def open(cls, build: str | Path = "build", *, in_memory: bool = False) -> Store:
        """Open the store `kg build` wrote into ``build``; raise NotBuiltError if there is none."""
        build = Path(build)
        path = build / "store"
        if not path.is_dir():
            raise NotBuiltError(f"no built graph in {build}/ (run `kg build` first)")
        try:
            disk = ox.Store.read_only(str(path))
        except OSError as exc:
            raise NotBuiltError(f"the store in {path} cannot be opened ({exc}); run `kg build` again") from None
        if not in_memory:
            return cls(disk, str(build))
        memory = ox.Store()
        memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
        return cls(memory, str(build))

    @classmethod
    def from_files(cls, *paths: str | Path) -> Store:
        """An in-memory store of RDF files (any format Oxigraph reads), with the ontology beside them."""
        store = ox.Store()
        for path in paths:
            store.bulk_load(path=str(path))
        store.bulk_load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
        return cls(store, ", ".join(map(str, paths)))

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def __len__(self) -> int:
        return len(self._store)

    def query(self, sparql: str):
        """Run SPARQL over the union of all graphs; return pyoxigraph's result."""
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None
