"""What extraction produces: entity mentions and draft facts.

A draft fact is what a reviewer starts from: its type, its participants in
their roles (each matched to the registry or proposed as a new entity), its
date at the precision the text gives, its other fields, the exact quote it
rests on with offsets, and a confidence between 0 and 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.dates import DateSpec


@dataclass
class Mention:
    """A name found in the text, resolved to a registry entity or proposed as a new one."""

    start: int
    end: int
    text: str
    type: str  # a kg entity class: State, Person, Place, WeaponSystem...
    key: str  # the registry id, or a proposed id for a new entity
    name: str  # the registry's canonical name, or the name as proposed
    known: bool  # True when the registry has it
    country: str | None = None  # key of the state it belongs to (places, people, institutions)
    via: str = "name"  # how it was recognized: name, acronym, demonym, capital, title, pattern...
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def state_key(self) -> str | None:
        """The state this mention stands for or belongs to."""
        return self.key if self.type == "State" else self.country


@dataclass
class Participant:
    """An entity in a role of a fact; ``key`` is a registry id when ``known``."""

    role: str  # the sheet key of the role: supplier, member, visitor, ...
    key: str
    name: str
    type: str
    known: bool
    found_as: str = ""  # the words it was found in
    country: str | None = None  # the key of its state, for a proposed institution, person or place

    @classmethod
    def of(cls, role: str, m: Mention) -> Participant:
        return cls(role, m.key, m.name, m.type, m.known, m.text, m.country)


@dataclass
class Quote:
    start: int
    end: int
    text: str


@dataclass
class DraftFact:
    """A fact as drafted from one document, before review."""

    type: str
    participants: list[Participant] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # literal and concept sheet keys
    date: DateSpec | None = None
    quotes: list[Quote] = field(default_factory=list)
    confidence: float = 0.5
    planned: bool = False
    note: str | None = None
    links: dict[str, DraftFact] = field(default_factory=dict)  # made_at, of, occasion, related
    id: str | None = None  # set when another fact refers to this one
    sentence: int = 0  # index of the sentence it was drafted from
    # "text" when the date is written near the fact; "publication" when it is the reference date by default,
    # which says when the story was told, not the day the event happened.
    date_basis: str = "text"

    @property
    def quote(self) -> Quote:
        return self.quotes[0]

    def role(self, role: str) -> list[Participant]:
        return [p for p in self.participants if p.role == role]

    def keys(self, *roles: str) -> set[str]:
        return {p.key for p in self.participants if p.role in roles}

    def add(self, role: str, m: Mention | Participant | None) -> None:
        """Add an entity in a role, once."""
        if m is None:
            return
        p = Participant.of(role, m) if isinstance(m, Mention) else m
        if not any(q.role == role and q.key == p.key for q in self.participants):
            self.participants.append(Participant(role, p.key, p.name, p.type, p.known, p.found_as, p.country))
