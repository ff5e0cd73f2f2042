"""The entity registry: each entity once, with its canonical name and aliases.

raw/entities.yaml maps an id (the last part of the entity's IRI) to:

    pakistan:
      name: Pakistan                 # canonical name (required)
      type: State                    # a kg class under kg:Entity (required)
      aliases: [Pakistani]           # other names and misspellings met in sources
      acronym: PK
      iso3166: PK                    # alpha-2; iso3166_alpha3 for alpha-3
      wikidata: Q843                 # verified against a source (wikidata_source), never guessed;
      wikidata_source: https://...   #   "none" where no QID was verified
      country: pakistan              # for institutions, people, places, weapons
      reliability: B                 # as a publisher: the default NATO AJP-2.1 grade (A-F)
      reliability_note: ...          #   of its documents, and why
      ...

Fact sheets name entities by id, canonical name, alias or acronym, in any case.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsrc
from ..core.errors import SourceError, excerpt
from .grades import check_reliability, publisher_key
from .names import NameIndex, normalise  # noqa: F401  (normalise: kg.sources.names owns it)
from .schema import Schema

# Registry keys that hold literal values, and those that name other entities.
LITERAL_KEYS = {
    "description", "iso3166", "iso3166_alpha3", "wikidata", "rank", "post_nominals",
    "retired", "designation", "family", "weapon_class", "acronym", "reliability", "reliability_note",
    "wikidata_source",
}
REFERENCE_KEYS = {"country", "manufacturer"}
KNOWN_KEYS = {"name", "type", "aliases"} | LITERAL_KEYS | REFERENCE_KEYS


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    props: dict[str, object] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    line: int = 0
    name_lines: dict[str, int] = field(default_factory=dict)  # the line of each name, alias and acronym


class LazyEntities(Mapping[str, Entity]):
    """Entities by id, kept as the text a build cached them as and each made an Entity by ``make``
    when first asked for: a small build needs a few of thousands."""

    def __init__(self, data: dict[str, str], make: Callable[[str], Entity]):
        self._data = data
        self._make = make
        self._made: dict[str, Entity] = {}

    def __getitem__(self, entity_id: str) -> Entity:
        made = self._made.get(entity_id)
        if made is None:
            made = self._made[entity_id] = self._make(self._data[entity_id])
        return made

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Registry:
    """Entities by id, and a lookup from every name they go by."""

    def __init__(self, entities: Mapping[str, Entity], path: Path | None = None, names: NameIndex | None = None):
        """``names``: the index of these entities' names as an earlier Registry made it (a build's
        cache of a registry it has read and checked); made and checked here when not given."""
        self.entities = entities
        self.path = path
        if names is not None:
            self.names = names
            return
        self.names = NameIndex()
        # Ids and canonical names first, then aliases and acronyms: when an alias meets another
        # entity's name, the alias is the mistake, and the error points at its line.
        for with_aliases in (False, True):
            for ent in entities.values():
                acronym = [str(ent.props["acronym"])] if "acronym" in ent.props else []
                others = [str(a) for a in ent.aliases] + acronym if with_aliases else []
                clash = self.names.add(ent.id, ent.name, others)
                if clash is not None:
                    name, other = clash
                    rank = "id" if name == ent.id else "name" if name == ent.name else "alias"
                    first = entities[other]
                    raise SourceError(
                        f"the {rank} {excerpt(name)} of {ent.id!r} is already a name of {other!r}"
                        + (f" (line {first.line})" if first.line else "") + "; a name belongs to one entity only",
                        path=str(path) if path else None, line=ent.name_lines.get(name, ent.line))

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self.entities

    def __getitem__(self, entity_id: str) -> Entity:
        return self.entities[entity_id]

    def resolve(self, name: str) -> Entity | None:
        entity_id = self.names.owner(str(name))
        return self.entities[entity_id] if entity_id else None

    def publisher(self, publisher: str) -> Entity | None:
        """The registry entity a document's publisher names, if any (see grades.publisher_key)."""
        for name in publisher_key(publisher):
            ent = self.resolve(name)
            if ent is not None:
                return ent
        return None

    def suggestions(self, name: str, n: int = 3) -> list[str]:
        return self.names.suggest(str(name), n)


def _is_text(value: object) -> bool:
    """A name or value written as one scalar (a number such as 1984 is text too, but not true/false)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _shape(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return f"{str(value).lower()} (write it in quotes to mean the text)"
    return excerpt(value)


def load_registry(path: Path, schema: Schema) -> Registry:
    """Read and check the registry; raise SourceError naming the line at fault."""
    if not os.path.lexists(path):
        raise SourceError("the entity registry is missing", path=str(path))
    data = yamlsrc.load(path)
    if not isinstance(data, yamlsrc.LDict):
        raise SourceError("the registry must map entity ids to their descriptions", path=str(path), line=1)
    entities: dict[str, Entity] = {}
    for entity_id, spec in data.items():
        line = data.line_of(entity_id)

        def fail(msg: str, at: int = line) -> SourceError:
            return SourceError(f"entity {entity_id!r}: {msg}", path=str(path), line=at)

        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", entity_id):
            raise fail("an id is lower-case letters, digits, '-' and '_'")
        if not isinstance(spec, yamlsrc.LDict):
            raise fail("must be a mapping with at least name and type")
        for key in spec:
            if key not in KNOWN_KEYS:
                raise fail(f"unknown key {excerpt(key)} (known: {', '.join(sorted(KNOWN_KEYS))})", spec.line_of(key))
        name = spec.get("name")
        if name is None or name == "":
            raise fail("lacks a name")
        if not _is_text(name):
            raise fail(f"name must be text, not {_shape(name)}", spec.line_of("name"))
        etype = spec.get("type")
        known_types = ", ".join(sorted(schema.entity_types))
        if etype is None or etype == "":
            raise fail(f"lacks a type (known: {known_types})")
        if not isinstance(etype, str):
            raise fail(f"type must be one class name, not {_shape(etype)} (known: {known_types})", spec.line_of("type"))
        if etype not in schema.entity_types:
            raise fail(f"unknown type {excerpt(etype)} (known: {known_types})", spec.line_of("type"))
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(_is_text(a) for a in aliases):
            raise fail("aliases must be a list of names", spec.line_of("aliases"))
        for key in spec:
            value = spec[key]
            if key in LITERAL_KEYS and not (_is_text(value) or isinstance(value, bool)):
                raise fail(f"{key} must be one value, not {_shape(value)}", spec.line_of(key))
            if key in REFERENCE_KEYS and not isinstance(value, str):
                raise fail(f"{key} names one entity (its id or name), not {_shape(value)}", spec.line_of(key))
        props = {k: spec[k] for k in spec if k in LITERAL_KEYS}
        if "wikidata" in props and not re.fullmatch(r"Q[1-9]\d*|none", str(props["wikidata"])):
            raise fail(f"wikidata must be a Q-number, or none where no QID was verified, not {excerpt(props['wikidata'])}",
                       spec.line_of("wikidata"))
        if "reliability" in props:
            try:
                props["reliability"] = check_reliability(props["reliability"])
            except ValueError as exc:
                raise fail(str(exc), spec.line_of("reliability")) from None
        if "reliability_note" in props and "reliability" not in props:
            raise fail("reliability_note explains a grade: give 'reliability' too", spec.line_of("reliability_note"))
        if "iso3166" in props and not re.fullmatch(r"[A-Z]{2}", str(props["iso3166"])):
            raise fail("iso3166 must be a two-letter code", spec.line_of("iso3166"))
        if "iso3166_alpha3" in props and not re.fullmatch(r"[A-Z]{3}", str(props["iso3166_alpha3"])):
            raise fail("iso3166_alpha3 must be a three-letter code", spec.line_of("iso3166_alpha3"))
        name_lines = {str(name): spec.line_of("name")}
        for i, alias in enumerate(aliases):
            name_lines.setdefault(str(alias), aliases.line_of(i) if hasattr(aliases, "line_of") else spec.line_of("aliases"))
        if "acronym" in props:
            name_lines.setdefault(str(props["acronym"]), spec.line_of("acronym"))
        entities[entity_id] = Entity(
            entity_id, str(name), etype, [str(a) for a in aliases], props,
            {k: str(spec[k]) for k in spec if k in REFERENCE_KEYS}, line, name_lines,
        )
    registry = Registry(entities, path)
    for ent in entities.values():  # references may point forward, so check them last
        for key, target in list(ent.refs.items()):
            found = registry.resolve(target)
            if found is None:
                hint = registry.suggestions(target)
                raise SourceError(
                    f"entity {ent.id!r}: {key} {target!r} is not in the registry"
                    + (f" (did you mean {', '.join(hint)}?)" if hint else ""),
                    path=str(path), line=ent.line)
            ent.refs[key] = found.id
    return registry
