"""Network measures over the entity graph: who is central, who clusters with whom,
which ties hold the graph together, and the shortest chain between two entities.

The measures run on ``kg.network.entity_graph``: entities joined once for
every pair that shares a fact (an exercise with five states joins each pair
of them), weighted by how many facts they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..core.errors import UsageError
from .network import entity_graph
from .ties import Fact
from .selection import Selection

# Exact betweenness is O(n·m); above this many nodes it is estimated from a
# seeded sample of this many sources, and the report says so.
BETWEENNESS_EXACT_MAX = 2000


@dataclass
class Ranked:
    """An entity and its score in one measure."""

    id: str
    name: str
    type_label: str
    score: float
    ties: int  # how many facts it takes part in within the view


@dataclass
class Community:
    """A group of entities tied more densely among themselves than to the rest."""

    members: list[str]  # names, most connected first
    size: int


@dataclass
class Bridge:
    """A tie whose loss would split the graph, and how many entities would be cut off."""

    a: str
    b: str
    facts: list[str]  # labels of the facts behind the tie
    cut_off: int  # entities on the smaller side


@dataclass
class Measures:
    nodes: int
    edges: int
    components: int
    degree: list[Ranked]
    betweenness: list[Ranked]
    betweenness_sampled: int | None
    communities: list[Community]
    bridges: list[Bridge]
    leaf_bridges: int  # bridges that cut off a single entity, left out of ``bridges``
    notes: list[str] = field(default_factory=list)


def measures(selection: Selection, *, top: int = 10, seed: int = 1) -> Measures:
    """Degree and betweenness rankings, Louvain communities and bridges of the view's entity graph.

    Deterministic for a given graph and ``seed``. Degree centrality counts the
    distinct entities an entity shares facts with, over n-1; betweenness is
    unweighted (every tie one step).
    """
    if top < 1:
        raise UsageError(f"--top must be 1 or more, not {top}")
    g = entity_graph(selection)
    n = g.number_of_nodes()
    facts_per_entity = {e: 0 for e in g}
    for fact in selection.facts.values():
        for e in fact.participants:
            if e in facts_per_entity:
                facts_per_entity[e] += 1

    def ranked(scores: dict[str, float]) -> list[Ranked]:
        order = sorted(scores, key=lambda e: (-scores[e], g.nodes[e]["label"].casefold()))
        return [Ranked(e, g.nodes[e]["label"], g.nodes[e]["type_label"], scores[e], facts_per_entity[e])
                for e in order[:top]]

    degree = nx.degree_centrality(g) if n > 1 else {e: 0.0 for e in g}
    sampled = None
    if n > BETWEENNESS_EXACT_MAX:
        sampled = BETWEENNESS_EXACT_MAX
        betweenness = nx.betweenness_centrality(g, k=sampled, seed=seed)
    else:
        betweenness = nx.betweenness_centrality(g)

    communities: list[Community] = []
    if g.number_of_edges():
        groups = nx.community.louvain_communities(g, weight="weight", seed=seed)
        for group in sorted(groups, key=lambda c: (-len(c), min(g.nodes[e]["label"] for e in c))):
            if len(group) < 2:
                continue
            members = sorted(group, key=lambda e: (-g.degree(e, weight="weight"), g.nodes[e]["label"].casefold()))
            communities.append(Community([g.nodes[e]["label"] for e in members], len(group)))

    bridges: list[Bridge] = []
    leaves = 0
    facts = g.graph["facts"]
    for u, v in nx.bridges(g):
        h = g.copy()
        h.remove_edge(u, v)
        cut = min(len(nx.node_connected_component(h, u)), len(nx.node_connected_component(h, v)))
        if cut < 2:
            leaves += 1
            continue
        a, b = sorted((g.nodes[u]["label"], g.nodes[v]["label"]), key=str.casefold)
        bridges.append(Bridge(a, b, [facts[f].label for f in g.edges[u, v]["facts"]], cut))
    bridges.sort(key=lambda br: (-br.cut_off, br.a.casefold(), br.b.casefold()))

    notes = []
    if sampled:
        notes.append(f"betweenness estimated from {sampled} sampled sources (the graph has {n} nodes)")
    return Measures(n, g.number_of_edges(), nx.number_connected_components(g) if n else 0,
                    ranked(degree), ranked(betweenness), sampled, communities, bridges[:top], leaves, notes)


@dataclass
class Hop:
    """One step of a chain: from one entity to the next, by a fact."""

    source: str
    target: str
    fact: Fact
    others: int  # further facts that tie the same pair


def path(selection: Selection, a: str, b: str) -> list[Hop]:
    """The shortest chain of ties from ``a`` to ``b`` (names, aliases or ids).

    Each hop carries the earliest fact that ties its pair, with its date and
    quotes. Raises UnknownEntityError for an unknown name and UsageError when
    no chain joins the two in the view.
    """
    ties = selection.ties
    start = _resolve(selection, a)
    end = _resolve(selection, b)
    if start == end:
        raise UsageError(f"{ties.entities[start].name} is the same entity at both ends")
    g = entity_graph(selection)
    try:
        nodes = nx.shortest_path(g, start, end)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        raise UsageError(f"no chain of ties joins {ties.entities[start].name} and {ties.entities[end].name}"
                         " in this view") from None
    hops = []
    for u, v in zip(nodes, nodes[1:]):
        fact_ids = g.edges[u, v]["facts"]
        hops.append(Hop(g.nodes[u]["label"], g.nodes[v]["label"], g.graph["facts"][fact_ids[0]], len(fact_ids) - 1))
    return hops


def _resolve(selection: Selection, name: str) -> str:
    """An entity of the whole graph, by any of its names; it may have no ties in this view."""
    return selection.whole.resolve(name).id
