"""How well extraction does: precision, recall and F1 against reviewed fact sheets.

For each document of a gold folder (documents, their reviewed *.facts.yaml,
and entities.yaml), the document is extracted with the folder's registry and
its drafts are matched one to one with the reviewed facts. A draft and a
reviewed fact match when (kg.extract.identity):

* they have the same type;
* they have the same identifying participants, as registry ids (for a
  statement without a named speaker, the speaker as written, folded);
  named events (exercise, conference, agreement, mechanism) may match by
  name instead, when half the words of the shorter name are shared;
* their dates are compatible: the earliest-latest intervals overlap.

Where several pairings are possible, the one that matches most facts is
taken, preferring pairs whose quotes overlap. A matched pair is a true
positive; an unmatched draft a false positive; an unmatched reviewed fact a
false negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.dates import DateSpec
from ..sources.documents import read_document
from ..core.errors import MissingInputError, SourceError, ValidationError
from ..sources.factsheet import Fact, read_sheet, sheet_path_for
from ..sources.registry import Registry, load_registry
from ..sources.schema import ENTITY, NESTED, load_schema
from .identity import KEY_ROLES, NAME_KEYS, dates_compatible, identity, similar_names
from .model import DraftFact
from .pipeline import extract_document


@dataclass
class Item:
    """A fact reduced to what matching compares."""

    type: str
    key: tuple
    name: str | None
    words: set[str]
    date: DateSpec | None
    span: tuple[int, int]
    label: str


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else (1.0 if not self.predicted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched

    @property
    def empty(self) -> bool:
        return not self.gold and not self.predicted

    def as_dict(self) -> dict[str, Any]:
        """Counts and scores; the scores are null where there is nothing to score (no fact either side)."""
        score = (lambda v: None) if self.empty else (lambda v: round(v, 3))
        return {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
                "precision": score(self.precision), "recall": score(self.recall), "f1": score(self.f1)}


@dataclass
class Report:
    """Scores per fact type, per document and overall, with the facts missed and invented."""

    gold_dir: Path
    by_type: dict[str, Counts] = field(default_factory=dict)
    by_document: dict[str, Counts] = field(default_factory=dict)
    missed: list[tuple[str, str]] = field(default_factory=list)  # (document, label)
    invented: list[tuple[str, str]] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.by_type.values():
            total.add(c)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {"gold": str(self.gold_dir), "overall": self.overall.as_dict(),
                "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
                "by_document": {k: v.as_dict() for k, v in sorted(self.by_document.items())},
                "missed": [{"document": d, "fact": f} for d, f in self.missed],
                "invented": [{"document": d, "fact": f} for d, f in self.invented]}

    def table(self) -> str:
        rows = [("type", "gold", "drafted", "matched", "precision", "recall", "F1")]
        for name, c in sorted(self.by_type.items()):
            scores = ("-", "-", "-") if c.empty else (f"{c.precision:.2f}", f"{c.recall:.2f}", f"{c.f1:.2f}")
            rows.append((name, str(c.gold), str(c.predicted), str(c.matched), *scores))
        o = self.overall
        rows.append(("overall", str(o.gold), str(o.predicted), str(o.matched), f"{o.precision:.2f}", f"{o.recall:.2f}", f"{o.f1:.2f}"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        out = []
        for i, r in enumerate(rows):
            out.append("  ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r)))
            if i == 0 or i == len(rows) - 2:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out) + "\n"


def _gold_item(fact: Fact, registry: Registry) -> Item:
    roles: dict[str, set[str]] = {}
    words: set[str] = set()
    for key, f in fact.type.fields.items():
        if f.kind == ENTITY:
            ids = set(fact.values.get(key, []))
            if ids:
                roles[key] = ids
        elif f.kind == NESTED:
            continue
    for ids in roles.values():
        for eid in ids:
            words |= set(re.findall(r"[a-z0-9]+", registry[eid].name.lower()))
    written = fact.values.get("speaker_as_written", [None])[0]
    name_key = NAME_KEYS.get(fact.type.name)
    name = str(fact.values[name_key][0]) if name_key and fact.values.get(name_key) else None
    cit = fact.citations[0] if fact.citations else None
    label = f"{fact.type.name} {sorted(set().union(*roles.values())) if roles else written} {fact.date}"
    return Item(fact.type.name, identity(fact.type.name, roles, written), name, words, fact.date,
                (cit.start, cit.end) if cit else (0, 0), label)


def _draft_item(d: DraftFact) -> Item:
    roles: dict[str, set[str]] = {}
    words: set[str] = set()
    for p in d.participants:
        roles.setdefault(p.role, set()).add(p.key)
        words |= set(re.findall(r"[a-z0-9]+", p.name.lower()))
    written = d.fields.get("speaker_as_written")
    name_key = NAME_KEYS.get(d.type)
    name = d.fields.get(name_key) if name_key else None
    label = f"{d.type} {sorted(set().union(*roles.values())) if roles else written} {d.date}"
    return Item(d.type, identity(d.type, roles, written), name, words, d.date, (d.quote.start, d.quote.end), label)


def compatible(g: Item, p: Item) -> bool:
    """The matching rule: same type, compatible dates, same identifying participants (or, for a named event, name)."""
    if g.type != p.type or not dates_compatible(g.date, p.date):
        return False
    if g.key == p.key and any(g.key):
        return True
    if g.type in NAME_KEYS and similar_names(g.name, p.name, g.words | p.words):
        return True
    return False


def match(gold: list[Item], drafts: list[Item]) -> list[tuple[int, int]]:
    """A largest one-to-one pairing of compatible facts, preferring pairs whose quotes overlap."""
    options: list[list[int]] = []
    for g in gold:
        cands = [j for j, p in enumerate(drafts) if compatible(g, p)]
        cands.sort(key=lambda j: -(min(g.span[1], drafts[j].span[1]) - max(g.span[0], drafts[j].span[0])))
        options.append(cands)
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def evaluate(gold_dir: str | Path, registry: Registry | None = None) -> Report:
    """Extract every document of ``gold_dir`` and score the drafts against its reviewed sheets.

    Raises MissingInputError for a missing folder and ValidationError when a
    reviewed sheet does not pass `kg build`'s checks (the gold must be sound).
    """
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise MissingInputError(f"no such folder: {gold_dir}")
    schema = load_schema()
    registry = registry or load_registry(gold_dir / "entities.yaml", schema)
    report = Report(gold_dir)
    documents = sorted(p for p in gold_dir.glob("*.txt") if sheet_path_for(p).is_file())
    if not documents:
        raise SourceError("no documents with a reviewed fact sheet (*.txt beside *.facts.yaml)", path=str(gold_dir))
    for path in documents:
        doc = read_document(path)
        facts, problems = read_sheet(sheet_path_for(path), doc, registry, schema)
        if problems:
            raise ValidationError(problems)
        gold = [_gold_item(f, registry) for f in facts]
        drafts = [_draft_item(d) for d in extract_document(doc, registry=registry)]
        pairs = match(gold, drafts)
        hit_g = {i for i, _ in pairs}
        hit_p = {j for _, j in pairs}
        per_doc = Counts(len(gold), len(drafts), len(pairs))
        report.by_document[doc.id] = per_doc
        for i, g in enumerate(gold):
            c = report.by_type.setdefault(g.type, Counts())
            c.gold += 1
            c.matched += i in hit_g
            if i not in hit_g:
                report.missed.append((doc.id, g.label))
        for j, p in enumerate(drafts):
            report.by_type.setdefault(p.type, Counts()).predicted += 1
            if j not in hit_p:
                report.invented.append((doc.id, p.label))
    for name in KEY_ROLES:
        report.by_type.setdefault(name, Counts())
    return report
