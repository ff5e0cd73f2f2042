"""Events found by the lemma of their trigger, beyond the closed phrase lists of the older rules.

Each rule here recognizes a family of words (verb forms and their nouns:
"ratified", "ratification"; "suspended", "suspension") and fills roles
from the mentions around the trigger: the subject before it (past a
relative clause), the object after it, "with X", "by X and Y" in the
passive, "it"/"the treaty" for the last treaty named. A role the sentence
does not fill is left empty, never guessed; `complete_pair` is the one
exception, and only for a bilateral event the text marks as such ("joint",
"between the two countries", "with").

Kinds of `other` come from a small controlled vocabulary, after PLOVER's
event categories: talks (CONSULT), launch (launch or commissioning of a
ship or satellite built for another state), ground_breaking, aid,
sanctions, summit, suspension (of cooperation, not of a membership). The
kind is recorded as the draft's `event` field.
"""

from __future__ import annotations

import re

from .context import (
    CLAUSE_BREAK, Context, finish_date, group_reference, INSTITUTIONS, is_state, nearest_date, new_fact,
    objects_after, Sent, subject_before, unique)
from .model import DraftFact, Mention
from .timex import DateMention

OTHER_KINDS = ("talks", "launch", "ground_breaking", "aid", "sanctions", "summit", "suspension")

_party = lambda m: m.type == "State" or (m.type in INSTITUTIONS and m.country is not None)  # noqa: E731
_org = lambda m: m.type == "InternationalOrganization"  # noqa: E731


def _date(ctx: Context, s: Sent, tpos: int, tend: int) -> DateMention | None:
    """The date of the clause a trigger stands in: after it up to the next clause, else just before it."""
    brk = CLAUSE_BREAK.search(s.text, tend - s.start)
    hi = s.start + brk.start() if brk else s.end
    return (nearest_date(s, tend, lo=tend, hi=hi + 30) or
            nearest_date(s, tpos, lo=max(s.start, tpos - 60), hi=tpos))


def _planned(s: Sent, tpos: int) -> bool:
    return bool(re.search(r"\b(?:will|shall|would|is\s+to|are\s+to|(?:is|are)\s+(?:due|set|expected|scheduled)\s+to|"
                          r"plans?\s+to|intends?\s+to)\s+(?:\w+\s+)?$", s.text[:tpos - s.start], re.I))


# ------------------------------------------------------------------ treaties
_TREATY_TRIG = re.compile(
    r"\b(?P<verb>ratif(?:y|ies|ied|ying)|ratification\s+of|sign(?:s|ed)?|(?:was|were|had\s+been|has\s+been)\s+signed|"
    r"withdr(?:aw|aws|ew|awn|awing)\s+from|withdrawal\s+from|pull(?:ed|s)?\s+out\s+of|exit(?:ed|s)?\s+from|"
    r"suspend(?:s|ed|ing)?\s+(?:(?:its|their|[\w-]+['’]s)\s+)?(?:compliance|participation|implementation)\s+(?:with|in|of)|"
    r"suspend(?:s|ed|ing)?(?=\s+(?:the|its|their)\s+(?:[\w-]+\s+){0,6}?(?:treaty|pact|convention)\b)|"
    r"acced(?:e|es|ed|ing)\s+to|accession\s+to|denounc(?:e|es|ed)|abandon(?:s|ed)?|terminat(?:e|es|ed)|"
    r"quit|left|leaves)\b", re.I)
_TREATY_NP = re.compile(
    r"(?:(?:the|its|their|this|that|a|an)\s+)?(?:country['’]s\s+)?(?:(?!\w+ed\b)[\w()'’-]+\s+){0,7}?"
    r"(?:treaty|pact|convention)"
    # the name's tail: capitalized words, joined by "in", "of", "and", never a day or a month ("... in Europe on Wednesday")
    r"(?:\s+(?:to|on|of)\s+(?:the\s+)?(?-i:(?!_DATE_WORD\b)[A-Z][\w'’-]*)"
    r"(?:\s+(?:(?-i:in|of|and|on|for|the)\s+)?(?-i:(?!_DATE_WORD\b)[A-Z][\w'’-]*))*)?".replace(
        "_DATE_WORD", r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
                      r"July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"), re.I)


def _status(verb: str) -> tuple[str, str]:
    v = verb.lower()
    if v.startswith(("ratif", "acced", "accession")):
        return "party", "ratified" if v.startswith("ratif") else "acceded"
    if "sign" in v:
        return "signatory", "signed"
    if v.startswith("suspend"):
        return "not_party", "suspended"
    return "not_party", "withdrawn"


def _treaty_name(ctx: Context, s: Sent, a: int, b: int, memory: dict) -> tuple[str, int, int] | None:
    """A treaty named in text[a:b], or the last one named when the text says "it" or "the treaty"."""
    seg = ctx.text[a:b]
    m = _TREATY_NP.search(seg)
    if m and m.start() <= 12:
        raw = " ".join(m.group(0).split())
        name = re.sub(r"^(?:(?:the|its|their|this|that|a|an)\s+)?(?:country['’]s\s+)?", "", raw, flags=re.I)
        name = re.sub(r"^(?:landmark|historic|bilateral|formal|current)\s+", "", name, flags=re.I)
        bare = re.fullmatch(r"(?:treaty|pact|convention)", name, re.I)
        generic = re.fullmatch(r"(?:[a-z-]+\s+){0,5}(?:treaty|pact|convention)", name)
        if (bare or generic) and memory.get("treaty"):
            return memory["treaty"][0], a + m.start(), a + m.end()
        if bare:
            return None
        memory["treaty"] = (name[:1].upper() + name[1:], a + m.start(), a + m.end())
        return memory["treaty"]
    if re.match(r"\s*(?:it|them)\b", seg) and memory.get("treaty"):
        return memory["treaty"][0], a, a
    return None


def rule_treaty_events(ctx: Context, s: Sent, memory: dict, drafted_here: list[DraftFact]) -> list[DraftFact]:
    """"the parliament ratified the country's accession treaty to the European Union", "ratified it on
    May 11", "has formally withdrawn from the INF treaty with Russia", "The INF Treaty was signed by the
    Soviet Union and the United States back in 1987", "would suspend compliance with the pact with Russia"."""
    out: list[DraftFact] = []
    if any(f.type == "treaty_status" for f in drafted_here):
        return out  # the named-treaty rule has read this sentence
    last_parties: list[Mention] = []  # the parties of the last fact drafted here ("..., which ratified it")
    for t in _TREATY_TRIG.finditer(s.text):
        tpos, tend = s.start + t.start(), s.start + t.end()
        verb = " ".join(t.group("verb").lower().split())
        status, change = _status(verb)
        passive = verb.startswith(("was", "were", "had been", "has been"))
        parties: list[Mention] = []
        treaty = None
        if passive:
            before = _TREATY_NP.search(s.text[max(0, t.start() - 90):t.start()])
            if before:
                treaty = _treaty_name(ctx, s, s.start + max(0, t.start() - 90) + before.start(), tpos, memory)
            by = re.match(r"\s+by\s+(?:the\s+)?", s.rel(tend))
            if by:
                parties = objects_after(s, tend + by.end(), _party, window=2)
            elif re.search(r"\bwhich\s+$", s.text[:t.start()]):
                parties = last_parties[:1]
        else:
            if verb in ("quit", "left", "leaves", "abandon", "abandoned", "abandons", "terminate", "terminated",
                        "terminates") or verb.startswith(("denounc", "sign")):
                pass
            treaty = _treaty_name(ctx, s, tend, min(s.end, tend + 140), memory)
            parties = subject_before(s, tpos, _party, window=120)
            own = [m for m in s.mentions if tpos < m.start and m.end <= tend and _party(m)
                   and re.match(r"['’]s\b", ctx.text[m.end:m.end + 2])]
            if own and not any(ctx.state(p) for p in parties):
                parties = own[:1]  # "The State Duma voted to suspend Moscow's participation in": Moscow's
            if not parties:
                parties = group_reference(ctx, s, s.start, tpos)
        if treaty is None or not parties:
            continue
        name, na, nb = treaty
        f = new_fact("treaty_status", s, 0.5)
        last_parties = unique([ctx.state(p) or p for p in parties])
        for p in last_parties:
            f.add("party", p)
        f.participants.append(_treaty_participant(name))
        with_ = re.match(r"\s*with\s+(?:the\s+)?", ctx.text[nb:nb + 12]) if nb > na else None
        if with_:
            for other in objects_after(s, nb + with_.end(), _party, window=2):
                f.add("counterpart", ctx.state(other) or other)
        f.fields["status"] = status
        f.fields["change"] = change
        d = _date(ctx, s, tpos, tend)
        planned = _planned(s, tpos)
        finish_date(f, d, ctx, s, "after" if planned and d is None else "ref")
        f.planned = planned and d is None
        out.append(f)
    return out


def _treaty_participant(name: str):
    from ..sources.factsheet import slugify
    from .model import Participant

    return Participant("treaty", slugify(name), name, "TreatyRegime", False, name)


# ------------------------------------------------------------------ memberships
_MEMBER_CHANGE = re.compile(
    r"\b(?P<verb>suspend(?:s|ed|ing)?|expel(?:s|led|ling)?|readmit(?:s|ted)?|admit(?:s|ted|ting)?|re-?instat(?:e|es|ed)|"
    r"grant(?:s|ed|ing)?|"
    r"(?:lift(?:s|ed)?|end(?:s|ed)?)\s+(?:the\s+|its\s+)?suspension\s+of)\b", re.I)


def rule_membership_change(ctx: Context, s: Sent) -> list[DraftFact]:
    """"The African Union has suspended the membership of Guinea", "ECOWAS suspended Guinea's membership
    of the bloc", "the leaders agreed to admit Timor-Leste as the 11th member": the organization acts."""
    out = []
    for t in _MEMBER_CHANGE.finditer(s.text):
        tpos, tend = s.start + t.start(), s.start + t.end()
        verb = t.group("verb").lower()
        rest = s.rel(tend)[:160]
        if verb.startswith("suspend") and not re.search(r"\bmembership\b|\bfrom\b", rest[:90]):
            continue
        if verb.startswith("admit") and not re.search(r"\bmember|\bobserver", rest[:120]):
            continue
        granted = re.match(r"\s*(?:an?\s+|the\s+)?(?:observer\s+status|(?:full\s+)?membership)\s+to\s+(?:the\s+)?", rest)
        if verb.startswith("grant") and not granted and not re.search(
                r"^\s*(?:\w+[\s-]){1,3}(?:observer\s+status|membership)", rest):
            continue
        org = subject_before(s, tpos, _org, window=120, coordinate=False)
        if not org:
            lead = [m for m in s.mentions if m.end <= tpos and _org(m)]
            org = lead[-1:] if lead and re.search(r"\b(?:leaders|members|ministers|countries|states)\b",
                                                   s.between(lead[-1].end, tpos)) else []
        member = []
        mm = granted or re.match(r"\s*(?:the\s+membership\s+of\s+|the\s+)?", rest)
        at = tend + (mm.end() if mm else 0)
        member = objects_after(s, at, is_state, window=2)
        if not org:
            org = [m for m in s.mentions if m.start >= tend and _org(m) and m.start - tend <= 120][:1]
        if not org or not member:
            continue
        f = new_fact("membership", s, 0.55)
        for m in member:
            f.add("member", m)
        f.add("organization", org[0])
        f.fields["status"] = "observer" if re.search(r"\bobserver", rest[:60]) else "full"
        f.fields["change"] = ("suspended" if verb.startswith("suspend") else "expelled" if verb.startswith("expel")
                              else "admitted" if verb.startswith(("admit", "readmit", "grant")) else "reinstated")
        planned = _planned(s, tpos) or bool(re.search(r"\bin\s+principle\b", rest))
        d = _date(ctx, s, tpos, tend)
        finish_date(f, d, ctx, s, "ref")
        f.planned = planned
        out.append(f)
    return out


# ------------------------------------------------------------------ other: talks and the rest
_TALKS = re.compile(
    r"\b(?:held|hold|holds|holding)\s+(?:\w+\s+){0,2}talks\s+with|\bmet\s+(?:with\s+)?(?:his|her|their)\s+"
    r"(?:[A-Z][\w-]*\s+)?counterparts?|\b(?:a|the)\s+meeting\s+between|\btalks\s+between|"
    r"\b(?:the\s+two|both)\s+(?:\w+\s+){0,2}(?:also\s+)?(?:discussed|held\s+(?:\w+\s+)?talks|met|exchanged\s+views)\b|"
    r"\b(?:delegation|bilateral)-level\s+talks\s+with|\bdiscussed\s+(?:bilateral|ways|"
    r"opportunities|cooperation|issues)", re.I)


def rule_talks(ctx: Context, s: Sent, drafted_here: list[DraftFact]) -> list[DraftFact]:
    """Talks between two sides (PLOVER CONSULT): "met his Saudi counterpart X", "a meeting between Mr A and
    Mr B", "the two Presidents discussed ...". Kept as `other` with event: talks."""
    if any(f.type in ("conference", "visit") and f.sentence == s.idx and f.fields.get("kind") == "meeting"
           for f in drafted_here):
        return []
    t = _TALKS.search(s.text)
    if t is None:
        return []
    tpos, tend = s.start + t.start(), s.start + t.end()
    people = [m for m in s.mentions if m.type == "Person"]
    sides: list[Mention] = []
    word = t.group(0).lower()
    if "between" in word:
        after = [m for m in s.mentions if m.start >= tend and (m.type == "Person" or is_state(m))]
        persons = [m for m in after if m.type == "Person"]
        sides = persons[:2] if len(persons) >= 2 else after[:2]
    elif "counterpart" in word:
        a = subject_before(s, tpos, lambda m: m.type == "Person", window=120, coordinate=False)
        if not a:
            a = [m for m in people if m.end <= tpos][-1:]
        b = [m for m in people if m.start >= tend and m.start - tend <= 40][:1]
        sides = a + b
    elif re.search(r"the\s+two|both", word):
        title = re.search(r"(?:the\s+two|both)\s+(\w+)", word)
        sides = _last_two_people(ctx, tpos, title.group(1) if title else "")
        if len(sides) < 2:
            sides = group_reference(ctx, s, s.start, tend) or _pair(ctx)
    else:
        a = subject_before(s, tpos, lambda m: m.type == "Person", window=100, coordinate=False)
        if not a:
            title = re.match(r"\s*[Tt]he\s+((?:[A-Z][a-z]+\s+){0,2}(?:Minister|President|Secretary|Chancellor|Premier))\b",
                             s.text)
            holder = _holder(ctx, s.start, title.group(1)) if title else None
            a = [holder] if holder is not None else subject_before(s, tpos, is_state, window=60)
        b = [m for m in s.mentions if m.start >= tend and (m.type == "Person" or is_state(m))][:1]
        sides = a[:1] + b
    sides = unique(sides)
    if len(sides) < 2:
        return []
    f = new_fact("other", s, 0.45)
    f.fields["event"] = "talks"
    for m in sides:
        f.add("participants", m)
    d = _date(ctx, s, tpos, tend)
    planned = _planned(s, tpos)
    finish_date(f, d, ctx, s, "after" if planned and d is None else "ref")
    f.planned = planned
    return [f]


def _holder(ctx: Context, pos: int, title: str) -> Mention | None:
    """"The Defence Minister": the last person named before ``pos`` with that title."""
    words = title.lower().split()
    for m in reversed(ctx.all_mentions):
        if m.end <= pos and m.type == "Person" and all(w in str(m.props.get("title", "")).lower() for w in words):
            return m
    return None


def _last_two_people(ctx: Context, pos: int, head: str) -> list[Mention]:
    """"The two Presidents": the last two people named outside quotations with that title."""
    head = head.rstrip("s").lower()
    seen: list[Mention] = []
    for m in reversed(ctx.all_mentions):
        if m.end > pos or m.type != "Person":
            continue
        title = str(m.props.get("title", "")).lower()
        if head and head not in ("side", "leader", "minister", "head") and head not in title:
            continue
        if all(x.key != m.key for x in seen):
            seen.append(m)
        if len(seen) == 2:
            break
    return list(reversed(seen))


def _pair(ctx: Context) -> list[Mention]:
    from .speech import main_pair

    return main_pair(ctx)


_OTHER_TRIGGERS: tuple[tuple[str, re.Pattern], ...] = (
    ("launch", re.compile(r"\b(?:launch(?:ed|es|ing)?|commission(?:ed|ing)|christen(?:ed|ing)|float(?:ed)?\s+out)\b"
                          r"(?=[^.;]{0,80}\b(?:ship|vessel|frigate|corvette|submarine|patrol|satellite|destroyer|"
                          r"cutter|boat|carrier)s?\b)", re.I)),
    ("ground_breaking", re.compile(r"\bground-?breaking\b|\bbroke\s+ground\b|\bfoundation\s+stone\b|\bcornerstone\b",
                                   re.I)),
    ("aid", re.compile(r"\b(?:humanitarian|military|financial|economic|development)\s+(?:aid|assistance)\b|"
                       r"\b(?:donat(?:ed|es|ion\s+of)|pledg(?:ed|es)\s+\$|grant(?:ed)?\s+of)\b", re.I)),
    ("sanctions", re.compile(r"\b(?:impos(?:ed|es|ing)|slap(?:ped|s)|announc(?:ed|es))\s+(?:new\s+|fresh\s+)?"
                             r"(?:\w+\s+){0,2}sanctions\s+(?:on|against)\b", re.I)),
    ("suspension", re.compile(r"\bsuspend(?:ed|s|ing)?\s+(?:all\s+|its\s+)?(?:military|defen[cs]e|bilateral|security|"
                              r"economic|trade|arms)\s+(?:cooperation|ties|relations|aid|exports|talks)\b", re.I)),
)


def rule_other_kinds(ctx: Context, s: Sent) -> list[DraftFact]:
    """Launches and commissionings, ground-breakings, aid, sanctions and suspensions of cooperation,
    between two parties the sentence names."""
    out = []
    for kind, rx in _OTHER_TRIGGERS:
        t = rx.search(s.text)
        if t is None:
            continue
        tpos, tend = s.start + t.start(), s.start + t.end()
        parties = unique([ctx.state(m) or m for m in s.mentions if _party(m) or _org(m)])
        if len(parties) < 2:
            continue
        f = new_fact("other", s, 0.4)
        f.fields["event"] = kind
        subj = subject_before(s, tpos, lambda m: _party(m) or _org(m), window=100)
        for m in unique([ctx.state(x) or x for x in subj] + parties)[:3]:
            f.add("participants", m)
        d = _date(ctx, s, tpos, tend)
        planned = _planned(s, tpos)
        finish_date(f, d, ctx, s, "after" if planned and d is None else "ref")
        f.planned = planned
        out.append(f)
    return out


# ------------------------------------------------------------------ visits told from the host's side
_HOSTED = re.compile(r"\b(?:host(?:ed|s)?|receiv(?:ed|es))\s+(?:his|her|their\s+)?(?P<rest>[^.;]{3,120}?)\s+(?:on|for)\s+"
                     r"(?:an?|his|her|their)\s+(?:\w+[- ])?(?:state|official|working)\s+visit\b", re.I)


def rule_hosted_visit(ctx: Context, s: Sent, drafted_here: list[DraftFact]) -> list[DraftFact]:
    """"President A hosted Portugal President B on a State visit": B visits A's state (the main pair's other
    side when the text does not say which state A leads)."""
    if any(f.type == "visit" for f in drafted_here):
        return []
    t = _HOSTED.search(s.text)
    if t is None:
        return []
    a, b = s.start + t.start("rest"), s.start + t.end("rest")
    guest = [m for m in s.mentions if a <= m.start < b and m.type == "Person"][-1:] or \
        [m for m in s.mentions if a <= m.start < b and is_state(m)][:1]
    if not guest:
        return []
    from .context import person_state

    guest_state = person_state(ctx, s, guest[0]) if guest[0].type == "Person" else guest[0]
    hosts = subject_before(s, s.start + t.start(), lambda m: m.type == "Person" or is_state(m), window=80,
                           coordinate=False)
    host_state = None
    if hosts:
        host_state = hosts[0] if is_state(hosts[0]) else person_state(ctx, s, hosts[0])
    if host_state is None:
        host_state = next((m for m in _pair(ctx) if guest_state is None or m.key != guest_state.key), None)
    if host_state is None or (guest_state is not None and host_state.key == guest_state.key):
        return []
    f = new_fact("visit", s, 0.5)
    f.add("visitor", guest[0])
    if guest_state is not None and guest[0].type == "Person":
        f.add("visiting_state", guest_state)
    f.add("host", host_state)
    d = _date(ctx, s, s.start + t.start(), s.start + t.end())
    finish_date(f, d, ctx, s, "ref")
    return [f]


# ------------------------------------------------------------------ the other side of a bilateral event
_BILATERAL = re.compile(r"\b(?:joint|bilateral|between\s+the\s+two|both\s+(?:countries|sides|nations)|"
                        r"the\s+two\s+(?:countries|sides|nations|navies|air\s+forces|armies)|with)\b", re.I)


def complete_pair(ctx: Context, facts: list[DraftFact]) -> None:
    """An exercise that names one side of a bilateral event ("a joint exercise", "drills between the two
    countries") takes the other side from the document's main pair."""
    pair = None
    for f in facts:
        if f.type != "exercise":
            continue
        states = {p.key for p in f.participants if p.role in ("participants", "host") and p.type == "State"}
        if len(states) >= 2 or not _BILATERAL.search(f.quote.text):
            continue
        if pair is None:
            pair = _pair(ctx)
        keys = {m.key for m in pair}
        if len(pair) == 2 and (not states or states <= keys):
            for m in pair:
                f.add("participants", m)
