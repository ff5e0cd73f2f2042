"""Any SPARQL 1.1 server as kg's store: queries, exports and `kg push`.

Teams whose graph outgrows one machine already run a triple store (Virtuoso,
GraphDB, Apache Jena Fuseki, Amazon Neptune, QLever, Oxigraph server). kg talks
to them with the standard protocols only, through the standard library's HTTP
client:

- queries: SPARQL 1.1 Protocol, as a form POST (some servers hang on
  ``application/sparql-query`` bodies), asking for JSON results or N-Triples;
- updates: SPARQL 1.1 Update as a form POST, ``INSERT DATA`` in batches
  (servers refuse large requests);
- loads, where a Graph Store Protocol URL is given: one HTTP PUT per graph.

The dataset: kg keeps one named graph per source document, plus the registry
and the ontology, and a small catalog graph that lists them with a digest of
each. Queries name those graphs as the default graph (``default-graph-uri``),
so they see the union on every server whatever its own default graph is.

`kg push` is idempotent and converges: a graph whose digest the catalog
already records is skipped, a changed one is replaced, and graphs the build no
longer has are dropped. A graph is listed as pending while it loads and gets
its digest only once complete, so after a push cut off half-way the next push
reloads that graph, or drops it if its document is gone meanwhile; queries
leave pending graphs out.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from ..core.errors import KGError, QueryError, UsageError
from ..core.namespaces import KG, KGR
from .result import QueryResult

CATALOG_GRAPH = str(KGR["graph/catalog"])
PENDING = "pending"  # the catalog's digest of a graph being loaded: reloaded, or dropped, by the next push
GENID = "https://w3id.org/bilateral-kg/.well-known/genid/"
CONFIG_FILES = ("kg.ini", ".kg.ini", "~/.config/kg/kg.ini")
ENV = {"query_url": "KG_STORE", "update_url": "KG_UPDATE_URL", "gsp_url": "KG_GSP_URL",
       "user": "KG_STORE_USER", "password": "KG_STORE_PASSWORD"}


class RemoteError(KGError):
    """The server could not be reached, refused the login, or failed a request."""


@dataclass
class RemoteConfig:
    """Where a SPARQL server takes queries, updates and (optionally) Graph Store requests."""

    query_url: str
    update_url: str | None = None
    gsp_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 60.0
    batch: int = 1000  # triples per INSERT DATA; Virtuoso refuses much more

    def __post_init__(self) -> None:
        for name in ("query_url", "update_url", "gsp_url"):
            url = getattr(self, name)
            if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise UsageError(f"{name.replace('_', ' ')} must be an http(s) URL, not {url!r}")
        self.update_url = self.update_url or self.query_url

    @classmethod
    def resolve(cls, query_url: str | None = None, **options) -> RemoteConfig | None:
        """Settings from arguments, else the environment, else a kg.ini file; None if no store is set.

        kg.ini (in the working folder, or ~/.config/kg/kg.ini):

            [store]
            query_url = http://127.0.0.1:7878/query
            update_url = http://127.0.0.1:7878/update
            gsp_url = http://127.0.0.1:7878/store
            user = analyst          ; the password is best left to KG_STORE_PASSWORD
        """
        values = {"query_url": query_url, **{k: v for k, v in options.items() if v is not None}}
        for key, env in ENV.items():
            if not values.get(key) and os.environ.get(env):
                values[key] = os.environ[env]
        if not values.get("query_url"):
            for name in CONFIG_FILES:
                path = Path(name).expanduser()
                if path.is_file():
                    parser = configparser.ConfigParser()
                    parser.read(path, encoding="utf-8")
                    if parser.has_section("store"):
                        for key in ENV:
                            if not values.get(key) and parser.has_option("store", key) and parser.get("store", key):
                                values[key] = parser.get("store", key)
                    break
        if not values.get("query_url"):
            return None
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


class RemoteStore:
    """A SPARQL 1.1 server, used the way kg uses its embedded store."""

    def __init__(self, config: RemoteConfig, opener: Callable | None = None):
        self.config = config
        self.source = config.query_url
        self._open = opener or urllib.request.urlopen
        self._graphs: list[str] | None = None

    # ------------------------------------------------------------ HTTP
    def _request(self, url: str, data: bytes | None = None, headers: dict | None = None,
                 method: str | None = None) -> tuple[bytes, str]:
        headers = dict(headers or {})
        if self.config.user:
            token = base64.b64encode(f"{self.config.user}:{self.config.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self._open(request, timeout=self.config.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()
            if exc.code in (401, 403):
                raise RemoteError(f"{url} refused the request ({exc.code} {exc.reason}): check the user and "
                                  "password (KG_STORE_USER, KG_STORE_PASSWORD) and the account's rights") from None
            if exc.code == 400:
                raise QueryError(f"the server rejected the request: {_first_lines(body)}") from None
            raise RemoteError(f"{url} answered {exc.code} {exc.reason}: {_first_lines(body)}") from None
        except urllib.error.URLError as exc:
            raise RemoteError(f"cannot reach the SPARQL server at {url}: {exc.reason}") from None
        except (socket.timeout, TimeoutError):
            raise RemoteError(f"{url} did not answer within {self.config.timeout:.0f} s") from None
        except (ConnectionError, OSError) as exc:
            raise RemoteError(f"the connection to {url} failed: {exc}") from None

    def _form(self, url: str, fields: list[tuple[str, str]], accept: str) -> tuple[bytes, str]:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        return self._request(url, body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                         "Accept": accept}, "POST")

    # ------------------------------------------------------------ queries
    def graphs(self) -> list[str]:
        """The graphs kg pushed, as the catalog lists them (not those a push left half-loaded); empty
        where there is no catalog (a `kg serve` endpoint, or a store filled by other means), whose own
        default graph is used."""
        if self._graphs is None:
            self._graphs = sorted(g for g, digest in self.catalog().items() if digest != PENDING)
        return self._graphs

    def execute(self, sparql: str):
        """Run a query over the union of kg's graphs; return a QueryResult."""
        fields = [("query", sparql)] + [("default-graph-uri", g) for g in self.graphs()]
        body, ctype = self._form(self.config.query_url, fields,
                                 "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8")
        ctype = ctype.split(";")[0].strip().lower()
        if ctype in ("application/sparql-results+json", "application/json"):
            return QueryResult.from_sparql_json(json.loads(body))
        fmt = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}.get(ctype)
        if fmt is None:
            raise RemoteError(f"{self.config.query_url} answered in {ctype or 'an unknown format'}")
        return QueryResult.from_triples(ox.parse(body, format=fmt))

    def quads(self) -> Iterable[ox.Quad]:
        """Every quad of kg's data graphs (not the ontology or the catalog), graph by graph;
        without a catalog, the triples of the server's default graph."""
        if not self.graphs():
            body, _ = self._form(self.config.query_url, [("query", "CONSTRUCT WHERE { ?s ?p ?o }")],
                                 "application/n-triples")
            for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
            return
        for g in self.graphs():
            if g == str(KGR["graph/ontology"]):
                continue
            body, _ = self._form(self.config.query_url, [
                ("query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")],
                "application/n-triples")
            graph = ox.NamedNode(g)
            for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, graph)

    # ------------------------------------------------------------ updates
    def update(self, sparql: str) -> None:
        self._form(self.config.update_url or self.config.query_url, [("update", sparql)], "*/*")

    def catalog(self) -> dict[str, str]:
        """Graph IRI -> digest, as the server's catalog records them (empty for a new server)."""
        body, _ = self._form(self.config.query_url, [
            ("query", f"SELECT ?g ?d WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ ?g <{KG}digest> ?d }} }}")],
            "application/sparql-results+json")
        return {r["g"]["value"]: r["d"]["value"] for r in json.loads(body)["results"]["bindings"]}

    def replace_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``: a Graph Store PUT, else DROP and INSERT DATA batches."""
        if self.config.gsp_url:
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            sep = "&" if "?" in self.config.gsp_url else "?"
            self._request(f"{self.config.gsp_url}{sep}graph={urllib.parse.quote(graph, safe='')}", data,
                          {"Content-Type": "application/n-triples"}, "PUT")
            return
        self.update(f"DROP SILENT GRAPH <{graph}>")
        for start in range(0, len(triples), self.config.batch):
            chunk = ox.serialize(triples[start:start + self.config.batch], format=ox.RdfFormat.N_TRIPLES) or b""
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{chunk.decode('utf-8')}}} }}")

    def record(self, graph: str, digest: str | None) -> None:
        """Write (or, with None, remove) a graph's catalog entry, in one request: the old entry
        is never gone before the new one is there."""
        update = f"DELETE WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ <{graph}> <{KG}digest> ?d }} }}"
        if digest is not None:
            update += f' ;\nINSERT DATA {{ GRAPH <{CATALOG_GRAPH}> {{ <{graph}> <{KG}digest> "{digest}" }} }}'
        self.update(update)
        self._graphs = None


def _first_lines(text: str, n: int = 3) -> str:
    return " ".join(text.splitlines()[:n])[:400] or "(no message)"


def _skolemize(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Blank nodes as IRIs named by their content, so a graph sent in batches keeps its
    structure and the same graph always gets the same IRIs (and digest).

    kg's blank nodes (the ontology's shortcut declarations) form trees: each is
    named by a digest of its own triples, nested nodes first.
    """
    out_edges: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            out_edges.setdefault(t.subject.value, []).append(t)
    names: dict[str, str] = {}

    def name(node: ox.BlankNode, depth: int = 0) -> str:
        if node.value not in names:
            if depth > 50:
                raise RemoteError("a graph with cyclic blank nodes cannot be pushed")
            parts = sorted(f"{t.predicate} {name(t.object, depth + 1) if isinstance(t.object, ox.BlankNode) else t.object}"
                           for t in out_edges.get(node.value, []))
            names[node.value] = GENID + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]
        return names[node.value]

    def fix(term):
        return ox.NamedNode(name(term)) if isinstance(term, ox.BlankNode) else term

    return sorted({ox.Triple(fix(t.subject), t.predicate, fix(t.object)) for t in triples}, key=str)


@dataclass
class PushReport:
    pushed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    triples: int = 0


def push(build: str | Path, remote: RemoteStore, *, progress: Callable[[str], None] | None = None) -> PushReport:
    """Load a build's graphs into the server: one named graph per document, the registry and the ontology.

    Graphs the server already holds with the same digest are skipped; graphs no
    longer in the build are dropped. Safe to run again after a failure.
    """
    from .local import Store

    local = Store.open(build).oxigraph
    wanted: dict[str, str] = {}
    contents: dict[str, list[ox.Triple]] = {}
    for g in sorted(local.named_graphs(), key=lambda g: g.value):
        triples = _skolemize([q.triple for q in local.quads_for_pattern(None, None, None, g)])
        digest = hashlib.sha256("\n".join(map(str, triples)).encode("utf-8")).hexdigest()[:32]
        wanted[g.value] = digest
        contents[g.value] = triples
    have = remote.catalog()
    report = PushReport()
    for graph, digest in wanted.items():
        if have.get(graph) == digest:
            report.unchanged.append(graph)
            continue
        if progress:
            progress(graph)
        triples = contents[graph]
        # Listed as pending while it loads: a push cut off here leaves an entry the next push
        # finds, and reloads the graph or, if the build no longer has it, drops it.
        remote.record(graph, PENDING)
        remote.replace_graph(graph, triples)
        remote.record(graph, digest)
        report.pushed.append(graph)
        report.triples += len(triples)
    for graph in sorted(set(have) - set(wanted)):
        remote.update(f"DROP SILENT GRAPH <{graph}>")
        remote.record(graph, None)
        report.removed.append(graph)
    return report

