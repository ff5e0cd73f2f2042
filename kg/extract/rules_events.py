"""Rules for events: military exercises, and conferences and meetings with their speakers."""

from __future__ import annotations

import re

from ..core import dates
from . import reference as ref
from .context import (GENERIC_EVENT_WORDS, named_phrase, person_state, QUOTED, Context, finish_date,
                      group_reference, INSTITUTIONS, is_actor, nearest_date, new_fact, ordinal_value, Sent,
                      span_of, subject_before, unique)
from .model import DraftFact, Mention, Participant


_EXERCISE = re.compile(r"\b(?:exercises?|drills?|war\s?games|manoeuvres|maneuvers)\b(?!\s+(?:restraint|its|their|caution|control|"
                       r"power|right|influence|patience|leverage))", re.IGNORECASE)


def rule_exercise(ctx: Context, s: Sent) -> list[DraftFact]:
    out: list[DraftFact] = []
    t = _EXERCISE.search(s.text)
    if t is None:
        return _series_edition(ctx, s)
    tpos, tend = s.start + t.start(), s.start + t.end()
    name, nspan = _exercise_name(ctx, s, t)
    prior = ctx.last_fact("exercise", s.idx, within=2)
    if name is not None and prior is not None and prior.fields.get("_synthetic") and not s.dates and re.search(
            r"\b(?:the|this|that)\s+(?:\w+\s+)?(?:exercises?|drills?)\b", s.text, re.IGNORECASE):
        # "Designated 'Friendship', the exercise ...": the name of the one just reported.
        year = prior.fields.get("edition")
        prior.fields["name"] = f"{name} {year}" if year and year not in name else name
        prior.fields.pop("_synthetic", None)
        series = [m for m in ctx.all_mentions if m.type == "ExerciseSeries" and m.text == name]
        if series:
            prior.add("series", series[0])
        prior.quotes.append(s.quote())
        _exercise_details(ctx, s, prior, t)
        return out
    if name is not None and nspan and not s.dates and not re.search(r"(?:19|20)\d{2}", name) and any(
            m.type == "ExerciseSeries" for m in s.mentions) and not s.future:
        return out  # "Peace Mission is a biennially-held exercise": the series, not an edition
    states = [m for m in s.mentions if m.type == "State"]
    services = [ctx.state(m) for m in s.mentions if m.type == "ArmedService"]
    parts = unique([x for x in states + services if x is not None])
    parts = [p for p in parts if not re.search(r"\b(?:against|invasion|of)\s+$", s.between(p.start - 12, p.start))
             or p.via == "country-of"]
    if not parts:
        parts = group_reference(ctx, s, s.start, s.end)
    prior = ctx.last_fact("exercise", s.idx, within=3)
    if name is None:
        if prior is not None and re.search(r"\b(?:the|this|that|its|these)\s+(?:\w+\s+)?$", s.between(tpos - 25, tpos)) and not parts:
            _exercise_details(ctx, s, prior, t)
            return out
        if not parts or not (s.dates or ordinal_value(s.between(tpos - 40, tpos))):
            return out
        year = next((d.spec.start.year for d in s.dates), None)
        scope = "bilateral" if len(parts) == 2 else "joint"
        name = f"{'-'.join(p.name for p in parts[:3])} {scope} exercise" + (f" {year}" if year else "")
    f = new_fact("exercise", s, 0.5 if nspan else 0.35)
    f.fields["name"] = name
    if not nspan:
        f.fields["_synthetic"] = True
    for p in parts:
        f.add("participants", p)
    series = [m for m in s.mentions if m.type == "ExerciseSeries"]
    if series:
        f.add("series", series[0])
    ed = re.search(r"(?:19|20)\d{2}", name)
    if ed:
        f.fields["edition"] = ed.group(0)
    _exercise_details(ctx, s, f, t)
    excl = (nspan,) if nspan else ()
    d = nearest_date(s, tend, exclude=excl)
    edition = f.fields.get("edition")
    if d is not None and edition and str(d.spec.start.year) != edition:
        d = None  # a date of something else ("expert talks in November 2017" about the 2018 edition)
    if d is None and edition:
        f.date = dates.DateSpec(dates.PartialDate(int(edition)), text=edition)
        f.confidence += 0.05
    else:
        finish_date(f, d, ctx, s, "after" if s.future else "before")
    if s.future:
        f.planned = True
    out.append(f)
    return out


def _series_edition(ctx: Context, s: Sent) -> list[DraftFact]:
    """"This was followed by Friendship 2017 in Russia": an edition of a known series, named with its year."""
    out = []
    for m in s.mentions:
        if m.type != "ExerciseSeries":
            continue
        year = re.match(r"[\s-]+((?:19|20)\d{2})\b", s.rel(m.end))
        if not year:
            continue
        f = new_fact("exercise", s, 0.4)
        f.fields["name"] = f"{m.text} {year.group(1)}"
        f.fields["edition"] = year.group(1)
        f.add("series", m)
        prior = next((x for x in reversed(ctx.facts) if x.type == "exercise" and m.key in x.keys("series")), None)
        for p in (prior.role("participants") if prior else []):
            f.add("participants", p)
        for st in [x for x in s.mentions if x.type == "State"]:
            f.add("participants", st)
        loc = re.match(r"[\s-]+(?:19|20)\d{2}\s+(?:in|at)\s+(?:the\s+)?", s.rel(m.end))
        if loc:
            hit = [x for x in s.mentions if x.start == m.end + loc.end() and x.type in ("State", "Place")]
            if hit:
                f.add("location", hit[0])
                if hit[0].type == "State":
                    f.add("host", hit[0])
        f.date = dates.DateSpec(dates.PartialDate(int(year.group(1))), text=year.group(1))
        if prior is not None and prior.fields.get("scope"):
            f.fields["scope"] = prior.fields["scope"]
        out.append(f)
    return out


def _exercise_name(ctx: Context, s: Sent, t: re.Match) -> tuple[str | None, tuple[int, int] | None]:
    for q in QUOTED.finditer(s.text):
        if abs(q.start() - t.end()) <= 60 or abs(t.start() - q.end()) <= 60:
            if q.group(1)[:1].isupper():
                return q.group(1).strip(), span_of(s, q)
    after = re.match(r",?\s+(?:dubbed|named|code-?named|called|designated)?\s*"
                     r"((?:[A-Z][\w-]*|\d{4})(?:\s+(?:[A-Z][\w-]*|\d{4}|of|the)){0,4})", s.text[t.end():])
    if after:
        cand = after.group(1).strip()
        a = s.start + t.end() + after.start(1)
        hit = [m for m in s.mentions if m.start == a and m.type in ("State", "Place", "InternationalOrganization")]
        if not hit and cand.split()[0] not in ("In", "On", "At", "The", "With", "From", "And"):
            return cand.removesuffix(" of").removesuffix(" the"), (a, a + len(cand))
    before = re.search(r"((?:[A-Z][\w-]*|\d{4})(?:\s+(?:[A-Z][\w-]*|\d{4})){0,4})\s+(?:(?:joint|military|naval|air|bilateral|"
                       r"multilateral|counter-terrorism)\s+)*$", s.text[:t.start()])
    if before:
        cand = before.group(1)
        a = s.start + before.start(1)
        covered = [m for m in s.mentions if a <= m.start < a + len(cand)]
        words = cand.split()
        if covered and all(m.type in ("State", "InternationalOrganization", "ArmedService", "Place") for m in covered):
            # "the SCO exercise", "the NATO exercise": auspices, not a name.
            pass
        elif words[0] not in ("The", "A", "An", "In", "On", "Its", "Their", "This") and not any(
                m.type == "ExerciseSeries" for m in covered) and len(words) >= 2:
            return cand, (a, a + len(cand))
    series = [m for m in s.mentions if m.type == "ExerciseSeries"]
    if series:
        m = series[0]
        year = re.match(r"[\s-]+(\d{4})", s.rel(m.end))
        name = m.text + (f" {year.group(1)}" if year else "")
        return name, (m.start, m.end + (year.end() if year else 0))
    return None, None


def _exercise_details(ctx: Context, s: Sent, f: DraftFact, t: re.Match) -> None:
    text = s.text
    low = text.lower()
    if re.search(r"\bbilateral\b", low):
        f.fields.setdefault("scope", "bilateral")
    elif re.search(r"\bmulti-?lateral|multinational\b", low):
        f.fields.setdefault("scope", "multilateral")
    purposes = f.fields.setdefault("purpose", [])
    if re.search(r"counter-?terror|anti-?terror", low) and "counter_terrorism" not in purposes:
        purposes.append("counter_terrorism")
    if re.search(r"combat readiness|combat-readiness", low) and "combat_readiness" not in purposes:
        purposes.append("combat_readiness")
    if not purposes:
        del f.fields["purpose"]
    fr = re.search(r"\b(biennial|annual|biannual|yearly|triennial)(?:ly)?\b", low)
    if fr:
        f.fields.setdefault("frequency", fr.group(1))
    forces = re.search(r"\b(special forces|marines|naval forces|paratroopers|air forces?)\b", low)
    if forces:
        f.fields.setdefault("forces", forces.group(1))
    o = re.search(r"\b(?:their|its)\s+(" + "|".join(ref.ORDINAL_WORDS) + r")\b|\b(" + "|".join(ref.ORDINAL_WORDS)
                  + r")\s+(?:[\w-]+\s+){0,3}(?:exercises?|drills?|edition)\b", low)
    if o:
        f.fields.setdefault("ordinal", ref.ORDINAL_WORDS[o.group(1) or o.group(2)])
    orgs = [m for m in s.mentions if m.type == "InternationalOrganization"]
    aus = re.search(r"under the (?:auspices|aegis|umbrella) of (?:the\s+)?", text)
    if aus:
        hit = [m for m in orgs if m.start == s.start + aus.end()]
        if hit:
            f.add("auspices", hit[0])
    elif orgs and not f.role("auspices"):
        near = [m for m in orgs if abs(m.end - (s.start + t.start())) <= 40 or abs(m.start - (s.start + t.end())) <= 3]
        if near:
            f.add("auspices", near[0])
    if f.role("auspices"):
        f.fields.setdefault("scope", "multilateral")
    elif len(f.role("participants")) == 2:
        f.fields.setdefault("scope", "bilateral")
    hosted = re.search(r"\bhosted by\s+(?:the\s+)?", text)
    if hosted:
        hit = [m for m in s.mentions if m.start == s.start + hosted.end() and is_actor(m)]
        if hit:
            f.add("host", ctx.state(hit[0]) or hit[0])
    if not f.role("location"):
        for loc in re.finditer(r"\b(?:in|at|off|near|around)\s+(?:the\s+)?(?:northern\s+|southern\s+|eastern\s+|western\s+)?", text):
            hit = [m for m in s.mentions if m.start == s.start + loc.end() and m.type in ("Place", "State")]
            if hit:
                f.add("location", hit[0])
                if hit[0].type == "State" and f.fields.get("scope") == "bilateral" and any(
                        p.key == hit[0].key for p in f.role("participants")):
                    f.add("host", hit[0])
                break


_MEETING = re.compile(r"\b(conferences?|summit|meetings?|talks|forum|symposium|seminar|roundtable|round-table|dialogue|"
                      r"consultations|session|workshop|webinar|congress|colloquium)\b", re.IGNORECASE)


_HOLD = re.compile(r"\b(?:held|hosted|hosts|host|organi[sz]ed|organi[sz]es|convened|convenes|attended|attend|attending|"
                   r"took part|take part|participated|participate|co-chaired|chaired|opened|concluded|to hold|will hold|"
                   r"hold the|holding|met|gathered|addressed|took place|takes place|is scheduled|scheduled for|will be held|"
                   r"was held|were held|is held|prepare)\b", re.IGNORECASE)


_PARTNERS = re.compile(r"\b(?:in (?:collaboration|partnership|cooperation|association|conjunction) with|jointly with|"
                       r"co-organi[sz]ed (?:by|with)|together with)\s+(?:the\s+)?", re.IGNORECASE)


_ORDINAL_EVENT = re.compile(
    r"\b(?:[Tt]he\s+)?(?P<title>(?:\d{1,3}(?:st|nd|rd|th)|" + "|".join(w.capitalize() for w in ref.ORDINAL_WORDS) + r")\s+"
    r"[A-Z][\w'’+-]*(?:\s+[A-Z][\w'’+-]*){0,5})\s+(?:will\s+be|was|is|were|are)\s+(?:held|convened|hosted|organi[sz]ed)\b")


def rule_conference(ctx: Context, s: Sent) -> list[DraftFact]:
    out = []
    taken: list[tuple[int, int]] = []
    for e in _ORDINAL_EVENT.finditer(s.text):
        if _MEETING.search(e.group("title")):
            continue
        a, b = s.start + e.start("title"), s.start + e.end("title")
        f = new_fact("conference", s, 0.4)
        f.fields["title"] = e.group("title")
        f.fields["kind"] = "meeting"
        f.fields["ordinal"] = ordinal_value(e.group("title"))
        _conference_details(ctx, s, f, a, b, None, e.group("title"))
        d = nearest_date(s, b)
        finish_date(f, d, ctx, s, "ref")
        if s.future:
            f.planned = True
        taken.append((a, b))
        out.append(f)
    for t in _MEETING.finditer(s.text):
        tpos, tend = s.start + t.start(), s.start + t.end()
        if any(a <= tpos < b for a, b in taken):
            continue
        before = s.text[:t.start()].lower()
        if re.search(r"(?:news|press|media|weekly news|daily news)\s+$", before):
            continue
        if re.search(r"(?:sidelines|margins|side-lines|eve|run-up|ahead)\s+of\s+the\s+$", before, re.IGNORECASE):
            continue
        if t.group(1)[:1].isupper() and re.search(r"\bthe\s+$", before) and not re.match(r"\s+(?:of|on|for)\s", s.text[t.end():]):
            continue
        title, kind = None, t.group(1).lower()
        named = named_phrase(s, t.start(), t.end())
        q = re.search(r"(?:\bon|titled|entitled|themed|theme|on the theme)\s*[:,]?\s*[\"“]([^\"”]{4,120})[\"”]",
                      s.text[t.end():t.end() + 160])
        if q:
            title = q.group(1).strip()
            taken.append((tend, tend + q.end()))
        elif named and not set(named[0].lower().split()) <= GENERIC_EVENT_WORDS:
            title = named[0]
            taken.append((named[1], named[2]))
            tend = max(tend, named[2])
        elif named and re.search(r"\bthe\s+$", s.text[:named[1] - s.start]):
            continue  # "the International Conference": the one already reported
        if title is None and not _HOLD.search(s.text) and kind != "summit":
            continue
        if title and any(m.type in ("InternationalOrganization",) and m.name == title for m in s.mentions):
            continue
        adj = re.search(r"\b(international|bilateral|trilateral|multilateral|expert|ministerial|annual|regional|high-level|"
                        r"2\+2|virtual|ordinary|extraordinary|strategic|joint)\s+(?:\w+\s+)?$", before)
        if adj:
            kind = f"{adj.group(1)} {kind}"
        if title is None and not adj and kind in ("talks", "meeting", "meetings", "dialogue", "session", "consultations"):
            if not re.search(r"\b(?:held|hold|holding|convened|co-chaired|chaired|took part|attended|attend)\b", s.text, re.IGNORECASE):
                continue
        f = new_fact("conference", s, 0.45 if title else 0.3)
        f.fields["kind"] = kind.removesuffix("s") if kind.endswith(("meetings", "conferences")) else kind
        hold = _HOLD.search(s.text)
        organizer = None
        if hold and re.match(r"held|hosted|hosts|host|organi|convened", hold.group(0), re.IGNORECASE) and not re.search(
                r"\b(?:was|were|been|be|is|are)\s+$", s.text[:hold.start()]):
            subj = subject_before(s, s.start + hold.start(), lambda m: is_actor(m) and m.type != "Person", window=160, coordinate=False)
            if subj and subj[0].end <= tpos and not (title and subj[0].text in title):
                organizer = subj[0]
        hosted = re.search(r"\bhosted by\s+(?:the\s+)?", s.text)
        if hosted:
            hit = [m for m in s.mentions if m.start == s.start + hosted.end() and is_actor(m)]
            organizer = hit[0] if hit else organizer
        if organizer is not None:
            f.add("organizer", organizer)
        partners: list[Mention] = []
        pm = _PARTNERS.search(s.text)
        if pm:
            partners = [m for m in s.mentions if m.start >= s.start + pm.end() and is_actor(m) and m.type != "State"]
            partners = [m for m in partners if not re.search(r"[.;]", s.between(s.start + pm.end(), m.start))]
            for m in unique(partners):
                f.add("partners", m)
        aus = _conference_details(ctx, s, f, tpos, tend, organizer, title)
        if title is None:
            names = [p.name for p in f.role("participants")][:3]
            who = aus[0].text if aus and kind == "summit" else (
                "-".join(names) if names else (aus[0].text if aus else (organizer.name if organizer else "")))
            if not who:
                continue
            title = f"{who} {f.fields['kind']}".strip()
        f.fields["title"] = title
        o = ordinal_value(title) if title else None
        if o is None:
            o = ordinal_value(s.between(tpos - 25, tpos)) if re.search(r"(?:round|edition)", s.text) else None
        if o:
            f.fields["ordinal"] = o
        d = nearest_date(s, tend)
        finish_date(f, d, ctx, s, "ref")
        begins = d.spec.earliest() if d is not None else None
        if s.future and (begins is None or begins >= ctx.reference.earliest()):
            f.planned = True
        f.fields["_span"] = (tpos, tend)
        out.append(f)
    return out


def _conference_details(ctx: Context, s: Sent, f: DraftFact, tpos: int, tend: int, organizer: Mention | None,
                        title: str | None) -> list[Mention]:
    """Participants, auspices and place of a meeting; returns the organizations it runs under."""
    kind = f.fields.get("kind", "")
    # Participants: the states named (not as the home of an institution or a place), and the states of the people.
    excluded = {organizer.key} if organizer is not None else set()
    parts: list[Mention] = []
    for i, m in enumerate(s.mentions):
        if m.type == "State":
            prev = s.mentions[i - 1] if i else None
            if prev is not None and prev.type in INSTITUTIONS | {"Place"} and re.fullmatch(r"\)?,\s*", s.between(prev.end, m.start)):
                continue
            parts.append(m)
        elif m.type == "Person":
            st = ctx.state(m)
            if st is not None and kind not in ("summit",):
                parts.append(st)
    attend = re.search(r"\b(?:attend|attends|attended|attending|participate|participates|participated|take part|took part)\b", s.text)
    if attend:
        who = subject_before(s, s.start + attend.start(), lambda m: m.type == "Person", window=200, coordinate=True)
        if not who and re.search(r"\b(?:and|to)\s+$", s.text[:attend.start()]):
            who = [m for m in s.mentions if m.type == "Person" and m.end <= s.start + attend.start()][:1]
        states = [x for x in (person_state(ctx, s, m) for m in who) if x is not None]
        if states:
            parts = states
    if not parts:
        parts = group_reference(ctx, s, s.start, s.end)
    for m in unique(parts):
        if m.key not in excluded:
            f.add("participants", m)
    orgs = [m for m in s.mentions if m.type == "InternationalOrganization"]
    aus = [m for m in orgs if title and m.text in title] or [m for m in orgs if 0 <= tpos - m.end <= 25] or (
        [m for m in orgs if 0 <= m.start - tend <= 40] if kind == "summit" else [])
    if aus:
        f.add("auspices", aus[0])
    loc = None
    for lm in re.finditer(r"\b(?:in|at)\s+(?:the\s+)?", s.text):
        hit = [m for m in s.mentions if m.start == s.start + lm.end() and m.type in ("Place", "State")]
        if hit:
            loc = hit[0]
            break
    if loc is None:
        inside = [m for m in s.mentions if m.type == "Place" and title and m.text in title]
        loc = inside[0] if inside else None
    if loc is not None:
        f.add("location", loc)
    return aus


_SPEECH = re.compile(r"\b(introductory|opening|welcome|welcoming|keynote|key\s?note|concluding|closing|inaugural|special|valedictory)"
                     r"\s+(remarks|address|speech|lecture|note address)", re.IGNORECASE)


def rule_speakers(ctx: Context, s: Sent) -> None:
    """"X gave introductory remarks", "the keynote address was given by Y": speeches at the last conference."""
    conf = ctx.last_fact("conference", s.idx, within=200)
    if conf is None or conf.planned:
        return
    people = [m for m in s.mentions if m.type == "Person"]
    for sp in _SPEECH.finditer(s.text):
        role = f"{sp.group(1).lower().replace('key note', 'keynote')} {sp.group(2).lower().replace('note address', 'address')}"
        pos = s.start + sp.start()
        by = re.match(r"\s+(?:was|were)\s+(?:delivered|given|made|presented)\s+by\s+(?:the\s+chief\s+guest\s+)?", s.rel(s.start + sp.end()))
        chosen: list[Mention] = []
        nxt = _SPEECH.search(s.text, sp.end())
        stop = s.start + nxt.start() if nxt else s.end
        if by:
            at = s.start + sp.end() + by.end()
            chosen = [m for m in people if at <= m.start <= at + 60 and not re.search(r"[,;]", s.between(at, m.start))][:1]
        elif re.match(r"\s*(?:from|by)\b", s.rel(s.start + sp.end())):
            # "... followed by the introductory remarks from A, Director, X and B": everyone named until the next part.
            chosen = [m for m in people if s.start + sp.end() <= m.start < stop]
        else:
            cand = [m for m in people if m.end <= pos]
            if cand and not re.search(r"[.;]", s.between(cand[-1].end, pos)):
                chosen = cand[-1:]
        for person in chosen:
            speakers = conf.fields.setdefault("speakers", [])
            if not any(p.key == person.key for p, _, _ in speakers):
                chief = bool(re.search(r"chief guest", s.text, re.IGNORECASE) and "keynote" in role)
                speakers.append((Participant.of("person", person), role, chief))
                if all(q.start != s.start for q in conf.quotes):
                    conf.quotes.append(s.quote())
    if re.search(r"\bco-?chaired\b", s.text):
        for person in people:
            speakers = conf.fields.setdefault("speakers", [])
            if not any(p.key == person.key for p, _, _ in speakers):
                speakers.append((Participant.of("person", person), "co-chair", False))
