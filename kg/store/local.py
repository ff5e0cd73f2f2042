"""Where queries run: the built graph in Oxigraph, on disk by default.

`kg build` leaves an Oxigraph store in build/store/ (RocksDB) and the same
graph as build/kg.trig. Queries on the on-disk store start at once however
large the graph, but run several times slower than in memory (bench/README.md);
loading kg.trig into memory costs about a second per 100k-200k triples. So a
graph up to IN_MEMORY_MAX_BYTES is queried in memory, a larger one on disk,
unless the caller (or KG_IN_MEMORY, or `--in-memory/--on-disk`) says otherwise. rdflib's own SPARQL engine is not used: it compares
xsd:gYear and xsd:gYearMonth wrongly and slows down badly past 100k triples.
The default graph of every query is the union of all graphs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from ..core import resources
from ..core.errors import NotBuiltError, QueryError
from ..core.namespaces import KGR

ONTOLOGY_GRAPH = ox.NamedNode(str(KGR["graph/ontology"]))
# Graphs up to this much TriG are loaded into memory (about a second per 50 MB, measured in
# bench/bench_store.py); queries there run several times faster than on the on-disk store.
IN_MEMORY_MAX_BYTES = 64 * 1024 * 1024


class Store:
    """A queryable built graph."""

    def __init__(self, oxstore: ox.Store, source: str = ""):
        self._store = oxstore
        self.source = source

    @classmethod
    def open(cls, build: str | Path = "build", *, in_memory: bool | None = None) -> Store:
        """Open the graph `kg build` wrote into ``build``; raise NotBuiltError if there is none.

        ``in_memory``: True loads the graph into memory (from build/kg.trig, at
        the parser's full speed), False queries the on-disk store directly, and
        None (the default, or the KG_IN_MEMORY setting) chooses memory for
        graphs up to IN_MEMORY_MAX_BYTES of TriG, where loading takes about a
        second, and the disk above.
        """
        build = Path(build)
        path, trig = build / "store", build / "kg.trig"
        if not path.is_dir() or not trig.is_file():
            raise NotBuiltError(f"no built graph in {build}/ (run `kg build` first)")
        if in_memory is None:
            setting = os.environ.get("KG_IN_MEMORY", "").strip().lower()
            in_memory = setting in ("1", "true", "yes") if setting else trig.stat().st_size <= IN_MEMORY_MAX_BYTES
        if in_memory:
            memory = ox.Store()
            try:
                memory.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
            except (SyntaxError, ValueError, OSError) as exc:
                raise NotBuiltError(f"{trig} cannot be read ({exc}); run `kg build` again") from None
            memory.bulk_load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE,
                             to_graph=ONTOLOGY_GRAPH)
            return cls(memory, str(build))
        try:
            return cls(ox.Store.read_only(str(path)), str(build))
        except OSError as exc:
            raise NotBuiltError(f"the store in {path} cannot be opened ({exc}); run `kg build` again") from None

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

    def execute(self, sparql: str):
        """Run a query over the union of all graphs; return a kg.query.QueryResult."""
        from .result import QueryResult

        result = self.query(sparql)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            try:
                rows = [[solution[v] for v in variables] for solution in result]
            except (OSError, RuntimeError, ValueError) as exc:
                raise QueryError(f"query failed: {exc}") from None
            return QueryResult("select", variables, rows)
        return QueryResult("graph", triples=list(result))

    def query(self, sparql: str):
        """Run SPARQL over the union of all graphs; return pyoxigraph's result."""
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None
