"""Reviewed fact sheets: the facts of one document, as YAML a person edits.

raw/<document>.facts.yaml:

    facts:
      - type: membership            # a kg:sheetType from the ontology
        id: pakistan-joins-sco      # optional; stable IRI and cross-reference
        member: Pakistan            # roles name registry entities
        organization: SCO
        status: full                # concepts by their sheet key
        date: June 2017             # any form kg.dates reads; relative ones
                                    # resolve against the document's reference date
        quote: "having officially joined the body as full-members in June 2017"

Every key a type takes comes from ontology/shapes.ttl. Reading a sheet checks
each fact against that schema and the registry, and finds each quote in the
document; every problem is reported with the sheet's path and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.namespace import XSD

from ..core import dates
from . import yamlsrc
from .documents import Document
from ..core.errors import DateError, KGError, SourceError
from .registry import Registry
from .schema import CONCEPT, ENTITY, FACT, NESTED, FactType, Field, Schema

COMMON_KEYS = ("type", "id", "date", "quote")
INTEGER_TYPES = {XSD.integer, XSD.int}


@dataclass
class Citation:
    doc_id: str
    quote: str  # the document's own characters
    start: int
    end: int


@dataclass
class Fact:
    id: str
    type: FactType
    date: dates.DateSpec
    values: dict[str, list] = field(default_factory=dict)
    citations: list[Citation] = field(default_factory=list)
    path: str = ""
    line: int = 0
    doc_id: str = ""
    explicit_id: bool = False

    def entity_ids(self) -> list[str]:
        out = []
        for key, f in self.type.fields.items():
            if f.kind == ENTITY:
                out += self.values.get(key, [])
            elif f.kind == NESTED:
                for item in self.values.get(key, []):
                    for sub in f.nested:
                        if sub.kind == ENTITY:
                            out += item.get(sub.key, [])
        return out

    @property
    def planned(self) -> bool:
        return self.values.get("planned") == [True]

    @property
    def denied(self) -> bool:
        return self.values.get("denied") == [True]

    @property
    def reported_done(self) -> bool:
        """Whether the source reports the fact as done: neither planned nor denied (nor a deal only
        announced or negotiated).

        Only such facts yield shortcut triples; a shortcut never says more than its fact.
        """
        stage = str(self.values.get("stage", [""])[0])
        return not (self.planned or self.denied or stage.endswith(("#StageAnnounced", "#StageNegotiated")))

    def content_key(self) -> tuple:
        """What must agree when two documents state the same fact (a reviewer's note, grade and deal need not)."""
        vals = {k: v for k, v in self.values.items() if k not in ("note", "credibility", "deal", "stage", "batches")}
        return (self.type.name, self.date.value(), self.date.qualifier, repr(sorted(vals.items())))


SHEET_SUFFIX = ".facts.yaml"
DRAFT_SUFFIX = ".draft.facts.yaml"


def sheet_path_for(doc_path: Path) -> Path:
    return doc_path.with_name(doc_path.stem + SHEET_SUFFIX)


def draft_path_for(doc_path: Path) -> Path:
    """Where `kg add` puts a document's draft sheet until it is reviewed (`kg review`)."""
    return doc_path.with_name(doc_path.stem + DRAFT_SUFFIX)


def is_draft(path: Path) -> bool:
    """Whether ``path`` is a draft fact sheet awaiting review, which `kg build` does not read.

    The one rule for telling drafts apart: the build, its check for files it
    does not read, and `kg review` all ask here.
    """
    return path.name.endswith(DRAFT_SUFFIX)


def document_of_sheet(path: Path) -> str:
    """The stem of the document a sheet or draft belongs to."""
    name = path.name
    for suffix in (DRAFT_SUFFIX, SHEET_SUFFIX):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def slugify(text: str, limit: int = 60) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return text[:limit].rstrip("-") or "x"


def _derived_id(ftype: FactType, values: dict[str, list], date: dates.DateSpec) -> str:
    """A stable id from what the fact says, so the same fact in two documents meets.

    It names the type, every entity in a role, every status or kind, the fact's name or topic, and
    its date; a long one is cut and given a digest of the whole, to stay unique.
    """
    parts = [ftype.name.replace("_", "-")]
    for key, f in ftype.fields.items():
        if f.kind == ENTITY:
            parts += sorted(values.get(key, []))
        elif f.kind == CONCEPT:
            parts += sorted(str(v).rsplit("#", 1)[-1] for v in values.get(key, []))
    for key in ("name", "title", "topic", "commodity"):
        if key in values and values[key]:
            parts.append(str(values[key][0]))
    parts.append((date.qualifier or "") + "-" + date.value().replace("/", "--"))
    full = slugify("-".join(parts), 10_000)
    if len(full) <= 100:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:10]
    return f"{full[:89].rstrip('-')}-{digest}"


class _Reader:
    def __init__(self, path: Path, doc: Document, registry: Registry, schema: Schema):
        self.path, self.doc, self.registry, self.schema = path, doc, registry, schema
        self.problems: list[KGError] = []

    def problem(self, message: str, line: int) -> None:
        self.problems.append(SourceError(message, path=str(self.path), line=line))

    def read(self) -> list[Fact]:
        data = yamlsrc.load(self.path)
        if data is None:
            return []
        if not isinstance(data, yamlsrc.LDict) or "facts" not in data:
            raise SourceError("a fact sheet is a mapping with a 'facts:' list", path=str(self.path), line=1)
        extra = [k for k in data if k not in ("facts", "document")]
        if extra:
            raise SourceError(f"unknown top-level key {extra[0]!r} (known: facts, document)",
                              path=str(self.path), line=data.line_of(extra[0]))
        items = data["facts"]
        if items is None:
            return []
        if not isinstance(items, yamlsrc.LList):
            raise SourceError("'facts:' must be a list", path=str(self.path), line=data.line_of("facts"))
        facts = []
        for i, item in enumerate(items):
            fact = self.fact(item, items.line_of(i))
            if fact is not None:
                facts.append(fact)
        return facts

    def fact(self, item, line: int) -> Fact | None:
        if not isinstance(item, yamlsrc.LDict):
            self.problem("each fact is a mapping of keys to values", line)
            return None
        before = len(self.problems)
        tname = item.get("type")
        ftype = self.schema.fact_types.get(str(tname)) if tname is not None else None
        if ftype is None:
            known = ", ".join(sorted(self.schema.fact_types))
            what = "has no type" if tname is None else f"unknown fact type {tname!r}"
            self.problem(f"{what} (known: {known})", item.line_of("type"))
            return None
        for key in item:
            if key not in ftype.fields and key not in COMMON_KEYS:
                allowed = ", ".join(list(COMMON_KEYS) + sorted(ftype.fields))
                self.problem(f"{tname}: unknown key {key!r} (allowed: {allowed})", item.line_of(key))
        values: dict[str, list] = {}
        for key, f in ftype.fields.items():
            if key in item:
                vals = self.values(f, item[key], item.line_of(key), tname)
                if vals:
                    values[key] = vals
            elif f.min_count:
                self.problem(f"{tname}: missing required key {key!r}", line)

        date = None
        if "date" not in item:
            self.problem(f"{tname}: missing required key 'date' (use 'as of ...' for a state of affairs)", line)
        else:
            try:
                date = dates.parse(item["date"], self.doc.reference_date)
            except DateError as exc:
                self.problem(f"date: {exc.message}", item.line_of("date"))

        citations = []
        quotes = item.get("quote")
        if quotes is None:
            self.problem(f"{tname}: missing required key 'quote'", line)
        else:
            quote_list = quotes if isinstance(quotes, list) else [quotes]
            for j, quote in enumerate(quote_list):
                qline = quotes.line_of(j) if isinstance(quotes, yamlsrc.LList) else item.line_of("quote")
                if not isinstance(quote, str) or not quote.strip():
                    self.problem("a quote must be non-empty text", qline)
                    continue
                span = self.doc.find_quote(quote)
                if span is None:
                    short = quote if len(quote) <= 70 else quote[:67] + "..."
                    self.problem(f"quote not found in {self.doc.path.name}: {short!r}", qline)
                    continue
                citations.append(Citation(self.doc.id, self.doc.text[span[0]:span[1]], *span))

        explicit = "id" in item
        fact_id = str(item["id"]) if explicit else None
        if fact_id is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", fact_id):
            self.problem(f"id {fact_id!r}: use lower-case letters, digits, '-' and '_'", item.line_of("id"))
        if len(self.problems) > before or date is None:
            return None
        if fact_id is None:
            fact_id = _derived_id(ftype, values, date)
        return Fact(fact_id, ftype, date, values, citations, str(self.path), line, self.doc.id, explicit)

    def values(self, f: Field, raw, line: int, tname) -> list:
        items = raw if isinstance(raw, list) else [raw]
        if f.max_count == 1 and isinstance(raw, list) and len(raw) != 1:
            self.problem(f"{tname}: {f.key!r} takes one value, not a list", line)
            return []
        if len(items) < f.min_count:
            self.problem(f"{tname}: {f.key!r} needs at least {f.min_count} values", line)
            return []
        if f.max_count is not None and len(items) > f.max_count:
            self.problem(f"{tname}: {f.key!r} takes at most {f.max_count} values", line)
            return []
        out = []
        for j, value in enumerate(items):
            at = raw.line_of(j) if isinstance(raw, yamlsrc.LList) else line
            v = self.value(f, value, at, tname)
            if v is not None:
                out.append(v)
        return out

    def value(self, f: Field, value, line: int, tname):
        if value is None or value == "":
            self.problem(f"{tname}: {f.key!r} is empty", line)
            return None
        if f.kind == ENTITY:
            ent = self.registry.resolve(str(value))
            if ent is None:
                hint = self.registry.suggestions(str(value))
                self.problem(
                    f"unknown entity {str(value)!r} in {f.key!r}"
                    + (f" (did you mean {', '.join(hint)}?)" if hint else " (add it to the registry)"),
                    line)
                return None
            cls = self.schema.entity_types[ent.type]
            if f.range is not None and not self.schema.is_subclass(cls, f.range) and cls != f.range:
                self.problem(
                    f"{tname}: {f.key!r} must be a {self.schema.label(f.range)}, "
                    f"but {ent.name!r} is a {self.schema.label(cls)}", line)
                return None
            return ent.id
        if f.kind == CONCEPT:
            concept = f.concepts.get(str(value))
            if concept is None:
                self.problem(f"{tname}: {f.key!r} must be one of {', '.join(sorted(f.concepts))}, not {value!r}", line)
            return concept
        if f.kind == FACT:
            return str(value)
        if f.kind == NESTED:
            if not isinstance(value, yamlsrc.LDict):  # every mapping yamlsrc reads is one
                self.problem(f"{tname}: each item of {f.key!r} is a mapping", line)
                return None
            sub = {s.key: s for s in f.nested}
            for key in value:
                if key not in sub:
                    self.problem(f"{tname}: unknown key {key!r} in {f.key!r} (allowed: {', '.join(sub)})",
                                 value.line_of(key))
            out = {}
            for s in f.nested:
                if s.key in value:
                    vals = self.values(s, value[s.key], value.line_of(s.key), tname)
                    if vals:
                        out[s.key] = vals
                elif s.min_count:
                    self.problem(f"{tname}: an item of {f.key!r} lacks {s.key!r}", value.line)
            return out
        return self.literal(f, value, line, tname)

    def literal(self, f: Field, value, line: int, tname):
        if f.range in INTEGER_TYPES:
            if isinstance(value, bool) or not re.fullmatch(r"-?\d+", str(value)):
                self.problem(f"{tname}: {f.key!r} must be a whole number, not {value!r}", line)
                return None
            number = int(value)
            if f.minimum is not None and number < f.minimum:
                self.problem(f"{tname}: {f.key!r} must be at least {f.minimum}, not {number}", line)
                return None
            return number
        if f.range == XSD.boolean:
            if not isinstance(value, bool):
                self.problem(f"{tname}: {f.key!r} must be true or false, not {value!r}", line)
                return None
            return value
        if isinstance(value, (dict, list)):
            self.problem(f"{tname}: {f.key!r} must be text", line)
            return None
        return str(value)


def read_sheet(path: Path, doc: Document, registry: Registry, schema: Schema) -> tuple[list[Fact], list[KGError]]:
    """Read one fact sheet; return its good facts and every problem found."""
    reader = _Reader(path, doc, registry, schema)
    facts = reader.read()
    return facts, reader.problems

