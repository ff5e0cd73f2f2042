"""What changed between two builds of the graph: facts added, removed and changed
field by field, entities added, removed or merged, and documents added, removed
or changed.

A fact keeps its identity across builds. Facts are paired first by their IRI
(a sheet's explicit ``id``, or the id the build derives from what the fact
says); a fact whose derived id moved because its date was refined (2017 to
2017-06) is paired with its old self by what it is rather than when: its type,
its parties in their roles and its name or topic, when exactly one fact on each
side matches. Fields are compared as a reader sees them: entities by name,
concepts by label, quotes by their text and document (not by character
offsets, which move whenever a document is edited), so an edit that leaves a
fact as it was does not show.

Either side may be a build folder, an open Store, or a git revision of raw/
(kg.diff.build_revision builds it into a temporary folder first).
"""

from __future__ import annotations

import html
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TextIO

from ..core.errors import KGError, NotBuiltError
from ..core.namespaces import KG, KGR, sparql_prefixes
from ..core.textout import safe
from ..sources.registry import normalise
from ..store.local import Store

# Properties that say nothing a reader would call a change of their own: the
# date is compared as its label, the label is derived from the fields, types and
# participants from the roles, and provenance as the quotes it points to.
_SKIP = {str(KG[p]) for p in ("participant", "dateValue", "earliestDate", "latestDate", "datePrecision",
                               "dateText", "dateQualifier", "dateLabel", "isDateRange")} | {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/ns/prov#wasDerivedFrom"}
# Literal fields that name a fact (with its type and parties, what pairs it across an id change).
_NAME_FIELDS = ("name", "title", "topic", "commodity")


class DiffError(KGError):
    """A side of a diff that cannot be read: not a build, or not a revision."""

    exit_code = 2


@dataclass
class FactRecord:
    """A fact as the diff shows it."""

    id: str
    type: str
    label: str
    date: str
    fields: dict[str, list[str]]

    def identity(self) -> tuple:
        """What the fact is, leaving out when it was and its details: type, parties, name."""
        roles = tuple(sorted((k, v) for k, vs in self.fields.items() if k.startswith("@") for v in vs))
        names = tuple(self.fields.get(k, [""])[0] for k in _NAME_FIELDS if k in self.fields)
        return (self.type, roles, names)


@dataclass
class FieldChange:
    field: str
    old: list[str]
    new: list[str]

    @property
    def added(self) -> list[str]:
        return [v for v in self.new if v not in self.old]

    @property
    def removed(self) -> list[str]:
        return [v for v in self.old if v not in self.new]


@dataclass
class FactChange:
    id: str
    old_id: str
    type: str
    label: str
    old_label: str
    changes: list[FieldChange]


@dataclass
class EntityRecord:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class EntityMerge:
    old: EntityRecord
    into: EntityRecord


@dataclass
class DocumentRecord:
    id: str
    title: str


@dataclass
class Diff:
    """What changed from ``old`` to ``new`` (each named as the user gave it)."""

    old: str
    new: str
    facts_added: list[FactRecord] = field(default_factory=list)
    facts_removed: list[FactRecord] = field(default_factory=list)
    facts_changed: list[FactChange] = field(default_factory=list)
    entities_added: list[EntityRecord] = field(default_factory=list)
    entities_removed: list[EntityRecord] = field(default_factory=list)
    entities_merged: list[EntityMerge] = field(default_factory=list)
    entities_changed: list[tuple[EntityRecord, list[FieldChange]]] = field(default_factory=list)
    documents_added: list[DocumentRecord] = field(default_factory=list)
    documents_removed: list[DocumentRecord] = field(default_factory=list)
    documents_changed: list[DocumentRecord] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.facts_added, self.facts_removed, self.facts_changed, self.entities_added,
                        self.entities_removed, self.entities_merged, self.entities_changed,
                        self.documents_added, self.documents_removed, self.documents_changed))

    def summary(self) -> str:
        """One line: how many of each."""
        return (f"facts: {len(self.facts_added)} added, {len(self.facts_removed)} removed, "
                f"{len(self.facts_changed)} changed; entities: {len(self.entities_added)} added, "
                f"{len(self.entities_removed)} removed, {len(self.entities_merged)} merged, "
                f"{len(self.entities_changed)} changed; documents: {len(self.documents_added)} added, "
                f"{len(self.documents_removed)} removed, {len(self.documents_changed)} changed")

    def to_dict(self) -> dict:
        out = asdict(self)
        out["entities_changed"] = [{"entity": asdict(e), "changes": [asdict(c) for c in cs]}
                                   for e, cs in self.entities_changed]
        out["summary"] = self.summary()
        return out

    def write_json(self, out: TextIO) -> None:
        json.dump(self.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")

    def write_text(self, out: TextIO) -> None:
        """A report for a terminal: + added, - removed, ~ changed, each field on its own line."""
        out.write(safe(f"{self.old} -> {self.new}") + "\n" + self.summary() + "\n")
        if self.empty:
            out.write("no changes\n")
            return
        for title, docs, mark in (("documents added", self.documents_added, "+"),
                                  ("documents removed", self.documents_removed, "-"),
                                  ("documents changed", self.documents_changed, "~")):
            if docs:
                out.write(f"\n{title}\n")
                for d in docs:
                    out.write(f"  {mark} " + safe(f"{d.id}  {d.title}") + "\n")
        if self.facts_added or self.facts_removed or self.facts_changed:
            out.write("\nfacts\n")
        for f in self.facts_added:
            out.write("  + " + safe(f.label) + "\n")
        for f in self.facts_removed:
            out.write("  - " + safe(f.label) + "\n")
        for c in self.facts_changed:
            out.write("  ~ " + safe(c.label) + "\n")
            for ch in c.changes:
                out.write("      " + safe(_change_words(ch)) + "\n")
        if self.entities_added or self.entities_removed or self.entities_merged or self.entities_changed:
            out.write("\nentities\n")
        for e in self.entities_added:
            out.write("  + " + safe(f"{e.name} ({e.type})") + "\n")
        for e in self.entities_removed:
            out.write("  - " + safe(f"{e.name} ({e.type})") + "\n")
        for m in self.entities_merged:
            out.write("  > " + safe(f"{m.old.name} merged into {m.into.name}") + "\n")
        for e, changes in self.entities_changed:
            out.write("  ~ " + safe(e.name) + "\n")
            for ch in changes:
                out.write("      " + safe(_change_words(ch)) + "\n")

    def html_section(self, heading: str = "What changed") -> str:
        """The diff as an HTML <section>, every value escaped (the brief embeds it)."""
        e = html.escape
        parts = [f'<section class="kg-diff" id="what-changed"><h2>{e(heading)}</h2>',
                 f'<p class="diff-scope">From <code>{e(self.old)}</code> to <code>{e(self.new)}</code>: '
                 f"{e(self.summary())}.</p>"]
        if self.empty:
            parts.append("<p>Nothing changed.</p></section>")
            return "".join(parts)
        if self.facts_added or self.facts_removed or self.facts_changed:
            parts.append("<h3>Facts</h3><ul class=\"diff-facts\">")
            for f in self.facts_added:
                parts.append(f'<li class="added"><span class="mark">added</span> {e(f.label)}</li>')
            for f in self.facts_removed:
                parts.append(f'<li class="removed"><span class="mark">removed</span> {e(f.label)}</li>')
            for c in self.facts_changed:
                rows = "".join(f"<li>{e(_change_words(ch))}</li>" for ch in c.changes)
                parts.append(f'<li class="changed"><span class="mark">changed</span> {e(c.label)}<ul>{rows}</ul></li>')
            parts.append("</ul>")
        ents = ([("added", f"{x.name} ({x.type})") for x in self.entities_added]
                + [("removed", f"{x.name} ({x.type})") for x in self.entities_removed]
                + [("merged", f"{m.old.name} into {m.into.name}") for m in self.entities_merged]
                + [("changed", f"{x.name}: " + "; ".join(_change_words(c) for c in cs))
                   for x, cs in self.entities_changed])
        if ents:
            parts.append("<h3>Entities</h3><ul class=\"diff-entities\">")
            parts += [f'<li class="{kind}"><span class="mark">{kind}</span> {e(text)}</li>' for kind, text in ents]
            parts.append("</ul>")
        docs = ([("added", d) for d in self.documents_added] + [("removed", d) for d in self.documents_removed]
                + [("changed", d) for d in self.documents_changed])
        if docs:
            parts.append("<h3>Documents</h3><ul class=\"diff-documents\">")
            parts += [f'<li class="{kind}"><span class="mark">{kind}</span> {e(d.title)}</li>' for kind, d in docs]
            parts.append("</ul>")
        parts.append("</section>")
        return "".join(parts)


def _change_words(ch: FieldChange) -> str:
    name = ch.field.lstrip("@")
    if len(ch.old) == 1 and len(ch.new) == 1:
        return f"{name}: {ch.old[0]} → {ch.new[0]}"
    words = []
    if ch.added:
        words.append("+ " + "; ".join(ch.added))
    if ch.removed:
        words.append("- " + "; ".join(ch.removed))
    return f"{name}: " + " ".join(words)


# ---------------------------------------------------------------- reading a build

def _rows(store, name: str) -> list[dict]:
    """Rows of kg/queries/internal/NAME.rq as dicts of terms (None where unbound)."""
    from ..sparql.named import internal_query

    result = store.execute(sparql_prefixes() + internal_query(name).text)
    return [dict(zip(result.variables, row)) for row in result.rows]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _short_id(iri: str, prefix: str) -> str:
    base = str(KGR) + prefix
    return iri[len(base):] if iri.startswith(base) else iri


@dataclass
class Snapshot:
    """The parts of a build a diff compares."""

    facts: dict[str, FactRecord]
    entities: dict[str, EntityRecord]
    documents: dict[str, DocumentRecord]
    document_fields: dict[str, dict[str, list[str]]]
    citing: dict[str, set[str]]  # document id -> ids of the facts quoting it


def snapshot(store) -> Snapshot:
    """Read what a diff compares from an open Store (or a kg.remote.RemoteStore)."""
    import pyoxigraph as ox

    names: dict[str, str] = {}
    for row in _rows(store, "changes-names"):
        names.setdefault(row["x"].value, row["l"].value)

    def show(term) -> str:
        if isinstance(term, ox.NamedNode):
            return names.get(term.value, _local(term.value))
        return term.value

    entities: dict[str, EntityRecord] = {}
    for row in _rows(store, "changes-entities"):
        eid = _short_id(row["e"].value, "")
        entities.setdefault(eid, EntityRecord(eid, row["name"].value, _local(row["cls"].value)))
    for row in _rows(store, "changes-aliases"):
        eid = _short_id(row["e"].value, "")
        if eid in entities and row["alias"].value not in entities[eid].aliases:
            entities[eid].aliases.append(row["alias"].value)

    kinds: dict[str, tuple[str, str, str]] = {}  # fact IRI -> (sheet type, label, date label)
    for row in _rows(store, "changes-fact-kinds"):
        kinds[row["f"].value] = (row["key"].value, row["label"].value, row["date"].value)
    fields: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _rows(store, "changes-fact-fields"):
        f, p, o = row["f"].value, row["p"].value, row["o"]
        if p in _SKIP or (isinstance(o, ox.NamedNode) and o.value.startswith(f + "/")):
            continue
        # Roles (a property pointing at an entity) are marked with @, to pair facts by their parties.
        is_entity = isinstance(o, ox.NamedNode) and _short_id(o.value, "") in entities
        fields[f][("@" if is_entity else "") + _local(p)].add(show(o))
    nested: dict[tuple[str, str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(store, "changes-nested-fields"):
        nested[(row["f"].value, row["p"].value, row["n"].value)][_local(row["q"].value)].append(show(row["o"]))
    for (f, p, _n), parts in nested.items():
        fields[f][_local(p)].add("; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in sorted(parts.items())))
    citing: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, "changes-quotes"):
        f, doc = row["f"].value, row["doc"].value
        if f in kinds:
            fields[f]["quote"].add(f"“{' '.join(row['quote'].value.split())}” ({_short_id(doc, 'doc/')})")
            citing[_short_id(doc, "doc/")].add(_short_id(f, "fact/"))
    facts: dict[str, FactRecord] = {}
    for f, (key, label, date) in kinds.items():
        fid = _short_id(f, "fact/")
        values = {k: sorted(v) for k, v in sorted(fields[f].items())}
        values["date"] = [date]
        facts[fid] = FactRecord(fid, key, label, date, values)

    documents: dict[str, DocumentRecord] = {}
    doc_fields: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(store, "changes-documents"):
        did = _short_id(row["d"].value, "doc/")
        documents.setdefault(did, DocumentRecord(did, did))
        if row["p"].value != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            doc_fields[did][_local(row["p"].value)].append(row["o"].value)
    for did, values in doc_fields.items():
        documents[did].title = (values.get("title") or [did])[0]
    return Snapshot(facts, entities, documents, {k: dict(v) for k, v in doc_fields.items()}, citing)


# ---------------------------------------------------------------- comparing

def _field_changes(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[FieldChange]:
    out = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k != "date", k.lstrip("@"))):
        a, b = old.get(key, []), new.get(key, [])
        if a != b:
            out.append(FieldChange(key, a, b))
    return out


def compare(old: Snapshot, new: Snapshot, old_name: str = "old", new_name: str = "new") -> Diff:
    """The Diff from snapshot ``old`` to snapshot ``new``."""
    diff = Diff(old_name, new_name)
    removed = {fid: f for fid, f in old.facts.items() if fid not in new.facts}
    added = {fid: f for fid, f in new.facts.items() if fid not in old.facts}
    pairs = [(old.facts[fid], new.facts[fid]) for fid in sorted(old.facts.keys() & new.facts.keys())]
    # A derived id moves with the date: pair what is left by what the fact is, where that is unique.
    by_identity_old: dict[tuple, list[str]] = defaultdict(list)
    by_identity_new: dict[tuple, list[str]] = defaultdict(list)
    for fid, f in removed.items():
        by_identity_old[f.identity()].append(fid)
    for fid, f in added.items():
        by_identity_new[f.identity()].append(fid)
    for key, olds in by_identity_old.items():
        news = by_identity_new.get(key, [])
        if len(olds) == 1 and len(news) == 1:
            pairs.append((removed.pop(olds[0]), added.pop(news[0])))
    for a, b in pairs:
        changes = _field_changes(a.fields, b.fields)
        if a.id != b.id:
            changes.insert(0, FieldChange("id", [a.id], [b.id]))
        if changes:
            diff.facts_changed.append(FactChange(b.id, a.id, b.type, b.label, a.label, changes))
    order = lambda f: (f.date, f.label)  # noqa: E731
    diff.facts_added = sorted(added.values(), key=order)
    diff.facts_removed = sorted(removed.values(), key=order)
    diff.facts_changed.sort(key=lambda c: c.label)

    new_names: dict[str, str] = {}
    for eid, ent in new.entities.items():
        for name in (ent.name, *ent.aliases):
            new_names.setdefault(normalise(name), eid)
    for eid, ent in sorted(old.entities.items(), key=lambda kv: kv[1].name):
        if eid in new.entities:
            mine = new.entities[eid]
            changes = _field_changes({"name": [ent.name], "type": [ent.type], "aliases": sorted(ent.aliases)},
                                     {"name": [mine.name], "type": [mine.type], "aliases": sorted(mine.aliases)})
            if changes:
                diff.entities_changed.append((mine, changes))
            continue
        # Gone, but another entity now goes by its name or an alias: merged into that one
        # (or, where that one is new, given a new id).
        into = next((new_names[normalise(n)] for n in (ent.name, *ent.aliases) if normalise(n) in new_names), None)
        if into is not None:
            diff.entities_merged.append(EntityMerge(ent, new.entities[into]))
        else:
            diff.entities_removed.append(ent)
    merged_into_new = {m.into.id for m in diff.entities_merged if m.into.id not in old.entities}
    diff.entities_added = sorted((e for eid, e in new.entities.items()
                                  if eid not in old.entities and eid not in merged_into_new), key=lambda e: e.name)

    touched = {f.id for f in diff.facts_added} | {f.id for f in diff.facts_removed} | \
              {c.id for c in diff.facts_changed} | {c.old_id for c in diff.facts_changed}
    for did, doc in sorted(new.documents.items()):
        if did not in old.documents:
            diff.documents_added.append(doc)
        elif (old.document_fields.get(did) != new.document_fields.get(did)
              or (old.citing.get(did, set()) | new.citing.get(did, set())) & touched):
            diff.documents_changed.append(doc)
    diff.documents_removed = [doc for did, doc in sorted(old.documents.items()) if did not in new.documents]
    return diff


# ---------------------------------------------------------------- the two sides

def open_side(spec, *, raw: str | Path = "raw", workdir: Path | None = None):
    """A Store for one side of a diff: an open Store is used as it is; an existing
    folder must be a build; anything else is taken as a git revision of ``raw``
    and built into ``workdir``. Raises DiffError naming what is wrong, in one line."""
    if not isinstance(spec, (str, Path)):
        return spec
    path = Path(spec)
    if path.is_dir():
        try:
            return Store.open(path)
        except NotBuiltError:
            raise DiffError(f"{path} is not a build folder (no graph from `kg build` in it)") from None
    if workdir is None:
        raise DiffError(f"{spec}: no such build folder")
    return Store.open(build_revision(str(spec), raw, workdir))


def build_revision(revision: str, raw: str | Path, workdir: Path) -> Path:
    """Build ``raw`` as it was at git ``revision`` into a folder under ``workdir``; return it."""
    from ..builder.build import build

    raw = Path(raw).resolve()
    if not raw.is_dir():
        raise DiffError(f"{revision}: not a build folder, and no raw folder {raw} to read a git revision of")
    try:
        top = subprocess.run(["git", "-C", str(raw), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True).stdout.strip()
        commit = subprocess.run(["git", "-C", top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
                                capture_output=True, text=True, check=True).stdout.strip()
        sub = raw.relative_to(Path(top).resolve()).as_posix()
        archive = subprocess.run(["git", "-C", top, "archive", "--format=tar", commit, "--", sub],
                                 capture_output=True, check=True).stdout
    except FileNotFoundError:
        raise DiffError(f"{revision}: not a build folder, and git is not installed to read it as a revision") from None
    except (subprocess.CalledProcessError, ValueError):
        raise DiffError(f"{revision}: neither a build folder nor a git revision of {raw}") from None
    dest = Path(tempfile.mkdtemp(prefix=f"rev-{commit[:10]}-", dir=workdir))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    out = dest / "build"
    build(dest / sub, out)
    return out


def diff(old, new, *, raw: str | Path = "raw") -> Diff:
    """What changed from ``old`` to ``new``: each a build folder, an open Store, or a
    git revision of ``raw`` (built into a temporary folder, removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as tmp:
        a = open_side(old, raw=raw, workdir=Path(tmp))
        b = open_side(new, raw=raw, workdir=Path(tmp))
        return compare(snapshot(a), snapshot(b), str(old) if isinstance(old, (str, Path)) else "old",
                       str(new) if isinstance(new, (str, Path)) else "new")
