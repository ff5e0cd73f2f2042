"""What the fact rules work on: a document's sentences with their mentions and dates,
and the ways roles are filled from them.

A rule finds a trigger and asks these helpers for the subject before it
(with the names coordinated with it), the objects after it, the mention
after "from" or "to", what "both countries" refers back to, and the date
nearest the trigger. Nothing here knows a fact type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from ..core import dates
from . import reference as ref
from .entities import Gazetteer
from .model import DraftFact, Mention, Quote
from .timex import as_of, DateMention


INSTITUTIONS = {"ThinkTank", "Foundation", "Ministry", "GovernmentBody", "ArmedService", "Company",
                "MediaOrganization", "Institution"}


ACTORS = {"State", "InternationalOrganization", "Person"} | INSTITUTIONS


TREATIES = {"Treaty", "Regime", "TreatyRegime"}


CLAUSE_BREAK = re.compile(r";|\b(?:but|while|whereas|although|because|though|however|after|before|when|where|which|who)\b|[.!?]\s")


_COORD = re.compile(r"^\)?\s*(?:,\s*(?:and\s+|as\s+well\s+as\s+)?|and\s+|&\s+|or\s+|as\s+well\s+as\s+|together\s+with\s+)(?:the\s+)?$")


_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|is due to|are due to|is scheduled|are scheduled|scheduled for|"
                     r"is expected to|are expected to|plans? to|planned|intends? to|intend to|set to|to be held|"
                     r"upcoming|forthcoming|ahead of)\b", re.IGNORECASE)


_GROUP_REFS = re.compile(r"\b(?:both|the two|two)\s+(?:countries|sides|nations|states|governments|navies|armies|"
                         r"air forces|militaries|ministers|leaders|capitals|neighbours|neighbors|partners)\b|\beach other\b",
                         re.IGNORECASE)


ORG_REFS = re.compile(r"\bthe\s+(?:group|bloc|alliance|organi[sz]ation|body|grouping|union|association|forum)\b", re.IGNORECASE)


MONEY = re.compile(
    r"(?:(?:US|A|C|S)?\$|USD|EUR|€|£|GBP|Rs\.?|INR|PKR)\s?\d[\d,.]*\s*(?:billion|million|trillion|bn|mn|m|crore|lakh)?"
    r"|\d[\d,.]*\s*(?:billion|million|trillion|bn|mn|crore|lakh)\s*(?:US\s+)?(?:dollars|euros?|pounds|rupees|yuan|"
    r"roubles|rubles|yen|won|riyals|dirhams|USD|EUR)")


_ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b|\b(" + "|".join(sorted(ref.ORDINAL_WORDS, key=len, reverse=True))
                      + r")\b", re.IGNORECASE)


@dataclass
class Sent:
    idx: int
    start: int
    end: int
    text: str
    paragraph: int
    mentions: list[Mention]
    dates: list[DateMention]

    def rel(self, pos: int) -> str:
        return self.text[pos - self.start:]

    def between(self, a: int, b: int) -> str:
        return self.text[max(a, self.start) - self.start:max(b, self.start) - self.start]

    @property
    def future(self) -> bool:
        return bool(_FUTURE.search(self.text))

    def quote(self) -> Quote:
        return Quote(self.start, self.end, self.text)


@dataclass
class Context:
    """A document being read: its sentences, mentions and the facts drafted so far."""

    text: str
    reference: dates.PartialDate
    gaz: Gazetteer
    sents: list[Sent]
    facts: list[DraftFact] = field(default_factory=list)
    all_mentions: list[Mention] = field(default_factory=list)

    def before(self, pos: int, pred, n: int = 1, distinct: bool = True) -> list[Mention]:
        """The last ``n`` mentions before ``pos`` that satisfy ``pred``, latest first."""
        out: list[Mention] = []
        seen: set[str | None] = set()
        for m in reversed(self.all_mentions):
            if m.end > pos or not pred(m):
                continue
            key = m.state_key if m.type == "State" else m.key
            if distinct and key in seen:
                continue
            seen.add(key)
            out.append(m)
            if len(out) == n:
                break
        return out

    def state(self, m: Mention | None) -> Mention | None:
        """The state a mention stands for or belongs to, as a mention."""
        if m is None:
            return None
        if m.type == "State":
            return m
        if m.country:
            s = self.gaz.state(m.country)
            if s is not None:
                return Mention(m.start, m.end, m.text, "State", s.key, s.name, s.known, via="country-of")
        return None

    def recent_states(self, pos: int, n: int = 2) -> list[Mention]:
        return self.before(pos, lambda m: m.type == "State", n)

    def last_fact(self, ftype: str, before_sentence: int, within: int = 99) -> DraftFact | None:
        for f in reversed(self.facts):
            if f.type == ftype and before_sentence - within <= f.sentence <= before_sentence:
                return f
        return None


def is_state(m: Mention) -> bool:
    return m.type == "State"


def is_actor(m: Mention) -> bool:
    return m.type in ACTORS


def new_fact(ftype: str, s: Sent, confidence: float) -> DraftFact:
    return DraftFact(ftype, quotes=[s.quote()], confidence=confidence, sentence=s.idx)


def subject_before(s: Sent, pos: int, pred, window: int = 90, coordinate: bool = True) -> list[Mention]:
    """The mention(s) satisfying ``pred`` that stand before ``pos`` as its subject,
    with any coordinated with them ("India, Pakistan and Israel have ...")."""
    cands = [m for m in s.mentions if m.end <= pos and pred(m)]
    if not cands:
        return []
    head = cands[-1]
    # "Bulgaria, which also signed the treaty in Luxembourg, ratified it": the subject stands before the
    # relative clause, and a name inside the clause is not it.
    rel = re.search(r",\s*(?:which|who)\b[^;\"“”]{0,120},\s*(?:also\s+|then\s+|later\s+)?$", s.text[:pos - s.start])
    if rel:
        outer = [m for m in cands if m.end <= s.start + rel.start()]
        if outer and s.start + rel.start() - outer[-1].end <= 2:
            head = outer[-1]
            cands = outer
            pos = s.start + rel.start()
    gap = s.between(head.end, pos)
    if re.fullmatch(r",?\s+who\s+(?:[\w-]+\s+){0,5}", gap):
        gap = ""  # "King Mohammed VI, who visited Nigeria": the relative pronoun's antecedent
    # "Bulgaria and Romania, which are accession countries of the EU, are set to join": past the relative clause.
    rel = re.match(r"\s*,\s*(?:which|who|whose)\b[^;\"“”]{0,120}?,\s*", gap)
    if rel and not [m for m in s.mentions if head.end < m.start < head.end + rel.end() and pred(m)]:
        gap = gap[rel.end():]
    if len(gap) > window or CLAUSE_BREAK.search(gap):
        return []
    out = [head]
    if coordinate:
        i = s.mentions.index(head)
        while i > 0:
            prev = s.mentions[i - 1]
            if not pred(prev) or not _COORD.match(s.between(prev.end, out[0].start)):
                break
            out.insert(0, prev)
            i -= 1
    return out


def objects_after(s: Sent, pos: int, pred, window: int = 50, coordinate: bool = True) -> list[Mention]:
    """The mention(s) satisfying ``pred`` right after ``pos``, with those coordinated with them."""
    cands = [m for m in s.mentions if m.start >= pos and pred(m)]
    if not cands:
        return []
    head = cands[0]
    gap = s.between(pos, head.start)
    if len(gap) > window or ";" in gap:
        return []
    out = [head]
    if coordinate:
        i = s.mentions.index(head)
        while i + 1 < len(s.mentions):
            nxt = s.mentions[i + 1]
            if not pred(nxt) or not _COORD.match(s.between(out[-1].end, nxt.start)):
                break
            out.append(nxt)
            i += 1
    return out


def after_prep(s: Sent, pos: int, preps: str, pred, window: int = 80) -> list[Mention]:
    """Mentions satisfying ``pred`` introduced by one of ``preps`` ("from", "to") after ``pos``."""
    for m in re.finditer(rf"(?<!according )(?<!as )\b(?:{preps})\s+(?:the\s+)?", s.rel(pos)[:window]):
        at = pos + m.end()
        hit = [x for x in s.mentions if x.start == at and pred(x)]
        if hit:
            return objects_after(s, at, pred, window=2)
    return []


def group_reference(ctx: Context, s: Sent, lo: int, hi: int) -> list[Mention]:
    """"Both countries", "the two sides": the two states last named."""
    m = _GROUP_REFS.search(s.between(lo, hi))
    if not m:
        return []
    return list(reversed(ctx.recent_states(lo + m.start(), 2)))


def nearest_date(s: Sent, pos: int, prefer_after: bool = True, lo: int | None = None, hi: int | None = None,
                 exclude: tuple[tuple[int, int], ...] = ()) -> DateMention | None:
    # "which will run until Sunday": an end, never the date of the fact itself.
    cands = [d for d in s.dates if (lo is None or d.start >= lo) and (hi is None or d.end <= hi)
             and not any(a <= d.start < b for a, b in exclude)
             and not re.search(r"\b(?:until|till|through)\s+(?:on\s+)?$", s.text[:d.start - s.start])]
    if not cands:
        return None

    def dist(d: DateMention) -> tuple[int, int]:
        if d.start >= pos:
            return (d.start - pos, 0)
        return (pos - d.end + (40 if prefer_after else 0), 1)
    return min(cands, key=dist)


def number_value(word: str) -> int | None:
    w = word.lower().replace(",", "")
    if w.isdigit():
        return int(w)
    return ref.NUMBER_WORDS.get(w)


def ordinal_value(text: str) -> int | None:
    m = _ORDINAL.search(text)
    if not m:
        return None
    if m.group(1):
        return int(m.group(1))
    return ref.ORDINAL_WORDS.get(m.group(2).lower())


def cap_first(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:-")
    return text[:1].upper() + text[1:]


def span_of(s: Sent, m: re.Match, offset: int = 0) -> tuple[int, int]:
    return s.start + offset + m.start(), s.start + offset + m.end()



class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


_K = TypeVar("_K", bound=_Keyed)


def unique(ms: list[_K]) -> list[_K]:
    """Each entity once (by key), in the order first met: mentions, or participants of facts."""
    seen: set[str] = set()
    out: list[_K] = []
    for m in ms:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out


def finish_date(fact: DraftFact, d: DateMention | None, ctx: Context, s: Sent, default: str) -> None:
    """Give the fact its date: the one found, else by ``default``: "as of", "before", "after" or "ref"."""
    if d is not None:
        fact.date = d.spec
        fact.confidence += 0.1
        earliest = fact.date.earliest()
        if earliest and earliest > ctx.reference.latest():
            fact.planned = True
        return
    fact.date = {"ref": dates.DateSpec(ctx.reference, text=ctx.reference.iso())}.get(default) or as_of(ctx.reference, default)
    fact.date_basis = "publication"
    if default == "after":
        fact.planned = True


def sentence_of(ctx: Context, m: Mention) -> int:
    for s in ctx.sents:
        if s.start <= m.start < s.end:
            return s.idx
    return -99


def most_named_state(ctx: Context, exclude: str | None = None) -> Mention | None:
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in ctx.all_mentions:
        if m.type == "State" and m.key != exclude:
            counts[m.key] = counts.get(m.key, 0) + 1
            first.setdefault(m.key, m)
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    ranked = sorted(counts.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:
        return None  # no one state stands out
    return first[best]


QUOTED = re.compile(r"[‘'\"“]([^’'\"”]{3,80})[’'\"”]")


GENERIC_EVENT_WORDS = {"international", "regional", "annual", "national", "joint", "bilateral", "ministerial", "high-level",
                        "expert", "conference", "meeting", "summit", "session", "talks", "forum", "seminar", "dialogue",
                        "the", "this", "two-day", "one-day", "three-day", "virtual", "roundtable", "symposium", "workshop"}


def named_phrase(s: Sent, t_start: int, t_end: int) -> tuple[str, int, int] | None:
    """The capitalized name a trigger word stands in ("18th ASEAN Defence Ministers' Meeting",
    "ninth meeting of the Turkiye-Azerbaijan High-Level Military Dialogue")."""
    text = s.text
    a, b = t_start, t_end
    left = re.search(r"((?:(?:[A-Z][\w'’.-]*|\d+(?:st|nd|rd|th)|" + "|".join(ref.ORDINAL_WORDS) + r")['’]?\s+)+)$", text[:a])
    if left:
        a = left.start(1)
    cap = (r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
           r"August|September|October|November|December)\b)[A-Z][\w'’.-]*")
    right = re.match(rf"((?:\s+(?:of|on|for)\s+(?:the\s+)?(?:{cap}|\d{{4}})(?:\s+(?:{cap}|and|of|the|&|\d{{4}}))*)+)",
                     text[b:])
    if right:
        b += len(right.group(1).rstrip())
    phrase = text[a:b]
    words = phrase.split()
    while words and words[0] in ("The", "A", "An", "On", "At", "In"):
        a += len(words[0]) + 1
        words = words[1:]
    while words and words[-1] in ("and", "of", "the", "on", "for", "in", "&"):
        words = words[:-1]
    phrase = " ".join(words)
    if phrase == text[t_start:t_end] or not re.search(r"[A-Z]", phrase):
        return None
    if not (phrase[:1].isupper() or phrase[:1].isdigit()) and not re.search(r"\bof\b", phrase):
        return None
    return cap_first(phrase), s.start + a, s.start + a + len(phrase)


def person_state(ctx: Context, s: Sent, person: Mention) -> Mention | None:
    """The state a person represents: a demonym or possessive before their title, else the registry's."""
    before = [m for m in s.mentions
              if m.end <= person.start and person.start - m.end <= 60 and m.type in ("State", "ArmedService", "Ministry")]
    for m in reversed(before):
        gap = s.between(m.end, person.start)
        if not re.search(r"[.;,]|\bwith\b|\band\b", gap):  # "While in Chile, Mr Berg": not his state
            return ctx.state(m)
    if person.country:
        return ctx.gaz.state(person.country)
    return None
