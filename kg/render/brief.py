"""`kg brief A B`: what stands between two states, on what evidence, as one page to send.

The brief is one self-contained HTML page, made with the rules of the graph
page (kg.viz): nothing loads from anywhere, its Content-Security-Policy runs
only its own inline script and style (by hash) and lets it connect nowhere,
and every name, quote and title is escaped where Python writes it and set as
text where the script does. It holds, in order:

- a summary in sentences generated from the facts, each clause with its count
  and a link to its evidence (the counts are those of `kg query dyad`: the
  facts are the dyad's, kg.views.dyad);
- the standing ties: memberships and treaty status side by side, and the
  mechanisms and arrangements between the two;
- a timeline, each fact dated at its precision, planned and open-ended facts
  marked, empty decades left out;
- the dyad's graph (an SVG drawn here, labels placed so that none overlap);
- every fact with its parties, details and quotes, each quote with its
  document, publisher and date, and a button that opens the document in a
  reader pane with the quote highlighted at its offsets (the documents' text
  is embedded, escaped, when the raw folder is at hand);
- the sources;
- what changed: the facts that can fall on or after ``since``, or the diff
  against a previous build (kg.diff), cut to this dyad.

``--until`` cuts the brief off at a date (a brief "as of"); ``--since`` does
not hide older facts (standing ties are standing), it marks and lists what is
new since then.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TextIO

from ..core.errors import KGError
from ..core.namespaces import KGR, sparql_prefixes
from ..sparql.named import internal_query
from ..store.local import Store
from ..views.changes import Diff, FactRecord, Snapshot, diff as run_diff, open_side, snapshot
from ..views.selection import View, dyad, select, side
from ..views.ties import Fact, Source, Ties, load_ties
from . import layout
from .page import InlinePage, _static, csp_hash, script_json
from .palette import ENTITY_STYLE, fact_color
from .reader import embed_documents
from .timeline import GAP_YEARS, status_of, year_of

# The graph drawn in the brief: at most this many entities (the most tied first).
MAX_GRAPH_NODES = 80

# Clauses of the summary come in this order (types not listed follow, in the ontology's order).
SUMMARY_ORDER = ("diplomatic_relations", "agreement", "cooperation_mechanism", "exercise", "arms_order",
                 "arms_delivery", "energy_cooperation", "visit", "conference", "statement", "office", "anniversary")
STANDING_TYPES = ("diplomatic_relations", "agreement", "cooperation_mechanism", "energy_cooperation")
STATUS_FIELDS = ("membershipStatus", "treatyStatus", "status")


@dataclass
class BriefPage(InlinePage):
    """A rendered brief (shows inline in Jupyter, saves atomically: see InlinePage)."""

    html: str
    title: str
    facts: int
    height: int = 720
    frame_title: ClassVar[str] = "kg brief"

    @property
    def empty(self) -> bool:
        return self.facts == 0


# ---------------------------------------------------------------- words

def _plural(label: str, n: int) -> str:
    if n == 1:
        return label
    words = label.split(" or ")
    out = []
    for w in words:
        last = w.split()[-1]
        if last in ("cooperation", "relations", "status"):
            out.append(w + " facts")
        elif last.endswith(("s", "x", "ch", "sh")):
            out.append(w + "es")
        elif last.endswith("y") and last[-2:-1] not in "aeiou":
            out.append(w[:-1] + "ies")
        else:
            out.append(w + "s")
    return " or ".join(out)


def _when(facts: list[Fact]) -> str:
    """The years of some facts, as a reader scans them: "2016, 2017" or "2018–2023"."""
    labels: list[str] = []
    for f in facts:
        year = year_of(f)
        if year is None:
            continue
        label = (f"before {year}" if f.earliest is None else str(year)) + (" planned" if f.planned else "")
        if label not in labels:
            labels.append(label)
    if len(labels) <= 5:
        return ", ".join(labels)
    years = [y for y in map(year_of, facts) if y is not None]
    return f"{min(years)}–{max(years)}"


def _status(rec: FactRecord | None, fact: Fact) -> str:
    if rec is not None:
        for key in STATUS_FIELDS:
            if rec.fields.get(key):
                return ", ".join(rec.fields[key])
    return fact.type_label


# ---------------------------------------------------------------- the parts

@dataclass
class _Context:
    ties: Ties
    snap: Snapshot
    a_id: str
    a_name: str
    b_name: str
    facts: list[Fact]
    common: dict[str, list[str]]
    since: _dt.date | None
    new_ids: set[str]  # facts new since --since or the --against build
    docs: dict[str, dict]  # embedded documents by id
    grades: dict[str, list[str]]  # fact id -> grade / conflict badges (from the trust fields, where present)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _badges(ctx: _Context, f: Fact) -> str:
    out = []
    if f.planned:
        out.append('<span class="badge planned">planned</span>')
    if f.earliest is None:
        out.append('<span class="badge open">open-ended</span>')
    if f.id in ctx.common:
        names = ", ".join(ctx.ties.entities[e].name for e in ctx.common[f.id])
        out.append(f'<span class="badge common" title="{_e(names)}">common ground</span>')
    if f.id in ctx.new_ids:
        out.append('<span class="badge new">new</span>')
    for grade in ctx.grades.get(f.id, []):
        if grade.startswith("conflict"):
            out.append(f'<span class="badge conflict" title="{_e(grade)}">{_e(grade.split(":")[0])}</span>')
        else:
            out.append(f'<span class="badge grade">{_e(grade)}</span>')
    return "".join(out)


def _summary(ctx: _Context) -> str:
    between = [f for f in ctx.facts if f.id not in ctx.common]
    common = [f for f in ctx.facts if f.id in ctx.common]
    by_type: dict[str, list[Fact]] = defaultdict(list)
    for f in between:
        by_type[f.type].append(f)
    order = [t for t in SUMMARY_ORDER if t in by_type] + [t for t in ctx.ties.fact_types
                                                          if t in by_type and t not in SUMMARY_ORDER]
    clauses = []
    for t in order:
        facts = by_type[t]
        n = len(facts)
        label = ctx.ties.fact_types.get(t, t)
        if t == "diplomatic_relations":
            first = min((y for y in map(year_of, facts) if y is not None), default=None)
            words = f"diplomatic relations since {first}" if first else "diplomatic relations"
            words += f" ({n} facts)" if n > 1 else ""
        else:
            words = f"{n} {_plural(label, n)}"
            when = _when(facts)  # names planned years as such
            if when:
                words += f" ({when})"
        clauses.append(f'<a href="#type-{_e(t)}" data-type="{_e(t)}" data-count="{n}">{_e(words)}</a>')
    if common:
        grounds = sorted({ctx.ties.entities[e].name for f in common for e in ctx.common[f.id]})
        words = f"{len(common)} {_plural('fact', len(common))} on common ground ({', '.join(grounds)})"
        clauses.append(f'<a href="#type-common" data-type="common" data-count="{len(common)}">{_e(words)}</a>')
    head = f"{ctx.a_name} and {ctx.b_name}: "
    return f'<p class="summary" id="summary" data-total="{len(ctx.facts)}">{_e(head)}{"; ".join(clauses)}.</p>'


def _standing(ctx: _Context) -> str:
    """Memberships and treaty status side by side, then mechanisms and arrangements."""
    a_side = side(ctx.ties, ctx.a_id)
    rows_by_ground: dict[str, dict[str, list[Fact]]] = defaultdict(lambda: {"a": [], "b": []})
    for f in ctx.facts:
        for ground in ctx.common.get(f.id, []):
            which = "a" if set(f.participants) & a_side else "b"
            rows_by_ground[ground][which].append(f)
    parts = []
    groups: dict[str, list[str]] = defaultdict(list)
    for ground, sides in sorted(rows_by_ground.items(), key=lambda kv: ctx.ties.entities[kv[0]].name):
        kinds = {f.type for f in sides["a"] + sides["b"]}
        key = "membership" if kinds == {"membership"} else "treaty_status" if kinds == {"treaty_status"} else "other"

        def cell(facts: list[Fact]) -> str:
            if not facts:
                return "—"
            return "<br>".join(f'<a href="#fact-{_e(f.id)}">{_e(_status(ctx.snap.facts.get(f.id), f))}</a>'
                               f' <span class="meta">({_e(f.date)})</span>' for f in facts)
        groups[key].append(f"<tr><td>{_e(ctx.ties.entities[ground].name)}</td><td>{cell(sides['a'])}</td>"
                           f"<td>{cell(sides['b'])}</td></tr>")
    head = f"<tr><th></th><th>{_e(ctx.a_name)}</th><th>{_e(ctx.b_name)}</th></tr>"
    for key, title in (("membership", "Memberships in common"), ("treaty_status", "Treaty status side by side"),
                       ("other", "Other common ground")):
        if groups.get(key):
            parts.append(f"<h3>{title}</h3><table class=\"standing {key}\">{head}{''.join(groups[key])}</table>")
    mechanisms = [f for f in ctx.facts if f.type in STANDING_TYPES and f.id not in ctx.common]
    if mechanisms:
        rows = "".join(f'<tr><td class="date">{_e(f.date)}</td><td>{_e(f.type_label)}</td>'
                       f'<td><a href="#fact-{_e(f.id)}">{_e(f.headline)}</a>{_badges(ctx, f)}</td></tr>'
                       for f in mechanisms)
        parts.append(f"<h3>Mechanisms and arrangements</h3><table class=\"mechanisms\">{rows}</table>")
    if not parts:
        parts.append("<p>No memberships, treaty status or mechanisms in common are recorded.</p>")
    return "".join(parts)


def _timeline(ctx: _Context) -> str:
    rows = []
    last_year = None
    for f in ctx.facts:
        year = year_of(f)
        if last_year is not None and year is not None and year - last_year - 1 >= GAP_YEARS:
            rows.append(f'<tr class="gap"><td colspan="3">{last_year + 1}–{year - 1}: no facts</td></tr>')
        if year is not None:
            last_year = year
        rows.append(f'<tr data-status="{status_of(f)}"><td class="date">{_e(f.date)}'
                    f' <span class="meta">({_e(f.precision)})</span></td><td>{_e(f.type_label)}</td>'
                    f'<td><a href="#fact-{_e(f.id)}">{_e(f.headline)}</a>{_badges(ctx, f)}</td></tr>')
    return ('<table class="timeline"><tr><th>date (precision)</th><th>type</th><th>fact</th></tr>'
            + "".join(rows) + "</table>")


# Width of a character in em, for placing SVG labels before any browser measures them. A little
# generous (DejaVu Sans, the widest common sans), so that labels placed apart stay apart.
def _text_width(text: str, size: float) -> float:
    wide = sum(1 for ch in text if ch.isupper() or ch in "mwMW@%&")
    narrow = sum(1 for ch in text if ch in "iljtfr.,;:'!| ()-")
    return size * (0.62 * (len(text) - wide - narrow) + 0.78 * wide + 0.36 * narrow) + 2


def _graph_svg(ctx: _Context, a_id: str, b_id: str) -> str:
    """The dyad's entities joined by the facts they share, as an SVG: each edge's width
    grows with its number of facts; labels sit below their nodes, placed so none overlap."""
    from ..views.network import entity_graph

    sub = ctx.ties.subset(f.id for f in ctx.facts)
    g = entity_graph(sub)
    if g.number_of_nodes() == 0:
        return "<p>No entities to draw.</p>"
    if g.number_of_nodes() > MAX_GRAPH_NODES:
        keep = sorted(g.nodes, key=lambda n: (n not in (a_id, b_id), -g.degree(n, weight="weight"), n))
        g = g.subgraph(keep[:MAX_GRAPH_NODES]).copy()
    pos = layout.positions(g, edge_length=150.0)
    font = 13.0
    radius = {}
    boxes = {}
    labels = {}
    for n in g.nodes:
        ent = ctx.ties.entities.get(n)
        name = ent.name if ent else str(n)
        labels[n] = name if len(name) <= 34 else name[:33] + "…"
        r = 14.0 if n in (a_id, b_id) else 7.0 if ent and ent.type in ("Person", "Place") else 9.0
        radius[n] = r
        w = _text_width(labels[n], font)
        boxes[n] = (-max(w / 2, r), -r, max(w / 2, r), r + 4 + font * 1.25)
    pos = layout.declutter(pos, boxes, gap=6.0)
    xs = [pos[n][0] + boxes[n][0] for n in g.nodes] + [pos[n][0] + boxes[n][2] for n in g.nodes]
    ys = [pos[n][1] + boxes[n][1] for n in g.nodes] + [pos[n][1] + boxes[n][3] for n in g.nodes]
    pad = 12
    x0, y0 = min(xs) - pad, min(ys) - pad
    width, height = max(xs) - x0 + pad, max(ys) - y0 + pad
    order = list(ctx.ties.fact_types)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}" '
             f'role="img" aria-label="{_e(ctx.a_name)} and {_e(ctx.b_name)}: the entities their facts name">']
    for u, v, data in g.edges(data=True):
        facts = [sub.facts[fid] for fid in data["facts"] if fid in sub.facts]
        color = fact_color(facts[0].type, order) if facts else "#999"
        width_px = 1.2 + 1.3 * math.log2(data["weight"])
        dash = ' stroke-dasharray="6 4"' if facts and all(f.planned for f in facts) else ""
        title = "; ".join(f"{f.type_label} {f.date}" for f in facts[:6]) + (" …" if len(facts) > 6 else "")
        (ux, uy), (vx, vy) = pos[u], pos[v]
        parts.append(f'<line x1="{ux}" y1="{uy}" x2="{vx}" y2="{vy}" stroke="{color}" stroke-width="{width_px:.1f}" '
                     f'stroke-opacity="0.7"{dash}><title>{_e(title)}</title></line>')
    for n in g.nodes:
        ent = ctx.ties.entities.get(n)
        color = ENTITY_STYLE.get(ent.type if ent else "", ("dot", "#888888"))[1]
        x, y = pos[n]
        stroke = ' stroke="#111" stroke-width="2.5"' if n in (a_id, b_id) else ' stroke="#444" stroke-width="0.8"'
        kind = ent.type_label if ent else ""
        parts.append(f'<g class="node"><circle cx="{x}" cy="{y}" r="{radius[n]}" fill="{color}"{stroke}>'
                     f'<title>{_e(labels[n])} ({_e(kind)})</title></circle>'
                     f'<text class="label" x="{x}" y="{y + radius[n] + 3 + font:.1f}" font-size="{font:.0f}" '
                     f'text-anchor="middle">{_e(labels[n])}</text></g>')
    parts.append("</svg>")
    caption = (f"{g.number_of_nodes()} entities and {g.number_of_edges()} ties from {len(ctx.facts)} facts; "
               "an edge is wider the more facts tie its ends, dashed where all of them are planned. "
               "For the interactive graph: kg viz --dyad.")
    return f'<figure class="graph">{"".join(parts)}<figcaption>{_e(caption)}</figcaption></figure>'


def _fields(rec: FactRecord | None) -> list[tuple[str, str]]:
    if rec is None:
        return []
    out = []
    for key, values in rec.fields.items():
        if key in ("quote", "date", "eventCode", "grade") or not values:
            continue
        name = key.lstrip("@")
        words = "".join(" " + ch.lower() if ch.isupper() else ch for ch in name)
        out.append((words, "; ".join(values)))
    return out


def _evidence(ctx: _Context) -> str:
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in ctx.facts:
        groups["common" if f.id in ctx.common else f.type].append(f)
    order = [t for t in SUMMARY_ORDER if t in groups] + [t for t in ctx.ties.fact_types
                                                         if t in groups and t not in SUMMARY_ORDER]
    if "common" in groups:
        order.append("common")
    parts = []
    for t in order:
        facts = groups[t]
        title = "Common ground" if t == "common" else _plural(ctx.ties.fact_types.get(t, t), 2).capitalize()
        parts.append(f'<h3 id="type-{_e(t)}">{_e(title)} <span class="meta">({len(facts)})</span></h3>')
        for f in facts:
            parts.append(_fact_article(ctx, f))
    return "".join(parts)


def _fact_article(ctx: _Context, f: Fact) -> str:
    rec = ctx.snap.facts.get(f.id)
    rows = [("date", f"{f.date} (to the {f.precision})"), ("type", f.type_label)]
    roles: dict[str, list[str]] = {}
    for r in f.roles:
        name = ctx.ties.entities[r.entity].name if r.entity in ctx.ties.entities else r.entity
        roles.setdefault(r.label, [])
        if name not in roles[r.label]:
            roles[r.label].append(name)
    rows += [(label, ", ".join(names)) for label, names in roles.items()]
    rows += [(k, v) for k, v in _fields(rec) if k not in roles and not k.startswith(tuple(r.key for r in f.roles))]
    rows += [("conflict", g.split(": ", 1)[1]) for g in ctx.grades.get(f.id, []) if g.startswith("conflict")]
    dl = "".join(f'<dt>{_e(k)}</dt><dd{" class=conflict" if k == "conflict" else ""}>{_e(v)}</dd>' for k, v in rows)
    quotes = []
    for c in f.citations:
        src = c.source
        meta = ctx.snap.document_fields.get(src.id, {})
        when = (meta.get("publishedDate") or meta.get("referenceDate") or [""])[0]
        cite = f"— {src.title}" + (f", {src.publisher}" if src.publisher else "") + (f", {when}" if when else "") \
            + (f" (source reliability {src.reliability})" if src.reliability else "")
        button = ""
        if src.id in ctx.docs:
            button = (f'<button class="read" type="button" data-doc="{_e(src.id)}" data-start="{c.start}" '
                      f'data-end="{c.end}">read in the document</button>')
        quotes.append(f'<blockquote>{_e(c.quote)}</blockquote><div class="cite">{_e(cite)}{button}</div>')
    return (f'<article class="fact" id="fact-{_e(f.id)}" data-type="{_e(f.type)}"><h4>{_e(f.headline)}'
            f'{_badges(ctx, f)}</h4><dl>{dl}</dl>{"".join(quotes)}</article>')


def _sources(ctx: _Context) -> str:
    cited: dict[str, int] = defaultdict(int)
    seen: dict[str, Source] = {}
    for f in ctx.facts:
        for c in f.citations:
            cited[c.source.id] += 1
            seen[c.source.id] = c.source
    items = []
    for sid, src in sorted(seen.items(), key=lambda kv: kv[1].title.casefold()):
        meta = ctx.snap.document_fields.get(sid, {})
        bits = [src.publisher] if src.publisher else []
        for key, word in (("publishedDate", "published"), ("referenceDate", "written")):
            if meta.get(key):
                bits.append(f"{word} {meta[key][0]}")
        bits.append(f"{cited[sid]} quote{'s' if cited[sid] != 1 else ''} in this brief")
        url = src.url if src.url.lower().startswith(("http://", "https://")) else ""
        title = (f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(src.title)}</a>' if url else _e(src.title))
        items.append(f'<li id="source-{_e(sid)}">{title}. {_e("; ".join(bits))}.'
                     + (f' <span class="meta">{_e(url)}</span>' if url else "") + "</li>")
    if not items:
        return "<p>No sources: the brief has no facts.</p>"
    return f'<ol class="sources">{"".join(items)}</ol>'


def _changes(ctx: _Context, since_label: str | None, against: Diff | None) -> str:
    parts = []
    if since_label and ctx.since:
        dated = [f for f in ctx.facts if f.overlaps(ctx.since, None)]
        rows = "".join(f'<li><span class="meta">{_e(f.date)}</span> <a href="#fact-{_e(f.id)}">'
                       f"{_e(f.headline)}</a>{_badges(ctx, f)}</li>" for f in dated)
        parts.append(f'<h3>Dated since {_e(since_label)}</h3><p data-count="{len(dated)}">'
                     f"{len(dated)} of the {len(ctx.facts)} facts can fall on or after {_e(since_label)}"
                     f"{' (open-ended dates count where they reach it)' if dated else ''}.</p>"
                     + (f"<ul>{rows}</ul>" if rows else ""))
    if against is not None:
        parts.append(against.html_section("Since the previous build"))
    if not parts:
        parts.append("<p>Give <code>--since DATE</code> or <code>--against BUILD</code> to see what changed.</p>")
    return "".join(parts)


def _dyad_diff(full: Diff, fact_ids: set[str], old_ids: set[str], entity_ids: set[str]) -> Diff:
    """The part of a diff that touches this dyad: its facts (now, or before), their
    entities and documents."""
    out = Diff(full.old, full.new)
    out.facts_added = [f for f in full.facts_added if f.id in fact_ids]
    out.facts_removed = [f for f in full.facts_removed if f.id in old_ids]
    out.facts_changed = [c for c in full.facts_changed if c.id in fact_ids or c.old_id in old_ids]
    out.entities_added = [e for e in full.entities_added if e.id in entity_ids]
    out.entities_merged = [m for m in full.entities_merged if m.into.id in entity_ids]
    out.entities_changed = [(e, cs) for e, cs in full.entities_changed if e.id in entity_ids]
    return out


# ---------------------------------------------------------------- the page

def render_brief(source, a: str, b: str, *, since=None, until=None, against=None, raw: str | Path | None = None,
                 generated: str | None = None) -> BriefPage:
    """The brief of the dyad ``a``–``b`` as a BriefPage (``.html`` is the page).

    ``source`` is a build folder, an open Store or a kg.remote.RemoteStore;
    ``since`` and ``until`` are dates at any precision; ``against`` a previous
    build folder (or Store) to list what changed; ``raw`` the folder of the
    source documents, to embed their text for the reader pane. Raises
    UnknownEntityError (exit 2, with the closest names) for an unknown entity.
    """
    store = open_side(source) if isinstance(source, (str, Path)) else source
    ties = load_ties(store)
    first, second = ties.resolve(a), ties.resolve(b)
    selection = select(ties, View(until=until, since=since))  # validates both dates
    pool = list(select(ties, View(until=until)).facts.values())
    found = dyad(ties, first.id, second.id, pool)
    snap = snapshot(store)
    since_date = selection.start
    new_ids: set[str] = set()
    against_diff = None
    if against is not None:
        against_diff = _against_diff(store, source, against, first.id, second.id, found.facts)
        new_ids = {f.id for f in against_diff.facts_added} | {c.id for c in against_diff.facts_changed}
    elif since_date is not None:
        new_ids = {f.id for f in found.facts if f.overlaps(since_date, None)}
    docs, notes = embed_documents(raw, found.facts)
    ctx = _Context(ties, snap, first.id, first.name, second.name, found.facts, found.common, since_date, new_ids, docs,
                   _grades(store, found.facts))
    title = f"{first.name} – {second.name}"
    stamp = _stamp(store, found, generated, until=until, since=since, against=against)
    body = _body(ctx, found, title, stamp, (first.id, second.id), until=until, since=since, notes=notes,
                 against_diff=against_diff)
    return BriefPage(_page(title, body, docs), title, len(found.facts))


def _against_diff(store, source, against, first_id: str, second_id: str, facts: list[Fact]) -> Diff:
    """What changed in the dyad since the build ``against`` (kg diff, narrowed to the dyad's facts and entities)."""
    old_store = open_side(against)
    full = run_diff(old_store, store)
    full.old, full.new = str(against), str(source) if isinstance(source, (str, Path)) else "this build"
    old_ties = load_ties(old_store)
    try:
        old_ids = {f.id for f in dyad(old_ties, first_id, second_id).facts}
    except KGError:  # an entity the old build did not know: nothing of this dyad was there
        old_ids = set()
    ids = {f.id for f in facts}
    entity_ids = {e for f in facts for e in f.participants}
    return _dyad_diff(full, ids, old_ids, entity_ids)


def _stamp(store, found, generated: str | None, *, until, since, against) -> str:
    """The line under the title: when, from what, for which dates, and how many facts."""
    scope = []
    if until:
        scope.append(f"as of {until}")
    if since:
        scope.append(f"new since {since} marked")
    if against is not None:
        scope.append(f"changes since the build in {against}")
    generated = generated or _dt.date.today().isoformat()
    return f"Brief generated {generated} from {getattr(store, 'source', '') or 'the graph'}" + (
        f" ({'; '.join(scope)})" if scope else "") + f". {len(found.facts)} facts: {len(found.between)} between them, " \
        f"{len(found.facts) - len(found.between)} on common ground."


def _body(ctx: _Context, found, title: str, stamp: str, ids: tuple[str, str], *, until, since, notes: list[str],
          against_diff: Diff | None) -> list[str]:
    """The page's sections, in order, as HTML."""
    body = [f'<header class="brief-head"><h1>{_e(title)}</h1><div class="meta">{_e(stamp)}</div>'
            '<nav class="toc"><a href="#summary-h">Summary</a><a href="#standing">Standing ties</a>'
            '<a href="#timeline">Timeline</a><a href="#graph">Graph</a><a href="#evidence">Evidence</a>'
            '<a href="#sources">Sources</a><a href="#changes">What changed</a></nav></header>',
            '<h2 id="summary-h">Summary</h2>']
    if not found.facts:
        body.append(f'<p class="empty" id="summary" data-total="0">The graph holds no facts that tie '
                    f'{_e(ctx.a_name)} and {_e(ctx.b_name)}'
                    f'{" as of " + _e(until) if until else ""}: nothing between them, and no common ground '
                    "of their own (an organization both belong to, a treaty both stand towards).</p>")
    else:
        body.append(_summary(ctx))
        body.append(f'<h2 id="standing">Standing ties</h2>{_standing(ctx)}')
        body.append(f'<h2 id="timeline">Timeline</h2>{_timeline(ctx)}')
        body.append(f'<h2 id="graph">Graph</h2>{_graph_svg(ctx, *ids)}')
        body.append(f'<h2 id="evidence">Evidence</h2>{_evidence(ctx)}')
    body.append(f'<h2 id="sources">Sources</h2>{_sources(ctx)}')
    if notes and found.facts:
        body.append("".join(f'<p class="meta">{_e(n)}</p>' for n in notes))
    body.append(f'<h2 id="changes">What changed</h2>'
                f'{_changes(ctx, str(since) if since else None, against_diff)}')
    return body


def _page(title: str, body: list[str], docs) -> str:
    """The whole HTML document: the sections, the reader pane, the documents' text, the script and style
    inline under a Content-Security-Policy that lets nothing else load."""
    reader = ('<aside id="reader" class="hidden" aria-label="Document reader"><header>'
              '<button id="reader-close" type="button" aria-label="Close">×</button>'
              '<h2 id="reader-title"></h2><div class="meta" id="reader-meta"></div></header>'
              '<div id="reader-text"></div></aside>')
    css, js = _static("brief.css"), _static("brief.js")
    policy = "; ".join([
        "default-src 'none'", f"script-src {csp_hash(js)}", f"style-src {csp_hash(css)}",
        "img-src 'none'", "font-src 'none'", "connect-src 'none'", "media-src 'none'", "object-src 'none'",
        "frame-src 'none'", "worker-src 'none'", "manifest-src 'none'", "base-uri 'none'", "form-action 'none'",
    ])
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n",
        "<meta name=\"referrer\" content=\"no-referrer\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{_e(title)} · brief · kg</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n",
        "\n".join(body), "\n</main>\n", reader,
        f"\n<script type=\"application/json\" id=\"kg-docs\">{script_json(docs)}</script>\n",
        f"<script>{js}</script>\n</body>\n</html>\n",
    ])


def _grades(store, facts: list[Fact]) -> dict[str, list[str]]:
    """Each fact's grade (B2: its sources' best reliability, A-F, and its credibility,
    1-6; kg.sources.grades) and the conflicts the build found with it (kg.builder.conflicts:
    another document's claim that cannot also be true), as badge words."""
    out: dict[str, list[str]] = {f.id: [f"grade {f.grade}"] if f.grade else [] for f in facts}
    labels = {}
    conflicts: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # fact id -> (kind, reason, other iri)
    result = store.execute(sparql_prefixes() + internal_query("brief-conflicts").text)
    members: dict[str, list[str]] = defaultdict(list)
    for c, kind, reason, f, label in result.rows:
        members[c.value].append(f.value)
        labels[f.value] = label.value
        conflicts[c.value].append((kind.value, reason.value, f.value))
    base = str(KGR["fact/"])
    for c, rows in conflicts.items():
        for kind, reason, iri in rows:
            fid = iri[len(base):] if iri.startswith(base) else iri
            if fid not in out:
                continue
            others = [labels[o] for o in members[c] if o != iri]
            out[fid].append(f"conflict ({kind}): {reason}" + (f" — against {'; '.join(others)}" if others else ""))
    return {fid: words for fid, words in out.items() if words}


def write_brief(source, a: str, b: str, out: str | Path | TextIO, **options) -> BriefPage:
    """Render the brief and write it to ``out``: a path (replaced atomically) or a text stream."""
    page = render_brief(source, a, b, **options)
    if isinstance(out, (str, Path)):
        page.save(out)
    else:
        out.write(page.html)
    return page


def brief(a: str, b: str, build: str | Path | Store = "build", **options) -> BriefPage:
    """``kg.brief("Pakistan", "Russia")``: the brief of a dyad from a build folder, as a page
    (display it in Jupyter, ``str()`` it, or ``.save(path)``). Options as for render_brief."""
    return render_brief(build, a, b, **options)
