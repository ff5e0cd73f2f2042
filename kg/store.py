"""Where queries run: the built graph in an engine that compares dates correctly.

rdflib's own SPARQL engine compares xsd:gYear and xsd:gYearMonth wrongly and
slows down badly past 100k triples, so queries run on Oxigraph (pyoxigraph),
in memory, loaded from build/kg.trig with the ontology beside it. The default
graph of every query is the union of all graphs.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import NotBuiltError, QueryError
from .namespaces import KGR

ONTOLOGY_GRAPH = ox.NamedNode(str(KGR["graph/ontology"]))


class Store:
    """A queryable copy of a build folder."""

    def __init__(self, oxstore: ox.Store, source: str = ""):
        self._store = oxstore
        self.source = source

    @classmethod
    def open(cls, build: str | Path = "build") -> Store:
        build = Path(build)
        trig = build / "kg.trig"
        if not trig.is_file():
            raise NotBuiltError(f"no built graph in {build}/ (run `kg build` first)")
        store = ox.Store()
        try:
            store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
            store.bulk_load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE,
                            to_graph=ONTOLOGY_GRAPH)
        except (SyntaxError, ValueError) as exc:
            raise NotBuiltError(f"{trig} cannot be read ({exc}); run `kg build` again") from None
        return cls(store, str(build))

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

    def quads(self):
        return self._store.quads_for_pattern(None, None, None, None)
