"""Every output format kg writes, in one table: its name, what it holds, its media type.

`kg query`, `kg export`, `kg timeline`, `kg analyze` and kg serve take their
choices from here, and the writers (kg.core.serialize, kg.sparql.results,
kg.views.network, kg.render.timeline) check names against it.

Kinds: ``results`` (SELECT/ASK solutions), ``rdf`` (triples or quads),
``network`` (nodes and edges for Gephi), ``timeline``, ``analysis`` and ``draft`` (kg extract).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    kind: str
    name: str
    media_type: str
    description: str
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None  # for kind "rdf": Oxigraph's format
    quads: bool = False  # for kind "rdf": keeps one named graph per source document
    query: bool = True  # `kg query` may write a CONSTRUCT/DESCRIBE result in it (kind "rdf")


TABLE: tuple[Format, ...] = (
    Format("results", "table", "text/plain; charset=utf-8", "a text table for people", ("text", "txt")),
    Format("results", "csv", "text/csv; charset=utf-8", "CSV (SPARQL 1.1 results)"),
    Format("results", "tsv", "text/tab-separated-values; charset=utf-8", "TSV (SPARQL 1.1 results)"),
    Format("results", "json", "application/sparql-results+json", "SPARQL 1.1 results JSON", ("srj",)),
    Format("results", "xml", "application/sparql-results+xml", "SPARQL 1.1 results XML", ("srx",)),
    Format("rdf", "ttl", "text/turtle; charset=utf-8", "Turtle", ("turtle",), ox.RdfFormat.TURTLE),
    Format("rdf", "nt", "application/n-triples", "N-Triples", ("ntriples", "n-triples"), ox.RdfFormat.N_TRIPLES),
    Format("rdf", "jsonld", "application/ld+json", "JSON-LD", ("json-ld",), ox.RdfFormat.JSON_LD, quads=True),
    Format("rdf", "trig", "application/trig; charset=utf-8", "TriG", (), ox.RdfFormat.TRIG, quads=True),
    Format("rdf", "xml", "application/rdf+xml", "RDF/XML", ("rdfxml", "rdf"), ox.RdfFormat.RDF_XML),
    Format("rdf", "nq", "application/n-quads", "N-Quads", ("nquads",), ox.RdfFormat.N_QUADS, quads=True,
           query=False),
    Format("network", "graphml", "application/graphml+xml", "GraphML"),
    Format("network", "gexf", "application/gexf+xml", "GEXF"),
    Format("network", "csv", "text/csv; charset=utf-8", "nodes.csv and edges.csv"),
    Format("timeline", "table", "text/plain; charset=utf-8", "a text table for people"),
    Format("timeline", "csv", "text/csv; charset=utf-8", "CSV"),
    Format("timeline", "json", "application/json", "JSON"),
    Format("analysis", "table", "text/plain; charset=utf-8", "text tables for people"),
    Format("analysis", "json", "application/json", "JSON"),
    Format("draft", "yaml", "application/yaml", "a fact sheet to review (kg extract)"),
    Format("draft", "json", "application/json", "JSON (kg extract)"),
)


def names(kind: str, query_only: bool = False) -> tuple[str, ...]:
    """The names of the formats of a kind, in the table's order."""
    return tuple(f.name for f in TABLE if f.kind == kind and (f.query or not query_only))


def find(kind: str, name: str) -> Format | None:
    """The format of ``kind`` called ``name`` or one of its aliases."""
    for f in TABLE:
        if f.kind == kind and (name == f.name or name in f.aliases):
            return f
    return None
