"""Rules for standing ties: membership of organizations, status towards treaties and
regimes, agreements signed, diplomatic relations and their anniversaries, and
cooperation mechanisms."""

from __future__ import annotations

import re

from ..core import dates
from . import reference as ref
from .context import (CLAUSE_BREAK, named_phrase, ORG_REFS, person_state, QUOTED, cap_first, Context,
                      finish_date, group_reference, is_actor, is_state, nearest_date, new_fact, number_value,
                      objects_after, Sent, subject_before, TREATIES, unique)
from .model import DraftFact, Mention
from .timex import as_of


_MEMBER_TRIG = re.compile(
    r"\b(?:joined|joins|join|joining|rejoined|accession to|acceded to|admitted (?:to|into)|admission (?:to|into)|"
    r"became (?:a |the )?(?:\w+ )?(?:full[- ]?)?member(?: state)?(?: of)?|(?:full[- ])?members? (?:state )?of|founding member of|"
    r"founding member|membership (?:of|in)|is a member|are members|(?:a|an) (?:\w+ )?member|members? since|"
    r"observer(?: status)?(?: (?:at|in|of|to))?|dialogue partner|applied (?:to join|for membership)|"
    r"application (?:to join|for membership)|bid to join|(?:wants?|wanted|hopes?|hoped|seeks?|sought|plans?|planned|aims?|aimed)"
    r" to join|to become (?:a |the )?(?:full )?member)(?![\w-])", re.IGNORECASE)


def rule_membership(ctx: Context, s: Sent) -> list[DraftFact]:
    out = []

    def is_org(m: Mention) -> bool:
        return m.type == "InternationalOrganization"
    for t in _MEMBER_TRIG.finditer(s.text):
        tpos, tend = s.start + t.start(), s.start + t.end()
        word = t.group(0).lower()
        if re.search(r"\bas\s+(?:fellow\s+)?$", s.text[:t.start()]):
            continue  # "as members of the ADMM": said in passing, background to something else
        # The organization: after the trigger, just before "member", or "the bloc" = the last one named.
        orgs: list[Mention] = []
        for m in s.mentions:
            if m.start >= tend and is_org(m) and not re.search(r"[;]", s.between(tend, m.start)):
                gap = s.between(tend, m.start)
                if len(gap) <= 45 or (orgs and re.search(r"\band\s+(?:the\s+)?$", gap)):
                    orgs.append(m)
                    tend = m.end
        which = re.search(r"\bof\s+which\s+(?:it|they)\s+(?:is|are|was|were|became|remains?)\s+(?:\w+\s+)?$", s.between(s.start, tpos))
        if which:
            orgs = [m for m in s.mentions if m.end <= s.start + which.start() and is_org(m)][-1:]
        if not orgs:
            orgs = [m for m in s.mentions if tpos <= m.start and m.end <= s.start + t.end() and is_org(m)]
        if not orgs:
            prev = [m for m in s.mentions if m.end <= tpos and is_org(m) and tpos - m.end <= 2]
            orgs = prev
        if not orgs and (ORG_REFS.search(s.rel(s.start + t.start())[:60]) or re.search(r"observer|dialogue|join|member",
                                                                                          word)):
            orgs = ctx.before(tpos, is_org, 1)
            if orgs and not ORG_REFS.search(s.text) and not re.search(r"observer|dialogue partner|applied|join", word):
                orgs = []
        if not orgs:
            continue
        members = subject_before(s, tpos, is_state, window=120)
        if which:
            members = [m for m in s.mentions if m.end <= orgs[0].start and is_state(m)][-1:]
        if not members:
            members = group_reference(ctx, s, s.start, tpos)
        if not members:
            # "invited Egypt to become a member": the state right before the trigger.
            near = [m for m in s.mentions if m.end <= tpos and is_state(m)]
            if near and re.fullmatch(r"\s*to\s*", s.between(near[-1].end, tpos)):
                members = [near[-1]]
        if not members:
            continue
        along = re.match(r"\s*,?\s*(?:together|along)\s+with\s+(?:the\s+)?|\s*,?\s*as\s+well\s+as\s+|\s*,?\s*alongside\s+",
                         s.rel(orgs[-1].end))
        if along:
            members = members + objects_after(s, orgs[-1].end + along.end(), is_state, window=2)
        status = "full"
        window = s.between(tpos, orgs[-1].end + 30).lower()
        if "observer" in word or "observer" in window:
            status = "observer"
        elif "dialogue partner" in word or "dialogue partner" in window:
            status = "dialogue_partner"
        elif re.search(r"appl|bid|candidate|want|hope|seek|sought|plan|aim", word):
            status = "applicant"
        for i, org in enumerate(orgs):
            hi = orgs[i + 1].start if i + 1 < len(orgs) else s.end
            brk = re.search(r",\s+(?:and|but|while|whereas|which|who)\s|;", s.rel(org.end))
            if brk:
                hi = min(hi, org.end + brk.start())
            lo = org.end
            if org.end <= tpos:  # "the bloc" or "a NATO member since 1999": look after the trigger
                lo = tpos
                brk = re.search(r",\s+(?:and|but|while|whereas)\s|;", s.rel(tpos))
                hi = tpos + brk.start() if brk else s.end
            d = nearest_date(s, lo, lo=lo, hi=hi) or (nearest_date(s, tpos, hi=org.start) if i == 0 else None)
            for member in unique(members):
                if member.key == org.key:
                    continue
                f = new_fact("membership", s, 0.55)
                f.add("member", member)
                f.add("organization", org)
                f.fields["status"] = status
                present = bool(re.search(r"\b(?:is|are|remains?|a|an)\b", s.between(member.end, tpos + 12)))
                finish_date(f, d, ctx, s, "as of" if present or "founding" in word or "since" in word
                            or "observer" in word or status == "applicant" and d is None else "before")
                if re.search(r"invited|will join|to become|plans? to join|set to join", s.text, re.IGNORECASE) and status == "full":
                    f.planned = True
                out.append(f)
    return out


_GROUPS = re.compile(r"\s+(?:brings\s+together|brought\s+together|comprises|comprised|consists\s+of|groups|unites|"
                     r"includes|is\s+made\s+up\s+of)\s+(?:the\s+)?")


def rule_members_listed(ctx: Context, s: Sent) -> list[DraftFact]:
    """"The SCO, founded in 2001, brings together China, Russia, India and Pakistan": its members."""
    out = []
    for org in [m for m in s.mentions if m.type == "InternationalOrganization"]:
        rest = s.rel(org.end)
        aside = re.match(r",[^,;]{0,80},", rest)
        g = _GROUPS.match(rest[aside.end():] if aside else rest)
        if not g:
            continue
        at = org.end + (aside.end() if aside else 0) + g.end()
        listed = unique(objects_after(s, at, is_state, window=2))
        if len(listed) > 6:
            continue  # a bloc's whole roster is background, not news of anyone's membership
        for member in listed:
            f = new_fact("membership", s, 0.5)
            f.add("member", member)
            f.add("organization", org)
            f.fields["status"] = "full"
            f.date = as_of(ctx.reference)
            out.append(f)
    return out


_TREATY_TRIGGERS: tuple[tuple[str, re.Pattern], ...] = (
    ("non_signatory", re.compile(r"\b(?:(?:has|have|had)\s+(?:not|never)\s+signed|not\s+(?:a\s+)?signator(?:y|ies)\s+(?:to|of)|"
                                 r"non-signator(?:y|ies)(?:\s+(?:to|of))?|(?:neither|nor)\s+(?:has\s+|have\s+)?signed|"
                                 r"yet\s+to\s+sign|refused\s+to\s+sign)\b", re.IGNORECASE)),
    ("not_party", re.compile(r"\b(?:withdr[ae]w\w*\s+from|withdrawal\s+from|pulled\s+out\s+of|(?:is|are|was|were)\s+not\s+"
                             r"(?:a\s+)?part(?:y|ies)?\s+(?:to|of)|outside\s+(?:of\s+)?the)\b", re.IGNORECASE)),
    ("waiver", re.compile(r"\bwaiver\b", re.IGNORECASE)),
    ("party", re.compile(r"\b(?:(?:is|are|was|were|became|become|becomes|remains?)\s+(?:a\s+|the\s+)?(?:state\s+)?part(?:y|ies)?\s+"
                         r"(?:to|of)|,\s+a\s+(?:state\s+)?party\s+to|part\s+of|ratified|acceded\s+to|accession\s+to|joined|"
                         r"became\s+(?:a\s+)?member\s+of|members?\s+of|membership\s+(?:of|in)|adheres?\s+to|"
                         r"participating\s+(?:state|government)s?\s+(?:in|of))\b", re.IGNORECASE)),
    ("signatory", re.compile(r"\b(?:signed|signatory\s+(?:to|of))\b", re.IGNORECASE)),
)


def rule_treaty_status(ctx: Context, s: Sent, carry: dict) -> list[DraftFact]:
    out: list[DraftFact] = []

    def is_treaty(m: Mention) -> bool:
        return m.type in TREATIES
    if not any(is_treaty(m) for m in s.mentions) and not re.search(r"\bthe\s+(?:treaty|regime|convention)\b", s.text, re.IGNORECASE):
        return out
    used: list[tuple[int, int]] = []
    found = []
    for status, rx in _TREATY_TRIGGERS:
        for t in rx.finditer(s.text):
            a, b = s.start + t.start(), s.start + t.end()
            if any(x < b and a < y for x, y in used):
                continue
            used.append((a, b))
            found.append((a, b, status))
    for a, b, status in sorted(found):
        if status == "waiver":
            near = [m for m in s.mentions if is_treaty(m) and (abs(m.end - a) <= 12 or 0 <= m.start - b <= 20)]
            treaties = near[-1:] if near and near[-1].end <= a else near[:1]
            negated = re.search(r"\b(?:not|no|never|neither|nor|without|yet\s+to|denied|lacks?)\b", s.between(a - 40, a), re.IGNORECASE)
            status = "no_waiver" if negated else "waiver"
            subj_pos = min([a] + [m.start for m in treaties])
        else:
            treaties = objects_after(s, b, is_treaty, window=25)
            if not treaties and re.match(r"\s*the\s+(?:treaty|regime|convention)\b", s.rel(b), re.IGNORECASE):
                treaties = ctx.before(b, is_treaty, 1)
            subj_pos = a
        if not treaties:
            continue
        parties = subject_before(s, subj_pos, is_state, window=60)
        if not parties:
            parties = group_reference(ctx, s, max(s.start, subj_pos - 60), subj_pos)
        if not parties and carry.get("parties") and carry.get("sentence", -9) >= s.idx - 1 and not any(
                m.type == "State" and carry.get("pos", 0) <= m.start < subj_pos for m in s.mentions):
            parties = carry["parties"]
        if not parties:
            continue
        carry.update(parties=parties, pos=b, sentence=s.idx)
        for treaty in treaties:
            start = b if status == "waiver" or (status != "waiver" and treaty.end < a) else treaty.end
            d = nearest_date(s, start, lo=start, hi=s.end)
            if d is not None and (CLAUSE_BREAK.search(s.between(start, d.start)) or s.between(start, d.start).count(",") > 1):
                d = None
            for p in unique(parties):
                f = new_fact("treaty_status", s, 0.6)
                f.add("party", p)
                f.add("treaty", treaty)
                f.fields["status"] = status
                finish_date(f, d, ctx, s, "as of")
                out.append(f)
    return out


_SIGN = re.compile(r"\b(?:signed|signs|sign|signing|inked|inks|concluded|initialled|adopted)\b", re.IGNORECASE)


_DOC_NOUN = re.compile(r"\b(agreements?|memorand(?:um|a)(?:\s+of\s+understanding)?|MoUs?|MOUs?|accords?|pacts?|treaty|treaties|"
                       r"protocols?|declarations?|deals?|contracts?|roadmap|letters?\s+of\s+intent|charter|convention|"
                       r"arrangements?)\b", re.IGNORECASE)


def rule_agreement(ctx: Context, s: Sent) -> list[DraftFact]:
    out: list[DraftFact] = []
    sign = _SIGN.search(s.text)
    if sign is None:
        return out
    noun = _DOC_NOUN.search(s.text)
    if noun is None:
        return out
    if any(m.type == "WeaponSystem" for m in s.mentions) and re.match(r"(?:deal|contract)", noun.group(1), re.IGNORECASE):
        return out
    if any(m.type in TREATIES for m in s.mentions) and re.search(r"(?:not|never|neither|nor|yet to)\s+(?:\w+\s+)?sign", s.text):
        return out
    spos = s.start + sign.start()
    npos = s.start + noun.start()
    if sign.group(0).lower() == "adopted" and not re.search(r"declaration|charter|resolution", noun.group(1), re.IGNORECASE):
        return out
    # Title.
    title = None
    q = QUOTED.search(s.text)
    named = named_phrase(s, noun.start(), noun.end())
    if q and abs(q.start() - noun.start()) < 40:
        title = q.group(1)
    elif (named and named[0][:1].isupper() and not named[0].lower().startswith(("memorandum", "agreement"))
          or (named and re.search(r"[A-Z]", named[0][1:]))):
        title = named[0]
    if title is None and re.search(r"\bsimilar\b", s.between(npos - 20, npos)):
        priors = [f for f in ctx.facts if f.type == "agreement" and s.idx - 6 <= f.sentence <= s.idx
                  and len(re.findall(r"\b[A-Z]", f.fields.get("title", ""))) >= 2]
        title = priors[-1].fields["title"] if priors else None
    if title is None:
        m = re.match(r"(?:[\w-]+\s+){0,2}?" + re.escape(noun.group(1)) + r"(?:\s+(?:on|for|of|to)\s+(?:[\w-]+\s*){1,6})?",
                     s.text[max(0, noun.start() - 20):])
        lead = re.search(r"\b(?:an?|the)\s+((?:(?!signed|inked|with)[\w-]+\s+){0,2})$", s.text[:noun.start()])
        base = (lead.group(1) if lead else "") + noun.group(1)
        tail = re.match(r"\s+(?:on|for)\s+((?:(?!(?:on|in|at|with|between)\b)[\w-]+\s*){1,6})", s.text[noun.end():])
        title = cap_first(base + (f" on {tail.group(1).strip()}" if tail else ""))
        del m
    # Parties, possibly several signings: "with Australia in January 2022 and with Britain in January 2023".
    actor = is_actor
    subj = subject_before(s, min(spos, npos), actor, window=160)
    people = [m for m in s.mentions if m.type == "Person" and m.end <= spos and not CLAUSE_BREAK.search(s.between(m.end, spos))]
    if len(people) >= 2 and " and " in s.between(people[0].end, people[-1].start):
        subj = people  # "Algerian President A and Russian President B signed"
    if subj and re.search(r"\b(?:he|she)\s+and\s+(?:\w+\s+){0,3}$", s.between(s.start, subj[0].start), re.IGNORECASE):
        subj = ctx.before(subj[0].start, lambda m: m.type == "Person" and m.key != subj[0].key, 1) + subj
    if not subj:
        subj = group_reference(ctx, s, s.start, spos)
    between = re.search(r"\bbetween\s+(?:the\s+)?", s.text)
    partners_groups: list[list[Mention]] = []
    if between:
        partners_groups.append([m for m in s.mentions if m.start >= s.start + between.end() and is_actor(m)][:2])
    for w in re.finditer(r"\bwith\s+(?:the\s+)?", s.text):
        at = s.start + w.end()
        if at < spos - 5:
            continue
        hit = [m for m in s.mentions if at <= m.start <= at + 60 and is_actor(m)
               and not re.search(r"[,;]\s", s.between(at, m.start))]
        people = [m for m in hit if m.type == "Person"]
        if people and hit[0].type == "State" and people[0].start - hit[0].end <= 40:
            partners_groups.append(people[:1])  # "with Philippine Defence Secretary Gilberto Teodoro"
        elif hit:
            partners_groups.append(objects_after(s, hit[0].start, actor, window=2))
    if not partners_groups:
        partners_groups = [[]]
    seen_dates = set()
    for group in partners_groups:
        parties: list[Mention] = []
        signatories: list[Mention] = []
        for who in subj + group:
            if who.type == "Person":
                signatories.append(who)
                st = person_state(ctx, s, who)
                if st is not None:
                    parties.append(st)
            else:
                parties.append(who)
        parties = unique(parties)
        if not parties and not group and sign.group(0).lower() in ("signed", "inked") and re.search(
                r"\b(?:the|this|that|a|an)\s+(?:[\w-]+\s+){0,3}$", s.text[:noun.start()]):
            # "The first agreement, a 15-year deal signed in February 2016": the states the text is about.
            parties = list(reversed(ctx.recent_states(s.start, 2)))
        if len(parties) < 2:
            if len(parties) == 1 and re.search(r"\b(?:both|two)\s+(?:countries|sides)\b", s.text):
                others = [m for m in ctx.recent_states(s.start, 2) if m.key != parties[0].key]
                parties += others[:1]
            if len(parties) < 2:
                continue
        f = new_fact("agreement", s, 0.5)
        f.fields["title"] = title
        for p in parties:
            f.add("parties", p)
        for p in unique(signatories):
            f.add("signatories", p)
        anchor = group[0].end if group else spos
        d = nearest_date(s, anchor, lo=anchor if group and len(partners_groups) > 1 else None)
        if d is not None and (d.start, d.end) in seen_dates:
            d = None
        if d is not None:
            seen_dates.add((d.start, d.end))
        finish_date(f, d, ctx, s, "ref")
        if re.search(r"\b(?:due to sign|will sign|to sign|set to sign|expected to sign|plan to sign)\b", s.text, re.IGNORECASE):
            f.planned = True
        loc = None
        for lm in re.finditer(r"\b(?:in|at)\s+(?:the\s+)?", s.text):
            hit = [m for m in s.mentions if m.start == s.start + lm.end() and m.type == "Place"]
            if hit:
                loc = hit[0]
                break
        if loc is not None:
            f.add("location", loc)
        low = (title + " " + s.text).lower()
        purposes = []
        if re.search(r"nuclear", low):
            purposes.append("nuclear")
        if re.search(r"\blng\b|natural gas|crude|\boil\b|energy", low):
            purposes.append("energy")
        if re.search(r"terror", low):
            purposes.append("counter_terrorism")
        if purposes:
            f.fields["purpose"] = purposes
        out.append(f)
    return out


_RELATIONS = re.compile(
    r"\b(?:establish(?:ed|ing|ment\s+of)?|set\s+up|opened|restor(?:e|ed|ing|ation\s+of)|resum(?:e|ed|ing|ption\s+of)|"
    r"normali[sz](?:ed|ing|ation\s+of))\s+(?:of\s+)?(?:full\s+|formal\s+)?diplomatic\s+(?:relations|ties)|"
    r"diplomatic\s+(?:relations|ties)\s+(?:between\s+[^.;]{0,80}?)?,?\s*(?:which\s+)?(?:were|was|had\s+been|have\s+been)\s+"
    r"(?:first\s+)?(?:established|set\s+up|restored|resumed)", re.IGNORECASE)


_ANNIVERSARY = re.compile(
    r"\b(?P<n>\d{1,3}|[A-Za-z]+(?:-[a-z]+)?)(?:st|nd|rd|th)?\s+anniversary\s+of|"
    r"\b(?P<n2>\d{1,3}|[A-Za-z]+(?:-[a-z]+)?)\s+years\s+(?:of|since)\b", re.IGNORECASE)


def _parties_pair(ctx: Context, s: Sent, lo: int, hi: int) -> list[Mention]:
    between = re.search(r"\bbetween\s+(?:the\s+)?", s.between(lo, hi))
    if between:
        at = lo + between.end()
        got = objects_after(s, at, is_state, window=2)
        if len(got) >= 2:
            return got[:2]
    subj = subject_before(s, lo, is_state, window=140)
    if len(subj) >= 2:
        return subj[-2:]
    states = unique([m for m in s.mentions if is_state(m)])
    if len(states) == 2:
        return states
    ref_ = group_reference(ctx, s, s.start, s.end)
    if len(ref_) == 2:
        return ref_
    if len(states) > 2:
        return states[:2]
    return []


_TIES_CHANGE = re.compile(
    r"\b(?P<verb>establish(?:es|ed|ing|ment\s+of)?|re-?establish(?:es|ed|ing|ment\s+of)?|set\s+up|open(?:s|ed|ing)?|"
    r"restor(?:es|e|ed|ing|ation\s+of)|resum(?:es|e|ed|ing|ption\s+of)|normali[sz](?:es|e|ed|ing|ation\s+of)|"
    r"formali[sz](?:es|e|ed|ing)|cut(?:s|ting)?|sever(?:s|ed|ing)?|br(?:eak|oke|eaks|oken|eaking)(?:\s+off)?|"
    r"suspend(?:s|ed|ing)?|downgrad(?:es|e|ed|ing)|switch(?:es|ed|ing)?)\s+"
    r"(?:(?:its|their|all|full|formal|official|bilateral|diplomatic|the)\s+){0,3}"
    r"(?P<obj>relations|ties|links|recognition)\b", re.IGNORECASE)
_SEVERED = re.compile(r"^(?:cut|sever|br|suspend|downgrad)", re.I)
_RESTORED = re.compile(r"^(?:restor|resum|re-?establish|normali)", re.I)


def rule_relations(ctx: Context, s: Sent) -> list[DraftFact]:
    """Ties established, cut or restored: "Malawi has cut diplomatic ties with Taiwan", "Riyadh severed
    ties with Tehran in 2016", "the two countries had formalized diplomatic ties effective Dec 27, 2007",
    "Saudi Arabia and Iran have agreed to resume diplomatic relations"."""
    out = []
    t = _RELATIONS.search(s.text)
    if t is not None and not (_ANNIVERSARY.search(s.text)
                              and not re.search(r"\b(?:were|was)\s+(?:first\s+)?established\b", t.group(0))):
        tpos, tend = s.start + t.start(), s.start + t.end()
        parties = _parties_pair(ctx, s, tpos, tend)
        d = nearest_date(s, tend, lo=tend) or nearest_date(s, tpos)
        if len(parties) == 2 and d is not None:
            f = new_fact("diplomatic_relations", s, 0.6)
            for p in parties:
                f.add("parties", p)
            finish_date(f, d, ctx, s, "before")
            f.planned = False
            f.fields["_span"] = (tpos, tend)
            out.append(f)
    if _ANNIVERSARY.search(s.text):
        return out
    prev: tuple[int, list[Mention]] | None = None  # the last change drafted here: its end and its subject
    for t in _TIES_CHANGE.finditer(s.text):
        tpos, tend = s.start + t.start(), s.start + t.end()
        if any(f.fields.get("_span", (0, 0))[0] <= tpos < f.fields["_span"][1] for f in out):
            continue
        verb, obj = t.group("verb").lower(), t.group("obj").lower()
        diplomatic = "diplomatic" in t.group(0).lower() or re.search(r"\bdiplomatic|\bembass", s.text, re.I)
        if not diplomatic and not (_SEVERED.match(verb) or _RESTORED.match(verb)):
            continue
        if obj == "recognition" and not verb.startswith("switch"):
            continue
        subj = subject_before(s, tpos, is_state, window=70)
        if prev is not None and _SAME_SUBJECT.search(s.between(prev[0], tpos)):
            subj = prev[1]  # "X established ties with Y while breaking relations with Z": X does both
        if not subj:
            subj = group_reference(ctx, s, s.start, tpos)
        if re.search(r"\b(?:it|they)\s+(?:(?:was|were|is|are|has|have|had|would|will)\s+)?$", s.between(s.start, tpos)):
            # "Panama's government said ... that it was severing ties with Taipei": "it" is the sentence's subject
            first = [m for m in s.mentions if is_state(m) and m.start - s.start <= 40 and m.end <= tpos]
            subj = first[:1]
        with_ = re.match(r"\s*(?:with|from|between)\s+(?:the\s+)?", s.rel(tend))
        obj_states = objects_after(s, tend + with_.end(), is_state, window=2) if with_ else []
        parties = unique(subj + obj_states)
        if len(parties) < 2:
            continue
        f = new_fact("diplomatic_relations", s, 0.55)
        for p in parties[:2] if len(subj) < 2 else parties:
            f.add("parties", p)
        f.fields["change"] = "severed" if _SEVERED.match(verb) else "restored" if _RESTORED.match(verb) else "established"
        brk = CLAUSE_BREAK.search(s.text, tend - s.start)
        clause_end = s.start + (brk.start() if brk else len(s.text))
        d = nearest_date(s, tend, lo=tend, hi=clause_end + 40) or nearest_date(s, tpos, lo=max(s.start, tpos - 40), hi=tpos)
        planned = bool(re.search(r"\b(?:will|would|plans?\s+to|set\s+to|expected\s+to|intends?\s+to)\s+(?:\w+\s+)?$",
                                 s.text[:t.start()]))
        finish_date(f, d, ctx, s, "after" if planned else "ref")
        f.planned = planned and (d is None or f.planned)
        f.fields["_span"] = (tpos, tend)
        out.append(f)
        prev = (tend, subj)
    return out


# A second change in ties with the first one's subject: "..., while breaking relations with Z",
# "... and cut ties with Z", "..., severing ties with Z".
_SAME_SUBJECT = re.compile(r"(?:\b(?:while|and|but|after|before|thereby|also)|,)\s+(?:also\s+|then\s+|thereby\s+)?"
                           r"(?:(?:has|have|had|is|was)\s+)?$", re.I)


def rule_anniversary(ctx: Context, s: Sent) -> list[DraftFact]:
    out: list[DraftFact] = []
    t = _ANNIVERSARY.search(s.text)
    if t is None:
        return out
    word = t.group("n") or t.group("n2")
    n = number_value(word) or ref.ORDINAL_WORDS.get(word.lower())
    if not n or n > 300:
        return out
    tpos, tend = s.start + t.start(), s.start + t.end()
    what = s.rel(tend)[:80].lower()
    if not re.search(r"relations|ties|friendship|partnership|treaty|cooperation|establishment|independence|alliance", what):
        return out
    parties = _parties_pair(ctx, s, tpos, s.end)
    if not parties:
        return out
    f = new_fact("anniversary", s, 0.55)
    f.fields["years"] = n
    for p in parties:
        f.add("parties", p)
    # The anniversary's own date, not the one the tie was established on.
    est = re.search(r"\b(?:established|set up|signed|since)\b", s.text)
    cut = s.start + est.start() if est else s.end
    d = nearest_date(s, tpos, prefer_after=False, hi=cut)
    if d is None:
        f.date = dates.DateSpec(ctx.reference, text=ctx.reference.iso())
    else:
        finish_date(f, d, ctx, s, "ref")
    if "diplomatic" in what and f.date is not None:
        rel = DraftFact("diplomatic_relations", quotes=[s.quote()], confidence=0.45, sentence=s.idx)
        for p in parties:
            rel.add("parties", p)
        year = f.date.start.year - n
        rel.date = dates.DateSpec(dates.PartialDate(year), text=str(year))
        rel.note = f"Year derived from the {n}th anniversary marked in {f.date.start.year} ({f.date.start.year} - {n} = {year})."
        f.links["of"] = rel
        out.append(rel)
    out.append(f)
    return out


_MECH_NAMED = re.compile(
    r"(?P<name>(?:[A-Z][\w'’+-]*\s+(?:(?:[A-Z][\w'’+-]*|and|of|for|on)\s+){0,7}?)?(?:Joint\s+Working\s+Group|Working\s+Group|Joint\s+Ministerial\s+Commission|"
    r"Joint\s+Commission|Intergovernmental\s+Commission|Joint\s+Committee|Commission|Committee|Council|Dialogue|Mechanism|"
    r"Consultations|Task\s+Force|Strategic\s+Partnership|Ready\s+Group)"
    r"(?:\s+(?:on|for|of)\s+(?:[A-Z][\w'’-]*|and)(?:\s+(?:[A-Z][\w'’-]*|and|the|of|on))*)?)(?!\s+(?:Treaty|Agreement|Declaration|Meeting|Summit))")


_MECH_CUE = re.compile(r"Joint|Intergovernmental|Inter-Governmental|High-Level|Working Group|Strategic|Military Dialogue|"
                       r"Defen[cs]e Dialogue|Task Force|Ready Group|Consultative|Coordination|Ministerial Commission|"
                       r"Bilateral|Partnership|\d\+\d")


_MECH_LOWER = re.compile(r"\b(?:(?:comprehensive\s+)?strategic\s+partnership|(?:annual\s+)?(?:defen[cs]e|strategic|security|"
                         r"military)\s+dialogue|joint\s+working\s+group(?:\s+on\s+[a-z ]+)?|2\+2\s+dialogue|joint\s+commission)\b")


_CREATED = re.compile(r"\b(?:launched|established|set\s+up|created|formed|founded|instituted|upgraded|inaugurated|"
                      r"announced)\b", re.IGNORECASE)


def rule_mechanism(ctx: Context, s: Sent) -> list[DraftFact]:
    out = []
    found: list[tuple[str, int, int]] = []
    for m in _MECH_NAMED.finditer(s.text):
        name = m.group("name").strip()
        if not _MECH_CUE.search(name):
            continue
        a, b = s.start + m.start("name"), s.start + m.end("name")
        inner = [x for x in s.mentions if x.start < b and a < x.end]
        if any(x.type == "InternationalOrganization" and x.start >= a and x.end <= b and
               re.search(r"\bof\s+(?:the\s+)?$", s.between(a, x.start)) for x in inner):
            continue
        if any(x.type in ("InternationalOrganization", "Company", "ThinkTank", "Foundation") and x.start <= a and x.end >= b
               for x in inner):
            continue
        words = name.split()
        while words and words[-1] in ("and", "of", "the", "on", "for"):
            words = words[:-1]
            b = a + len(" ".join(words))
        while words and words[0] in ("The", "A", "An", "On", "In", "At", "With", "Under"):
            words = words[1:]
            a = b - len(" ".join(words))
        found.append((" ".join(words), a, b))
    for m in _MECH_LOWER.finditer(s.text):
        a, b = s.start + m.start(), s.start + m.end()
        if any(x < b and a < y for _, x, y in found):
            continue
        found.append((m.group(0), a, b))
    for name, a, b in found:
        if re.match(r"\s+(?:Treaty|Agreement|Declaration)", s.rel(b), re.IGNORECASE) or re.match(
                r"(?:Declaration|Agreement|Treaty|Memorandum|Charter|Accord|Joint Statement)\b", name):
            continue
        in_name = [x for x in s.mentions if a <= x.start and x.end <= b and x.type in ("State", "InternationalOrganization")]
        parties = unique([x for x in in_name if x.type == "State"]) or unique([x for x in in_name])
        if not parties:
            subj = subject_before(s, a, is_state, window=200)
            parties = group_reference(ctx, s, s.start, s.end) or subj or unique([x for x in s.mentions if is_state(x)])[:2]
        if not parties:
            continue
        f = new_fact("cooperation_mechanism", s, 0.4)
        shown = name
        if name[:1].islower():
            pre = "-".join(p.name for p in parties[:2])
            shown = f"{pre} {name}"
        f.fields["name"] = shown
        for p in parties:
            f.add("parties", p)
        low = name.lower()
        if "terror" in low:
            f.fields["purpose"] = ["counter_terrorism"]
        elif "nuclear" in low:
            f.fields["purpose"] = ["nuclear"]
        elif "energy" in low:
            f.fields["purpose"] = ["energy"]
        d = None
        for created in _CREATED.finditer(s.text):
            c = s.start + created.start()
            if 0 <= a - (s.start + created.end()) <= 40 or 0 <= c - b <= 40:
                d = nearest_date(s, max(s.start + created.end(), b))
                break
        if d is not None:
            finish_date(f, d, ctx, s, "as of")
        else:
            f.date = as_of(ctx.reference)
        out.append(f)
    return out
