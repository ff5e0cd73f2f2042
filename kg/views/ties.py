"""What the built graph says about who is tied to whom, as plain Python records.

Everything the views, the network projection, the page, the timeline and the
analyses need is read here, in a handful of SPARQL queries over the built
graph (kg/queries/internal/ties-*.rq), and nowhere else: the entities with their names,
the facts with their dates, roles and quotes, and the "shortcut" pairs the
ontology declares for each kind of fact (a recipient *ordered arms from* a
supplier). The other modules work on these records and never on RDF.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..core.errors import UnknownEntityError
from ..core.namespaces import KG, KGR, sparql_prefixes
from ..sources.names import NameIndex
from ..store.source import SourceLike, open_source
from ..store.source import Source as Readable

PRECISIONS = {"unitYear": "year", "unitMonth": "month", "unitDay": "day"}


@dataclass(frozen=True)
class Source:
    """A source document, as a reader identifies it."""

    id: str
    title: str
    publisher: str = ""
    url: str = ""
    reliability: str = ""  # A-F (NATO AJP-2.1), "" where the graph has none


@dataclass(frozen=True)
class Citation:
    """An exact quote from a source document, with its character offsets."""

    quote: str
    start: int
    end: int
    source: Source


@dataclass(frozen=True)
class Role:
    """An entity's part in a fact: ``key`` is the role property's local name
    (``exerciseParticipant``), ``label`` its label in the ontology."""

    key: str
    label: str
    entity: str


@dataclass(frozen=True)
class Pair:
    """A directed tie the ontology derives from a fact (``pakistan orderedArmsFrom russia``)."""

    subject: str
    object: str
    predicate: str
    label: str
    symmetric: bool


@dataclass
class Entity:
    """Something facts tie together: a state, an organization, a person..."""

    id: str
    iri: str
    type: str  # the class's local name: State, InternationalOrganization...
    type_label: str  # the class's label: "state", "international organization"...
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None  # the id of the state it belongs to
    wikidata: str = ""  # its Wikidata QID (Q843), where the registry gives a verified one


@dataclass
class Fact:
    """One dated, sourced fact and everyone who takes part in it."""

    id: str
    iri: str
    type: str  # the sheet type: membership, arms_order, exercise...
    type_label: str  # the class's label: "membership", "arms order"...
    label: str
    date: str  # as a person reads it, at its precision: "2017-06", "before 2023-11-21"
    precision: str  # year, month or day
    earliest: _dt.date | None = None  # None: open at the start ("before 2018")
    latest: _dt.date | None = None  # None: open at the end ("after 2018")
    planned: bool = False
    grade: str = ""  # "B2": its sources' best reliability and its credibility (kg/sources/grades.py)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (other fact id, why both cannot be true)
    deal: str = ""  # the arms deal the fact is a stage of (kg:dealId), "" for none
    stage: str = ""  # its stage: announced, negotiated, ordered, delivered, in service
    roles: list[Role] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)  # (fact id, relation label)

    @property
    def participants(self) -> list[str]:
        """The ids of the entities taking part, each once, in the order of their first role."""
        return list(dict.fromkeys(r.entity for r in self.roles))

    def roles_of(self, entity_id: str) -> list[Role]:
        return [r for r in self.roles if r.entity == entity_id]

    def overlaps(self, start: _dt.date | None, end: _dt.date | None) -> bool:
        """Whether the fact can fall between ``start`` and ``end`` (inclusive, None = open).

        An open side of the fact's own date ("before 2018-02-01") can fall
        anywhere on that side, so such a fact overlaps every range reaching it.
        """
        if end is not None and self.earliest is not None and self.earliest > end:
            return False
        if start is not None and self.latest is not None and self.latest < start:
            return False
        return True

    def sort_key(self) -> tuple:
        """Chronological order: by earliest day (or latest, where the start is open),
        then latest day, type and label, as the `dyad` query orders them."""
        first = self.earliest or self.latest or _dt.date.max
        return (first, self.latest or _dt.date.max, self.type_label, self.label)

    @property
    def headline(self) -> str:
        """The label without the date the build appends to it."""
        suffix = f" ({self.date})"
        return self.label[: -len(suffix)] if self.label.endswith(suffix) else self.label

    @property
    def quotes(self) -> list[str]:
        return [c.quote for c in self.citations]

    @property
    def sources(self) -> list[Source]:
        return list(dict.fromkeys(c.source for c in self.citations))


@dataclass
class Ties:
    """Entities and facts, with the vocabulary to name them.

    ``fact_types`` and ``entity_types`` map keys to labels, in the order the
    ontology gives, and include types no fact uses, so that a page built from
    a selection can still offer them as filters.
    """

    entities: dict[str, Entity]
    facts: dict[str, Fact]
    fact_types: dict[str, str]
    entity_types: dict[str, str]
    source: str = ""
    _names: NameIndex | None = field(default=None, repr=False)

    def subset(self, fact_ids) -> Ties:
        """The same vocabulary with only the given facts and the entities they name."""
        facts = {fid: self.facts[fid] for fid in fact_ids}
        used = {e for f in facts.values() for e in f.participants}
        entities = {eid: ent for eid, ent in self.entities.items() if eid in used}
        return Ties(entities, dict(sorted(facts.items(), key=lambda kv: kv[1].sort_key())),
                    self.fact_types, self.entity_types, self.source, self._names)

    def _name_index(self) -> NameIndex:
        if self._names is None:
            index = NameIndex()
            for ent in self.entities.values():
                index.add(ent.id, ent.name, ent.aliases)
            self._names = index
        return self._names

    def resolve(self, name: str) -> Entity:
        """The entity going by ``name`` (its id, name, alias or acronym, in any case).

        Raises UnknownEntityError, whose one-line message suggests the closest names.
        """
        found = self._name_index().resolve(str(name))
        if found not in self.entities:
            raise UnknownEntityError(f"no entity named {name!r} in the graph")
        return self.entities[found]

    def facts_of(self, entity_id: str) -> list[Fact]:
        return [f for f in self.facts.values() if entity_id in f.participants]


# ---------------------------------------------------------------- reading the graph

def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _entity_id(iri: str) -> str:
    base = str(KGR)
    return iri[len(base):] if iri.startswith(base) else iri


def _fact_id(iri: str) -> str:
    base = str(KGR["fact/"])
    return iri[len(base):] if iri.startswith(base) else iri


def _date(term) -> _dt.date | None:
    if term is None:
        return None
    try:
        return _dt.date.fromisoformat(term.value)
    except ValueError:
        return None


def _select(store, name: str) -> list[dict]:
    """Rows of one of kg/queries/internal/NAME.rq as dicts of terms (None where unbound)."""
    from ..sparql.named import internal_query

    result = store.execute(sparql_prefixes() + "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
                           + internal_query(name).text)
    return [dict(zip(result.variables, row)) for row in result.rows]


def load_ties(source: SourceLike = "build") -> Ties:
    """Read the entities and facts of a build folder, an open Store, or a SPARQL server (kg.remote).

    Raises NotBuiltError where there is no build.
    """
    store = open_source(source)
    labels, symmetric, fact_types, class_of_type, entity_types = _vocabulary(store)
    entities = _entities(store, labels)
    facts = _facts(store, labels, fact_types, class_of_type)
    _add_roles(store, facts, labels, entities)
    _add_citations(store, facts)
    _add_links(store, facts, labels)
    _add_pairs(store, facts, class_of_type, labels, symmetric)
    ties = Ties(entities, {}, fact_types, entity_types, getattr(store, "source", ""))
    ties.facts = dict(sorted(facts.items(), key=lambda kv: kv[1].sort_key()))
    return ties


def _vocabulary(store) -> tuple[dict[str, str], set[str], dict[str, str], dict[str, str], dict[str, str]]:
    """Labels of properties and classes, the symmetric properties, fact types (key -> label),
    fact classes (IRI -> key) and entity types (local name -> label)."""
    labels = {row["p"].value: row["l"].value for row in _select(store, "ties-property-labels")}
    symmetric = {row["p"].value for row in _select(store, "ties-symmetric-properties")}

    fact_types: dict[str, str] = {}
    class_of_type: dict[str, str] = {}
    for row in _select(store, "ties-fact-types"):
        key = row["key"].value
        fact_types[key] = labels.get(row["cls"].value, key)
        class_of_type[row["cls"].value] = key
    entity_types: dict[str, str] = {}
    for row in _select(store, "ties-entity-types"):
        iri = row["cls"].value
        entity_types[_local(iri)] = labels.get(iri, _local(iri))

    return labels, symmetric, fact_types, class_of_type, entity_types


def _entities(store, labels: dict[str, str]) -> dict[str, Entity]:
    """Every entity, with its Wikidata QID and aliases."""
    entities: dict[str, Entity] = {}
    for row in _select(store, "ties-entities"):
        iri = row["e"].value
        eid = _entity_id(iri)
        if eid in entities:
            continue
        cls = row["cls"].value
        country = row["country"]
        entities[eid] = Entity(eid, iri, _local(cls), labels.get(cls, _local(cls)), row["name"].value,
                               country=_entity_id(country.value) if country is not None else None)
    for row in _select(store, "ties-wikidata"):
        ent = entities.get(_entity_id(row["e"].value))
        if ent is not None and not ent.wikidata:
            ent.wikidata = row["match"].value.rsplit("/", 1)[-1]
    aliases: dict[str, list[str]] = {}
    for row in _select(store, "ties-aliases"):
        aliases.setdefault(_entity_id(row["e"].value), []).append(row["alias"].value)
    for eid, names in aliases.items():
        if eid in entities:
            entities[eid].aliases = tuple(names)

    return entities


def _facts(store, labels: dict[str, str], fact_types: dict[str, str], class_of_type: dict[str, str]) -> dict[str, Fact]:
    """Every fact, without its roles, citations or links yet."""
    facts: dict[str, Fact] = {}
    for row in _select(store, "ties-facts"):
        iri = row["f"].value
        fid = _fact_id(iri)
        if fid in facts:
            continue
        key = class_of_type[row["cls"].value]
        prec = row["prec"]
        planned = row["planned"]
        facts[fid] = Fact(
            fid, iri, key, fact_types[key], row["label"].value, row["date"].value,
            PRECISIONS.get(_local(prec.value), "day") if prec is not None else "day",
            _date(row["e"]), _date(row["l"]), planned is not None and planned.value in ("true", "1"),
            row["grade"].value if row["grade"] is not None else "")

    return facts


def _add_roles(store, facts: dict[str, Fact], labels: dict[str, str], entities: dict[str, Entity]) -> None:
    """Each fact's roles, main role first."""
    # A role is any property from the fact (or from one of its nested parts,
    # such as a speech) to an entity the build recorded as a participant.
    seen_roles: set[tuple[str, str, str]] = set()
    for row in _select(store, "ties-roles"):
        fid = _fact_id(row["f"].value)
        if fid not in facts:
            continue
        role_iri = row["role"].value
        eid = _entity_id(row["e"].value)
        if (fid, role_iri, eid) in seen_roles:
            continue
        seen_roles.add((fid, role_iri, eid))
        facts[fid].roles.append(Role(_local(role_iri), labels.get(role_iri, _local(role_iri)), eid))
    role_order = _role_order()
    names = {eid: ent.name.casefold() for eid, ent in entities.items()}
    for fact in facts.values():
        order = role_order.get(fact.type, {})
        fact.roles.sort(key=lambda r: (order.get(r.key, len(order)), r.key, names.get(r.entity, r.entity)))


def _add_citations(store, facts: dict[str, Fact]) -> None:
    """Each fact's quotes, with their documents."""
    sources: dict[str, Source] = {}
    for row in _select(store, "ties-sources"):
        iri = row["doc"].value
        if iri not in sources:
            sources[iri] = Source(_local(iri), *(row[v].value if row[v] is not None else ""
                                                 for v in ("title", "publisher", "url", "reliability")))
    for row in _select(store, "ties-citations"):
        fid = _fact_id(row["f"].value)
        if fid in facts:
            doc = row["doc"].value
            src = sources.get(doc) or Source(_local(doc), _local(doc))
            facts[fid].citations.append(Citation(row["quote"].value, int(row["start"].value),
                                                 int(row["end"].value), src))


def _add_links(store, facts: dict[str, Fact], labels: dict[str, str]) -> None:
    """Facts related to other facts, deals and their stages, and conflicts."""
    for row in _select(store, "ties-related-facts"):
        fid, gid = _fact_id(row["f"].value), _fact_id(row["g"].value)
        if fid in facts and gid in facts:
            facts[fid].related.append((gid, labels.get(row["p"].value, _local(row["p"].value))))

    for row in _select(store, "ties-deals"):
        fact = facts.get(_fact_id(row["f"].value))
        if fact is not None and not fact.deal:
            fact.deal = row["deal"].value
            fact.stage = row["stage"].value if row["stage"] is not None else ""
            if fact.stage in ("announced", "negotiated"):  # not done yet: drawn as planned facts are
                fact.planned = True
    for row in _select(store, "ties-conflicts"):
        fid, gid = _fact_id(row["f"].value), _fact_id(row["g"].value)
        if fid in facts and gid in facts:
            facts[fid].conflicts.append((gid, row["reason"].value))


def _role_order() -> dict[str, dict[str, int]]:
    """For each fact type, its roles in the order its shape lists them, the roles of
    its own before those every fact has (location), so that a fact's first role is
    its main one: the member before the organization, the supplier before the weapon."""
    from ..sources.schema import ENTITY, load_schema  # parsed once per process, only when needed

    types = load_schema().fact_types.values()
    per_type: dict[str, list[str]] = {}
    for ftype in types:
        keys: list[str] = []
        for f in ftype.fields.values():
            paths = [f.path] if f.kind == ENTITY else [s.path for s in f.nested if s.kind == ENTITY]
            keys += [_local(str(path)) for path in paths]
        per_type[ftype.name] = list(dict.fromkeys(keys))
    common = set.intersection(*(set(k) for k in per_type.values())) if per_type else set()
    return {name: {key: i for i, key in enumerate([k for k in keys if k not in common]
                                                  + [k for k in keys if k in common])}
            for name, keys in per_type.items()}


def _add_pairs(store: Readable, facts: dict[str, Fact], class_of_type: dict[str, str],
               labels: dict[str, str], symmetric: set[str]) -> None:
    """Give each fact the directed pairs its class's kg:shortcut annotations declare."""
    shortcuts: dict[str, list[tuple[str, str | None, str | None, str | None]]] = {}
    for row in _select(store, "ties-shortcuts"):
        key = class_of_type.get(row["cls"].value)
        if key is None:
            continue
        subject, predicate, obj, via = (None if row[v] is None else _local(row[v].value) for v in ("s", "p", "o", "from"))
        shortcuts.setdefault(key, []).append((subject or "", predicate, obj, via))
    implied: dict[str, list[str]] = {}  # fact id -> predicates implied by its status concepts
    for row in _select(store, "ties-implied-predicates"):
        implied.setdefault(_fact_id(row["f"].value), []).append(row["pred"].value)
    kg_base = str(KG)
    for fact in facts.values():
        for subject_role, predicate, object_role, _via in shortcuts.get(fact.type, []):
            if object_role is None:  # the shortcut points at the fact itself (spoke at)
                continue
            predicates = [kg_base + predicate] if predicate else implied.get(fact.id, [])
            subjects = [r.entity for r in fact.roles if r.key == subject_role]
            objects = [r.entity for r in fact.roles if r.key == object_role]
            for pred in predicates:
                for s in dict.fromkeys(subjects):
                    for o in dict.fromkeys(objects):
                        if s != o:
                            fact.pairs.append(Pair(s, o, _local(pred), labels.get(pred, _local(pred)),
                                                   pred in symmetric))
