"""Where each node goes on the page, computed in Python before the page is written.

A browser laying out thousands of nodes itself (vis-network's physics) takes
minutes to settle, so positions are computed here and the page draws them as
they are. igraph's Fruchterman-Reingold (with its grid approximation above a
thousand nodes) lays out 10,000 nodes in about 1.3 s and 50,000 in about 6 s
on a 2-core machine; networkx's spring_layout took 13 s for 2,000 nodes, and
is kept only as the fallback where python-igraph is not installed.

Positions are deterministic (seeded) and scaled so that a typical tie is
about ``edge_length`` pixels long.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable

import networkx as nx

from ..core.errors import KGError

KAMADA_KAWAI_MAX = 400


def positions(g: nx.Graph, *, seed: int = 7, edge_length: float | None = None) -> dict[Hashable, tuple[float, float]]:
    """A position in page pixels for every node of ``g`` (parallel edges count once)."""
    nodes = list(g.nodes)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges() if u != v})
    try:
        coords = _igraph_layout(len(nodes), edges, seed)
    except ImportError:
        coords = _networkx_layout(nodes, edges, seed)
    if edge_length is None:
        # Long ties keep labels legible in small graphs; short ones keep big graphs compact.
        edge_length = 160.0 if len(nodes) <= 200 else 60.0
    return dict(zip(nodes, _scaled(coords, edges, edge_length)))


def _igraph_layout(n: int, edges: list[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    import igraph  # imported here: only pages and benchmarks need it

    graph = igraph.Graph(n=n, edges=edges)
    # igraph draws its random start from a generator shared by the process: lend it
    # a seeded one for this call, so that the same graph always gets the same layout.
    # (Start positions passed in instead defeat the grid: 4 times slower at 10,000 nodes.)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        if n <= KAMADA_KAWAI_MAX:
            # Small graphs: Kamada-Kawai spaces nodes by their graph distance, which spreads
            # a hub's neighbours evenly instead of piling them up as force layouts do.
            layout = graph.layout_kamada_kawai(maxiter=50 * n)
        else:
            layout = graph.layout_fruchterman_reingold(niter=500, grid="auto")
    finally:
        igraph.set_random_number_generator(random)
    return [(float(x), float(y)) for x, y in layout.coords]


def _networkx_layout(nodes: list, edges: list[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(range(len(nodes)))
    g.add_edges_from(edges)
    if len(nodes) > 2000:
        raise KGError(f"laying out {len(nodes)} nodes needs python-igraph (pip install python-igraph); "
                      "networkx alone would take minutes")
    try:
        pos = nx.spring_layout(g, seed=seed)
    except ImportError as exc:  # above 500 nodes networkx wants scipy
        raise KGError(f"laying out {len(nodes)} nodes needs python-igraph (pip install python-igraph): {exc}") from None
    return [(float(pos[i][0]), float(pos[i][1])) for i in range(len(nodes))]


Point = tuple[float, float]


def _scaled(coords: list[Point], edges: list[tuple[int, int]], edge_length: float) -> list[Point]:
    lengths = sorted(math.dist(coords[u], coords[v]) for u, v in edges)
    typical = lengths[len(lengths) // 2] if lengths else 0.0
    if typical <= 0:
        xs = [x for x, _ in coords]
        typical = (max(xs) - min(xs)) / max(1.0, math.sqrt(len(coords))) or 1.0
    k = edge_length / typical
    cx = sum(x for x, _ in coords) / len(coords)
    cy = sum(y for _, y in coords) / len(coords)
    return [(round((x - cx) * k, 1), round((y - cy) * k, 1)) for x, y in coords]


Box = tuple[float, float, float, float]  # left, top, right, bottom, relative to the node's position


def declutter(pos: dict[Hashable, Point], boxes: dict[Hashable, Box], *, gap: float = 4.0,
              max_rounds: int = 400) -> dict[Hashable, Point]:
    """Move nodes apart until no two boxes (each a node's shape and label, around its
    position) overlap: each round pushes every overlapping pair apart along the axis
    where they overlap least, half each way. Quadratic in the nodes per round, so it
    is meant for the few hundred nodes a labelled drawing can show; it stops after
    ``max_rounds`` (then a few overlaps may remain)."""
    out = {n: [float(x), float(y)] for n, (x, y) in pos.items()}
    nodes = [n for n in out if n in boxes]
    for _ in range(max_rounds):
        moved = False
        for i, a in enumerate(nodes):
            ax, ay = out[a]
            al, at, ar, ab = boxes[a]
            for b in nodes[i + 1:]:
                bx, by = out[b]
                bl, bt, br, bb = boxes[b]
                dx = min(ax + ar, bx + br) - max(ax + al, bx + bl) + gap
                dy = min(ay + ab, by + bb) - max(ay + at, by + bt) + gap
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                if dx < dy:
                    shift = dx / 2 * (1 if (ax + (al + ar) / 2) >= (bx + (bl + br) / 2) else -1)
                    out[a][0] += shift
                    out[b][0] -= shift
                else:
                    shift = dy / 2 * (1 if (ay + (at + ab) / 2) >= (by + (bt + bb) / 2) else -1)
                    out[a][1] += shift
                    out[b][1] -= shift
                ax, ay = out[a]
        if not moved:
            break
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in out.items()}
