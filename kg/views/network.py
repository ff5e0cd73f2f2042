"""The graph as a network: facts projected onto networkx, and written for Gephi.

Each fact is an n-ary node in RDF. Drawn as a network, a fact between two
entities is one edge between them; a fact with one party, or with more than
two (an exercise, a conference), is either an *event* node linked to each
party by its role (``events=True``) or *folded* into one edge for each pair of
its parties (``events=False``). Where the ontology declares a shortcut for a
pair (the recipient *ordered arms from* the supplier), the edge carries that
label and direction; other pairs are labelled with the fact's type and are
undirected (``directed=False``). In folded form a fact with a single party has
no pair and is not drawn; the graph counts such facts in ``graph["not_drawn"]``.

Every node and edge attribute is a plain string, number or boolean (never
None), so the graph writes to GraphML, GEXF and CSV as it is:

- entity nodes: ``kind="entity"``, ``label``, ``entity_type``, ``type_label``,
  ``aliases`` ("; "-joined), ``country``, ``iri``, ``wikidata`` (a QID, where known);
- event nodes: ``kind="event"``, ``label``, ``fact``, ``fact_type``,
  ``type_label`` and the fact's date and source attributes;
- edges: ``kind`` ("tie", "role" or "related"), ``label``, ``relation`` (the
  predicate or role's local name), ``directed``, ``fact``, ``fact_type``,
  ``type_label``, ``date``, ``precision``, ``earliest``, ``latest``,
  ``planned``, ``quote``, ``source``, ``publisher``, ``url``.

``graph["facts"]`` maps fact ids to their ``kg.ties.Fact`` records (every
quote, with its document) for the page and for notebooks; writers leave it out.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import networkx as nx

from ..core import formats
from ..core.errors import UsageError
from ..core.serialize import atomic_write
from .ties import Fact, Pair, Ties, load_ties
from .selection import Selection, View, select

NETWORK_FORMATS = formats.names("network")
SEPARATOR = " | "


def fact_attributes(fact: Fact) -> dict[str, object]:
    """The attributes every node or edge drawn for ``fact`` carries: what it is, when,
    and where it is written (quotes, titles, publishers and links "|"-joined)."""
    attrs: dict[str, object] = {
        "fact": fact.id, "fact_type": fact.type, "type_label": fact.type_label,
        "date": fact.date, "precision": fact.precision, "planned": fact.planned, "grade": fact.grade,
        "quote": SEPARATOR.join(fact.quotes),
        "source": SEPARATOR.join(s.title for s in fact.sources),
        "publisher": SEPARATOR.join(dict.fromkeys(s.publisher for s in fact.sources if s.publisher)),
        "url": SEPARATOR.join(dict.fromkeys(s.url for s in fact.sources if s.url)),
    }
    if fact.earliest:
        attrs["earliest"] = fact.earliest.isoformat()
    if fact.latest:
        attrs["latest"] = fact.latest.isoformat()
    return attrs


def event_node(fact: Fact) -> str:
    """The node id of a fact drawn as an event (entity ids never contain '/')."""
    return "fact/" + fact.id


def _pair_edge(fact: Fact, u: str, v: str, pairs: list[Pair]) -> tuple[str, str, dict[str, object]]:
    for pair in pairs:
        if {pair.subject, pair.object} == {u, v}:
            return pair.subject, pair.object, {"label": pair.label, "relation": pair.predicate,
                                               "directed": not pair.symmetric}
    return u, v, {"label": fact.type_label, "relation": fact.type, "directed": False}


def project(selection: Selection | Ties, *, events: bool = True) -> nx.MultiDiGraph:
    """The facts of ``selection`` as a MultiDiGraph (see the module docstring for its shape).

    Deterministic: nodes and edges come in the facts' chronological order, and
    edge keys are ``<fact id>/<n>``, so parallel ties between the same pair stay
    distinct.
    """
    if isinstance(selection, Ties):
        selection = select(selection)
    ties = selection.ties
    g = nx.MultiDiGraph(title=selection.title, subtitle=selection.subtitle, events=events)
    g.graph["facts"] = ties.facts
    g.graph["focus"] = list(selection.focus)
    g.graph["fact_types"] = dict(ties.fact_types)
    g.graph["entity_types"] = dict(ties.entity_types)
    not_drawn = 0

    def add_entity(eid: str) -> None:
        if eid in g:
            return
        ent = ties.entities[eid]
        attrs: dict[str, object] = {"kind": "entity", "label": ent.name, "entity_type": ent.type,
                                    "type_label": ent.type_label, "aliases": "; ".join(ent.aliases),
                                    "iri": ent.iri}
        if ent.wikidata:
            attrs["wikidata"] = ent.wikidata
        if ent.country:
            attrs["country"] = ent.country
        g.add_node(eid, **attrs)

    deals, drawn_for_deal = _deals(ties)
    g.graph["deals"] = deals

    drawn_as_event: set[str] = set()
    for fact in ties.facts.values():
        if fact.deal and fact.id not in drawn_for_deal:
            continue
        parts = [p for p in fact.participants if p in ties.entities]
        attrs = fact_attributes(fact)
        if len(parts) == 2 or (len(parts) > 2 and not events):
            for n, (u, v) in enumerate(itertools.combinations(parts, 2)):
                src, dst, edge = _pair_edge(fact, u, v, fact.pairs)
                add_entity(src)
                add_entity(dst)
                g.add_edge(src, dst, key=f"{fact.id}/{n}", kind="tie", **edge, **attrs)
        elif parts and events:
            node = event_node(fact)
            g.add_node(node, kind="event", label=fact.label, iri=fact.iri, **attrs)
            drawn_as_event.add(fact.id)
            for n, eid in enumerate(parts):
                roles = fact.roles_of(eid)
                add_entity(eid)
                g.add_edge(node, eid, key=f"{fact.id}/{n}", kind="role", directed=True,
                           label=", ".join(dict.fromkeys(r.label for r in roles)),
                           relation=", ".join(dict.fromkeys(r.key for r in roles)), **attrs)
        elif events and any(other in ties.facts for other, _ in fact.related):
            drawn_as_event.add(fact.id)  # no party, but it hangs on an event drawn beside it
            g.add_node(event_node(fact), kind="event", label=fact.label, iri=fact.iri, **attrs)
        else:
            not_drawn += 1
    if events:
        for fact in ties.facts.values():
            for other, relation in fact.related:
                if fact.id in drawn_as_event and other in drawn_as_event:
                    g.add_edge(event_node(fact), event_node(ties.facts[other]), key=f"{fact.id}/related/{other}",
                               kind="related", label=relation, relation=relation.replace(" ", "_"),
                               directed=True, **fact_attributes(fact))
    # An event that hangs on nothing drawn (its related fact was filtered out) goes too.
    for node in [n for n, d in g.nodes(data=True) if d["kind"] == "event" and g.degree(n) == 0]:
        g.remove_node(node)
        not_drawn += 1
    g.graph["not_drawn"] = not_drawn
    return g


def _deals(ties: Ties) -> tuple[dict[str, list[str]], set[str]]:
    """The facts of each arms deal, and the one fact each deal is drawn by.

    A deal is drawn once, by its furthest stage (the last in date order among the most
    advanced); its other stages are listed with it (g.graph["deals"]), not drawn apart."""
    deals: dict[str, list[str]] = {}
    for fact in ties.facts.values():
        if fact.deal:
            deals.setdefault(fact.deal, []).append(fact.id)
    order = {"announced": 1, "negotiated": 2, "ordered": 3, "delivered": 4, "in service": 5}
    position = {fid: i for i, fid in enumerate(ties.facts)}
    drawn = {max(ids, key=lambda i: (order.get(ties.facts[i].stage, 0) * (not ties.facts[i].planned), position[i]))
             for ids in deals.values()}
    return deals, drawn


def entity_graph(selection: Selection | Ties) -> nx.Graph:
    """Entities joined by the facts they share, as a simple undirected graph.

    Each pair of parties to a fact is joined once however many facts tie it;
    the edge's ``weight`` is that number and ``facts`` lists the fact ids in
    date order. This is the graph the measures of `kg analyze` run on.
    """
    multi = project(selection, events=False)
    g = nx.Graph(title=multi.graph["title"], subtitle=multi.graph["subtitle"])
    g.graph["facts"] = multi.graph["facts"]
    g.add_nodes_from(multi.nodes(data=True))
    for u, v, data in multi.edges(data=True):
        if g.has_edge(u, v):
            if data["fact"] not in g.edges[u, v]["facts"]:
                g.edges[u, v]["facts"].append(data["fact"])
                g.edges[u, v]["weight"] += 1
        else:
            g.add_edge(u, v, weight=1, facts=[data["fact"]])
    return g


def graph(build: str | Path = "build", view: View | None = None, *, events: bool = True) -> nx.MultiDiGraph:
    """One call for notebooks: read a build folder, apply a view, project it."""
    return project(select(load_ties(build), view), events=events)


# ---------------------------------------------------------------- files for Gephi and Cytoscape

def portable(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` that GraphML and GEXF writers accept: only scalar graph
    attributes, and edge ids (``id``) kept as attributes so they survive readers
    that renumber keys."""
    out = nx.MultiDiGraph()
    out.graph.update({k: v for k, v in g.graph.items() if isinstance(v, (str, int, float, bool))})
    out.add_nodes_from(g.nodes(data=True))
    for u, v, key, data in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=key, **data)
    return out


def _gexf_lines(g: nx.MultiDiGraph) -> Iterable[str]:
    """GEXF with the edge keys as edge ids, and each fact's earliest and latest days
    as GEXF ``start`` and ``end``, so that Gephi's timeline can play the ties in
    time. (GEXF gives an edge's ``type`` a meaning of its own; ours carry none.)"""
    out = portable(g)
    for _node, data in out.nodes(data=True):
        _spell(data)
    for _u, _v, key, data in out.edges(keys=True, data=True):
        data["id"] = key
        _spell(data)
    return nx.generate_gexf(out, prettyprint=True)


def _spell(data: dict) -> None:
    if "earliest" in data:
        data["start"] = data["earliest"]
    if "latest" in data:
        data["end"] = data["latest"]


NODE_COLUMNS = ("Id", "Label", "kind", "entity_type", "fact_type", "type_label", "aliases", "country", "wikidata",
                "fact", "date", "precision", "earliest", "latest", "planned", "grade", "quote", "source",
                "publisher", "url", "iri")
EDGE_COLUMNS = ("Id", "Source", "Target", "Type", "Label", "kind", "relation", "fact", "fact_type",
                "type_label", "date", "precision", "earliest", "latest", "planned", "grade", "quote", "source",
                "publisher", "url")


def write_csv(g: nx.MultiDiGraph, nodes: TextIO, edges: TextIO) -> None:
    """Write Gephi's spreadsheet form: a nodes table (Id, Label, ...) and an edges
    table (Source, Target, Type Directed/Undirected, Id, Label, ...)."""
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(NODE_COLUMNS)
    for node, data in g.nodes(data=True):
        row = {"Id": node, "Label": data.get("label", node), **data}
        w.writerow([_cell(row.get(c)) for c in NODE_COLUMNS])
    w = csv.writer(edges, lineterminator="\n")
    w.writerow(EDGE_COLUMNS)
    for u, v, key, data in g.edges(keys=True, data=True):
        row = {"Id": key, "Source": u, "Target": v, "Label": data.get("label", ""),
               "Type": "Directed" if data.get("directed") else "Undirected", **data}
        w.writerow([_cell(row.get(c)) for c in EDGE_COLUMNS])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_network(g: nx.MultiDiGraph, fmt: str, out: str | Path | TextIO) -> list[Path]:
    """Write ``g`` as GraphML, GEXF or CSV; return the files written (none for a stream).

    For graphml and gexf, ``out`` is a file path (replaced atomically) or a text
    stream. For csv, ``out`` is a folder that receives ``nodes.csv`` and
    ``edges.csv`` (created if needed).
    """
    if fmt not in NETWORK_FORMATS:
        raise UsageError(f"unknown network format {fmt!r} (choose from {', '.join(NETWORK_FORMATS)})")
    if fmt == "csv":
        if not isinstance(out, (str, os.PathLike)):
            raise UsageError("--format csv writes two files, nodes.csv and edges.csv: give a folder with -o DIR")
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"--format csv writes nodes.csv and edges.csv into a folder, and {folder} is a file")
        nodes, edges = io.StringIO(), io.StringIO()
        write_csv(g, nodes, edges)
        atomic_write(folder / "nodes.csv", nodes.getvalue())
        atomic_write(folder / "edges.csv", edges.getvalue())
        return [folder / "nodes.csv", folder / "edges.csv"]
    lines = _gexf_lines(g) if fmt == "gexf" else nx.generate_graphml(portable(g), prettyprint=True)
    text = "\n".join(lines) + "\n"
    if isinstance(out, (str, os.PathLike)):
        atomic_write(Path(out), text)
        return [Path(out)]
    out.write(text)
    return []


def export_network(fmt: str, build: str | Path = "build", out: str | Path | TextIO | None = None,
                   view: View | None = None, *, events: bool = True) -> list[Path]:
    """Read a build folder, apply ``view`` and write the network as ``fmt``
    (graphml, gexf or csv) to ``out``: a path or text stream for graphml and
    gexf (standard output when None), a folder for csv."""
    if fmt not in NETWORK_FORMATS:
        raise UsageError(f"unknown network format {fmt!r} (choose from {', '.join(NETWORK_FORMATS)})")
    if fmt == "csv" and out is None:
        raise UsageError("--format csv writes two files, nodes.csv and edges.csv: give a folder with -o DIR")
    g = graph(build, view, events=events)
    return write_network(g, fmt, sys.stdout if out is None else out)
