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

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsrc
from ..core.errors import SourceError
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


class Registry:
    """Entities by id, and a lookup from every name they go by."""

    def __init__(self, entities: dict[str, Entity], path: Path | None = None):
        self.entities = entities
        self.path = path
        self.names = NameIndex()
        for ent in entities.values():
            acronym = [str(ent.props["acronym"])] if "acronym" in ent.props else []
            clash = self.names.add(ent.id, ent.name, [str(a) for a in ent.aliases] + acronym)
            if clash is not None:
                raise SourceError(f"the name {clash[0]!r} of {ent.id!r} is already a name of {clash[1]!r}",
                                  path=str(path) if path else None, line=ent.line)

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


def load_registry(path: Path, schema: Schema) -> Registry:
    """Read and check the registry; raise SourceError naming the line at fault."""
    if not path.is_file():
        raise SourceError("the entity registry is missing", path=str(path))
    data = yamlsrc.load(path)
    if not isinstance(data, dict):
        raise SourceError("the registry must map entity ids to their descriptions", path=str(path), line=1)
    entities: dict[str, Entity] = {}
    for entity_id, spec in data.items():
        line = data.line_of(entity_id)

        def fail(msg: str, at: int = line) -> SourceError:
            return SourceError(f"entity {entity_id!r}: {msg}", path=str(path), line=at)

        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", entity_id):
            raise fail("an id is lower-case letters, digits, '-' and '_'")
        if not isinstance(spec, dict):
            raise fail("must be a mapping with at least name and type")
        for key in spec:
            if key not in KNOWN_KEYS:
                raise fail(f"unknown key {key!r} (known: {', '.join(sorted(KNOWN_KEYS))})", spec.line_of(key))
        if not spec.get("name"):
            raise fail("lacks a name")
        etype = spec.get("type")
        if etype not in schema.entity_types:
            raise fail(f"unknown type {etype!r} (known: {', '.join(sorted(schema.entity_types))})",
                       spec.line_of("type"))
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise fail("aliases must be a list of names", spec.line_of("aliases"))
        props = {k: spec[k] for k in spec if k in LITERAL_KEYS}
        if "wikidata" in props and not re.fullmatch(r"Q[1-9]\d*|none", str(props["wikidata"])):
            raise fail(f"wikidata must be a Q-number, or none where no QID was verified, not {props['wikidata']!r}",
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
        entities[entity_id] = Entity(
            entity_id, str(spec["name"]), etype, list(aliases), props,
            {k: str(spec[k]) for k in spec if k in REFERENCE_KEYS}, line,
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
