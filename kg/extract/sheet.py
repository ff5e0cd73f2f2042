"""Writing drafts: a fact sheet `kg build` accepts as it stands, JSON for other tools,
and the new entities a reviewer should consider for the registry.

The YAML sheet has the same form as the reviewed sheets in raw/. A draft that
`kg build` would refuse (it names an entity the registry lacks in a required
role, say) is kept in the sheet as a commented-out block with the reason, so
that nothing is lost and nothing breaks the build. Each fact's confidence is a
comment above it, since the shapes have no key for it.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..sources.documents import Document
from ..sources.factsheet import read_sheet, slugify
from ..core.namespaces import entity_iri
from ..sources.registry import Registry
from ..sources.schema import CONCEPT, ENTITY, FACT, NESTED, Schema
from .model import DraftFact, Participant

JSON_TYPES = ("membership", "arms_order", "arms_delivery", "exercise", "visit", "agreement", "treaty_status",
              "conference", "statement", "diplomatic_relations", "energy_cooperation", "cooperation_mechanism",
              "office", "anniversary", "other")
LINK_KEYS = ("made_at", "of", "occasion", "related")


@dataclass
class Proposal:
    """An entity the registry lacks, as a draft registry entry."""

    key: str
    name: str
    type: str
    found_in: str
    country: str | None = None
    iso3166: str | None = None
    facts: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ JSON
def deal_stage(f: DraftFact) -> str | None:
    """The deal stage a drafted arms transfer reports (the sheet key `stage`, read by the `deals` query):
    a delivery is delivered, an order ordered, or only announced while it is planned."""
    if f.type == "arms_delivery":
        return "delivered"
    if f.type == "arms_order":
        return "announced" if f.planned else "ordered"
    return None


def fact_to_json(f: DraftFact) -> dict[str, Any]:
    """One draft as the JSON object documented in docs/extract.md."""
    out: dict[str, Any] = {"type": f.type if f.type in JSON_TYPES else "other"}
    participants = []
    for p in f.participants:
        item: dict[str, Any] = {"role": p.role, "name": p.name, "entity_type": p.type, "id": p.key if p.known else None}
        if p.found_as and " ".join(p.found_as.split()) != p.name:
            item["text"] = " ".join(p.found_as.split())  # the words the document uses ("Timor-Leste", "IAF")
        if p.known:
            item["iri"] = str(entity_iri(p.key))
        item["known"] = p.known
        participants.append(item)
    for p, role, chief in f.fields.get("speakers", []):
        speaker: dict[str, Any] = {"role": "speaker", "name": p.name, "entity_type": p.type,
                                   "id": p.key if p.known else None, "known": p.known, "speech": role}
        if p.known:
            speaker["iri"] = str(entity_iri(p.key))
        if chief:
            speaker["chief_guest"] = True
        participants.append(speaker)
    out["participants"] = participants
    d = f.date
    if d is not None:
        out["date"] = d.start.iso() if d.end is None else d.value()
        out["start_date"] = d.start.iso()
        out["end_date"] = (d.end or d.start).iso()
        out["precision"] = d.precision
        if d.qualifier:
            out["date_qualifier"] = d.qualifier
        if f.date_basis == "publication" and d.end is None and d.start.day is not None:
            # Only the story's date is known: say the month, never a day the text does not give.
            out["date"] = out["start_date"] = d.start.iso()[:7]
            out["precision"] = "month"
        out["date_basis"] = f.date_basis
    q = f.quote
    out.update(quote=q.text, start=q.start, end=q.end)
    if len(f.quotes) > 1:
        out["quotes"] = [{"quote": x.text, "start": x.start, "end": x.end} for x in f.quotes]
    out["confidence"] = f.confidence
    out["planned"] = f.planned
    if deal_stage(f):
        out["stage"] = deal_stage(f)
    for role in ("weapon", "location"):
        ps = f.role(role)
        if ps:
            out[role] = ps[0].name
    for k, v in f.fields.items():
        if k == "speakers" or k.startswith("_"):
            continue
        out[k] = v
    for k, target in f.links.items():
        out[k] = target.id
    if f.note:
        out["note"] = f.note
    return out


def to_json(drafts: list[DraftFact]) -> str:
    """The drafts as a JSON array (see docs/extract.md for the schema)."""
    assign_ids(drafts, "")
    return json.dumps([fact_to_json(f) for f in drafts], indent=2, ensure_ascii=False) + "\n"


def assign_ids(drafts: list[DraftFact], prefix: str) -> None:
    """Give an id to every draft another one points to (made_at, of, occasion)."""
    used: set[str] = set()
    for f in drafts:
        for target in f.links.values():
            if target.id is None:
                names = [p.key for p in target.participants if p.role in ("parties", "member", "organizer", "participants",
                                                                           "visitor", "supplier", "recipient")][:2]
                label = target.fields.get("title") or target.fields.get("name") or ""
                parts = [target.type.replace("_", "-"), *names, slugify(str(label), 40) if label else "",
                         target.date.start.iso() if target.date else ""]
                base = slugify("-".join(p for p in parts if p), 90)
                fid, n = base, 2
                while fid in used:
                    fid, n = f"{base}-{n}", n + 1
                target.id = fid
            used.add(target.id)


# ------------------------------------------------------------------ YAML
class SheetWriter:
    """Turns drafts into a fact sheet for one document that `kg build` accepts."""

    def __init__(self, doc: Document, registry: Registry, schema: Schema):
        self.doc, self.registry, self.schema = doc, registry, schema
        self.proposals: dict[str, Proposal] = {}

    def write(self, drafts: list[DraftFact]) -> str:
        """The YAML text of the sheet. Drafts the build would refuse are commented out, with the reason."""
        assign_ids(drafts, "")
        items = [self._item(f) for f in drafts]
        for _round in range(len(items) + 1):
            emitted = {id(it["draft"]) for it in items if it["reason"] is None}
            for it in items:
                # A fact left out keeps the new entities' names, for the reviewer who adds them.
                it["data"] = self._data(it["draft"], emitted, include_new=it["reason"] is not None)
            text, spans = self._render(items)
            bad = self._check(text, spans, items)
            if not bad:
                return text
            for index, reason in bad.items():
                items[index]["reason"] = reason
        return self._render(items)[0]

    # -- one fact
    def _item(self, f: DraftFact) -> dict[str, Any]:
        reason = None
        ftype = self.schema.fact_types.get(f.type)
        if ftype is None:
            reason = f"the ontology has no fact type {f.type!r}"
        else:
            for key, fld in ftype.fields.items():
                if fld.kind != ENTITY or fld.min_count == 0:
                    continue
                known = [p for p in f.role(key) if p.known and self._fits(p, fld)]
                if len(known) < fld.min_count:
                    missing = [p for p in f.role(key) if not p.known]
                    if missing:
                        reason = "needs new " + ", ".join(f"{p.type} {p.name!r}" for p in missing) + " in the registry"
                    else:
                        reason = f"lacks a registry entity that fits {key!r}"
                    break
        for p in f.participants:
            if not p.known:
                self._propose(p, f)
        for p, _role, _chief in f.fields.get("speakers", []):
            if not p.known:
                self._propose(p, f)
        return {"draft": f, "reason": reason, "data": None}

    def _fits(self, p: Participant, fld) -> bool:
        cls = self.schema.entity_types.get(p.type)
        if cls is None or fld.range is None:
            return cls is not None
        return cls == fld.range or self.schema.is_subclass(cls, fld.range)

    def _propose(self, p: Participant, f: DraftFact) -> None:
        prop = self.proposals.get(p.key)
        if prop is None:
            from .entities import gazetteer

            gaz = gazetteer(self.registry)
            prop = Proposal(p.key, p.name, p.type, " ".join(f.quote.text.split())[:200], p.country,
                            gaz.iso.get(p.key) if p.type == "State" else None)
            self.proposals[p.key] = prop
        if f.type not in prop.facts:
            prop.facts.append(f.type)

    def _data(self, f: DraftFact, emitted: set[int], include_new: bool = False) -> dict[str, Any]:
        ftype = self.schema.fact_types[f.type]
        data: dict[str, Any] = {"type": f.type}
        if f.id:
            data["id"] = f.id
        for key, fld in ftype.fields.items():
            if fld.kind == ENTITY:
                names = []
                for p in f.role(key):
                    if p.known and self._fits(p, fld) and self.registry[p.key].name not in names:
                        names.append(self.registry[p.key].name)
                    elif include_new and not p.known and p.name not in names:
                        names.append(p.name)
                if not names:
                    continue
                if fld.max_count == 1:
                    data[key] = names[0]
                else:
                    data[key] = names
            elif fld.kind == NESTED and key == "speakers":
                speakers = []
                for p, role, chief in f.fields.get("speakers", []):
                    if (p.known and self.registry[p.key].type == "Person") or include_new:
                        item = {"person": self.registry[p.key].name if p.known else p.name, "role": role}
                        if chief:
                            item["chief_guest"] = True
                        speakers.append(item)
                if speakers:
                    data[key] = speakers
            elif fld.kind == FACT:
                target = f.links.get(key)
                if target is not None and id(target) in emitted and target.id:
                    data[key] = target.id
            elif fld.kind == CONCEPT:
                value = f.fields.get(key)
                if value is None:
                    continue
                values = [v for v in (value if isinstance(value, list) else [value]) if v in fld.concepts]
                if values:
                    data[key] = values[0] if fld.max_count == 1 or len(values) == 1 else values
            elif key in ("planned", "note"):
                continue
            elif key in f.fields and f.fields[key] not in (None, "", []):
                value = f.fields[key]
                if fld.range is not None and str(fld.range).endswith(("integer", "int")):
                    if not isinstance(value, int) or (fld.minimum is not None and value < fld.minimum):
                        continue
                elif isinstance(value, bool):
                    if not str(fld.range).endswith("boolean"):
                        value = str(value)
                else:
                    value = str(value)
                data[key] = value
        if f.type == "statement" and "speaker" not in data and "speaker_as_written" not in data:
            spoken = [p.found_as or p.name for p in f.role("speaker")]
            if spoken:
                data["speaker_as_written"] = spoken[0]
        if "stage" not in data and deal_stage(f):
            data["stage"] = deal_stage(f)
        if f.planned:
            data["planned"] = True
        data["date"] = str(f.date) if f.date is not None else self.doc.reference_date.iso()
        if f.note:
            data["note"] = f.note
        quotes = [q.text for q in f.quotes]
        data["quote"] = quotes[0] if len(quotes) == 1 else quotes
        return data

    # -- the text
    def _render(self, items: list[dict[str, Any]]) -> tuple[str, list[tuple[int, int]]]:
        lines = [f"# Draft facts of {self.doc.path.name}, written by `kg extract`: review each before use.",
                 f"# Relative dates are read against the document's reference date, {self.doc.reference_date.iso()}.",
                 "# A commented-out fact needs a change (usually a new registry entity) before kg build can take it.",
                 "facts:"]
        spans: list[tuple[int, int]] = []
        for it in items:
            f = it["draft"]
            body = yaml.safe_dump(it["data"], sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
            block = []
            for i, line in enumerate(body.rstrip("\n").split("\n")):
                block.append(("  - " if i == 0 else "    ") + line)
            head = [f"  # confidence {f.confidence:.2f}"]
            if it["reason"] is not None:
                head.append(f"  # not included: {it['reason']}")
                block = ["  # " + line[2:] for line in block]
            first = len(lines) + 1
            lines.extend(head + block)
            spans.append((first, len(lines)))
            lines.append("")
        if not any(it["reason"] is None for it in items):
            lines[3] = "facts: []"
        return "\n".join(lines).rstrip("\n") + "\n", spans

    def _check(self, text: str, spans: list[tuple[int, int]], items) -> dict[int, str]:
        """Read the sheet as `kg build` would; return the facts at fault with the reason."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{self.doc.id}.facts.yaml"
            path.write_text(text, encoding="utf-8")
            facts, problems = read_sheet(path, self.doc, self.registry, self.schema)
        bad: dict[int, str] = {}
        for problem in problems:
            for i, (a, b) in enumerate(spans):
                if problem.line is not None and a <= problem.line <= b and items[i]["reason"] is None:
                    bad.setdefault(i, problem.message)
        seen: dict[str, int] = {}
        for fact in facts:
            index = next((i for i, (a, b) in enumerate(spans) if a <= fact.line <= b), None)
            if index is None:
                continue
            if fact.id in seen:
                bad.setdefault(index, f"states the same fact as an earlier draft ({fact.id})")
            seen[fact.id] = index
        return bad

    def proposals_yaml(self) -> str:
        """The new entities as a draft registry (the form of entities.yaml)."""
        if not self.proposals:
            return ""
        lines = [f"# New entities proposed by `kg extract` for {self.doc.path.name}.",
                 "# Check each; move the right ones into entities.yaml (add aliases, fix names and types).", ""]
        for p in sorted(self.proposals.values(), key=lambda x: (x.type, x.key)):
            entry: dict[str, Any] = {"name": p.name, "type": p.type}
            if p.iso3166:
                entry["iso3166"] = p.iso3166
            if p.country and p.country in self.registry:
                entry["country"] = p.country
            lines.append(f"# found in: {json.dumps(p.found_in, ensure_ascii=False)}")
            lines.append(yaml.safe_dump({p.key: entry}, sort_keys=False, allow_unicode=True, width=4096).rstrip("\n"))
        return "\n".join(lines) + "\n"


def to_yaml(drafts: list[DraftFact], doc: Document, registry: Registry, schema: Schema) -> tuple[str, str]:
    """The fact sheet and the draft registry of new entities (empty when there are none)."""
    writer = SheetWriter(doc, registry, schema)
    text = writer.write(drafts)
    return text, writer.proposals_yaml()


def proposals_as_comments(proposals_text: str) -> str:
    """The new-entity draft as YAML comments, to append to a sheet printed on its own."""
    if not proposals_text:
        return ""
    return "\n" + "\n".join("# " + line if line and not line.startswith("#") else line
                            for line in proposals_text.rstrip("\n").split("\n")) + "\n"
