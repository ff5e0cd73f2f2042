"""When two facts are the same fact: the rule extraction merges by and evaluation matches by.

Two facts are the same when they have the same type, compatible dates (their
earliest-latest intervals overlap; an open end overlaps everything) and the
same identifying participants: the entities in the roles that say which tie
it is (for an arms order, who ordered what from whom). Named events
(exercises, conferences, agreements, mechanisms) may instead share a name:
half the words of the shorter name, ignoring case and small words.
"""

from __future__ import annotations

import datetime as _dt
import re

from ..core.dates import DateSpec

# Roles whose entities identify a fact of each type. Roles in one tuple are
# compared as one set (an exercise's host is one of its participants).
KEY_ROLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "membership": (("member",), ("organization",)),
    "arms_order": (("supplier",), ("recipient",), ("weapon",)),
    "arms_delivery": (("supplier",), ("recipient",), ("weapon",)),
    "exercise": (("participants", "host"),),
    "visit": (("visitor",), ("host",)),
    "conference": (("participants", "organizer"),),
    "agreement": (("parties",),),
    "treaty_status": (("party",), ("treaty",)),
    "diplomatic_relations": (("parties",),),
    "anniversary": (("parties",),),
    "statement": (("speaker",),),
    "cooperation_mechanism": (("parties",),),
    "energy_cooperation": (("supplier",), ("recipient",)),
    "office": (("person",), ("organization",)),
    "other": (("participants",),),
}
NAME_KEYS = {"exercise": "name", "conference": "title", "agreement": "title", "cooperation_mechanism": "name"}
_SMALL = {"the", "of", "on", "for", "and", "a", "an", "in", "to", "at", "with", "between", "meeting", "session"}


def identity(ftype: str, roles: dict[str, set[str]], speaker_as_written: str | None = None) -> tuple:
    """The identifying participants of a fact, given the entity keys in each of its roles."""
    key = []
    for group in KEY_ROLES.get(ftype, ()):
        ids: set[str] = set()
        for role in group:
            ids |= roles.get(role, set())
        key.append(frozenset(ids))
    if ftype == "statement" and not key[0] and speaker_as_written:
        key[0] = frozenset({"as-written:" + written_head(speaker_as_written)})
    return tuple(key)


def written_head(text: str) -> str:
    """The head noun of a speaker as written: "Speakers of the conference" -> "speakers"."""
    words = re.findall(r"[a-z]+", text.lower().split(" of ")[0])
    return words[-1] if words else ""


def name_words(name: str | None, ignore: set[str] | frozenset[str] = frozenset()) -> set[str]:
    if not name:
        return set()
    return {w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _SMALL and w not in ignore}


def similar_names(a: str | None, b: str | None, ignore: set[str] | frozenset[str] = frozenset()) -> bool:
    """True when the names share half the words of the shorter one (small words and
    the words of ``ignore``, such as the participants' own names, left out)."""
    wa, wb = name_words(a, ignore), name_words(b, ignore)
    if not wa or not wb:
        return False
    return len(wa & wb) * 2 >= min(len(wa), len(wb))


def bounds(spec: DateSpec | None) -> tuple[_dt.date | None, _dt.date | None]:
    if spec is None:
        return None, None
    return spec.earliest(), spec.latest()


def dates_compatible(a: DateSpec | None, b: DateSpec | None) -> bool:
    """True when the two dates' earliest-latest intervals overlap."""
    (ea, la), (eb, lb) = bounds(a), bounds(b)
    if ea is not None and lb is not None and ea > lb:
        return False
    if eb is not None and la is not None and eb > la:
        return False
    return True
