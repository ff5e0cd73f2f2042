"""Scoring drafts on real articles: the gold format of the shared development set (`extract-dev`).

A folder in that format holds, per article, `NAME.txt` (a few `key: value`
header lines, a `---` line, then the article as published) and
`NAME.gold.yaml` (its facts, each with a type, subject and object entities,
a date, a quote, and `optional: true` on borderline ones). The articles are
third-party text: they are read where they lie, at scoring time, and never
copied into this repository.

The rules are the development set's own, written again here:

* drafts and gold facts are paired one to one, by maximum weight matching
  (a core gold fact weighs 2, an optional one 1);
* a pair has the same type (a drafted `anniversary` counts as
  `diplomatic_relations`) and dates that agree at the coarser precision of the
  two (no date on either side agrees with any);
* at least two of the gold fact's entities (or its only one) are named among
  the draft's participants: by name or the words the text uses (folded,
  either containing the other), a person by surname, never through their
  country; a state, or a body acting for one, by ISO code;
* a statement needs the gold speaker among the draft's speakers, and a
  draft quote overlapping the gold quote (or its context);
* drafted `office` and `cooperation_mechanism` facts are not scored (the set
  does not annotate them); matching an optional fact costs no precision, and
  missing one costs no recall. Recall counts core facts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import MissingInputError, SourceError
from .evaluate import Counts
from .sheet import fact_to_json
from .text import document_from_text

UNSCORED = {"office", "cooperation_mechanism"}
TYPE_ALIASES = {"anniversary": "diplomatic_relations"}
_SMALL = r"\b(?:the|of|mr|mrs|ms|dr|lt|gen|general|president|prime|minister|pm|air|chief|marshal)\b"


def is_realtext_gold(folder: Path) -> bool:
    """Whether a folder holds gold in the development set's format."""
    return any(folder.glob("*.gold.yaml"))


def fold(name: str) -> str:
    """Lower case ASCII words, titles and small words left out: how names are compared."""
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    return " ".join(re.sub(_SMALL, " ", s).split())


def read_article(path: Path) -> tuple[dict, str]:
    """The header (as YAML) and the body of an article file."""
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise SourceError("no '---' line after the header", path=str(path))
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise SourceError(f"unreadable header: {str(exc).splitlines()[0]}", path=str(path)) from None
    return meta, body


def _iso_of(name: str) -> str | None:
    from .entities import gazetteer

    gaz = gazetteer(None)
    entry = gaz.resolve_name(name)
    if entry is None or entry.type != "State":
        return None
    return gaz.iso.get(entry.key)


@dataclass
class _Draft:
    type: str
    names: list[str]
    isos: set[str]
    speakers: list[str]
    speaker_isos: set[str]
    quotes: list[str]
    date: str | None


def _draft(d: dict, isos_of: dict[str, str]) -> _Draft:
    names, isos, speakers, sp_isos = [], set(), [], set()
    for p in d.get("participants", []):
        words = [p["name"]] + ([p["text"]] if p.get("text") else [])
        names += words
        iso = isos_of.get(p.get("id") or "") or _iso_of(p["name"]) if p.get("entity_type") != "Person" else None
        if iso:
            isos.add(iso)
        if p.get("role") == "speaker":
            speakers += words
            if iso:
                sp_isos.add(iso)
    quotes = [d.get("quote", "")] + [q["quote"] for q in d.get("quotes", [])]
    date = d.get("start_date") or d.get("date")
    return _Draft(TYPE_ALIASES.get(d["type"], d["type"]), names, isos, speakers, sp_isos, quotes,
                  str(date)[:10] if date else None)


def _entities(g: dict) -> list[dict]:
    out = []
    for key in ("subject", "object", "weapon"):
        v = g.get(key)
        for e in (v if isinstance(v, list) else [v]) if v is not None else []:
            out.append(e if isinstance(e, dict) else {"text": str(e), "norm": str(e)})
    return out


def _hit(ent: dict, names: list[str], isos: set[str]) -> bool:
    cands = {fold(ent.get("norm", "")), fold(ent.get("text", ""))} - {""}
    person = ent.get("kind") == "person"
    for n in names:
        f = fold(n)
        if not f:
            continue
        for c in cands:
            if f == c or (len(f) > 3 and f in c) or (len(c) > 3 and c in f):
                return True
            if person and c.split()[-1] == f.split()[-1]:
                return True
    return bool(not person and ent.get("iso") and ent["iso"] in isos)


def _dates_agree(g: Any, d: str | None) -> bool:
    if not g or not d:
        return True
    g, d = str(g)[:10], str(d)[:10]
    n = min(len(g), len(d))
    return g[:n] == d[:n]


def _quotes_overlap(g: dict, d: _Draft) -> bool:
    for q in d.quotes:
        dq = fold(q)
        if len(dq) < 12:
            continue
        for key in ("quote", "quote_context"):
            gq = fold(g.get(key) or "")
            if len(gq) >= 12 and (gq[:60] in dq or dq[:60] in gq):
                return True
    return False


def pairs_with(g: dict, d: _Draft) -> bool:
    """The development set's pairing rule for one gold fact and one draft."""
    if d.type != g["type"] or not _dates_agree(g.get("date"), d.date):
        return False
    if g["type"] == "statement":
        subj = g.get("subject")
        subj = subj if isinstance(subj, list) else [subj]
        return _quotes_overlap(g, d) and any(_hit(x, d.speakers, d.speaker_isos) for x in subj if isinstance(x, dict))
    ents = _entities(g)
    need = min(2, len(ents))
    return sum(_hit(x, d.names, d.isos) for x in ents) >= need


@dataclass
class RealCounts(Counts):
    """Core gold facts and how many were found; drafts and how many matched any gold fact.

    Recall counts the gold facts found, precision the drafts matched: a draft may match an optional
    gold fact, which neither helps recall nor hurts precision, so the two counts differ.
    """

    found: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else (1.0 if not self.predicted else 0.0)

    def add(self, other: Counts) -> None:
        super().add(other)
        if isinstance(other, RealCounts):
            self.found += other.found

    def as_dict(self) -> dict[str, Any]:
        scores = super().as_dict()
        return {"gold": scores.pop("gold"), "found": self.found, **scores}


@dataclass
class RealReport:
    gold_dir: Path
    by_type: dict[str, RealCounts] = field(default_factory=dict)
    by_document: dict[str, RealCounts] = field(default_factory=dict)
    missed: list[tuple[str, str]] = field(default_factory=list)
    invented: list[tuple[str, str]] = field(default_factory=list)
    outcomes: list[tuple[dict, bool]] = field(default_factory=list)  # each scored draft (JSON) and whether it matched

    @property
    def overall(self) -> RealCounts:
        total = RealCounts()
        for c in self.by_type.values():
            total.add(c)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {"gold": str(self.gold_dir), "format": "extract-dev", "overall": self.overall.as_dict(),
                "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
                "by_document": {k: v.as_dict() for k, v in sorted(self.by_document.items())},
                "missed": [{"document": d, "fact": f} for d, f in self.missed],
                "invented": [{"document": d, "fact": f} for d, f in self.invented]}

    def table(self) -> str:
        import io

        from ..core.textout import write_table

        rows = []
        for name, c in sorted(self.by_type.items()):
            scores = ("-", "-", "-") if c.empty else (f"{c.precision:.2f}", f"{c.recall:.2f}", f"{c.f1:.2f}")
            rows.append((name, f"{c.found}/{c.gold}", f"{c.matched}/{c.predicted}", *scores))
        o = self.overall
        rows.append(("overall", f"{o.found}/{o.gold}", f"{o.matched}/{o.predicted}", f"{o.precision:.2f}",
                     f"{o.recall:.2f}", f"{o.f1:.2f}"))
        out = io.StringIO()
        write_table(("type", "core found", "drafts matched", "precision", "recall", "F1"), rows, out)
        return out.getvalue()


def evaluate_realtext(gold_dir: str | Path) -> RealReport:
    """Draft every article of a folder in the development set's format and score the drafts by its rules.

    Each article is drafted with no registry (as an unseen article would be),
    its `published` date as the reference date. Raises MissingInputError for a
    missing folder or article, SourceError for an unreadable one.
    """
    import networkx as nx

    from .pipeline import extract_document

    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise MissingInputError(f"no such folder: {gold_dir}")
    report = RealReport(gold_dir)
    golds = sorted(gold_dir.glob("*.gold.yaml"))
    if not golds:
        raise SourceError("no *.gold.yaml files", path=str(gold_dir))
    for gp in golds:
        try:
            gold_doc = yaml.safe_load(gp.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise SourceError(f"unreadable gold: {str(exc).splitlines()[0]}", path=str(gp)) from None
        article = gold_dir / str(gold_doc.get("article") or gp.name.replace(".gold.yaml", ".txt"))
        if not article.is_file():
            raise MissingInputError(f"no article {article.name} beside {gp.name}")
        meta, body = read_article(article)
        name = article.stem
        doc = document_from_text(body, str(meta.get("published") or ""), doc_id=name)
        drafts = [fact_to_json(d) for d in extract_document(doc)]
        drafts = [d for d in drafts if d["type"] not in UNSCORED]
        isos: dict[str, str] = {}
        ds = [_draft(d, isos) for d in drafts]
        gold = [g for g in gold_doc.get("facts") or [] if isinstance(g, dict) and g.get("type")]
        graph = nx.Graph()
        for i, g in enumerate(gold):
            for j, d in enumerate(ds):
                if pairs_with(g, d):
                    graph.add_edge(("g", i), ("d", j), weight=1 if g.get("optional") else 2)
        matched: dict[int, int] = {}
        for a, b in nx.max_weight_matching(graph):
            if a[0] == "d":
                a, b = b, a
            matched[a[1]] = b[1]
        per_doc = RealCounts()
        for i, g in enumerate(gold):
            if g.get("optional"):
                continue
            c = report.by_type.setdefault(g["type"], RealCounts())
            c.gold += 1
            per_doc.gold += 1
            if i in matched:
                c.found += 1
                per_doc.found += 1
            else:
                report.missed.append((name, f"{g['type']} {g.get('date')} {str(g.get('quote', ''))[:90]!r}"))
        hit = set(matched.values())
        for j, d in enumerate(ds):
            c = report.by_type.setdefault(d.type, RealCounts())
            c.predicted += 1
            per_doc.predicted += 1
            report.outcomes.append((drafts[j], j in hit))
            if j in hit:
                c.matched += 1
                per_doc.matched += 1
            else:
                report.invented.append((name, f"{d.type} {d.date} {d.quotes[0][:90]!r}"))
        report.by_document[name] = per_doc
    return report
