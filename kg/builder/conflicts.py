"""Contradictions between sources, surfaced rather than hidden (`kg check`).

Two facts conflict when different documents make claims about the same parties
that cannot both be true:

- **dates**: a membership (same member, organization and status) that begins
  twice, at dates whose bounds do not overlap, with no exit between; diplomatic
  relations between the same two states established twice;
- **status**: a state's standing towards the same treaty or regime given as two
  statuses implying different ties (party / not a party) at overlapping dates;
- **quantity**: an arms order or delivery of the same weapon between the same
  supplier and recipient, at overlapping dates, with different quantities;
- **outcome**: a planned fact, and a fact of the same type and parties at
  overlapping dates that a source reports did not happen (`denied: true`).

Facts stated only by the same documents are never in conflict with each other
(a document's own facts are its reviewer's business). A conflict never stops
the build: `kg build` prints how many there are, writes them into the graph
(`kg:Conflict` nodes in the grades graph, so the `conflicts` named query and the
page show them), and the analyst resolves each with a reviewer's note or by
grading. The checks are SPARQL over any store, local or remote; only the facts
that can conflict (the types above, and planned or denied facts) are read into
memory, a few hundred bytes each.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.namespaces import KG, KGR, sparql_prefixes

# Per fact type, the roles that make two facts "about the same thing", and what may conflict.
SAME = {
    "membership": ("member", "organization", "membershipStatus"),
    "diplomatic_relations": ("party",),
    "treaty_status": ("party", "treaty"),
    "arms_order": ("supplier", "recipient", "weapon"),
    "arms_delivery": ("supplier", "recipient", "weapon"),
}
ROLE_PROPS = sorted({p for keys in SAME.values() for p in keys} | {
    "visitor", "visitingState", "host", "exerciseParticipant", "auspices", "organizer", "conferenceParticipant"})


@dataclass(frozen=True)
class Source:
    title: str
    reliability: str  # A-F
    quote: str


@dataclass
class ConflictSide:
    """One of the two facts in a conflict, as its sources state it."""

    id: str
    label: str
    date: str
    grade: str
    sources: list[Source] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"fact": self.id, "label": self.label, "date": self.date, "grade": self.grade,
                "sources": [{"title": s.title, "reliability": s.reliability, "quote": s.quote} for s in self.sources]}


@dataclass
class Conflict:
    """Two facts that cannot both be true, and why."""

    kind: str  # dates, status, quantity or outcome
    reason: str
    a: ConflictSide
    b: ConflictSide

    @property
    def id(self) -> str:
        return f"{self.a.id}--{self.b.id}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "reason": self.reason, "facts": [self.a.to_dict(), self.b.to_dict()]}

    def text(self) -> str:
        """The conflict as lines a person reads: the reason, then each side with its quotes and sources."""
        lines = [f"conflict ({self.kind}): {self.reason}"]
        for side in (self.a, self.b):
            lines.append(f"  {side.grade or '--'}  {side.label}  [{side.id}]")
            for s in side.sources:
                lines.append(f"      “{' '.join(s.quote.split())}”")
                lines.append(f"      — {s.title} (reliability {s.reliability or '?'})")
        return "\n".join(lines)


@dataclass
class _Fact:
    id: str
    type: str
    label: str
    date: str
    earliest: _dt.date | None
    latest: _dt.date | None
    qualified: bool
    planned: bool
    denied: bool
    grade: str
    docs: frozenset = frozenset()
    roles: dict = field(default_factory=dict)  # role local name -> frozenset of IRIs
    quantity: str | None = None
    status_tie: str | None = None  # for treaty status: the predicate the status implies

    def overlaps(self, other: _Fact) -> bool:
        return ((self.earliest is None or other.latest is None or self.earliest <= other.latest)
                and (other.earliest is None or self.latest is None or other.earliest <= self.latest))


def _rows(store, body: str) -> list[dict]:
    result = store.execute(sparql_prefixes() + body)
    return [{v: (None if t is None else t.value) for v, t in zip(result.variables, row)} for row in result.rows]


def _day(value: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(value) if value else None


def _candidates(var: str = "?f") -> str:
    """A SPARQL filter for the facts that can conflict: those of the types in SAME, and planned or
    denied ones. Only these are read into memory, so a graph of statements and visits costs nothing."""
    types = ", ".join(f'"{t}"' for t in sorted(SAME))
    return (f"FILTER (?type IN ({types}) || EXISTS {{ {var} kg:planned true }} "
            f"|| EXISTS {{ {var} kg:denied true }})")


def _facts(store, iris: Iterable[str] | None = None) -> dict[str, _Fact]:
    """The facts that can conflict: every one in the store, or only those of ``iris``."""
    values = ""
    if iris is not None:
        wanted = sorted(iris)
        if not wanted:
            return {}
        values = "VALUES ?f { " + " ".join(f"<{i}>" for i in wanted) + " }"

    def scope(body: str) -> str:
        """The body over every fact, or over those given one at a time (Oxigraph's LATERAL): a join of
        the given facts with the body would evaluate the body over every fact first."""
        return f"{values} LATERAL {{ {body} }}" if values else body

    if values:
        typed = f"?f a ?cls . ?cls kg:sheetType ?type . {_candidates()}"
    else:  # found from their types or flags, in a subquery the rest joins: 3x faster at 1M (bench/README.md)
        same = " ".join(f'"{t}"' for t in sorted(SAME))
        typed = (f"{{ SELECT DISTINCT ?f ?cls ?type WHERE {{ {{ VALUES ?type {{ {same} }} ?cls kg:sheetType ?type . "
                 f"?f a ?cls }} UNION {{ ?f kg:planned true ; a ?cls . ?cls kg:sheetType ?type }} "
                 f"UNION {{ ?f kg:denied true ; a ?cls . ?cls kg:sheetType ?type }} }} }}")
    facts: dict[str, _Fact] = {}
    main = f"""{typed} ?f rdfs:label ?label ; kg:dateLabel ?date .
              OPTIONAL {{ ?f kg:earliestDate ?e }} OPTIONAL {{ ?f kg:latestDate ?l }} OPTIONAL {{ ?f kg:dateQualifier ?q }}
              OPTIONAL {{ ?f kg:planned ?planned }} OPTIONAL {{ ?f kg:denied ?denied }} OPTIONAL {{ ?f kg:grade ?grade }}
              OPTIONAL {{ ?f kg:quantity ?quantity }} OPTIONAL {{ ?f kg:treatyStatus/kg:impliesPredicate ?tie }}"""
    for r in _rows(store, "SELECT ?f ?type ?label ?date ?e ?l ?q ?planned ?denied ?grade ?quantity ?tie "
                          f"WHERE {{ {scope(main)} }} ORDER BY ?f"):
        if r["f"] in facts:
            continue
        facts[r["f"]] = _Fact(
            r["f"].rsplit("/", 1)[-1], r["type"], r["label"], r["date"], _day(r["e"]), _day(r["l"]),
            r["q"] is not None, r["planned"] in ("true", "1"), r["denied"] in ("true", "1"), r["grade"] or "",
            quantity=r["quantity"], status_tie=r["tie"])
    docs: dict[str, set] = {}
    for r in _rows(store, f"SELECT DISTINCT ?f ?doc WHERE {{ {scope(typed + ' ?f prov:wasDerivedFrom/prov:wasQuotedFrom ?doc')} }}"):
        docs.setdefault(r["f"], set()).add(r["doc"])
    props = " ".join(f"kg:{p}" for p in ROLE_PROPS)
    roles: dict[str, dict[str, set]] = {}
    for r in _rows(store, f"SELECT ?f ?p ?o WHERE {{ {scope(typed + f' VALUES ?p {{ {props} }} ?f ?p ?o')} }}"):
        roles.setdefault(r["f"], {}).setdefault(r["p"].rsplit("#", 1)[-1], set()).add(r["o"])
    for iri, fact in facts.items():
        fact.docs = frozenset(docs.get(iri, ()))
        fact.roles = {k: frozenset(v) for k, v in roles.get(iri, {}).items()}
    return facts


def _key(fact: _Fact) -> tuple:
    """What two facts must share to be compared: their type and the roles that say what they are about."""
    keys = SAME.get(fact.type)
    if keys is None:  # other types meet only for planned against denied: same type and every role
        keys = tuple(sorted(fact.roles))
    return fact.type, tuple((k, fact.roles.get(k, frozenset())) for k in keys)


def _pairs(facts: dict[str, _Fact], near: set[str] | None = None):
    """Facts of one type about the same parties, stated by different documents (with one of them
    in ``near``, a set of fact ids, when given)."""
    groups: dict[tuple, list[_Fact]] = {}
    for fact in facts.values():
        groups.setdefault(_key(fact), []).append(fact)
    for group in groups.values():
        group.sort(key=lambda f: f.id)
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.docs != b.docs and (near is None or a.id in near or b.id in near):
                    yield a, b


def _judge(a: _Fact, b: _Fact) -> tuple[str, str] | None:
    if (a.planned and b.denied) or (b.planned and a.denied):
        if a.overlaps(b):
            planned, denied = (a, b) if a.planned else (b, a)
            return "outcome", f"{planned.label} is reported planned, and {denied.date} reported not to have happened"
        return None
    if a.planned or b.planned or a.denied or b.denied:
        return None
    if a.type in ("membership", "diplomatic_relations"):
        if not (a.qualified or b.qualified) and not a.overlaps(b):
            what = "the membership begins" if a.type == "membership" else "relations are established"
            return "dates", f"{what} twice, {a.date} and {b.date}, with no exit between"
    elif a.type == "treaty_status":
        if a.status_tie and b.status_tie and a.status_tie != b.status_tie and a.overlaps(b):
            return "status", f"two standings towards the same treaty or regime at overlapping dates ({a.date}, {b.date})"
    elif a.type in ("arms_order", "arms_delivery"):
        if a.quantity and b.quantity and a.quantity != b.quantity and a.overlaps(b):
            return "quantity", f"{a.quantity} and {b.quantity} units of the same transfer at overlapping dates"
    return None


def _side(store, fact: _Fact, iri: str) -> ConflictSide:
    side = ConflictSide(fact.id, fact.label, fact.date, fact.grade)
    for r in _rows(store, f"""
            SELECT DISTINCT ?quote ?title ?rel WHERE {{ <{iri}> prov:wasDerivedFrom ?c . ?c kg:quote ?quote ;
              prov:wasQuotedFrom ?doc . ?doc dcterms:title ?title .
              OPTIONAL {{ ?doc kg:reliability/skos:notation ?rel }} }} ORDER BY ?title ?quote"""):
        side.sources.append(Source(r["title"], r["rel"] or "", r["quote"]))
    return side


def find_conflicts(store) -> list[Conflict]:
    """Every conflict in a store (a kg Store or RemoteStore), in a stable order."""
    return _judged(store, _facts(store))


def _judged(store, facts: dict[str, _Fact], near: set[str] | None = None) -> list[Conflict]:
    iri_of = {f.id: iri for iri, f in facts.items()}
    out = []
    for a, b in _pairs(facts, near):
        verdict = _judge(a, b)
        if verdict is not None:
            out.append(Conflict(verdict[0], verdict[1], _side(store, a, iri_of[a.id]), _side(store, b, iri_of[b.id])))
    return sorted(out, key=lambda c: (c.kind, c.id))


def _counterparts(store, fact: _Fact) -> set[str]:
    """The IRIs of the facts that may share ``fact``'s key (kg:participant-style roles looked up in
    the store's indexes: a handful of facts, not a scan). A key with no role at all falls back to
    every fact of the type."""
    _type, roles = _key(fact)
    wanted = [(k, iri) for k, values in roles for iri in sorted(values)]
    if wanted:
        body = " ; ".join(f"kg:{k} <{iri}>" for k, iri in wanted)
        return {r["g"] for r in _rows(store, f"SELECT DISTINCT ?g WHERE {{ ?g {body} }}")}
    return {r["g"] for r in _rows(store, f"""SELECT DISTINCT ?g WHERE {{ ?g a ?cls . ?cls kg:sheetType "{fact.type}" }}""")}


def update_conflicts(store, previous: list[Conflict], changed: set[str], fact_prefix: str) -> list[Conflict]:
    """The conflicts of ``store`` given those of the build before it (``previous``) and the ids of
    the facts whose statements changed since (``changed``: the facts of documents added, edited or
    removed). A conflict between two facts neither of which changed is kept; every pair with a
    changed fact is judged again against the facts that share its key, found through the store's
    indexes. The result equals ``find_conflicts(store)``: a pair's verdict and both sides (label,
    grade, sources) depend only on the documents stating its two facts."""
    mine = _facts(store, (fact_prefix + f for f in changed))
    near = {f.id for f in mine.values()}
    others: set[str] = set()
    for fact in mine.values():
        others |= _counterparts(store, fact)
    facts = {**_facts(store, others - set(mine)), **mine}
    kept = [c for c in previous if c.a.id not in changed and c.b.id not in changed]
    return sorted(kept + _judged(store, facts, near), key=lambda c: (c.kind, c.id))


def conflicts_from_dicts(data: list[dict]) -> list[Conflict]:
    """Conflicts as ``Conflict.to_dict`` wrote them (a build's manifest keeps them)."""
    return [Conflict(c["kind"], c["reason"], *(
        ConflictSide(f["fact"], f["label"], f["date"], f["grade"],
                     [Source(s["title"], s["reliability"], s["quote"]) for s in f["sources"]])
        for f in c["facts"])) for c in data]


def check(source="build") -> list[Conflict]:
    """The conflicting claims in a build folder, an open Store, or a SPARQL server."""
    from ..store.source import open_source

    return find_conflicts(open_source(source))


def conflict_node(conflict: Conflict) -> str:
    """The IRI of a conflict's node in the grades graph."""
    return str(KGR["conflict/" + conflict.id])


def conflict_triples(conflicts: list[Conflict]) -> list[tuple[str, str, object]]:
    """The conflicts as (subject, predicate, object) for the grades graph; objects are IRIs (str) or
    Python literals (kept apart by the caller)."""
    out: list[tuple[str, str, object]] = []
    for c in conflicts:
        node = conflict_node(c)
        out += [(node, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", str(KG.Conflict)),
                (node, str(KG.conflictKind), ("literal", c.kind)),
                (node, str(KG.conflictReason), ("literal", c.reason)),
                (node, str(KG.conflictingFact), str(KGR["fact/" + c.a.id])),
                (node, str(KG.conflictingFact), str(KGR["fact/" + c.b.id]))]
    return out
