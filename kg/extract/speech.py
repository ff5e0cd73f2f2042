"""Who said what: quotations, speech verbs and their speakers, read across the whole document.

A statement is a speech act: a speech verb outside quotation marks ("said",
"told", "stressed", "hailed", "according to") with its subject as the
speaker. Quotation spans are found once for the document, across sentence
and paragraph boundaries (a quotation that runs over several paragraphs
opens each with a quotation mark and closes only at the end), so that

* a name inside a quotation is never its speaker;
* "he said" after a quotation goes to the last person named outside
  quotations, not to someone the quotation mentions;
* a quotation spread over several sentences is one statement, with each of
  its sentences among the statement's quotes.

The speaker is, in this order: a name right before the verb (past an
apposition or a relative clause: "Adrian Năstase, who was ..., said"); a
title standing for its holder ("the President said" -> the last person named
with that title); a pronoun (the last person outside quotations); a group
("both sides", "the two countries" -> the document's main pair; "the bloc"
-> the last organization); or a name after the verb (", said Mr Jonson").
News agencies and media are sources, not speakers. Where the reported
content is itself an event the other rules drafted (a ratification, a cut
in ties), the sentence is that event and no statement is drafted.
"""

from __future__ import annotations

import bisect
import re

from .context import ACTORS, Context, finish_date, new_fact, Sent, TREATIES
from .rules_people import _head_coref
from .model import DraftFact, Mention, Quote

# Speech verbs, in the forms news prose uses; nouns of speech ("in a statement") are not verbs.
SPEECH_VERBS = (
    r"said|says|say|stated|states|told|tells|added|adds|noted|notes|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|"
    r"highlighted|underlined|underscored|warned|warns|urged|urges|called\s+(?:for|on)|calls\s+(?:for|on)|announced|"
    r"announces|declared|declares|affirmed|reaffirmed|reiterated|hailed|hails|praised|praises|welcomed|welcomes|"
    r"condemned|condemns|criticised|criticized|voiced|expressed|observed|remarked|explained|insisted|claimed|"
    r"argued|pointed\s+out|maintained|confirmed|confirms|denied|denies|acknowledged|promised|pledged|vowed|"
    r"termed|described|accused|rejected|was\s+quoted\s+as\s+saying|according\s+to|stating|saying|appreciated|"
    r"hoped|hopes|talked\s+about|spoke\s+about|(?:was|were)\s+of\s+the\s+view|concluded\s+(?:with\s+(?:the\s+)?remarks\s+)?that|"
    r"concluded\s+by\s+saying|deliberated\s+on|recalled|lauded|commended|thanked|assured|agreed\s+that|"
    # reporting verbs of news English beyond "said": claims, complaints, warnings, denials, assertions
    r"claims|claim|complained|complains|insists|argues|maintains|asserted|asserts|alleged|alleges|charged|"
    r"contended|contends|admitted|admits|conceded|concedes|cautioned|cautions|predicted|predicts|"
    r"acknowledges|announces|reiterates|recalls|explains|observes|remarks|pledges|vows|"
    r"threatened(?=\s+(?:\w+\s+){0,3}?(?:to|that)\b)|threatens(?=\s+(?:\w+\s+){0,3}?(?:to|that)\b)|"
    # "called Taiwan a great friend": calling something a name is saying it
    r"called(?=\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s+(?:an?|the|its|their|his|her|our)\s)")
_VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_CONTINUE = {"added", "adds", "continued", "went on"}
_REPORTING = {"said", "says", "say", "told", "tells", "added", "adds", "stated", "announced", "announces", "confirmed",
              "confirms", "noted", "according to", "declared", "declares", "saying", "stating"}

_OPEN = "“\"«"
_CLOSE = "”\"»"
_NOT_SPEAKERS = {"MediaOrganization", "Place", "WeaponSystem"} | TREATIES
_PRONOUN = re.compile(r"\b(he|she|they)\s+(?:also\s+|further\s+|then\s+|later\s+|had\s+|has\s+|have\s+)?$", re.I)
_GROUP = re.compile(r"\b(?:both\s+(?:sides|countries|governments|leaders|nations)|the\s+two\s+(?:sides|countries|"
                    r"governments|leaders|nations|ministers|presidents|heads\s+of\s+state)|the\s+sides|"
                    r"the\s+parties)\s+(?:also\s+|have\s+|had\s+)?$", re.I)
_ORG_REF = re.compile(r"\bthe\s+(?:bloc|alliance|organi[sz]ation|union|grouping|body|commission|council)\s+"
                      r"(?:also\s+|has\s+|had\s+)?$", re.I)
# A part played at an event, standing for the person the text gave it to: "the guest of honour said".
_ROLE_REF = re.compile(r"\bthe\s+(chief\s+guest|guest\s+of\s+honou?r|special\s+guest|keynote\s+speaker|main\s+speaker)"
                       r"\s*,?\s+(?:also\s+|further\s+)?$", re.I)
_TITLE_REF = re.compile(r"\bthe\s+((?:[A-Z][a-z]+\s+){0,2}(?:President|Prime\s+Minister|Premier|Chancellor|"
                        r"Minister|Secretary|Ambassador|Envoy|Spokes(?:man|woman|person)|King|Emir|Commander|"
                        r"Chairman|Chairperson|Secretary-General|minister|president|ambassador|spokes(?:man|woman|person)))"
                        r"\s+(?:also\s+|has\s+|had\s+)?$")
_MEDIA_HEAD = re.compile(r"\b(?:media|agency|agencies|news|television|TV|radio|newspaper|daily|reports?|"
                         r"broadcaster|outlet|wire)\s+(?:also\s+)?$", re.I)
# "<state>'s foreign minister", "<demonym> state media", "<state> government has": a noun the state qualifies.
_QUALIFIED = re.compile(r"^\s*(?:['’]s\s+)?((?:[\w-]+\s+){1,3}?)(?:also\s+|has\s+|have\s+|had\s+|now\s+)*$")
_BODY = re.compile(r"\b(?:government|administration|ministry|military|army|navy|armed\s+forces|parliament|cabinet|"
                   r"authorities|foreign\s+office|state\s+department|embassy|side)\s*$", re.I)
# "the ministry", "an Air Force spokesperson", "the Kremlin": an institution named before.
_SPEAKER_NP = re.compile(r"((?:an?|the)\s+(?:[A-Z][\w-]*\s+){0,3}(?:ministry|Ministry|spokes(?:man|woman|person)|"
                         r"office|Office|army|Army|navy|Navy|air\s+force|Air\s+Force|military|department|Department))"
                         r"\s+(?:also\s+)?$")
# Between a subject and its verb: an apposition or relative clause set off by commas, or a few adverbs.
_APPOSITION = re.compile(r"^\s*,[^\"“”;]{1,140},\s*(?:also\s+|further\s+|however,?\s+)?$")
_ADVERBS = re.compile(r"^\s*(?:\b(?:also|further|then|later|again|has|have|had|once|now|formally|publicly|repeatedly|"
                      r"on\s+\w+day|earlier|today|"
                      r"yesterday|however|first|in\s+a\s+statement|in\s+an?\s+\w+|at\s+the\s+time)\b[\s,]*){0,4}$", re.I)


def quotation_spans(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """The spans of the document's quotations, quote marks included.

    A quotation left open at a paragraph's end continues into the next
    paragraph when that one opens with a quotation mark (the convention for
    quotations of several paragraphs); otherwise it ends with its paragraph.
    """
    spans: list[tuple[int, int]] = []
    start = None
    i, n = lo, len(text) if hi is None else min(hi, len(text))
    while i < n:
        c = text[i]
        if start is None:
            if c in _OPEN and (c != '"' or i == 0 or not text[i - 1].isalnum()):
                start = i
        elif c == "\n":
            j = i
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in _OPEN and text[i:j].count("\n") <= 2:
                i = j  # the next paragraph continues the quotation
            else:
                spans.append((start, i))
                start = None
        elif c in _CLOSE:
            spans.append((start, i + 1))
            start = None
        i += 1
    if start is not None:
        spans.append((start, n))
    return spans


class Quotations:
    """Quotation spans with quick look-up by offset."""

    def __init__(self, text: str, lo: int = 0, hi: int | None = None):
        self.spans = quotation_spans(text, lo, hi)
        self.starts = [a for a, _ in self.spans]

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.spans[i][0] < pos < self.spans[i][1]

    def span_at(self, pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i]
        return None

    def outside(self, text: str, a: int, b: int) -> str:
        """text[a:b] with quoted passages blanked (same length, so offsets hold)."""
        chars = list(text[a:b])
        i = max(0, bisect.bisect_right(self.starts, a) - 1)
        while i < len(self.spans) and self.spans[i][0] < b:
            qa, qb = self.spans[i]
            for k in range(max(qa, a), min(qb, b)):
                chars[k - a] = " "
            i += 1
        return "".join(chars)


def main_pair(ctx: Context) -> list[Mention]:
    """The two states the document names most often (its main pair of parties), first-named first."""
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in ctx.all_mentions:
        st = ctx.state(m) if m.type in ("State",) or (m.country and m.type != "Person") else None
        if st is None:
            continue
        counts[st.key] = counts.get(st.key, 0) + 1
        first.setdefault(st.key, st)
    ranked = sorted(counts, key=lambda k: (-counts[k], first[k].start))[:2]
    return sorted((first[k] for k in ranked), key=lambda m: m.start) if len(ranked) == 2 else []


class SpeechReader:
    """Finds the statements of one document, sentence by sentence, remembering the last speaker."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.quotes = Quotations(ctx.text, ctx.sents[0].start if ctx.sents else 0, ctx.sents[-1].end if ctx.sents else 0)
        self.last: DraftFact | None = None
        self._pair: list[Mention] | None = None

    # -------------------------------------------------------------- speakers
    def _actor(self, m: Mention) -> bool:
        return m.type in ACTORS and m.type not in _NOT_SPEAKERS and not self.quotes.inside(m.start)

    def _people_before(self, pos: int, title: str | None = None) -> Mention | None:
        """The last person named outside quotations before ``pos`` (with ``title`` in their title, if given)."""
        for m in reversed(self.ctx.all_mentions):
            if m.end > pos or m.type != "Person" or self.quotes.inside(m.start):
                continue
            if title is None:
                return m
            held = str(m.props.get("title", "")).lower()
            words = title.lower().split()
            if held and words[-1] in held and all(w in held for w in words[-2:]):
                return m
        return None

    def _speaker_before(self, s: Sent, vpos: int) -> tuple[list[Mention], str | None]:
        """The subject of the speech verb at ``vpos``: mentions, or words naming an unnamed speaker."""
        ctx = self.ctx
        plain = self.quotes.outside(ctx.text, s.start, vpos)
        if re.search(r"[”\"]\s*,?\s*$", plain.rstrip()[-3:] if plain.strip() else ""):
            return [], None
        cands = [m for m in s.mentions if m.end <= vpos and self._actor(m)]
        if len(cands) >= 2 and cands[-1].type == "State" and cands[-2].type == "Person" \
                and re.fullmatch(r"\s+of\s+(?:the\s+)?", ctx.text[cands[-2].end:cands[-1].start]):
            # "Foreign Minister Lars Ekholm of Sweden warned": the person, not the state named after
            of_end = {id(cands[-2]): cands.pop().end}
        else:
            of_end = {}
        for k, head in enumerate(reversed(cands[-4:])):
            gap = ctx.text[of_end.get(id(head), head.end):vpos]
            qualified = _QUALIFIED.match(gap)
            if k == 0 and head.type == "State" and qualified and not _ADVERBS.match(gap):
                # "Malawi's foreign minister said", "Iranian state media said": the state qualifies the speaker.
                noun = qualified.group(1).strip()
                if _MEDIA_HEAD.search(noun + " "):
                    return [], None
                if _BODY.search(noun):
                    return [ctx.state(head) or head], None  # the government, ministry or army acts for its state
                holder = self._people_before(vpos, noun)
                if holder is not None and holder.country in (None, head.key):
                    return [holder], None
                return [], f"{head.text}{gap}".strip()
            if _ADVERBS.match(gap) or (k > 0 or head.type != "State") and (
                    _APPOSITION.match(gap) or re.match(r"^\s*,\s*(?:who|which)\b[^;\"“”]{0,140},\s*$", gap)):
                out = [head]
                i = s.mentions.index(head)
                while i > 0 and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", ctx.text[s.mentions[i - 1].end:out[0].start]) \
                        and self._actor(s.mentions[i - 1]):
                    out.insert(0, s.mentions[i - 1])
                    i -= 1
                return out, None
        before = plain[-80:]
        if _MEDIA_HEAD.search(before):
            return [], None
        np_ = _SPEAKER_NP.search(before)
        if np_:
            found = _head_coref(ctx, s, vpos - len(np_.group(1)) - (len(before) - len(before.rstrip())), np_.group(1))
            if found is not None:
                return [found], None
        role = _ROLE_REF.search(before)
        if role:
            holder = self._role_holder(role.group(1), vpos - len(before) + role.start())
            if holder is not None:
                return [holder], None
        t = _TITLE_REF.search(before)
        if t:
            holder = self._people_before(vpos, t.group(1))
            if holder is not None:
                return [holder], None
            return [], t.group(0).strip()
        if _GROUP.search(before):
            if self._pair is None:
                self._pair = main_pair(ctx)
            return list(self._pair), None
        if _ORG_REF.search(before):
            org = ctx.before(vpos, lambda m: m.type == "InternationalOrganization", 1)
            return org, None
        pronoun = _PRONOUN.search(before)
        if pronoun:
            pron = pronoun.group(1).lower()
            if pron == "they":
                return [], None
            if self.last is not None and s.idx - self.last.sentence <= 3:
                people = [p for p in self.last.participants if p.role == "speaker" and p.type == "Person"]
                if people:
                    p = people[0]
                    return [Mention(vpos, vpos, p.found_as, p.type, p.key, p.name, p.known, p.country, "pronoun")], None
            holder = self._people_before(vpos)
            return ([holder], None) if holder is not None else ([], None)
        return [], None

    def _document_author(self, s: Sent) -> list[Mention]:
        """Who issued the statement a sentence cites ("..., said the statement"): the actor named with
        the statement in one of the two sentences before ("The ministry issued a statement ...")."""
        for prev in reversed(self.ctx.sents[max(0, s.idx - 2):s.idx]):
            doc = re.search(r"\b(?:statement|communiqu[eé]|press\s+release|declaration)\b", prev.text)
            if doc is None:
                continue
            at = prev.start + doc.start()
            actors = [m for m in prev.mentions if self._actor(m)]
            before = [m for m in actors if m.end <= at]
            pick = before[-1] if before else next((m for m in actors if m.start > at), None)
            if pick is not None:
                return [self.ctx.state(pick) or pick] if pick.type != "Person" and pick.country else [pick]
        return []

    def _role_holder(self, role: str, pos: int) -> Mention | None:
        """Who "the guest of honour" is: the person the text named with that role before ``pos``
        ("Defence Minister X was the guest of honour", "the chief guest, X, ...")."""
        words = r"\s+".join(role.lower().split())
        best = None
        for hit in re.finditer(rf"\b{words}\b", self.ctx.text[:pos], re.I):
            people = [m for m in self.ctx.all_mentions if m.type == "Person" and abs(m.start - hit.start()) <= 120
                      and not self.quotes.inside(m.start) and m.end <= pos]
            if people:
                best = min(people, key=lambda m: abs(m.start - hit.start()))
        return best

    def _speaker_after(self, s: Sent, vend: int) -> list[Mention]:
        """", said Mr Jonson", "," says the President": the inverted subject."""
        ctx = self.ctx
        t = _TITLE_REF.match("the " + ctx.text[vend:vend + 60].lstrip().removeprefix("the ") + " ") if \
            re.match(r"\s+the\s+[A-Z]", ctx.text[vend:vend + 8]) else None
        hit = [m for m in s.mentions if vend <= m.start <= vend + 30 and self._actor(m)
               and re.fullmatch(r"\s*(?:the\s+)?(?:[A-Z][\w.]*\s+){0,4}", ctx.text[vend:m.start])]
        if hit:
            return hit[:1]
        title = re.match(r"\s+the\s+((?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+)\b", ctx.text[vend:vend + 60])
        if title:
            holder = self._people_before(vend, title.group(1))
            if holder is not None:
                return [holder]
        del t
        return []

    # -------------------------------------------------------------- statements
    def read(self, s: Sent, drafted_here: list[DraftFact]) -> list[DraftFact]:
        ctx = self.ctx
        for v in _VERB.finditer(s.text):
            vpos, vend = s.start + v.start(), s.start + v.end()
            if self.quotes.inside(vpos):
                continue
            verb = " ".join(v.group(0).lower().split())
            speakers: list[Mention] = []
            as_written = None
            if verb == "according to":
                at = vend + _match_len(r"\s*(?:the\s+)?", ctx.text[vend:])
                hit = [m for m in s.mentions if at <= m.start <= at + 2 and self._actor(m)]
                if hit and hit[0].type != "State":
                    speakers = hit[:1]
            elif re.match(r"\s+by\s+", ctx.text[vend:vend + 5]):
                # "was described by the Embassy of India as ...": the passive's agent is the speaker
                at = vend + _match_len(r"\s+by\s+(?:the\s+)?", ctx.text[vend:])
                speakers = [m for m in s.mentions if at <= m.start <= at + 40 and self._actor(m)
                            and re.fullmatch(r"(?:[A-Z][\w'’.-]*\s+){0,4}(?:of\s+(?:the\s+)?)?", ctx.text[at:m.start])][:1]
            elif _DOCUMENT_AFTER.match(ctx.text[vend:vend + 40]):
                # "..., said the statement": the author of the statement named before
                if self.last is not None and s.idx - self.last.sentence <= 3:
                    self._add_quotes(self.last, s, vpos)
                    if all(q.start != s.start for q in self.last.quotes):
                        self.last.quotes.append(s.quote())
                    self.last.sentence = s.idx
                    return []
                speakers = self._document_author(s)
            else:
                if verb.startswith(("called on", "calls on")) and not re.match(r"[^.;]{0,90}?\bto\s+[a-z]", s.text[v.end():]):
                    continue  # "Singh called on the Prime Minister": a courtesy call, not words
                if verb in ("stating", "saying"):
                    # "Stating that it has endorsed ..., the AU has called on": the subject of the main clause.
                    continue
                speakers, as_written = self._speaker_before(s, vpos)
                if not speakers and not as_written and re.search(r"[,”\"]\s*$", ctx.text[max(s.start, vpos - 3):vpos]):
                    speakers = self._speaker_after(s, vend)
            if not speakers and not as_written:
                continue
            if verb in _REPORTING and self._event_content(s, drafted_here, vpos, speakers):
                return []
            if not speakers:
                continue  # an unnamed speaker ("officials said") is no statement we can draft
            if self._same_act(s, vpos, verb, speakers) and self.last is not None:
                last = self.last
                near = [x for x in s.dates if 0 <= x.start - vend <= 20]
                if near and last.date_basis == "publication":
                    last.date, last.date_basis = near[0].spec, "text"  # "... ," he said Thursday.
                self._add_quotes(last, s, vpos)
                if all(q.start != s.start for q in last.quotes):
                    last.quotes.append(s.quote())
                last.sentence = s.idx
                return []
            f = new_fact("statement", s, 0.45)
            for sp in speakers:
                f.add("speaker", sp)
            if speakers and speakers[0].type == "Person":
                f.confidence += 0.15
            if as_written:
                f.fields["speaker_as_written"] = as_written
            f.fields["topic"] = _topic(ctx.text, s, v)
            for m in s.mentions:
                if m.type in _NOT_SPEAKERS - TREATIES or m.via == "country-of" or any(m.key == x.key for x in speakers):
                    continue
                if m.type in ACTORS or m.type in TREATIES:
                    f.add("about", m)
            media = [m for m in s.mentions if m.type == "MediaOrganization"]
            if media:
                f.add("medium", media[0])
            self._add_quotes(f, s, vpos)
            near = [x for x in s.dates if 0 <= x.start - vend <= 20 and verb != "according to" and not _ATTRIBUTIVE_DAY.match(
                ctx.text[x.start:x.end + 3])]
            if not near:
                # "Speaking at the ceremony on Friday, X said": the date of the occasion the sentence opens with
                lead = _OCCASION_LEAD.match(s.text)
                near = [x for x in s.dates if lead and x.end <= s.start + lead.end() and not _ATTRIBUTIVE_DAY.match(
                    ctx.text[x.start:x.end + 3])][-1:]
            if not near and verb in _FUTURE_COMPLEMENT:
                # "threatened to suspend the treaty in April": a past day cannot date the action still threatened,
                # so it dates the threat
                near = [x for x in s.dates if x.start >= vend and (x.spec.latest() or ctx.reference.latest()) <= ctx.reference.earliest()
                        and not re.search(r"\b(?:since|until|till|by)\s+$", ctx.text[max(s.start, x.start - 7):x.start])][:1]
            finish_date(f, near[0] if near else None, ctx, s, "ref")
            if not near and _OCCASION_REF.search(s.text):
                self._occasion_date(f, s)
            f.planned = False
            f.fields["_explicit_date"] = bool(near)
            self.last = f
            return [f]
        # A sentence inside a quotation a statement opened continues that statement.
        if self.last is not None and s.idx - self.last.sentence == 1 and self.quotes.span_at(s.start) is not None \
                and len(self.last.quotes) < 6:
            self.last.quotes.append(s.quote())
            self.last.sentence = s.idx
        return []

    def _occasion_date(self, f: DraftFact, s: Sent) -> None:
        """"Addressing the ceremony, X said today's event ...": a statement made at an occasion the article
        reported just before takes that occasion's date (the last fact dated by the text, a few sentences back)."""
        for other in reversed(self.ctx.facts):
            if s.idx - other.sentence > 6:
                break
            if other.type in _OCCASIONS and other.date is not None and other.date_basis == "text" and not other.planned \
                    and not other.date.qualifier:
                f.date, f.date_basis = other.date, "text"
                return
        for prev in reversed(self.ctx.sents[max(0, s.idx - 2):s.idx]):
            # "X addressed the ceremony on Friday. He said today's event ...": the day the occasion was told
            if prev.dates and _OCCASION_WORD.search(prev.text):
                f.date, f.date_basis = prev.dates[-1].spec, "text"
                return

    def _same_act(self, s: Sent, vpos: int, verb: str, speakers: list[Mention]) -> bool:
        """Whether this verb continues the last statement: "he added" right after it, or a quotation
        that opened in the sentences the last statement already holds and closes here with "he said"."""
        last = self.last
        if last is None or not speakers or last.keys("speaker") != {speakers[0].key}:
            return False
        if verb in _CONTINUE and s.idx - last.sentence <= 2:
            return True
        if speakers[0].via == "pronoun" and s.idx - last.sentence == 1 and self.quotes.span_at(s.start):
            return True  # "Blair hailed the pipeline. "It will bind us," he said.": one speech act
        before = self.ctx.text[s.start:vpos].rstrip().rstrip(",").rstrip()
        span = self.quotes.span_at(s.start + len(before) - 1) if before else None
        return span is not None and span[0] < s.start and s.idx - last.sentence == 1

    def _add_quotes(self, f: DraftFact, s: Sent, vpos: int) -> None:
        """The sentences of the quotation the verb closes (or, failing that, opens), beyond the verb's own."""
        spans = [sp for sp in self.quotes.spans[max(0, bisect.bisect_right(self.quotes.starts, s.start) - 8):]
                 if sp[0] < s.end and sp[1] > s.start - 1 and sp[0] < s.end]
        closing = [sp for sp in spans if sp[1] <= vpos and sp[1] > s.start]
        opening = [sp for sp in spans if sp[0] >= vpos]
        span = closing[-1] if closing else opening[0] if opening else None
        if span is None:
            return
        for other in self.ctx.sents[max(0, s.idx - 12):s.idx + 12]:
            if other.end > span[0] and other.start < span[1] and all(q.start != other.start for q in f.quotes):
                f.quotes.append(other.quote())
        first = f.quotes[0]
        f.quotes = [first] + sorted((q for q in f.quotes if q.start != first.start), key=lambda q: q.start)

    def _event_content(self, s: Sent, drafted_here: list[DraftFact], vpos: int, speakers: list[Mention]) -> bool:
        """Whether the sentence reports an event the rules drafted ("X has cut ties with Y, Z said")."""
        events = [f for f in drafted_here if f.type in _EVENT_TYPES and not f.planned and f.fields.get("change")]
        return bool(events) and not any(self.quotes.span_at(p) for p in range(s.start, min(s.end, s.start + 2)))


_FUTURE_COMPLEMENT = {"threatened", "threatens", "vowed", "vows", "pledged", "pledges", "promised", "warned", "warns"}
# "today's event", "Monday's talks": a day that qualifies a noun, not the day the words were said.
_ATTRIBUTIVE_DAY = re.compile(r"[\w ]+['’]s?\s", re.I)
_OCCASION_LEAD = re.compile(r"\s*(?:Speaking|Addressing|Talking|Commenting|Writing)\b[^\"“”;]{0,120}?,")
_OCCASION_REF = re.compile(r"\b(?:(?:at|during|addressing|after|on\s+the\s+sidelines\s+of|on\s+the\s+occasion\s+of)\s+the\s+"
                           r"(?:\w+\s+){0,2}(?:ceremony|event|occasion|function|handover|signing|launch|parade)|"
                           r"today['’]s\s+(?:ceremony|event|occasion|function|handover|signing))\b", re.I)
_OCCASIONS = {"visit", "agreement", "arms_delivery", "arms_order", "exercise", "conference", "other", "treaty_status",
              "diplomatic_relations", "energy_cooperation"}
_OCCASION_WORD = re.compile(r"\b(?:ceremony|event|occasion|function|handover|signing|launch|parade)\b", re.I)
_DOCUMENT_AFTER = re.compile(r"\s+(?:the|a|this|that)\s+(?:joint\s+|official\s+)?(?:statement|communiqu[eé]|"
                             r"press\s+release|release|declaration)\b", re.I)

# Changes in the standing between states: reported by an official, they are the news, and the
# official's words are their source, not a statement of their own.
_EVENT_TYPES = {"treaty_status", "diplomatic_relations", "membership"}


def _match_len(pattern: str, text: str) -> int:
    """The length of ``pattern``'s match at the start of ``text`` (0 if none)."""
    m = re.match(pattern, text)
    return len(m.group(0)) if m else 0


def _topic(text: str, s: Sent, v: re.Match) -> str:
    """The gist of what was said: the quotation, or the clause reported."""
    body = s.text
    q = re.search(r"[\"“]([^\"”]{12,})[\"”]?", body)
    if q:
        content = q.group(1)
    else:
        after = body[v.end():]
        m = re.match(r"\s*(?:on\s+\w+\s+)?(?:that\s+)?(.{12,})", after)
        content = m.group(1) if m and len(after) > 20 else body[:v.start()]
    words = " ".join(content.split()).strip(" ,;:.\"”“").split()
    topic = " ".join(words[:14]).rstrip(",;:.\"”")
    return (topic[:1].upper() + topic[1:]) if topic else "Statement"


def quote_of(s: Sent) -> Quote:
    return s.quote()
