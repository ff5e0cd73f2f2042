"""Grades of sources and facts, on the NATO AJP-2.1 / Admiralty scales.

A source document has a reliability grade, A (completely reliable) to F
(reliability cannot be judged): its front matter's `reliability:`, else its
publisher's default from the entity registry (`reliability:` and
`reliability_note:` on the publisher's entry), else F.

A fact has a credibility grade, 1 (confirmed by other sources) to 6 (truth
cannot be judged): the reviewer's `credibility:` in a fact sheet, else derived
from corroboration by `derived_credibility` below. The two make the fact's
grade, such as "B2": the best reliability among the documents that state it,
and its credibility.

The rule for derived credibility (kg's own; doctrine leaves it to the analyst):
sources are independent when their publishers differ (two articles of one news
site count once);

    1 independent source       -> 6  (cannot be judged: uncorroborated)
    2 independent sources      -> 2  (probably true: confirmed once)
    3 or more                  -> 1  (confirmed by other sources)

Grades never raise a fact above what a reviewer wrote: a reviewer's grade
always wins over the derived one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}
UNGRADED_RELIABILITY = "F"
UNCORROBORATED = "6"


@dataclass(frozen=True)
class Grade:
    """A fact's grade: the best reliability of its sources, and its credibility."""

    reliability: str  # A-F
    credibility: str  # 1-6

    def __str__(self) -> str:
        return self.reliability + self.credibility

    def at_least(self, other: Grade) -> bool:
        """Whether this grade is as good as ``other`` or better, on both scales (B2 is at least B3)."""
        return self.reliability <= other.reliability and self.credibility <= other.credibility

    @classmethod
    def parse(cls, text: str) -> Grade:
        """Read "B3" (or "b3"); raise ValueError naming what is wrong."""
        m = re.fullmatch(r"\s*([A-Fa-f])\s*([1-6])\s*", str(text))
        if not m:
            raise ValueError(f"a grade is a letter A-F and a digit 1-6, such as B3, not {text!r}")
        return cls(m.group(1).upper(), m.group(2))


def check_reliability(value) -> str:
    """The reliability letter of ``value``; ValueError where it is not A-F."""
    text = str(value).strip().upper()
    if text not in RELIABILITY:
        raise ValueError(f"reliability must be one of {', '.join(RELIABILITY)} (NATO AJP-2.1 source "
                         f"reliability), not {value!r}")
    return text


def publisher_key(publisher: str) -> list[str]:
    """The names a document's publisher is looked up by in the registry, most specific first:
    "Strategic Vision Institute (SVI), Islamabad" is tried whole, then as "Strategic Vision Institute"."""
    names = [publisher.strip()]
    short = re.split(r"\s*[(,]", publisher, maxsplit=1)[0].strip()
    if short and short not in names:
        names.append(short)
    return names


def derived_credibility(independent_sources: int) -> str:
    """The credibility the corroboration rule gives a fact stated by this many independent sources."""
    if independent_sources >= 3:
        return "1"
    if independent_sources == 2:
        return "2"
    return UNCORROBORATED


def best_reliability(letters) -> str:
    letters = [x for x in letters if x]
    return min(letters) if letters else UNGRADED_RELIABILITY
