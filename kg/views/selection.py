"""Views: which part of the graph a person asked to see.

A view is a filter on facts. It keeps the facts of some types and dates, then,
if asked, only those around one entity (``focus``, out to ``depth`` facts) or
between two (``dyad``). The entities shown are the ones the kept facts name.
Every command that draws, exports, analyses or lists ties takes the same view.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.dates import parse_partial
from ..core.errors import DateError, UsageError
from .ties import Entity, Fact, Ties

# Third parties that two states can "share" in a dyad view: organizations,
# treaties, exercise series, weapon systems, institutions. Other states and
# people are ties of their own, not common ground.
NOT_SHARED = {"State", "Person", "Place"}


@dataclass(frozen=True)
class View:
    """What to show. Names are entity names, aliases or ids, in any case; dates are
    ``2016``, ``2016-05`` or ``2016-05-01`` (or ``datetime.date``); types are sheet
    types such as ``arms_order`` (or their labels, ``arms order``)."""

    focus: str | None = None
    depth: int = 1
    dyad: tuple[str, str] | None = None
    since: str | _dt.date | None = None
    until: str | _dt.date | None = None
    types: tuple[str, ...] | None = None

    @classmethod
    def whole(cls) -> View:
        return cls()


@dataclass
class Selection:
    """The facts and entities a view keeps, with words to head a page or a table."""

    ties: Ties
    view: View
    title: str
    subtitle: str
    focus: list[str]  # ids of the entities the view centres on (focus, or both sides of a dyad)
    whole: Ties  # the graph the view was cut from, to name entities that have no ties in the view
    start: _dt.date | None = None
    end: _dt.date | None = None

    @property
    def facts(self) -> dict[str, Fact]:
        return self.ties.facts

    @property
    def entities(self) -> dict[str, Entity]:
        return self.ties.entities

    @property
    def empty(self) -> bool:
        return not self.ties.facts

    def empty_message(self) -> str:
        """What to tell a person when nothing matched, naming what they asked for."""
        return f"No facts match this view ({self.subtitle})." if self.subtitle else "The graph has no facts."


def _bound(value: str | _dt.date | None, option: str, *, end: bool) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.date):
        return value
    try:
        d = parse_partial(str(value))
    except DateError as exc:
        raise UsageError(f"{option}: {exc.message}") from None
    return d.latest() if end else d.earliest()


def parse_types(types: Iterable[str] | str | None, ties: Ties) -> tuple[str, ...] | None:
    """Sheet types from a comma list or an iterable; UsageError naming the closest for an unknown one."""
    if types is None:
        return None
    items = types.split(",") if isinstance(types, str) else list(types)
    by_label = {label.casefold(): key for key, label in ties.fact_types.items()}
    out: list[str] = []
    for item in items:
        key = "_".join(item.strip().casefold().replace("-", " ").split())
        if not key:
            continue
        found = key if key in ties.fact_types else by_label.get(key.replace("_", " "))
        if found is None:
            close = difflib.get_close_matches(key, list(ties.fact_types), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise UsageError(f"--types: no fact type {item.strip()!r} ({hint}known: {', '.join(ties.fact_types)})")
        if found not in out:
            out.append(found)
    if not out:
        raise UsageError("--types: give at least one fact type")
    return tuple(out)


def side(ties: Ties, entity_id: str) -> set[str]:
    """An entity and, for a state, everything registered as belonging to it
    (its people, institutions and places), as the `dyad` query counts them."""
    return {entity_id} | {e.id for e in ties.entities.values() if e.country == entity_id}


def select(ties: Ties, view: View | None = None) -> Selection:
    """Apply ``view`` to ``ties``. Raises UsageError (exit 2) for a bad option and
    UnknownEntityError for a name no entity goes by. An empty result is not an
    error: the Selection says so (``empty``, ``empty_message``)."""
    view = view or View()
    if view.focus and view.dyad:
        raise UsageError("give --focus or --dyad, not both")
    if view.depth < 0:
        raise UsageError(f"--depth must be 0 or more, not {view.depth}")
    start = _bound(view.since, "--since", end=False)
    end = _bound(view.until, "--until", end=True)
    if start and end and start > end:
        raise UsageError(f"--since {view.since} is after --until {view.until}")
    types = parse_types(view.types, ties)

    facts = [f for f in ties.facts.values()
             if (types is None or f.type in types) and f.overlaps(start, end)]
    focus: list[str] = []
    title = "All ties"
    if view.dyad:
        found = dyad(ties, *view.dyad, facts)
        focus = [found.a.id, found.b.id]
        facts = found.facts
        title = f"{found.a.name} – {found.b.name}"
    elif view.focus:
        ent = ties.resolve(view.focus)
        focus = [ent.id]
        facts = _ego(facts, ent.id, view.depth)
        title = f"{ent.name} and its ties" + (f" (depth {view.depth})" if view.depth != 1 else "")

    parts = []
    if start or end:
        parts.append(f"{start.isoformat() if start else '…'} to {end.isoformat() if end else '…'}")
    if types is not None:
        parts.append(", ".join(ties.fact_types[t] for t in types))
    subset = ties.subset(f.id for f in facts)
    return Selection(subset, view, title, "; ".join(parts), focus, ties, start, end)


def _ego(facts: list[Fact], centre: str, depth: int) -> list[Fact]:
    """The facts within ``depth`` steps of ``centre``: depth 1 is every fact it takes
    part in; depth 2 adds the facts of everyone those facts name; and so on."""
    by_entity: dict[str, list[Fact]] = {}
    for f in facts:
        for e in f.participants:
            by_entity.setdefault(e, []).append(f)
    reached = {centre}
    frontier = {centre}
    kept: dict[str, Fact] = {}
    for _ in range(depth):
        step: set[str] = set()
        for e in frontier:
            for f in by_entity.get(e, []):
                if f.id not in kept:
                    kept[f.id] = f
                    step.update(f.participants)
        frontier = step - reached
        reached |= step
        if not frontier:
            break
    return [f for f in facts if f.id in kept]


@dataclass
class Dyad:
    """What lies between two entities: the one definition every command uses
    (``kg brief``, ``kg viz --dyad``, ``kg timeline`` and the ``dyad`` query).

    - ``between``: the facts both sides take part in, each directly or through its
      own people, institutions and places (a Pakistani minister's visit to Russia);
    - ``common``: the facts that tie one side, on its own, to a third party the
      other side is also tied to on its own: an organization both belong to, a
      treaty both stand towards, an exercise series both join. A third party is
      common ground only when each side has a fact with it that the other side
      is not in, so that a bilateral statement naming the SCO does not make the
      SCO common ground. States, people and places are never common ground.
    """

    a: Entity
    b: Entity
    between: list[Fact]
    common: dict[str, list[str]]  # fact id -> ids of the common-ground parties it ties a side to
    facts: list[Fact]  # between and common, in date order

    def through(self, fact_id: str) -> list[str]:
        """The common-ground parties a fact ties a side to ([] for a fact between both)."""
        return self.common.get(fact_id, [])


def dyad(ties: Ties, a: str, b: str, facts: Iterable[Fact] | None = None) -> Dyad:
    """The dyad of ``a`` and ``b`` (names, aliases or ids) among ``facts`` (default:
    every fact). Raises UnknownEntityError for an unknown name and UsageError when
    both names are one entity."""
    first, second = ties.resolve(a), ties.resolve(b)
    if first.id == second.id:
        raise UsageError(f"a dyad needs two different entities, not {first.name} twice")
    pool = list(ties.facts.values()) if facts is None else list(facts)
    side_a, side_b = side(ties, first.id), side(ties, second.id)
    between: list[Fact] = []
    alone_a: dict[str, list[Fact]] = {}  # third party -> facts A's side has with it, without B's
    alone_b: dict[str, list[Fact]] = {}
    for f in pool:
        parts = set(f.participants)
        in_a, in_b = bool(parts & side_a), bool(parts & side_b)
        if in_a and in_b:
            between.append(f)
            continue
        for other, alone in ((in_a, alone_a), (in_b, alone_b)):
            if other:
                for e in parts - side_a - side_b:
                    if e in ties.entities and ties.entities[e].type not in NOT_SHARED:
                        alone.setdefault(e, []).append(f)
    common: dict[str, list[str]] = {}
    for e in sorted(alone_a.keys() & alone_b.keys(), key=lambda e: ties.entities[e].name.casefold()):
        for f in alone_a[e] + alone_b[e]:
            common.setdefault(f.id, []).append(e)
    kept = {f.id for f in between} | set(common)
    ordered = sorted((f for f in pool if f.id in kept), key=Fact.sort_key)
    return Dyad(first, second, sorted(between, key=Fact.sort_key), common, ordered)
