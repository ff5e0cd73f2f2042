"""Drafting facts from a document: run every rule over its sentences, then merge and link.

Each rule (kg.extract.rules_*) looks for the words that signal its kind of
fact (a trigger: "signed", "joined", "will visit", "exercise") and fills the
roles from the entity mentions around it (kg.extract.context). The rules know
English news and press-release phrasing, not any one document: no rule names
a state, person or event. Here the drafts of one document are merged where
they state the same fact (kg.extract.identity), statements are tied to the
conference they were made at, and states of affairs reported there are dated
by it.
"""

from __future__ import annotations

import re

from ..core import dates
from .context import Context, Sent
from .identity import dates_compatible, identity, KEY_ROLES, NAME_KEYS, similar_names
from .model import DraftFact
from .rules_events import rule_conference, rule_exercise, rule_speakers
from .rules_people import rule_meeting, rule_office, rule_visit
from .calibration import confidence
from .speech import SpeechReader
from .events import complete_pair, rule_hosted_visit, rule_membership_change, rule_other_kinds, rule_talks, rule_treaty_events
from .rules_ties import (
    rule_agreement, rule_anniversary, rule_mechanism, rule_members_listed, rule_membership, rule_relations,
    rule_treaty_status)
from .rules_transfers import rule_arms, rule_energy
from .timex import as_of


def draft_facts(ctx: Context) -> list[DraftFact]:
    """Every fact the rules find in the document, merged and linked."""
    arms_state: dict = {}
    speech = SpeechReader(ctx)
    treaty_memory: dict = {}
    treaty_carry: dict = {}
    for s in ctx.sents:
        first = len(ctx.facts)
        new: list[DraftFact] = []
        new += rule_office(ctx, s)
        new += rule_membership(ctx, s)
        new += rule_members_listed(ctx, s)
        new += rule_treaty_status(ctx, s, treaty_carry)
        new += rule_treaty_events(ctx, s, treaty_memory, ctx.facts[first:] + new)
        changes = rule_membership_change(ctx, s)
        for c in changes:  # "suspended Mali's membership": the change, not a membership reported as it stands
            new = [f for f in new if not (f.type == "membership" and "change" not in f.fields
                                          and f.keys("member") == c.keys("member"))]
        new += changes
        new += rule_other_kinds(ctx, s)
        new += rule_arms(ctx, s, arms_state)
        new += rule_energy(ctx, s)
        new += rule_exercise(ctx, s)
        confs = rule_conference(ctx, s)
        new += confs
        ctx.facts.extend(drop_refused(s, new))
        new = []
        rule_speakers(ctx, s)
        visits = rule_visit(ctx, s)
        for v in visits:
            occasion = [c for c in confs if c.fields.get("_span", (0, 0))[0] > v.fields.get("_span", (0, 0))[0]]
            if occasion:
                v.links["occasion"] = occasion[0]
        new += visits
        new += rule_meeting(ctx, s, ctx.facts + new)
        new += rule_agreement(ctx, s)
        new += rule_relations(ctx, s)
        new += rule_anniversary(ctx, s)
        new += rule_mechanism(ctx, s)
        new += rule_hosted_visit(ctx, s, ctx.facts[first:] + new)
        new += rule_talks(ctx, s, ctx.facts[first:] + new)
        new = drop_refused(s, new)
        new += speech.read(s, ctx.facts[first:] + new)
        ctx.facts.extend(new)
    complete_pair(ctx, ctx.facts)
    facts = merge(ctx.facts)
    _link_statements(facts, ctx)
    _anchor_states(facts, ctx)
    # A fact none of whose identifying roles is filled says nothing a reviewer could check.
    facts = [f for f in facts if f.type not in KEY_ROLES or any(_roles(f).get(r) for g in KEY_ROLES[f.type] for r in g)]
    for f in facts:
        f.fields.pop("_synthetic", None)
        f.fields.pop("_span", None)
        f.fields.pop("_explicit_date", None)
        f.confidence = confidence(f.type, f.date_basis)
        earliest = f.date.earliest() if f.date is not None else None
        if f.planned is False and earliest is not None and earliest > ctx.reference.latest():
            f.planned = True
    return facts


# An action refused, declined, failed or not taken: "refused to ratify", "declined to sign", "failed to
# buy", "did not establish". Its verb stem, and which facts that verb drafts.
_REFUSED = re.compile(
    r"\b(?:refus(?:ed|es|e|ing)|declin(?:ed|es|e|ing)|fail(?:ed|s|ing)?|did\s+not|does\s+not|do\s+not|"
    r"(?:has|have|had)\s+(?:not|never)|never|yet\s+to|unwilling|reluctant|not\s+to)\s+(?:to\s+)?(?:\w+ly\s+)?"
    r"(?P<verb>ratif|acced|join|sign|recogni[sz]|establish|restor|buy|bought|purchas|order|acquir|sell|sold|deliver)\w*",
    re.IGNORECASE)
_REFUSED_KINDS: dict[str, dict[str, set[str] | None]] = {
    # stem -> {fact type: the treaty statuses that verb drafts (None: any)}
    "ratif": {"treaty_status": {"party"}, "agreement": None},
    "acced": {"treaty_status": {"party"}, "membership": None},
    "join": {"treaty_status": {"party"}, "membership": None},
    "sign": {"treaty_status": {"signatory"}, "agreement": None, "arms_order": None},
    "recogni": {"diplomatic_relations": None},
    "establish": {"diplomatic_relations": None}, "restor": {"diplomatic_relations": None},
    "buy": {"arms_order": None}, "bought": {"arms_order": None}, "purchas": {"arms_order": None},
    "order": {"arms_order": None}, "acquir": {"arms_order": None}, "sell": {"arms_order": None},
    "sold": {"arms_order": None}, "deliver": {"arms_delivery": None},
}


def drop_refused(s: Sent, facts: list[DraftFact]) -> list[DraftFact]:
    """The facts of sentence ``s`` without those whose only trigger is an action the text says was refused or
    not taken ("The US has refused to ratify the treaty" is no ratification; "declined to sign" no agreement).
    A verb of the same stem elsewhere in the sentence, not refused, keeps the facts."""
    refused = list(_REFUSED.finditer(s.text))
    if not refused or not facts:
        return facts
    drop: dict[str, set[str] | None] = {}
    for r in refused:
        stem = r.group("verb").lower()
        stem = "recogni" if stem.startswith("recogni") else stem
        others = [m for m in re.finditer(rf"\b{stem}\w*", s.text, re.IGNORECASE) if not r.start() <= m.start() < r.end()]
        if others:
            continue
        for kind, statuses in _REFUSED_KINDS.get(stem, {}).items():
            before = drop.get(kind, set())
            drop[kind] = None if statuses is None or (kind in drop and before is None) else (before or set()) | statuses
    def kept(f: DraftFact) -> bool:
        if f.sentence != s.idx or f.type not in drop:
            return True
        statuses = drop[f.type]
        return statuses is not None and f.fields.get("status") not in statuses

    return [f for f in facts if kept(f)]


def _roles(f: DraftFact) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in f.participants:
        out.setdefault(p.role, set()).add(p.key)
    return out


def same_fact(a: DraftFact, b: DraftFact) -> bool:
    if a.type != b.type or not (dates_compatible(a.date, b.date) or _days_apart(a, b) <= _SPAN_DAYS.get(a.type, -1)):
        return False
    ka = identity(a.type, _roles(a), a.fields.get("speaker_as_written"))
    kb = identity(b.type, _roles(b), b.fields.get("speaker_as_written"))
    name_key = NAME_KEYS.get(a.type)
    if name_key and a.fields.get(name_key) and b.fields.get(name_key):
        ignore = {w for p in a.participants + b.participants for w in re.findall(r"[a-z0-9]+", p.name.lower())}
        if similar_names(a.fields[name_key], b.fields[name_key], ignore):
            return a.type != "agreement" or ka == kb
        if a.type in ("exercise", "conference", "cooperation_mechanism"):
            return False
    if a.type == "statement":
        # Each speech act is a statement of its own; the same words printed twice (pages repeat
        # paragraphs) are one.
        return ka == kb and _plain(a.quote.text) == _plain(b.quote.text)
    if a.type in ("treaty_status", "membership") and a.fields.get("status") != b.fields.get("status"):
        return False
    if a.type == "office" and a.fields.get("post") != b.fields.get("post"):
        return False
    if a.type == "other" and a.fields.get("event") != b.fields.get("event"):
        return False
    if a.fields.get("change") != b.fields.get("change"):
        return False
    return ka == kb and all(ka) and a.type in KEY_ROLES


_LOOK_BACK = 64
# Events that last days: two days within this many of each other can be the same exercise or visit
# ("started on Monday", "reviewed the exercise on Wednesday").
_SPAN_DAYS = {"exercise": 14, "visit": 7}


def _days_apart(a: DraftFact, b: DraftFact) -> int:
    ea, eb = (a.date.earliest() if a.date else None), (b.date.earliest() if b.date else None)
    if ea is None or eb is None:
        return 10**6
    return abs((ea - eb).days)


def _merge_keys(f: DraftFact) -> list[tuple]:
    """Index keys under which a twin of ``f`` must be filed: its identity, and each word of its name.

    same_fact() needs one of the two to agree, so looking only at the facts
    filed under the same keys finds every twin without comparing every pair
    (which made long documents quadratic)."""
    keys: list[tuple] = [(f.type, "id", identity(f.type, _roles(f), f.fields.get("speaker_as_written")))]
    if f.type == "statement" and f.quotes:
        keys = [(f.type, "quote", _plain(f.quote.text))]
    name_key = NAME_KEYS.get(f.type)
    if name_key and f.fields.get(name_key):
        keys += [(f.type, "word", w) for w in re.findall(r"[a-z0-9]+", str(f.fields[name_key]).lower())]
    return keys


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def merge(facts: list[DraftFact]) -> list[DraftFact]:
    """Fold together drafts of the same fact, keeping the finer date and every quote."""
    out: list[DraftFact] = []
    index: dict[tuple, list[int]] = {}
    merged_into: dict[int, DraftFact] = {}
    for f in facts:
        keys = _merge_keys(f)
        # Only the latest drafts under each key are compared: a repeat is reported near its first
        # telling in an article, and a bounded look-back keeps a 5 MB text linear.
        candidates = sorted({i for k in keys for i in index.get(k, ())[-_LOOK_BACK:]})
        twin = next((out[i] for i in candidates if same_fact(out[i], f)), None)
        if twin is None:
            for k in keys:
                index.setdefault(k, []).append(len(out))
            out.append(f)
            continue
        merged_into[id(f)] = twin
        for p in f.participants:
            if not (twin.role(p.role) and KEY_ROLES and _single(twin.type, p.role)):
                twin.add(p.role, p)
        for field, v in f.fields.items():
            if field not in twin.fields:
                twin.fields[field] = v
            elif field == "speakers":
                for sp in v:
                    if not any(x[0].key == sp[0].key for x in twin.fields[field]):
                        twin.fields[field].append(sp)
        if f.date is not None and (twin.date is None or _finer(f.date, twin.date)):
            twin.date = f.date
        for q in f.quotes:
            if all(q.start != x.start for x in twin.quotes) and len(twin.quotes) < 5:
                twin.quotes.append(q)
        for link, target in f.links.items():
            twin.links.setdefault(link, target)
        twin.confidence = max(twin.confidence, f.confidence) + 0.05
        twin.planned = twin.planned and f.planned or (twin.planned and f.date is None)
    if merged_into:
        for g in facts:
            for link, target in list(g.links.items()):
                if id(target) in merged_into:
                    g.links[link] = merged_into[id(target)]
    return out


_SINGLE_ROLES = {"member", "organization", "supplier", "recipient", "weapon", "manufacturer", "host", "location",
                 "party", "treaty", "person", "accredited_to", "visiting_state", "medium", "auspices", "series"}


def _single(ftype: str, role: str) -> bool:
    return role in _SINGLE_ROLES


def _finer(a: dates.DateSpec, b: dates.DateSpec) -> bool:
    order = {"year": 0, "month": 1, "day": 2}
    if a.qualifier is None and b.qualifier is not None:
        return True
    if (a.qualifier is None) == (b.qualifier is None):
        return order[a.precision] > order[b.precision]
    return False


def _anchor_states(facts: list[DraftFact], ctx: Context) -> None:
    """A state of affairs reported at an event ("as of" the reference date by default)
    is reported true as of that event: the conference it was said at, or the statement's day."""
    when: dict[int, dates.DateSpec] = {}
    for f in facts:
        if f.date is None:
            continue
        if f.type == "conference" and not f.planned:
            for q in f.quotes:
                when.setdefault(q.start, f.date)
        elif f.type == "statement" and f.links.get("made_at") is not None:
            for q in f.quotes:
                when[q.start] = f.date
    for f in facts:
        d = f.date
        if f.type not in ("office", "membership", "treaty_status"):
            continue
        if d is None or d.qualifier not in ("as of", "before") or d.start != ctx.reference or d.end is not None:
            continue
        event = when.get(f.quote.start)
        if event is not None and event.qualifier is None:
            f.date = as_of(event, d.qualifier) if d.qualifier == "as of" else as_of(event.start, "before")


def _link_statements(facts: list[DraftFact], ctx: Context) -> None:
    """Statements made at the conference the document reports take its date and point to it."""
    confs = [f for f in facts if f.type == "conference" and not f.planned and f.fields.get("speakers")]
    if not confs:
        return
    for f in facts:
        if f.type != "statement" or f.links.get("made_at") is not None:
            continue
        if f.fields.get("_explicit_date"):
            continue
        for c in confs:
            if c.sentence > f.sentence:
                continue
            speakers = {p.key for p, _, _ in c.fields.get("speakers", [])}
            who = f.keys("speaker")
            written = (f.fields.get("speaker_as_written") or "").lower()
            if who & speakers or re.search(r"speaker|participant|panel|delegate", written):
                f.links["made_at"] = c
                f.date = c.date
                f.confidence += 0.05
                break
