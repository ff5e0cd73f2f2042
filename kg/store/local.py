"""Where queries run: the built graph in Oxigraph, on disk by default.

`kg build` leaves an Oxigraph store (RocksDB) in the build's folder
(kg.store.publish). Queries on the on-disk store start at once however large the
graph, but run several times slower than in memory (bench/README.md); copying
the graph into memory first costs about a second per 100k triples. So a small
graph (up to IN_MEMORY_MAX_TRIPLES) is queried in memory, a larger one on disk,
unless the caller (or KG_IN_MEMORY, or `--in-memory/--on-disk`) says otherwise.
rdflib's own SPARQL engine is not used: it compares xsd:gYear and
xsd:gYearMonth wrongly and slows down badly past 100k triples.

The default graph of every query is the union of all graphs: one per source
document, the registry, the grades and the ontology. Oxigraph computes that union
pattern by pattern, which at 1M triples in ~520 graphs makes a named query up to
1.55x slower than the same triples in one graph (bench/README.md). So a store in
memory keeps, beside its graphs, a copy with every triple once in the default
graph (made on first use: 4-8 s and ~0.7x the graphs' memory at 1M), and a query
that names no graph (no GRAPH, FROM or FROM NAMED; kg.sparql.lexer.names_graphs
tells) runs on that copy, without the union. Its answers are the union's, except
that a triple stated by several documents is met once, not once per document. A
query that names graphs runs on the graphs themselves, and so does every query on
the disk, where a copy would cost what the disk saves.
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pyoxigraph as ox

from ..core import resources
from ..core.errors import NotBuiltError, QueryError
from ..core.namespaces import KGR
from .result import QueryResult

ONTOLOGY_GRAPH = ox.NamedNode(str(KGR["graph/ontology"]))
# Graphs up to this many triples are copied into memory for a one-off command; larger ones are
# queried on disk. Measured (bench/README.md, bench_build.py): the copy costs 1-2.8 s per 100k
# triples, more than a named query on disk takes at that size; at 20k it is about 0.2-0.5 s.
IN_MEMORY_MAX_TRIPLES = 20_000
# A long-lived process (kg serve) copies once and answers many queries, several times faster in
# memory: up to about 1.5M triples (what the 64 MB of TriG of earlier versions held, ~1 GB a copy).
LONG_LIVED_IN_MEMORY_MAX_TRIPLES = 1_500_000
NAMES_FILE = "names.json"  # the build's index of entity names (kg.sparql.named.name_lookup_data)


def _triples(folder: Path) -> int:
    import json

    try:
        return int(json.loads((folder / "summary.json").read_text(encoding="utf-8"))["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


class _Concatenated(io.RawIOBase):
    """The byte strings ``parts`` yields, read as one stream (so one parse, with no copy of them all)."""

    def __init__(self, parts):
        self._parts = iter(parts)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._parts, None)
            if self._pending is None:
                self._pending = b""
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def union_copy(store: ox.Store) -> ox.Store:
    """A new in-memory store holding every triple of every graph of ``store`` once, in its default graph.

    The graphs are read one at a time as N-Triples and parsed as one document, so a blank
    node shared by two graphs stays one blank node (under a new label). They are read in IRI
    order: the engine gives rows in an order that follows what was loaded first (GROUP_CONCAT
    joins in it), and a store in memory lists its graphs in no set order.
    """
    graphs = [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]
    parts = (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in graphs)
    copy = ox.Store()
    copy.bulk_load(io.BufferedReader(_Concatenated(parts), 1 << 20), format=ox.RdfFormat.N_TRIPLES)
    return copy


class Store:
    """A queryable built graph."""

    def __init__(self, oxstore: ox.Store, source: str = "", folder: Path | None = None, *,
                 in_memory: bool = False):
        self._store = oxstore
        self.source = source
        self.folder = folder  # the published build's folder, when opened from one
        self._names = None
        # In memory, queries that name no graph run on a copy with the union in its default graph
        # (made on first use): see the module's docstring.
        self.in_memory = in_memory
        self._union: ox.Store | None = None
        self._union_lock = threading.Lock()

    def name_lookup(self):
        """The build's index of entity names (names.json, written by `kg build`) as (exact, index):
        a dict of names as written (lower-cased) to entity IRIs, and a kg.sources.names.NameIndex;
        None where the build has none."""
        if self._names is None and self.folder is not None:
            import json

            from ..sources.names import NameIndex

            try:
                data = json.loads((self.folder / NAMES_FILE).read_text(encoding="utf-8"))
                self._names = (data["exact"], NameIndex.from_json(data["index"]))
            except (OSError, ValueError, KeyError, TypeError):
                self._names = None
        return self._names

    @classmethod
    def open(cls, build: str | Path = "build", *, in_memory: bool | None = None, long_lived: bool = False) -> Store:
        """Open the graph `kg build` published in ``build``; raise NotBuiltError if there is none.

        The build's folder is resolved once (kg.store.publish.current), so the store
        and the files read belong to the same build even while a new one is
        being published. ``in_memory``: True copies the graph into memory
        (from kg.trig if the build has it, else from the store), False queries
        the on-disk store directly, and None (the default, or the KG_IN_MEMORY
        setting) chooses memory for graphs up to IN_MEMORY_MAX_TRIPLES and the
        disk above; for a ``long_lived`` process (kg serve), which pays for the
        copy once and then answers many queries, up to LONG_LIVED_IN_MEMORY_MAX_TRIPLES.
        """
        from .publish import current

        build = Path(build)
        folder = current(build)
        path = folder / "store" if folder is not None else build / "store"
        if folder is None or not path.is_dir():
            raise NotBuiltError(f"no built graph in {build}/ (run `kg build` first)")
        if in_memory is None:
            setting = os.environ.get("KG_IN_MEMORY", "").strip().lower()
            limit = LONG_LIVED_IN_MEMORY_MAX_TRIPLES if long_lived else IN_MEMORY_MAX_TRIPLES
            in_memory = setting in ("1", "true", "yes") if setting else _triples(folder) <= limit
        try:
            disk = ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB found it corrupted
            raise NotBuiltError(f"the store in {path} cannot be opened ({exc}); run `kg build` again") from None
        if not in_memory:
            return cls(disk, str(build), folder)
        memory = ox.Store()
        trig = folder / "kg.trig"
        try:
            if trig.is_file():  # the parser is faster than a copy out of RocksDB
                memory.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
                memory.bulk_load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE,
                                 to_graph=ONTOLOGY_GRAPH)
            else:
                memory.bulk_extend(disk)
        except (SyntaxError, ValueError, OSError) as exc:
            raise NotBuiltError(f"the graph in {folder} cannot be read ({exc}); run `kg build` again") from None
        return cls(memory, str(build), folder, in_memory=True)

    @classmethod
    def from_files(cls, *paths: str | Path) -> Store:
        """An in-memory store of RDF files (any format Oxigraph reads), with the ontology beside them."""
        store = ox.Store()
        for path in paths:
            store.bulk_load(path=str(path))
        store.bulk_load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
        return cls(store, ", ".join(map(str, paths)), in_memory=True)

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store with the graphs (one per document...); query it with
        ``use_default_graph_as_union=True`` for the union, as ``query`` does."""
        return self._store

    def union(self) -> ox.Store | None:
        """The in-memory copy with every triple once in its default graph (made now if not yet:
        ~5 s at 1M triples), or None for a store on disk."""
        if not self.in_memory:
            return None
        with self._union_lock:
            if self._union is None:
                self._union = union_copy(self._store)
            return self._union

    def __len__(self) -> int:
        return len(self._store)

    def execute(self, sparql: str, *, names_graphs: bool = True, declares_dataset: bool = False):
        """Run a query over the union of all graphs; return a QueryResult (the keywords as for ``query``)."""
        result = self.query(sparql, names_graphs=names_graphs, declares_dataset=declares_dataset)
        try:
            return QueryResult.from_oxigraph(result)
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def query(self, sparql: str, *, names_graphs: bool = True, declares_dataset: bool = False):
        """Run SPARQL over the union of all graphs; return pyoxigraph's result.

        What the query says of graphs, as kg.sparql.lexer finds it, picks where it runs:
        ``names_graphs=False`` (no GRAPH, FROM or FROM NAMED) on the union copy when in memory,
        where a triple several documents state is met once; ``declares_dataset`` (FROM or FROM
        NAMED) on the graphs, with the dataset the query declares; else (the default) on the
        graphs, with their union as the default graph.
        """
        union = None if names_graphs else self.union()
        try:
            if union is not None:
                return union.query(sparql)
            if declares_dataset:
                return self._store.query(sparql)
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from None
