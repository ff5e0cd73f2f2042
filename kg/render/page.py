"""The graph as one self-contained HTML page an analyst opens from disk, offline.

The page inlines everything it runs: vis-network (the copy pyvis ships, with
its licence header), kg's own script and style (kg/static/), and the graph
as JSON. It loads nothing from anywhere, and its Content-Security-Policy says
so: only its own inline scripts and style run, by SHA-256 hash, and it may
connect nowhere.

All the text on the page (names, labels, quotes, document titles) comes from
sources nobody here controls. Python escapes what it writes into the HTML;
the data travels as JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped,
so it cannot close its script element; and the page's script puts text into
the page only through ``textContent``.

Positions are computed in Python (kg.layout); vis-network's physics runs
only on small graphs, starting from those positions and stopping once settled.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any, ClassVar, TextIO

import networkx as nx

from . import layout
from ..core import resources
from ..core.html import csp_hash, script_json  # noqa: F401  (kg.render.page.script_json, as before)
from ..core.errors import KGError
from ..views.network import project
from .palette import ENTITY_STYLE, fact_color
from ..core.serialize import atomic_write
from ..views.ties import load_ties
from ..views.selection import View, select

# Above this many nodes the page draws the positions computed in Python as
# they are; at or below it, vis-network's physics tidies them for a moment.
PHYSICS_MAX_NODES = 300
# Above this many edges, edges hide while a person pans or zooms: redrawing
# thousands of lines per frame makes a drag stutter (Chromium without a GPU
# took over a second per frame with 2,000 labelled edges).
BIG_GRAPH_EDGES = 1000
# Above this many edges they lose their drawn labels (the hover box still names
# them): text with a halo is the costliest thing on the canvas.
EDGE_LABEL_MAX_EDGES = 400
# Above this many nodes, vis-network draws plain dots without labels, and the page's
# own label layer names the nodes in view that are big enough to read, most tied
# first, where they fit. At or below it, the page moves nodes apart until no two
# labels overlap: 54 nodes (the seed) settle in about 70 rounds and 70 ms, 150 in
# about 140 rounds and 0.2 s, but 380 needed over 2,000 rounds and 2.6 s. Measured at
# 10,000 nodes in headless Chromium without a GPU: a frame while dragging cost 327 ms of
# script with vis-network's labels and shapes, 106 ms without labels, 25 ms with dots.
LABEL_LAYER_MIN_NODES = 200
# The most rounds of moving nodes apart (kg/static/viz.js, declutter).
DECLUTTER_ROUNDS = 600

VIS_NETWORK = "templates/lib/vis-9.1.2/vis-network.min.js"


class PageError(KGError):
    """The page cannot be put together (a missing or unsafe asset)."""


# ---------------------------------------------------------------- escaping

def _check_inline(name: str, text: str) -> str:
    lowered = text.lower()
    for bad in ("</script", "<!--", "</style"):
        if bad in lowered:
            raise PageError(f"{name} contains {bad!r} and cannot be inlined safely")
    return text


# ---------------------------------------------------------------- assets

def vis_network_js() -> str:
    """vis-network 9.1.2 as pyvis ships it, licence header included."""
    try:
        text = (importlib_resources.files("pyvis") / VIS_NETWORK).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise PageError(f"vis-network is missing ({exc}); reinstall pyvis>=0.3.2") from None
    if "@license" not in text[:2000]:
        raise PageError("vis-network.min.js lacks its licence header")
    return _check_inline("vis-network.min.js", text)


def _static(name: str) -> str:
    path = resources.static_file(name)
    try:
        return _check_inline(name, path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PageError(f"kg's page asset {name} is missing from the installation") from None


# ---------------------------------------------------------------- graph -> page data

def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _event_label(label: str, date: str, type_label: str) -> str:
    """A short caption for an event node: its name or topic, without the date and
    type the build's label repeats (the hover box and the details give both)."""
    suffix = f" ({date})"
    core = label[: -len(suffix)] if label.endswith(suffix) else label
    prefix = type_label.capitalize() + ": "
    if core.startswith(prefix):
        core = core[len(prefix):]
    return _short(core, 26)


def _curves(edge_list: list[tuple]) -> dict[int, list]:
    """Bend parallel edges apart so every tie between a pair stays visible: the
    first is straight, the rest curve alternately to either side, further each time."""
    groups: dict[frozenset, list[int]] = defaultdict(list)
    for i, (u, v, _key, _data) in enumerate(edge_list):
        groups[frozenset((u, v))].append(i)
    out: dict[int, list] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        step = min(0.2, 0.9 / math.ceil(len(members) / 2))
        first_u = edge_list[members[0]][0]
        for rank, i in enumerate(members[1:], start=1):
            side_cw = rank % 2 == 1
            if edge_list[i][0] != first_u:  # drawn the other way: mirror, to bend to the same side
                side_cw = not side_cw
            out[i] = ["curvedCW" if side_cw else "curvedCCW", round(step * ((rank + 1) // 2), 3)]
    return out


PRECISION_CODES = {"year": 0, "month": 1, "day": 2}


def _month(day) -> int | None:
    return None if day is None else day.year * 12 + day.month - 1


def page_data(g: nx.MultiDiGraph, *, physics: bool | None = None, documents: dict[str, dict] | None = None) -> dict:
    """The JSON the page script draws. Rows are arrays, not objects, and every fact,
    quote, source and label is stored once and referred to by index, so that
    10,000 nodes and 20,000 edges stay a few megabytes:

    - ``nodes``: ``[label, x, y, size, entity type index or -1, fact index or -1
      (events), focus 0/1, country node index or -1, aliases, Wikidata QID or ""]``;
    - ``edges``: ``[from, to, label index, fact index, kind (0 tie, 1 role,
      2 related), directed 0/1, curve]``, curve 0 for straight, else the
      roundness, positive bending clockwise;
    - ``facts``: ``[fact type index, label, date, precision (0 year, 1 month,
      2 day), first month, last month (year*12+month-1, null where open),
      planned 0/1, [[node, role label index], ...], [citation index, ...], grade ("B2", or ""),
      [[conflicting fact index, reason], ...], and for a stage of an arms deal
      [deal id, [[stage, date, fact index], ...]]]``;
    - ``citations``: ``[quote, source index, start offset, end offset]``; ``sources``:
      ``[title, publisher, url, reliability]``; ``documents``: for each source, its
      ``{"title", "meta", "text"}`` for the reader pane, or null (kg.render.reader);
    - ``strings``: the labels of edges and roles.
    """
    facts = g.graph.get("facts", {})
    fact_order = list(g.graph.get("fact_types", {}))
    fact_labels = g.graph.get("fact_types", {})
    entity_labels = g.graph.get("entity_types", {})
    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    pos = layout.positions(g)
    edge_list = list(g.edges(keys=True, data=True))
    focus = set(g.graph.get("focus", []))

    used_facts = {d["fact"] for *_, d in edge_list} | {d["fact"] for _, d in g.nodes(data=True) if "fact" in d}
    deals = g.graph.get("deals", {})
    used_facts |= {f for fid in list(used_facts) if facts[fid].deal for f in deals.get(facts[fid].deal, ())}
    present = {facts[f].type for f in used_facts}
    fact_type_keys = sorted(present, key=lambda k: (fact_order.index(k) if k in fact_order else 99, k))
    fact_type_index = {k: i for i, k in enumerate(fact_type_keys)}
    style_order = list(ENTITY_STYLE)
    entity_type_keys = sorted({d["entity_type"] for _, d in g.nodes(data=True) if d.get("kind") == "entity"},
                              key=lambda k: (style_order.index(k) if k in style_order else 99, k))
    entity_type_index = {k: i for i, k in enumerate(entity_type_keys)}

    tables = _Tables(facts, deals, index, fact_type_index)
    intern, fact_ref = tables.intern, tables.fact_ref
    strings, fact_rows, citations, sources, source_index = (tables.strings, tables.fact_rows, tables.citations,
                                                            tables.sources, tables.source_index)

    node_rows = _node_rows(g, nodes, pos, index, focus, entity_type_index, fact_ref)
    edge_rows = _edge_rows(edge_list, index, intern, fact_ref)

    fact_counts = [0] * len(fact_type_keys)
    for row in fact_rows:
        fact_counts[row[0]] += 1
    entity_counts = [0] * len(entity_type_keys)
    for row in node_rows:
        if row[4] >= 0:
            entity_counts[row[4]] += 1
    if physics is None:
        physics = 0 < len(nodes) <= PHYSICS_MAX_NODES
    return {
        "title": g.graph.get("title", ""), "subtitle": g.graph.get("subtitle", ""),
        "physics": bool(physics), "big": len(edge_rows) > BIG_GRAPH_EDGES,
        "edgeLabels": len(edge_rows) <= EDGE_LABEL_MAX_EDGES,
        "labelLayer": len(nodes) > LABEL_LAYER_MIN_NODES, "declutterRounds": DECLUTTER_ROUNDS,
        "factTypes": [{"key": k, "label": fact_labels.get(k, k), "color": fact_color(k, fact_order),
                       "count": fact_counts[i]} for i, k in enumerate(fact_type_keys)],
        "entityTypes": [{"key": k, "label": entity_labels.get(k, k), "shape": ENTITY_STYLE.get(k, ("dot",))[0],
                         "color": ENTITY_STYLE.get(k, ("", "#888888"))[1], "count": entity_counts[i]}
                        for i, k in enumerate(entity_type_keys)],
        "nodes": node_rows, "edges": edge_rows, "facts": fact_rows,
        "citations": citations, "sources": sources, "strings": strings,
        "documents": [(documents or {}).get(sid) for sid in sorted(source_index, key=lambda sid: source_index[sid])],
    }


def _node_rows(g: nx.MultiDiGraph, nodes: list, pos: dict, index: dict, focus: set, entity_type_index: dict[str, int],
               fact_ref) -> list[list[Any]]:
    """The page's node rows (see page_data)."""
    degree = dict(g.degree())
    node_rows: list[list[Any]] = []
    for node in nodes:
        data = g.nodes[node]
        x, y = pos.get(node, (0.0, 0.0))
        if data.get("kind") == "event":
            label = _event_label(data["label"], data.get("date", ""), data.get("type_label", ""))
            node_rows.append([label, x, y, 9, -1, fact_ref(data["fact"]), 0, -1, [], ""])
            continue
        etype = data.get("entity_type", "")
        base = ENTITY_STYLE.get(etype, ("dot", "#888888", 14))[2]
        size = round(base + min(10.0, 2.0 * math.log2(1 + degree.get(node, 0))), 1)
        aliases = data["aliases"].split("; ") if data.get("aliases") else []
        node_rows.append([_short(data.get("label", str(node)), 40), x, y, size, entity_type_index[etype], -1,
                          int(node in focus), index.get(data.get("country"), -1), aliases, data.get("wikidata", "")])
    return node_rows


def _edge_rows(edge_list: list, index: dict, intern, fact_ref) -> list[list]:
    """The page's edge rows (see page_data)."""
    curves = _curves(edge_list)
    kinds = {"tie": 0, "role": 1, "related": 2}
    edge_rows = []
    for i, (u, v, _key, data) in enumerate(edge_list):
        curve = curves.get(i)
        bend = 0 if curve is None else (curve[1] if curve[0] == "curvedCW" else -curve[1])
        edge_rows.append([index[u], index[v], intern(data.get("label", "")), fact_ref(data["fact"]),
                          kinds.get(data.get("kind", "tie"), 0), int(bool(data.get("directed"))), bend])
    return edge_rows


class _Tables:
    """The page's shared tables (strings, facts, citations, sources), each entry stored once
    and referred to by its index (see page_data)."""

    def __init__(self, facts: dict, deals: dict, index: dict, fact_type_index: dict[str, int]):
        self.facts, self.deals, self.index, self.fact_type_index = facts, deals, index, fact_type_index
        self.strings: list[str] = []
        self.string_index: dict[str, int] = {}
        self.fact_index: dict[str, int] = {}
        self.fact_rows: list[list] = []
        self.citations: list[list] = []
        self.sources: list[list] = []
        self.source_index: dict[str, int] = {}

    def intern(self, text: str) -> int:
        if text not in self.string_index:
            self.string_index[text] = len(self.strings)
            self.strings.append(text)
        return self.string_index[text]

    def _cite(self, fact) -> list[int]:
        cites = []
        for c in fact.citations:
            if c.source.id not in self.source_index:
                self.source_index[c.source.id] = len(self.sources)
                self.sources.append([c.source.title, c.source.publisher, c.source.url, c.source.reliability])
            cites.append(len(self.citations))
            self.citations.append([" ".join(c.quote.split()), self.source_index[c.source.id], c.start, c.end])
        return cites

    def fact_ref(self, fact_id: str) -> int:
        if fact_id in self.fact_index:
            return self.fact_index[fact_id]
        facts = self.facts
        fact = facts[fact_id]
        cites = self._cite(fact)
        roles: dict[str, list[str]] = {}
        for r in fact.roles:
            roles.setdefault(r.entity, [])
            if r.label not in roles[r.entity]:
                roles[r.entity].append(r.label)
        parties = [[self.index[e], self.intern(", ".join(labels))] for e, labels in roles.items() if e in self.index]
        self.fact_index[fact_id] = len(self.fact_rows)
        row = [self.fact_type_index[fact.type], fact.label, fact.date,
               PRECISION_CODES.get(fact.precision, 2), _month(fact.earliest), _month(fact.latest), int(fact.planned),
               parties, cites, fact.grade, []]
        self.fact_rows.append(row)
        for other, reason in fact.conflicts:  # after the row exists, so that the other side can point back
            if other in facts:
                row[10].append([self.fact_ref(other), reason])
        if fact.deal:  # the deal's stages, in date order, each a fact of its own
            row.append([fact.deal, [[facts[s].stage, facts[s].date, self.fact_ref(s)]
                                    for s in self.deals.get(fact.deal, ()) if s in facts]])
        return self.fact_index[fact_id]


# ---------------------------------------------------------------- the page

_BODY = """<header>
<h1>{title}</h1>
<span class="subtitle">{subtitle}</span>
<span class="counts" id="counts">{counts}</span>
</header>
<aside id="side">
<h2>Find</h2>
<input id="search" type="search" list="names" placeholder="Name or alias, then Enter" autocomplete="off" aria-label="Find an entity">
<datalist id="names"></datalist>
<div id="search-status" role="status"></div>
<h2>Time</h2>
<div id="range-label"></div>
<div class="range-row"><span>from</span><input id="range-from" type="range" aria-label="From"></div>
<div class="range-row"><span>to</span><input id="range-to" type="range" aria-label="To"></div>
<div class="hint">A fact shows if its date can fall in the range; "before 2018" reaches back to any start.</div>
<h2>Ties</h2>
<div id="fact-types"></div>
<h2>Entities</h2>
<div id="entity-types"></div>
<div id="legend-extra"></div>
<h2>Reading</h2>
<div class="hint">Hover a tie or an event for its date and quote; click for every quote and its source.
Click an entity to light up its neighbourhood; click the background to clear.</div>
<div class="hint">{not_drawn}</div>
</aside>
<main id="graph">
<div id="canvas"></div>
<p id="empty"{empty_class}>{empty}</p>
<div id="tip" class="hidden" role="tooltip"></div>
<div id="details" class="hidden"><button id="details-close" type="button" aria-label="Close">×</button><div id="details-body"></div></div>
<aside id="reader" class="hidden" aria-label="Document reader"><header><button id="reader-close" type="button" aria-label="Close">×</button>
<h2 id="reader-title"></h2><div id="reader-meta"></div></header><div id="reader-text"></div></aside>
</main>
"""


def render(g: nx.MultiDiGraph, *, physics: bool | None = None, empty_message: str | None = None,
           documents: dict[str, dict] | None = None) -> str:
    """The self-contained HTML page for ``g`` (a graph from kg.network.project).

    ``physics``: None lets graphs of at most PHYSICS_MAX_NODES nodes settle in
    the browser; True or False forces it. ``empty_message`` is what the page
    says when ``g`` has no nodes (by default, that nothing matched). ``documents``:
    the source documents' text by id (kg.render.reader.embed_documents), for the
    reader pane; without them the quotes show, and no button opens a document.
    """
    data = page_data(g, physics=physics, documents=documents)
    payload = script_json(data)
    vis_js = vis_network_js()
    app_js = _static("viz.js")
    css = _static("viz.css")
    policy = "; ".join([
        "default-src 'none'",
        f"script-src {csp_hash(vis_js)} {csp_hash(app_js)}",
        f"style-src {csp_hash(css)}",
        "img-src 'none'", "font-src 'none'", "connect-src 'none'", "media-src 'none'",
        "object-src 'none'", "frame-src 'none'", "worker-src 'none'", "manifest-src 'none'",
        "base-uri 'none'", "form-action 'none'",
    ])
    n_events = sum(1 for _, d in g.nodes(data=True) if d.get("kind") == "event")
    n_facts = len({d["fact"] for *_, d in g.edges(data=True)}
                  | {d["fact"] for _, d in g.nodes(data=True) if "fact" in d})
    counts = (f"{g.number_of_nodes() - n_events} entities, {n_events} events, "
              f"{g.number_of_edges()} edges from {n_facts} facts")
    empty = ""
    if g.number_of_nodes() == 0:
        empty = empty_message or "No facts match this view."
        counts = ""
    not_drawn = g.graph.get("not_drawn", 0)
    title = g.graph.get("title") or "kg"
    body = _BODY.format(
        title=html.escape(title), subtitle=html.escape(g.graph.get("subtitle", "")),
        counts=html.escape(counts), empty=html.escape(empty),
        empty_class="" if empty else ' class="hidden"',
        not_drawn=html.escape(f"{not_drawn} fact(s) have too few parties to draw in this view and are left out."
                              if not_drawn else ""),
    )
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n",
        "<meta name=\"referrer\" content=\"no-referrer\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{html.escape(title)} · kg</title>\n",
        f"<style>{css}</style>\n</head>\n<body>\n",
        body,
        f"<script type=\"application/json\" id=\"kg-data\">{payload}</script>\n",
        f"<script>{vis_js}</script>\n",
        f"<script>{app_js}</script>\n",
        "</body>\n</html>\n",
    ])


def inline_scripts(page: str) -> Iterator[str]:
    """The text of each executable inline <script> of a page kg wrote (for checks)."""
    pos = 0
    while True:
        start = page.find("<script", pos)
        if start < 0:
            return
        open_end = page.index(">", start) + 1
        close = page.index("</script>", open_end)
        if "type=" not in page[start:open_end]:
            yield page[open_end:close]
        pos = close + len("</script>")


class InlinePage:
    """What every rendered page can do: show inline in Jupyter, sandboxed in an iframe (so the page
    keeps its own CSP and cannot touch the notebook), be saved atomically, and be the HTML as text."""

    html: str
    height: int
    frame_title: ClassVar[str] = "kg page"

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'width="100%" height="{int(self.height)}" frameborder="0" '
                f'title="{html.escape(self.frame_title)}"></iframe>')

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        atomic_write(path, self.html)
        return path

    def __str__(self) -> str:
        return self.html


@dataclass
class GraphPage(InlinePage):
    """A rendered graph page."""

    html: str
    height: int = 640
    frame_title: ClassVar[str] = "kg graph"


def page(g: nx.MultiDiGraph, **options) -> GraphPage:
    """``render(g)`` wrapped for notebooks: display it, or ``.save(path)``."""
    return GraphPage(render(g, **options))


@dataclass
class WrittenPage:
    """What ``write_page`` wrote: where, how much, and why it is empty if it is."""

    path: Path | None
    nodes: int
    edges: int
    empty_message: str | None


def write_page(build: str | Path = "build", out: str | Path | TextIO | None = None, view: View | None = None,
               *, events: bool = True, physics: bool | None = None,
               raw: str | Path | None = None) -> WrittenPage:
    """Read a build folder, apply ``view``, and write the page to ``out`` (a path,
    replaced atomically, or a text stream); by default ``<build>/graph.html``.

    An empty selection still writes a page, one that says nothing matched.
    ``raw``: the folder the graph was built from, to embed the cited documents'
    text for the reader pane (kg.render.reader).
    """
    from .reader import embed_documents

    selection = select(load_ties(build), view)
    g = project(selection, events=events)
    empty = selection.empty_message() if g.number_of_nodes() == 0 else None
    documents = embed_documents(raw, selection.facts.values())[0] if raw is not None else None
    text = render(g, physics=physics, empty_message=empty, documents=documents)
    path: Path | None = None
    published = None
    if out is None:  # in the build it was drawn from (kg.store.publish); for a store or a server, the working folder
        if isinstance(build, (str, Path)):
            from ..store.publish import current

            published = current(build) or Path(build)
            out = published / "graph.html"
        else:
            out = Path("graph.html")
    if isinstance(out, (str, Path)):
        path = Path(out)
        atomic_write(path, text)
        if published is not None and published != Path(build):
            from ..store.publish import link_stable_names

            link_stable_names(Path(build))
            path = Path(build) / "graph.html"
    else:
        out.write(text)
    return WrittenPage(path, g.number_of_nodes(), g.number_of_edges(), empty)


def to_pyvis(g: nx.MultiDiGraph, *, height: str = "640px"):
    """``g`` as a pyvis Network, for notebooks that want pyvis's own tools.

    Its node and edge lists are filled directly (pyvis's add_node and add_edge
    scan lists and are quadratic). Hover titles carry only the type and date:
    pyvis's template puts a title containing "href" into innerHTML, so no text
    from the sources goes there. pyvis's own templates also load scripts from
    CDNs: for a page that works offline, use ``page(g)`` or ``render(g)``.
    """
    from pyvis.network import Network  # imported here: pyvis pulls in Jinja and IPython

    net = Network(height=height, width="100%", directed=True)
    pos = layout.positions(g)
    index = {n: i for i, n in enumerate(g.nodes)}
    order = list(g.graph.get("fact_types", {}))
    for node, data in g.nodes(data=True):
        x, y = pos.get(node, (0.0, 0.0))
        shape, color, size = ENTITY_STYLE.get(data.get("entity_type", ""), ("diamond", "#999999", 9))
        if data.get("kind") == "event":
            color = fact_color(data.get("fact_type", ""), order)
        item = {"id": index[node], "label": data.get("label", str(node)), "shape": shape, "color": color,
                "size": size, "x": x, "y": y, "title": f"{data.get('type_label', '')} {data.get('date', '')}".strip()}
        net.nodes.append(item)
        net.node_ids.append(index[node])
        net.node_map[index[node]] = item
    for u, v, data in g.edges(data=True):
        net.edges.append({"from": index[u], "to": index[v], "label": data.get("label", ""),
                          "color": fact_color(data.get("fact_type", ""), order),
                          "arrows": "to" if data.get("directed") else "",
                          "title": f"{data.get('type_label', '')}, {data.get('date', '')}"})
    net.toggle_physics(False)
    return net
