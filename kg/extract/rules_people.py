"""Rules for facts about people: the posts they hold, their visits and meetings,
and what they say (statements with their speaker, topic and medium)."""

from __future__ import annotations

import re

from . import reference as ref
from .context import (person_state, ACTORS, cap_first, Context, finish_date, INSTITUTIONS, is_actor,
                      nearest_date, new_fact, Sent, subject_before, TREATIES, unique)
from .model import DraftFact, Mention
from .timex import as_of


_OFFICE_RES = [(re.compile(rf"\b(?:{pat})\b", re.IGNORECASE), post) for pat, post in ref.OFFICE_TITLES]


_STATE_POSTS = {"prime_minister", "president", "ambassador", "minister_of_defence", "foreign_minister"}


_JUNK_AFTER_NAME = re.compile(r"^(?:\s*,?\s*(?:\*{1,2}|\((?:R|Retd|retd|Retired)\.?\)|NI|HI|SI|TI|SJ|\(M\)|Jr\.?))*\s*,?\s*")


def _post_of(title: str) -> str | None:
    for rx, post in _OFFICE_RES:
        if rx.search(title):
            return post
    return None


def rule_office(ctx: Context, s: Sent) -> list[DraftFact]:
    out = []
    for m in s.mentions:
        if m.type != "Person" or m.via == "surname":
            continue
        title, tstart, tend, former = _title_near(s, m)
        if not title:
            continue
        post = _post_of(title)
        if post is None:
            continue
        f = new_fact("office", s, 0.55)
        f.add("person", m)
        f.fields["post"] = post
        f.fields["title"] = cap_first(re.sub(r"^(?:the|former|Former)\s+", "", title))
        org = _office_org(ctx, s, m, post, tstart, tend)
        if org is None:
            continue
        f.add("organization", org)
        if post == "ambassador":
            to = re.search(r"\b(?:to|in)\s+(?:the\s+)?", s.between(tstart, tend + 40))
            if to:
                acc = [x for x in s.mentions if x.start == tstart + to.end() and x.type in ("State", "InternationalOrganization")]
                if acc and acc[0].key != org.key:
                    f.add("accredited_to", acc[0])
        if former:
            f.fields["former"] = True
            f.date = as_of(ctx.reference, "before")
        else:
            f.date = as_of(ctx.reference)
        f.quotes = [s.quote()]
        f.confidence += 0.2 if m.known else 0.0
        out.append(f)
    return out


def _title_near(s: Sent, m: Mention) -> tuple[str | None, int, int, bool]:
    """The title written right before a person's name, or in apposition right after it."""
    for rx, post in _OFFICE_RES:
        t = rx.match(m.text)
        if t and post is not None and t.end() < len(m.text) and post != "ambassador":
            return _title_text(t.group(0)), m.start, m.start + t.end(), False
    # Before: "Japanese Foreign Minister Yoko Kamikawa", "Pakistan's Ambassador to Russia Kazi Khalilullah".
    lo = s.start
    for x in s.mentions:
        if x.end <= m.start and x.type not in ("State",) and x is not m:
            lo = max(lo, x.end) if x.type != "ArmedService" else lo
    window = s.between(lo, m.start)
    cut = max(window.rfind(". "), window.rfind("; "), window.rfind(": "))
    if cut >= 0:
        window, lo = window[cut + 2:], lo + cut + 2
    cands = []
    starts = [w.start() for w in re.finditer(r"\b\w", window)]
    for rx, post in _OFFICE_RES:
        # Every start, not finditer: "Air Force Chief of Air Staff" holds two overlapping titles.
        for t in filter(None, (rx.match(window, k) for k in starts)):
            rest = window[t.end():]
            rest_clean = re.sub(r"\b(?:to|of|in|for|the)\b|['’]s\b|[\s,.()]", " ", rest)
            for x in s.mentions:
                if lo + t.end() <= x.start and x.end <= m.start:
                    rest_clean = rest_clean.replace(x.text, " ")
            for rank in sorted(ref.RANKS, key=len, reverse=True):
                rest_clean = re.sub(rf"(?<!\w){re.escape(rank.rstrip('.'))}(?!\w)", " ", rest_clean)
            if not rest_clean.strip():
                cands.append((t.start(), post is None, t))
    # The title farthest from the name is the post; what stands next to it is a rank or honorific
    # ("Minister of Foreign Affairs, Ambassador Yusuf Tuggar"). A bare "Ambassador" before a name
    # that has its post in apposition ("Ambassador Mary Wanjiru, Director, IPSR") is an honorific.
    cands.sort(key=lambda c: (c[0], c[1]))
    best = (cands[0][2], cands[0][0]) if cands else None
    if best is not None and best[0].group(0).lower() == "ambassador" and re.fullmatch(r"\s*", window[best[0].end():]):
        after = _JUNK_AFTER_NAME.match(s.rel(m.end))
        tail = s.rel(m.end)[after.end() if after else 0:]
        if any(rx.match(tail) and post for rx, post in _OFFICE_RES) and not re.search(r"['’]s\s*$|\b(?:to|of)\b", window):
            best = None
    if best is not None:
        t = best[0]
        tstart = lo + t.start()
        # The title runs on to the name ("Ambassador of Kenya to the IAEA").
        title = window[t.start():].strip(" ,")
        for rank in sorted(ref.RANKS, key=len, reverse=True):
            if title.endswith(" " + rank):
                title = title[: -len(rank)].strip(" ,")
        title = re.sub(r"\s+(?:to|of|in)\s+(?:the\s+)?\S+(?:\s\S+)?$", lambda x: x.group(0), title)
        former = bool(re.search(r"\bformer\s*$", window[:t.start()], re.IGNORECASE))
        return _title_text(title), tstart, m.start, former
    # After: "Kazi Khalilullah, Pakistan's ambassador", "Dr. Anton Knlopkov, Director, CENESS".
    tail = s.rel(m.end)[:140]
    junk = _JUNK_AFTER_NAME.match(tail)
    k = junk.end() if junk else 0
    rest = tail[k:]
    fm = re.match(r"(?:the\s+)?(former\s+|Former\s+)?", rest)  # matches always: all of it is optional
    fm_end = fm.end() if fm else 0
    former = bool(fm and fm.group(1))
    rest2 = rest[fm_end:]
    owner = re.match(r"(?:[A-Z][\w'’-]*\s*){1,3}['’]s\s+|(?:[A-Z][a-z]+\s+)(?=[A-Za-z])", rest2)
    skip = 0
    if owner:
        mm = [x for x in s.mentions if x.start == m.end + k + fm_end and x.type == "State"]
        if mm:
            skip = owner.end()
    rest3 = rest2[skip:]
    pieces = [(0, rest3)]
    andm = re.search(r"\s+and\s+", rest3)
    if andm:
        pieces = [(0, rest3[:andm.start()]), (andm.end(), rest3[andm.end():])]
    for off, part in pieces:
        for rx, post in _OFFICE_RES:
            t = rx.match(part)
            if not t:
                continue
            if post is None and off == 0 and len(pieces) > 1:
                break  # "Deputy Prime Minister and Minister of ...": try the second title
            stop = re.search(r",|\.\s|;|\s(?:said|told|who|and|has|had|was|is|will|gave|delivered)\b", part[t.end():])
            title = part[: t.end() + (stop.start() if stop else len(part) - t.end())]
            tstart = m.end + k + fm_end + skip + off
            return _title_text(title), tstart, tstart + len(title), former
        else:
            break
    return None, 0, 0, False


def _title_text(title: str) -> str:
    title = " ".join(title.split()).strip(" ,")
    title = re.sub(r"\s*\((?:R|Retd|retd)\)\s*", " ", title).strip()
    return title


def _service_named(ctx: Context, title: str, state: Mention | None) -> Mention | None:
    """"Chief of the Naval Staff" of India: the Indian Navy, if the registry has it under a usual name."""
    reg = ctx.gaz.registry
    word = re.search(r"\b(nav(?:al|y)|air|army)\b", title, re.IGNORECASE)
    if reg is None or state is None or not word:
        return None
    service = {"naval": "Navy", "navy": "Navy", "air": "Air Force", "army": "Army"}[word.group(1).lower()]
    names = [state.name, *ctx.gaz.demonyms.get(state.key, ())]
    if state.key in reg:
        names += reg[state.key].aliases
    for n in names:
        for cand in (f"{n} {service}", f"{service} of {n}", f"{n}'s {service}"):
            ent = reg.resolve(cand)
            if ent is not None and ent.type == "ArmedService":
                return Mention(0, 0, cand, ent.type, ent.id, ent.name, True, ent.refs.get("country"), "constructed")
    return None


def _office_org(ctx: Context, s: Sent, person: Mention, post: str, tstart: int, tend: int) -> Mention | None:
    lo, hi = min(tstart, person.start), max(tend, person.end)
    near_before = [x for x in s.mentions if x.end <= lo and re.fullmatch(r"\s{0,2}", s.between(x.end, lo)) and x.type != "Person"]
    near_before += [x for x in s.mentions if x.end <= lo and re.fullmatch(r"['’]s\s*", s.between(x.end, lo))]
    inside = [x for x in s.mentions if tstart <= x.start and x.end <= tend and x is not person]
    after = [x for x in s.mentions if hi <= x.start and x.start - hi <= 4 and x.type != "Person"]
    if post in _STATE_POSTS:
        for x in inside:
            if x.type == "State" and re.search(r"\bof\s+(?:the\s+)?$", s.between(tstart, x.start)):
                return x
        for x in reversed(near_before):
            st = ctx.state(x)
            if st is not None:
                return st
        for x in inside:
            if x.type == "State" and not re.search(r"\bto\s+(?:the\s+)?$", s.between(tstart, x.start)):
                return x
        if person.country:
            return ctx.gaz.state(person.country)
        return None
    if post == "service_chief":
        for x in inside + list(reversed(near_before)) + after:
            if x.type == "ArmedService":
                return x
        state = next((ctx.state(x) for x in reversed(near_before) if ctx.state(x) is not None), None) or (
            ctx.gaz.state(person.country) if person.country else None)
        service = _service_named(ctx, s.between(tstart, tend), state)
        if service is not None:
            return service
        for x in reversed(near_before):
            st = ctx.state(x)
            if st is not None:
                return st
        return ctx.gaz.state(person.country) if person.country else None
    for x in after + inside + list(reversed(near_before)):
        if x.type in INSTITUTIONS or x.type == "InternationalOrganization":
            return x
    return None


_MEET = re.compile(r"\b(?:met|meets|meet|meeting)\s+(?:with\s+)?(?=[A-Z])|\b(?:held|hold|holds|holding)\s+talks\s+with\s+")


def rule_meeting(ctx: Context, s: Sent, drafted: list[DraftFact]) -> list[DraftFact]:
    """"Blinken is due to meet Vietnamese Foreign Minister Bui Thanh Son on Saturday": a meeting of two states' envoys."""
    if any(f.type == "conference" and f.sentence == s.idx for f in drafted):
        return []
    for t in _MEET.finditer(s.text):
        tpos, tend = s.start + t.start(), s.start + t.end()
        if re.match(r"meeting", t.group(0)) and not re.search(r"\b(?:is|are|was|were)\s+$", s.text[:t.start()]):
            continue
        a = subject_before(s, tpos, lambda m: m.type == "Person", window=60)
        b = [m for m in s.mentions if m.type == "Person" and tend <= m.start <= tend + 70]
        if not a or not b:
            continue
        people = a + b[:1]
        states = unique([x for x in (person_state(ctx, s, m) for m in people) if x is not None])
        if len(states) < 2:
            continue
        f = new_fact("conference", s, 0.35)
        f.fields["title"] = f"Meeting of {' and '.join(p.name for p in people)}"
        f.fields["kind"] = "meeting"
        for st in states:
            f.add("participants", st)
        d = nearest_date(s, tend)
        planned = bool(re.search(r"\b(?:will|is to|are to|due to|set to|expected to)\s+(?:\w+\s+)?$", s.text[:t.start()]))
        finish_date(f, d, ctx, s, "after" if planned else "ref")
        f.planned = f.planned or planned
        return [f]
    return []


_VISIT = re.compile(r"\b(?:(?:state|official|working|maiden)\s+)?visit(?:s|ed|ing)?\b|\barrived?\s+in\b|\barrives\s+in\b|"
                    r"\btravel(?:led|ed|s|ling)?\s+to\b|\btrip\s+to\b|\btour\s+of\b|\blanded\s+in\b|\bflew\s+to\b|"
                    r"\bhead(?:s|ed)?\s+to\b|\bstopover\s+in\b|\bwill\s+be\s+in\b", re.IGNORECASE)


def rule_visit(ctx: Context, s: Sent) -> list[DraftFact]:
    out = []
    for t in _VISIT.finditer(s.text):
        tpos, tend = s.start + t.start(), s.start + t.end()
        if t.group(0).lower() == "visiting" and re.match(r"\s+[A-Z]", s.rel(tend)):
            continue  # "visiting Russian president Vladimir Putin": who is visiting, not a visit told here
        people = [m for m in s.mentions if m.type == "Person"]
        visitors = subject_before(s, tpos, lambda m: m.type == "Person", window=120)
        if not visitors:
            poss = [m for m in people if m.end <= tpos and re.match(r"['’]s\s+(?:\w+\s+){0,2}$", s.between(m.end, tpos))]
            visitors = poss[-1:]
        if not visitors:
            by = re.match(r"\s+(?:of|by)\s+", s.rel(tend))
            if by:
                cand = [m for m in people if m.start >= tend and m.start - tend <= 90]
                visitors = cand[:1]
        if not visitors:
            pron = re.search(r"\b(?:he|she)\s+(?:\w+\s+){0,3}$", s.between(s.start, tpos), re.IGNORECASE)
            if pron:
                visitors = ctx.before(tpos, lambda m: m.type == "Person", 1)
        if not visitors:
            visitors = subject_before(s, tpos, lambda m: m.type == "State", window=60, coordinate=False)
        if not visitors:
            continue
        # Where to: "to India", "visited Beijing", "arrived in Addis Ababa, Ethiopia".
        host = loc = None
        dest_from = max([tend] + [v.end for v in visitors if v.start >= tend])
        for pm in re.finditer(r"(?:^\s*|\b(?:to|in|at)\s+)(?:the\s+)?", s.rel(dest_from)[:120]):
            at = dest_from + pm.end()
            hit = [m for m in s.mentions if m.start == at and m.type in ("State", "Place")]
            if hit and re.match(r"\s+(?:country|nation|state|kingdom|republic)\b", s.rel(hit[0].end)):
                hit = []  # "to the African country": a description, resolved below
            if re.match(r"(?:\w+\s+){0,2}(?:country|nation|kingdom)\b", s.rel(at)) and pm.group(0).strip():
                # "a visit to the African country": the state named last before, other than the visitor's own.
                own = {v.state_key for v in visitors} | {x.key for x in [person_state(ctx, s, visitors[0])] if x}
                prior = ctx.before(at, lambda m: m.type == "State" and m.key not in own and m.start < s.start, 1)
                if prior:
                    host = prior[0]
                    break
            if hit:
                if hit[0].type == "Place":
                    loc = hit[0]
                    nxt = [m for m in s.mentions
                           if m.start >= loc.end and re.fullmatch(r",\s*", s.between(loc.end, m.start)) and m.type == "State"]
                    host = nxt[0] if nxt else ctx.gaz.state(loc.country) if loc.country else None
                else:
                    host = hit[0]
                break
        if host is None and loc is None:
            # "While in Brazil, Mr Jonson has also visited ...": the state the clause before places them in.
            where = re.match(r"\s*(?:While|When|During\s+(?:his|her|their)\s+stay)\s+in\s+(?:the\s+)?", s.text)
            if where:
                hit = [m for m in s.mentions if m.start == s.start + where.end() and m.type == "State"]
                host = hit[0] if hit else None
        if host is None and loc is None:
            continue
        f = new_fact("visit", s, 0.5)
        for v in visitors:
            f.add("visitor", v)
        vstate = None
        v0 = visitors[0]
        if v0.type == "Person":
            vstate = person_state(ctx, s, v0)
        if vstate is not None and host is not None and vstate.key == host.key:
            continue
        if vstate is not None and v0.type == "Person":
            f.add("visiting_state", vstate)
        if host is not None:
            f.add("host", host)
        if loc is not None:
            f.add("location", loc)
        d = nearest_date(s, tend, prefer_after=True)
        if d is not None and d.end <= tpos and tpos - d.end > 30:
            d = None
        if d is not None and re.search(r"\bsince\b[^,.;]{0,40}$", s.text[:d.start - s.start]):
            d = None  # "since assuming office in April 2016": another event's date
        planned = bool(s.future or re.search(r"\bahead of\b", s.between(tpos - 30, tpos), re.IGNORECASE))
        finish_date(f, d, ctx, s, "after" if planned else "ref")
        f.planned = f.planned or planned
        f.fields["_span"] = (tpos, tend)
        out.append(f)
        break
    return out


_SAY = re.compile(
    r"\b(?:said|says|stated|states|told|tells|added|adds|noted|notes|stressed|stresses|emphasi[sz]ed|highlighted|underlined|"
    r"underscored|warned|warns|urged|urges|called\s+for|announced|announces|declared|affirmed|reaffirmed|reiterated|"
    r"expressed|hoped|appreciated|welcomed|welcomes|condemned|observed|remarked|explained|insisted|claimed|argued|"
    r"pointed\s+out|maintained|confirmed|denied|acknowledged|talked\s+about|spoke\s+about|was\s+quoted\s+as\s+saying|"
    r"(?:were|was)\s+of\s+the\s+view|according\s+to|as\s+per|concluded\s+(?:with\s+(?:the\s+)?remarks\s+)?that|"
    r"concluded\s+by\s+saying)\b")


_SPEAKER_NP = re.compile(r"((?:(?:an?|the|some|several|senior|two|three)\s+)?(?:[A-Za-z'’-]+\s+){0,4}"
                         r"(?:officials?|spokes(?:man|woman|person)|sources?|speakers|participants|ministry|government|reports|"
                         r"governments|diplomats|analysts|experts|leaders|ministers|delegates|statement|office|army|military|"
                         r"navy|air force))\s*$", re.IGNORECASE)


def rule_statement(ctx: Context, s: Sent, last: dict) -> list[DraftFact]:
    for v in _SAY.finditer(s.text):
        vpos, vend = s.start + v.start(), s.start + v.end()
        verb = v.group(0).lower()
        speaker: Mention | None = None
        as_written: str | None = None
        actor = is_actor
        if verb in ("according to", "as per"):
            nxt = re.match(r"\s*(?:the\s+)?", s.rel(vend))
            at = vend + (nxt.end() if nxt else 0)
            hit = [m for m in s.mentions if at <= m.start <= at + 2 and actor(m)]
            np_ = re.match(r"([^,.;()]{2,60})", s.rel(at))
            if hit and (not np_ or len(np_.group(1).strip()) <= len(hit[0].text) + 2):
                speaker = hit[0]
            elif np_:
                as_written = np_.group(1).strip()
                head = [m for m in s.mentions if at <= m.start and m.end <= at + len(np_.group(1)) and actor(m)
                        and m.type != "State"]
                if head:
                    speaker = head[0]
        else:
            subj = subject_before(s, vpos, actor, window=45, coordinate=False)
            pre = s.between(max(s.start, vpos - 80), vpos)
            if not subj:
                # "Prabowo Subianto, who won last month's election, said": past the relative clause.
                rel = re.search(r",\s+(?:who|which|whose)\b[^,;]{0,90},\s*$", s.between(s.start, vpos))
                if rel:
                    subj = subject_before(s, s.start + rel.start(), actor, window=5, coordinate=False)
            np_ = _SPEAKER_NP.search(pre)
            if subj and not (np_ and subj[0].end <= vpos - len(np_.group(1)) - 1 and subj[0].text not in np_.group(1)):
                speaker = subj[0]
                if speaker.type == "State" and speaker.via == "name" and np_:
                    speaker, as_written = None, np_.group(1).strip()
            elif np_:
                as_written = np_.group(1).strip()
                speaker = _head_coref(ctx, s, vpos - len(np_.group(1)), as_written)
            elif re.search(r"\b(?:[Hh]e|[Ss]he)\s+(?:also\s+|further\s+|then\s+)?$", pre) or re.match(r"(?:He|She)\b", s.text):
                speaker = _pronoun_person(ctx, s, vpos, last)
            else:
                inv = re.match(r"\s+(?:the\s+)?", s.rel(vend))
                at = vend + (inv.end() if inv else 0)
                hit = [m for m in s.mentions if at <= m.start <= at + 40 and actor(m) and m.type != "State"]
                if hit and re.search(r"[,\"”]\s*$", pre):
                    speaker = hit[0]
        if speaker is None and not as_written:
            continue
        f = new_fact("statement", s, 0.45)
        if speaker is not None:
            f.add("speaker", speaker)
            if speaker.type == "Person":
                f.confidence += 0.15
        if as_written:
            f.fields["speaker_as_written"] = as_written
        f.fields["topic"] = _topic(s, v, speaker)
        skip = {speaker.key} if speaker is not None else set()
        for m in s.mentions:
            if m.key in skip or m.type in ("Place", "WeaponSystem", "MediaOrganization") or m.via == "country-of":
                continue
            if speaker is not None and m.start >= speaker.start and m.end <= speaker.end:
                continue
            if speaker is not None and m.end <= speaker.start and speaker.start - m.end <= 3:
                continue  # the speaker's own country ("Iranian ... spokesman")
            if m.type in ACTORS or m.type in TREATIES:
                f.add("about", m)
        media = [m for m in s.mentions if m.type == "MediaOrganization"]
        if media:
            f.add("medium", media[0])
        d = None
        near = [x for x in s.dates if 0 <= x.start - vend <= 20 and verb not in ("according to", "as per")]
        if near:
            d = near[0]
        finish_date(f, d, ctx, s, "ref")
        f.planned = False
        f.fields["_explicit_date"] = d is not None
        last["statement"] = f
        return [f]
    # A sentence that is all quotation, after a statement, continues it.
    prev = last.get("statement")
    if prev is not None and prev.sentence == s.idx - 1 and re.match(r"[\"“]", s.text) and len(prev.quotes) < 4:
        prev.quotes.append(s.quote())
        prev.sentence = s.idx
    return []


def _pronoun_person(ctx: Context, s: Sent, pos: int, last: dict) -> Mention | None:
    """"He said": the speaker of the last statements, else the last person named."""
    prev = last.get("statement")
    if prev is not None and s.idx - prev.sentence <= 3:
        people = [p for p in prev.role("speaker") if p.type == "Person"]
        if people:
            p = people[0]
            return Mention(0, 0, p.found_as, p.type, p.key, p.name, p.known, p.country, "pronoun")
    people = ctx.before(pos, lambda m: m.type == "Person", 1)
    return people[0] if people else None


_MINISTRY_OF = {"minister_of_defence": ("Ministry of Defence", "Ministry of National Defence", "Ministry of Defense",
                                        "Defence Ministry", "Ministry of the Armed Forces"),
                "foreign_minister": ("Ministry of Foreign Affairs", "Foreign Ministry", "Ministry of External Affairs")}


def _ministry_of_last_minister(ctx: Context, pos: int, qualifier: str) -> Mention | None:
    """"The ministry said", after "Indian Defence Minister Rajnath Singh": India's ministry of defence,
    if the registry knows it under any usual name."""
    reg = ctx.gaz.registry
    if reg is None:
        return None
    for f in reversed(ctx.facts):
        if f.type != "office" or f.fields.get("post") not in _MINISTRY_OF or f.quote.start > pos:
            continue
        if re.search(r"foreign", qualifier, re.I) and f.fields["post"] != "foreign_minister":
            continue
        if re.search(r"defen[cs]e", qualifier, re.I) and f.fields["post"] != "minister_of_defence":
            continue
        org = f.role("organization")
        if not org or org[0].type != "State":
            continue
        state = reg[org[0].key] if org[0].key in reg else None
        names = [org[0].name] + (list(state.aliases) if state else [])
        title = f.fields.get("title", "")
        bases = list(_MINISTRY_OF[f.fields["post"]])
        m = re.match(r"Minister (of|for) (.+)", title)
        if m:
            bases.insert(0, f"Ministry of {m.group(2)}")
        for base in bases:
            for n in names:
                for cand in (f"{base} of {n}", f"{n}'s {base}", f"{n} {base}", f"{base} of the {n}"):
                    ent = reg.resolve(cand)
                    if ent is not None and ent.type == "Ministry":
                        return Mention(pos, pos, cand, ent.type, ent.id, ent.name, True, ent.refs.get("country"), "coreference")
        return None
    return None


def _head_coref(ctx: Context, s: Sent, pos: int, np_: str) -> Mention | None:
    """"The ministry", "an Air Force spokesperson": the last institution named with that head word."""
    words = [w for w in re.findall(r"[A-Za-z]+", np_) if w.lower() not in ("the", "a", "an", "spokesperson", "spokesman",
                                                                          "spokeswoman", "officials", "official", "said")]
    if not words:
        return None
    head = " ".join(words[-2:]).lower()
    if words[-1].lower() == "ministry":
        found = _ministry_of_last_minister(ctx, pos, " ".join(words[:-1]))
        if found is not None:
            return found
    for m in reversed(ctx.all_mentions):
        if m.end > pos:
            continue
        if m.type in INSTITUTIONS and (m.name.lower().endswith(head) or m.name.lower().endswith(words[-1].lower())):
            return m
    inner = [m for m in s.mentions if m.start >= pos and m.end <= pos + len(np_) and m.type in INSTITUTIONS]
    return inner[0] if inner else None


def _topic(s: Sent, v: re.Match, speaker: Mention | None) -> str:
    text = s.text
    after = text[v.end():]
    before = text[:v.start()]
    content = None
    m = re.match(r"\s*(?:reporters|journalists|the\s+\w+(?:\s+\w+)?)?\s*(?:that|:)?\s*(.+)", after)
    q = re.search(r"[\"“]([^\"”]{12,})[\"”]", text)
    if q and (q.start() < v.start()):
        content = q.group(1)
    elif (re.search(r",\s*(?:[\w'’.-]+\s+){0,6}$", before) and len(before) > 40 and not re.match(r"\s*that\b", after)) or (
            len(after.split()) < 3 and len(before) > 40):
        content = before
        if speaker is not None and speaker.start - s.start < len(before):
            content = before[: max(0, speaker.start - s.start)]
    elif m:
        content = m.group(1)
    content = content or text
    content = re.sub(r"^[\"“‘']|[\"”’']$", "", content.strip())
    content = re.sub(r"^(?:that|the view that)\s+", "", content)
    words = content.split()
    topic = " ".join(words[:14]).rstrip(",;:.\"”")
    return cap_first(topic) or "Statement"
