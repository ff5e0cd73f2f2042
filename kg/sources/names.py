"""The one index of the names entities go by: lookup and "did you mean", for every command.

A name is matched with case and punctuation folded and spaces squeezed
(``normalise``), so "PAKISTAN." finds Pakistan whether it comes from
`kg timeline`, `kg viz --focus`, `kg query --bind` or a fact sheet. The registry
fills an index from entities.yaml; kg.views.ties and kg.sparql fill one from the
built graph (ids, preferred and alternative labels, acronyms), so both agree.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..core.errors import UnknownEntityError

_FOLD = str.maketrans({".": " ", ",": " ", "’": "'"})

# How close a misspelling must be to be suggested (difflib's ratio).
CLOSE = 0.75


def normalise(name: str) -> str:
    """The form names are matched in: case and punctuation folded, spaces squeezed."""
    return " ".join(str(name).casefold().translate(_FOLD).split())


class NameIndex:
    """Entity ids by every name they go by, and each entity's display name."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._labels: dict[str, str] = {}

    def add(self, entity_id: str, label: str, names: Iterable[str]) -> tuple[str, str] | None:
        """Index ``names`` (and the id) for the entity; the first owner of a name keeps it.

        Returns (name, other entity's id) for the first name another entity already goes by, or None."""
        self._labels.setdefault(entity_id, label)
        clash = None
        for name in (entity_id, label, *names):
            key = normalise(name)
            if not key:
                continue
            owner = self._ids.setdefault(key, entity_id)
            if owner != entity_id and clash is None:
                clash = (name, owner)
        return clash

    def owner(self, name: str) -> str | None:
        """The entity going by ``name``, or None."""
        return self._ids.get(normalise(name))

    get = owner

    def label(self, entity_id: str) -> str:
        return self._labels.get(entity_id, entity_id)

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Display names close to ``name``: near spellings first, else names containing it."""
        key = normalise(name)
        out: list[str] = []
        for match in difflib.get_close_matches(key, list(self._ids), n=n * 3, cutoff=CLOSE):
            label = self._labels[self._ids[match]]
            if label not in out:
                out.append(label)
        if not out and key:
            for label in self._labels.values():
                if key in normalise(label) and label not in out:
                    out.append(label)
        return out[:n]

    def hint(self, name: str, otherwise: str = "") -> str:
        """" (did you mean A, B?)" for ``name``, or ``otherwise``."""
        close = self.suggest(name)
        return f" (did you mean {', '.join(close)}?)" if close else otherwise

    def resolve(self, name: str, where: str = "in the graph",
                otherwise: str = " (see `kg query --list` for ways to look)") -> str:
        """The id of the entity going by ``name``; UnknownEntityError, with suggestions, if none."""
        found = self.owner(name)
        if found is None:
            raise UnknownEntityError(f"no entity named {name!r} {where}{self.hint(name, otherwise)}")
        return found

    def __len__(self) -> int:
        return len(self._labels)

    def to_json(self) -> dict:
        """The index as JSON-ready data (kg build keeps it with the build; see from_json)."""
        return {"ids": self._ids, "labels": self._labels}

    @classmethod
    def from_json(cls, data: dict) -> NameIndex:
        index = cls()
        index._ids, index._labels = dict(data["ids"]), dict(data["labels"])
        return index
