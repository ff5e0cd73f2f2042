"""Reviewing the facts of one document: accept, reject, edit, add, undo, save.

A review opens a document of raw/ with its draft sheet (``<doc>.draft.facts.yaml``,
written by `kg add`) and its reviewed sheet (``<doc>.facts.yaml``), if either
exists. Each fact has a status: ``draft`` (not yet decided), ``accepted``,
``edited`` or ``rejected``; the facts of the reviewed sheet start accepted.

Every change is checked at once with the checks `kg build` runs on a sheet:
kg.sources.factsheet.read_sheet (the schema, the registry, the quote found in the
document) and the ontology's SHACL shapes (kg.builder.build.shape_problems). A
problem is kept on the fact, in words.

Saving writes the reviewed sheet (the accepted and edited facts), the draft
(the facts still undecided; it is removed when none is left) and the new
entities the saved facts name (appended to entities.yaml), each atomically
and in that order, so a save killed half way leaves each file whole and the
sheet never naming an entity that is not there. A fact found in both the
sheet and the draft (a save killed between the two) is read once, from the
sheet. The save is refused when any of the three files changed since the
review read them (another page saved first): the review compares digests.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..core import dates
from ..sources.documents import Document, read_document
from ..core.errors import (ConflictError, DateError, KGError, MissingInputError, SourceError, UsageError,
                           ValidationError)
from ..sources.factsheet import document_of_sheet, draft_path_for, is_draft, read_sheet, sheet_path_for, slugify
from ..sources.registry import Entity, Registry, load_registry, normalise
from ..sources.schema import ENTITY, FACT, NESTED, Schema, load_schema
from ..core.serialize import atomic_write
from .sheetfile import Block, SheetText, ordered, render_fact, scalar, split_sheet

STATUSES = ("draft", "accepted", "edited", "rejected")
REGISTRY_FILE = "entities.yaml"
_CONFIDENCE = re.compile(r"#\s*confidence\s+([0-9.]+)")


@dataclass
class ReviewFact:
    """One fact under review."""

    key: int  # its number in this review (stable while the review lasts)
    data: dict  # the sheet's keys and values
    status: str
    origin: str  # "sheet", "draft" or "added"
    block: Block
    confidence: float | None = None
    problems: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # where its quotes stand in the text

    @property
    def changed(self) -> bool:
        return self.origin == "added" or self.data != self.block.data

    def as_dict(self) -> dict:
        return {"key": self.key, "data": _jsonable(self.data), "status": self.status, "origin": self.origin,
                "confidence": self.confidence, "problems": list(self.problems),
                "spans": [list(s) for s in self.spans]}


@dataclass
class SaveResult:
    sheet: Path
    saved: int  # facts in the reviewed sheet
    awaiting: int  # facts left in the draft
    draft_removed: bool
    new_entities: list[str]


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            data = b"\x00missing"
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def _checks():
    from ..builder.validate import compile_shapes

    schema = load_schema()
    return compile_shapes(schema.shapes, schema.ontology)


def find_document(raw: Path, doc: str | Path) -> Path:
    """The document of raw/ that ``doc`` names: a path, a file name or a stem."""
    raw = Path(raw)
    p = Path(doc)
    candidates = [p, raw / p.name, raw / f"{p.name}.txt"]
    if p.name.endswith(".facts.yaml"):
        candidates.insert(0, raw / f"{document_of_sheet(p)}.txt")
    for c in candidates:
        if c.suffix == ".txt" and c.is_file():
            return c
    raise MissingInputError(f"no document {doc} in {raw}/")


class Review:
    """The review of one document. Operations raise KGError subclasses on bad requests."""

    def __init__(self, raw: str | Path, doc: str | Path):
        self.raw = Path(raw)
        self.doc_path = find_document(self.raw, doc)
        self.doc: Document = read_document(self.doc_path)
        self.sheet_path = sheet_path_for(self.doc_path)
        self.draft_path = draft_path_for(self.doc_path)
        self.registry_path = self.raw / REGISTRY_FILE
        self.schema: Schema = load_schema()
        self.base_registry: Registry = load_registry(self.registry_path, self.schema)
        self.new_entities: dict[str, dict] = {}  # id -> registry entry, not yet saved
        self.registry: Registry = self.base_registry
        self.facts: list[ReviewFact] = []
        self.history: list[tuple[str, int, ReviewFact | None]] = []
        self._load()

    # ------------------------------------------------------------ reading
    def _load(self) -> None:
        self.base = _digest(self.sheet_path, self.draft_path, self.registry_path)
        self.sheet = self._split(self.sheet_path) if self.sheet_path.is_file() else None
        self.draft = self._split(self.draft_path) if self.draft_path.is_file() else None
        self.proposals = _proposals(self.draft.head) if self.draft else []
        self.facts = []
        seen = []
        for block in self.sheet.blocks if self.sheet else []:
            self.facts.append(ReviewFact(len(self.facts), copy.deepcopy(block.data), "accepted", "sheet", block))
            seen.append(block.data)
        for block in self.draft.blocks if self.draft else []:
            if block.data in seen:  # saved to the sheet by a save that was cut short
                continue
            m = _CONFIDENCE.search(block.lead)
            self.facts.append(ReviewFact(len(self.facts), copy.deepcopy(block.data), "draft", "draft", block,
                                         float(m.group(1)) if m else None))
        self.history = []
        self.check()

    def _split(self, path: Path) -> SheetText:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(f"not UTF-8 text (invalid byte at offset {exc.start})", path=str(path)) from None
        return split_sheet(text, str(path))

    def fact(self, key: int) -> ReviewFact:
        for f in self.facts:
            if f.key == key:
                return f
        raise UsageError(f"no fact {key} in this review")

    # ------------------------------------------------------------ checks
    def check(self) -> None:
        """Check the facts as `kg build` would; set each one's problems and spans.

        All the facts not rejected are checked together, whichever changed: one may
        refer to another (``related``, ``made_at``). A reference to a fact of another
        document is left to `kg build`, which sees every sheet.
        """
        todo = [f for f in self.facts if f.status != "rejected"]
        for f in self.facts:
            if f.status == "rejected":
                f.problems = []
        if not todo:
            return
        from ..builder.build import shape_problems, sources_for

        with tempfile.TemporaryDirectory(prefix="kg-review-") as tmp:
            path = Path(tmp) / f"{self.doc.id}.facts.yaml"
            texts = ["facts:\n"]
            lines: list[tuple[int, int, ReviewFact]] = []
            at = 2
            for f in todo:
                text = render_fact(ordered(f.data, self.schema.fact_types.get(str(f.data.get("type")))))
                n = text.count("\n")
                lines.append((at, at + n - 1, f))
                texts.append(text)
                at += n
            path.write_text("".join(texts), encoding="utf-8")
            try:
                read, problems = read_sheet(path, self.doc, self.registry, self.schema)
            except KGError as exc:
                read, problems = [], [exc]
        for f in todo:
            f.problems, f.spans = [], []
        by_line: dict[int, ReviewFact] = {}
        for a, b, f in lines:
            by_line.update({n: f for n in range(a, b + 1)})
        for p in problems:
            owner = by_line.get(p.line or 0)
            for f in [owner] if owner is not None else todo:
                f.problems.append(p.message)
        ids = {}
        for fact in read:
            owner = by_line.get(fact.line)
            if owner is None:
                continue
            owner.spans = [(c.start, c.end) for c in fact.citations]
            ids[fact.id] = owner
        ref_paths = {str(f.path).rsplit("#", 1)[-1] for ft in self.schema.fact_types.values()
                     for f in ft.fields.values() if f.kind == FACT}
        for fact_id, message in shape_problems(read, sources_for(self.schema, self.registry), _checks()):
            owner = ids.get(fact_id)
            if message.split(" ", 1)[0] in ref_paths and "is not a" in message:
                continue  # a fact it refers to is in another document (the build checks those)
            if owner is not None and message not in owner.problems:
                owner.problems.append(message)
        for f in todo:  # a fact the sheet reader refused still shows where its quotes stand
            if not f.spans:
                quotes = f.data.get("quote")
                for q in quotes if isinstance(quotes, list) else [quotes]:
                    span = self.doc.find_quote(q) if isinstance(q, str) else None
                    if span:
                        f.spans.append(span)

    def check_date(self, text: str) -> dict:
        """A date as the analyst typed it, read against the document's reference date."""
        try:
            d = dates.parse(text, self.doc.reference_date)
        except DateError as exc:
            return {"ok": False, "error": exc.message}
        earliest, latest = d.earliest(), d.latest()
        return {"ok": True, "value": str(d), "precision": d.precision,
                "earliest": earliest.isoformat() if earliest else None,
                "latest": latest.isoformat() if latest else None}

    def search_entities(self, query: str, limit: int = 10) -> dict:
        """Registry entities whose name, alias or id contains ``query``, and close spellings."""
        q = normalise(query)
        found: list[tuple[bool, bool, str, Entity]] = []
        if q:
            for ent in self.registry.entities.values():
                names = [normalise(n) for n in [ent.id, ent.name, *ent.aliases,
                                                *([str(ent.props["acronym"])] if "acronym" in ent.props else [])]]
                if any(q in n for n in names):
                    found.append((q not in names, not any(n.startswith(q) for n in names), ent.name, ent))
        ranked = [item[-1] for item in sorted(found, key=lambda item: item[:3])]
        hits = [{"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases} for e in ranked[:limit]]
        hint = [] if hits else self.registry.suggestions(query)
        return {"entities": hits, "did_you_mean": hint}

    # ------------------------------------------------------------ operations
    def _remember(self, op: str, f: ReviewFact | None, key: int) -> None:
        self.history.append((op, key, copy.deepcopy(f) if f is not None else None))

    def accept(self, key: int) -> ReviewFact:
        """Mark a fact accepted as it stands; a fact with problems cannot be."""
        f = self.fact(key)
        self.check()
        if f.problems:
            raise ValidationError([SourceError(p, path=str(self.draft_path)) for p in f.problems])
        self._remember("accept", f, key)
        f.status = "edited" if f.changed and f.origin != "added" else "accepted"
        return f

    def reject(self, key: int) -> ReviewFact:
        f = self.fact(key)
        self._remember("reject", f, key)
        f.status = "rejected"
        f.problems = []
        return f

    def edit(self, key: int, data: dict) -> ReviewFact:
        """Replace a fact's keys and values with ``data`` (sheet keys); it becomes edited.

        The edit is kept even when it has problems (they show on the fact), so that
        a person can fix them one by one; such a fact is not saved.
        """
        f = self.fact(key)
        if not isinstance(data, dict) or not data.get("type"):
            raise UsageError("an edit gives the fact's keys and values, with its type")
        self._remember("edit", f, key)
        ftype = self.schema.fact_types.get(str(data["type"]))
        previous = list(f.block.data) if f.block.text else list(f.data)
        f.data = ordered(_clean(data), ftype, previous)
        f.status = "edited" if f.origin != "added" else "accepted"
        self.check()
        return f

    def add(self, start: int, end: int, data: dict | None = None) -> ReviewFact:
        """A new fact whose quote is the document's characters from ``start`` to ``end``."""
        if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(self.doc.text):
            raise UsageError(f"a quote is a span of the text (0 to {len(self.doc.text)}), not {start}-{end}")
        quote = self.doc.text[start:end]
        if not quote.strip():
            raise UsageError("the selection is only white space")
        # The cited span: leading and trailing white space is not part of a quote.
        lead = len(quote) - len(quote.lstrip())
        quote = quote.strip()
        start += lead
        data = dict(data or {})
        data.setdefault("type", "other" if "other" in self.schema.fact_types else sorted(self.schema.fact_types)[0])
        data.setdefault("date", self.doc.reference_date.iso())
        data["quote"] = quote
        ftype = self.schema.fact_types.get(str(data["type"]))
        f = ReviewFact(max((x.key for x in self.facts), default=-1) + 1, ordered(_clean(data), ftype), "accepted",
                       "added", Block({}))
        self.facts.append(f)
        self._remember("add", None, f.key)
        self.check()
        if not f.spans or f.spans[0][0] != start:
            f.spans = [(start, start + len(quote))] + f.spans[1:]
        return f

    def new_entity(self, name: str, type: str, aliases: list[str] | None = None, wikidata: str | None = None,
                   country: str | None = None, id: str | None = None, iso3166: str | None = None) -> str:
        """Add an entity to the registry of this review (saved to entities.yaml with the sheet).

        It is checked as `kg build` checks the registry; returns its id.
        """
        name = " ".join(str(name or "").split())
        if not name:
            raise UsageError("a new entity needs a name")
        entity_id = id or slugify(name)
        if entity_id in self.registry:
            raise UsageError(f"the id {entity_id!r} is taken by {self.registry[entity_id].name!r}")
        entry: dict = {"name": name, "type": type}
        aliases = [" ".join(a.split()) for a in (aliases or []) if a and a.strip()]
        if aliases:
            entry["aliases"] = aliases
        if iso3166:
            entry["iso3166"] = iso3166.strip().upper()
        if wikidata:
            entry["wikidata"] = wikidata.strip()
        if country:
            found = self.registry.resolve(country)
            entry["country"] = found.id if found else country
        pending = {**self.new_entities, entity_id: entry}
        self.registry = self._registry_with(pending)
        self.new_entities = pending
        self.check()
        return entity_id

    def _registry_with(self, pending: dict[str, dict]) -> Registry:
        """The registry as it would be read with ``pending`` appended, checked by load_registry."""
        with tempfile.TemporaryDirectory(prefix="kg-review-") as tmp:
            path = Path(tmp) / REGISTRY_FILE
            path.write_text(self._registry_text(pending), encoding="utf-8")
            try:
                return load_registry(path, self.schema)
            except SourceError as exc:
                raise UsageError(exc.message) from None

    def _registry_text(self, pending: dict[str, dict]) -> str:
        text = self.registry_path.read_text(encoding="utf-8") if self.registry_path.is_file() else ""
        if not pending:
            return text
        if text and not text.endswith("\n"):
            text += "\n"
        blocks = []
        for entity_id, entry in pending.items():
            lines = [f"{entity_id}:"]
            for k, v in entry.items():
                if isinstance(v, list):
                    lines.append(f"  {k}: [{', '.join(scalar(a, flow=True) for a in v)}]")
                else:
                    lines.append(f"  {k}: {scalar(v)}")
            blocks.append("\n".join(lines) + "\n")
        return text + ("\n" if text else "") + "\n".join(blocks)

    def undo(self) -> ReviewFact | None:
        """Undo the last accept, reject, edit or add; returns the fact as it is now (None when removed)."""
        if not self.history:
            raise UsageError("nothing to undo")
        op, key, before = self.history.pop()
        if op == "add" or before is None:
            self.facts = [f for f in self.facts if f.key != key]
            return None
        index = next(i for i, f in enumerate(self.facts) if f.key == key)
        self.facts[index] = before
        self.check()
        return before

    # ------------------------------------------------------------ saving
    def save(self) -> SaveResult:
        """Write the reviewed sheet, the draft and new entities; see the module's docstring."""
        now = _digest(self.sheet_path, self.draft_path, self.registry_path)
        if now != self.base:
            raise ConflictError(
                f"{self.sheet_path.name} or its draft changed since this review read them (another review "
                "saved first); nothing was saved: reload to see their version", path=str(self.sheet_path))
        keep = [f for f in self.facts if f.status in ("accepted", "edited")]
        self.check()
        bad = [f for f in keep if f.problems]
        if bad:
            raise ValidationError([SourceError(f"fact {f.key + 1} ({f.data.get('type')}): {p}",
                                               path=str(self.sheet_path)) for f in bad for p in f.problems])
        # The reviewed sheet: its own facts in their order, then the newly accepted in the text's order.
        head = self.sheet.head if self.sheet else self._header()
        old = [f for f in keep if f.origin == "sheet"]
        new = sorted((f for f in keep if f.origin != "sheet"), key=lambda f: f.spans[0][0] if f.spans else 0)
        pairs = []
        for f in old + new:
            if f.origin == "sheet":
                pairs.append((Block(f.data, f.block.lead, f.block.text), f.changed))
            else:
                pairs.append((Block(f.data, "\n" if pairs else ""), True))
        sheet_text = SheetText(head, [], self.sheet.tail if self.sheet else "").render(pairs)
        waiting = [f for f in self.facts if f.status == "draft"]
        named = {e for f in keep for e in _entity_names(f, self.schema)}
        wanted = {k: v for k, v in self.new_entities.items()
                  if k in named or normalise(v["name"]) in named or any(normalise(a) in named for a in v.get("aliases", []))}
        if wanted:
            atomic_write(self.registry_path, self._registry_text(wanted))
        if keep or self.sheet is not None:
            atomic_write(self.sheet_path, sheet_text)
        removed = False
        if waiting and self.draft is not None:
            draft_text = SheetText(self.draft.head, [], self.draft.tail).render(
                [(f.block, f.changed) for f in waiting])
            atomic_write(self.draft_path, draft_text)
        elif self.draft_path.exists():
            self.draft_path.unlink()
            removed = True
        self.new_entities = {}
        self.registry = load_registry(self.registry_path, self.schema)
        self.base_registry = self.registry
        self._load()
        return SaveResult(self.sheet_path, len(keep), len(waiting), removed, sorted(wanted))

    def _header(self) -> str:
        ref = self.doc.reference_date.iso()
        return (f"# Reviewed facts of {self.doc.path.name} ({self.doc.meta.get('publisher', '')}, "
                f"reference date {ref}).\n# Relative dates resolve against {ref}.\nfacts:\n")

    # ------------------------------------------------------------ for the page
    def state(self) -> dict:
        """Everything the review page shows, as JSON-ready data."""
        types = {}
        for name, ft in sorted(self.schema.fact_types.items()):
            types[name] = {"label": ft.label, "fields": [
                {"key": k, "kind": f.kind, "required": f.min_count > 0, "many": f.many,
                 "literal": str(f.range).rsplit("#", 1)[-1] if f.kind == "literal" and f.range is not None else "",
                 "concepts": sorted(f.concepts), "range": self.schema.label(f.range) if f.range is not None else "",
                 "nested": [{"key": s.key, "kind": s.kind, "many": s.many, "required": s.min_count > 0,
                             "literal": str(s.range).rsplit("#", 1)[-1] if s.kind == "literal" and s.range is not None
                             else ""} for s in f.nested]}
                for k, f in ft.fields.items()]}
        counts = {s: sum(1 for f in self.facts if f.status == s) for s in STATUSES}
        return {"doc": {"id": self.doc.id, "title": self.doc.meta.get("title", ""),
                        "publisher": self.doc.meta.get("publisher", ""), "url": self.doc.meta.get("url", ""),
                        "reference_date": self.doc.reference_date.iso(), "text": self.doc.text},
                "facts": [dict(f.as_dict(), date=self.check_date(str(f.data["date"])) if "date" in f.data else None)
                          for f in self.facts], "types": types, "counts": counts,
                "entity_types": sorted(self.schema.entity_types), "can_undo": bool(self.history),
                "new_entities": sorted(self.new_entities), "sheet": self.sheet_path.name,
                "proposals": [p for p in self.proposals if self.registry.resolve(p["name"]) is None]}


def _proposals(head: str) -> list[dict]:
    """The new entities kg extract proposed, kept by `kg add` in the draft's header comments."""
    from .add import PROPOSED

    out = []
    for line in head.splitlines():
        if line.startswith(PROPOSED):
            try:
                entry = json.loads(line[len(PROPOSED):])
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                out.append({k: str(v) for k, v in entry.items()})
    return out


def _clean(data: dict) -> dict:
    """A fact's data as the page sends it: empty values dropped, text trimmed."""
    out = {}
    for k, v in data.items():
        if isinstance(v, str):
            v = v.strip()
            if not v:
                continue
        elif isinstance(v, list):
            v = [x.strip() if isinstance(x, str) else x for x in v]
            v = [x for x in v if x not in ("", None, {})]
            if not v:
                continue
        elif v is None:
            continue
        out[str(k)] = v
    return out


def _entity_names(f: ReviewFact, schema: Schema) -> set[str]:
    """The names a fact gives in its entity roles, normalised (to find the new entities it needs)."""
    ftype = schema.fact_types.get(str(f.data.get("type")))
    out: set[str] = set()
    if ftype is None:
        return out
    for key, fld in ftype.fields.items():
        values = f.data.get(key)
        values = values if isinstance(values, list) else [values] if values is not None else []
        if fld.kind == ENTITY:
            out |= {normalise(str(v)) for v in values}
        elif fld.kind == NESTED:
            for item in values:
                if isinstance(item, dict):
                    for sub in fld.nested:
                        if sub.kind == ENTITY and sub.key in item:
                            vs = item[sub.key]
                            out |= {normalise(str(v)) for v in (vs if isinstance(vs, list) else [vs])}
    return out


# ---------------------------------------------------------------- drafts in a folder

@dataclass
class DraftInfo:
    document: str  # the document's stem
    title: str
    path: Path  # the draft sheet
    facts: int  # facts in the draft


def list_drafts(raw: str | Path = "raw") -> list[DraftInfo]:
    """The drafts in ``raw`` awaiting review, by document name."""
    raw = Path(raw)
    if not raw.is_dir():
        raise MissingInputError(f"no such folder: {raw}")
    out = []
    for path in sorted(raw.glob("*.facts.yaml")):
        if not is_draft(path):
            continue
        stem = document_of_sheet(path)
        doc = raw / f"{stem}.txt"
        try:
            title = read_document(doc).meta.get("title", stem)
        except KGError:
            title = stem
        try:
            n = len(split_sheet(path.read_text(encoding="utf-8"), str(path)).blocks)
        except (KGError, UnicodeDecodeError):
            n = 0
        out.append(DraftInfo(stem, title, path, n))
    return out


def open_review(raw: str | Path, doc: str | Path) -> Review:
    """Start reviewing ``doc`` (a path, file name or stem of a document in ``raw``)."""
    return Review(raw, doc)


__all__ = ["STATUSES", "DraftInfo", "Review", "ReviewFact", "SaveResult", "list_drafts", "open_review"]
