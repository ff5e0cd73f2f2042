"""Finding the entities a text names, and matching them to the registry.

A `Gazetteer` holds every name known before reading: the registry's names,
aliases and acronyms first, then states (ISO names, short and former names,
demonyms, capitals), international organizations, treaties, arms makers, news
agencies and named weapon systems. Names are matched on word tokens, longest
first, with accents and case folded (acronyms keep their case).

Patterns then find what no list can hold: people by their titles and ranks,
armed services and ministries by their head words, companies and think tanks
by their endings, weapon systems by their designations (Mi-35M, HQ-9) and
classes (Khukri-class corvette), and places after a locative preposition. A
capital that acts ("Moscow said") stands for its state. Whatever the registry
lacks is a proposal: a new entity with a type and the words it was found in.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..sources.factsheet import slugify
from ..sources.registry import Registry
from . import reference as ref
from .model import Mention

_WORD = re.compile(r"[^\W_]+")
_GAP = re.compile(r"[ \t.,'’\-–&/]{0,3}|\s{1,2}")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents: the form names are compared in."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def tokens_of(name: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _WORD.findall(name))


@dataclass
class Entry:
    key: str
    name: str
    type: str
    known: bool
    country: str | None
    via: str
    exact_case: tuple[str, ...] | None  # surface tokens that must match case for case-sensitive names
    rank: int  # lower wins when two lists give the same words


class Gazetteer:
    """Every name known before reading a text, by its folded word tokens."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry
        self.phrases: dict[tuple[str, ...], Entry] = {}
        self.first_words: set[str] = set()  # words a known name can start with, to skip the rest quickly
        self.maxlen = 1
        self.state_names: dict[str, str] = {}  # state key -> canonical name
        self.state_known: dict[str, bool] = {}
        self.capitals: dict[str, str] = {}  # folded capital name -> state key
        self.provinces: dict[str, str] = {}  # folded province name -> state key
        self.iso: dict[str, str] = {}  # state key -> alpha-2
        self.demonyms: dict[str, set[str]] = {}  # state key -> demonyms
        self._build()

    # ------------------------------------------------------------ construction
    def add(self, name: str, entry: Entry) -> None:
        key = tokens_of(name)
        if not key or not name.strip():
            return
        words = _WORD.findall(name)
        case = (tuple(words) if (name.isupper() and len(name) <= 6)
                or any(w.isupper() and len(w) > 1 for w in words[:1]) and len(words) == 1 else None)
        e = Entry(entry.key, entry.name, entry.type, entry.known, entry.country, entry.via, case, entry.rank)
        old = self.phrases.get(key)
        if old is None or e.rank < old.rank:
            self.phrases[key] = e
            self.first_words.add(key[0])
            self.maxlen = max(self.maxlen, len(key))

    def _build(self) -> None:
        reg = self.registry
        by_iso: dict[str, str] = {}
        if reg is not None:
            for ent in reg.entities.values():
                country = ent.refs.get("country")
                entry = Entry(ent.id, ent.name, ent.type, True, country, "name", None, 0)
                for name in [ent.name, *ent.aliases]:
                    self.add(name, entry)
                if "acronym" in ent.props:
                    self.add(str(ent.props["acronym"]), Entry(ent.id, ent.name, ent.type, True, country, "acronym", None, 0))
                if ent.type == "State":
                    self.state_names[ent.id] = ent.name
                    self.state_known[ent.id] = True
                    if "iso3166" in ent.props:
                        by_iso[str(ent.props["iso3166"])] = ent.id
        for rec in ref.countries():
            key = by_iso.get(rec.alpha2) or self._resolve(rec.name, "State") or slugify(rec.name)
            ent = self._registered(key)
            known = ent is not None
            name = ent.name if ent is not None else rec.name
            self.state_names[key] = name
            self.state_known[key] = known
            self.iso[key] = rec.alpha2
            for n in {rec.name, *rec.names}:
                if n not in ref.AMBIGUOUS:
                    self.add(n, Entry(key, name, "State", known, None, "name", None, 1))
            for d in rec.demonyms:
                self.demonyms.setdefault(key, set()).add(d)
                if d not in ref.AMBIGUOUS:
                    rank = 1 if ref.DEMONYM_OF.get(d) == rec.alpha2 else 2
                    self.add(d, Entry(key, name, "State", known, None, "demonym", None, rank))
                    if re.search(r"(?:an|i)$", d):  # "Indians", "Omanis": the people stand for their state
                        self.add(d + "s", Entry(key, name, "State", known, None, "demonym", None, rank + 1))
            if rec.capital:
                place = self._resolve(rec.capital, "Place")
                pkey = place or slugify(rec.capital)
                self.capitals[" ".join(tokens_of(rec.capital))] = key
                held = self._registered(pkey) if place else None
                self.add(rec.capital, Entry(pkey, held.name if held is not None else rec.capital, "Place",
                                            bool(place), key, "capital", None, 3))
            for p in rec.provinces:
                clean = re.sub(r"\s*\(.*?\)", "", p).strip()
                if clean:
                    self.provinces.setdefault(" ".join(tokens_of(clean)), key)
        for former, aliases in ref.FORMER_STATES.items():
            key = self._resolve(former, "State") or slugify(former)
            ent = self._registered(key)
            known = ent is not None
            self.state_names.setdefault(key, former)
            self.state_known.setdefault(key, known)
            for n in (former, *aliases):
                self.add(n, Entry(key, ent.name if ent is not None else former, "State", known, None, "name", None, 1))
        for name, etype, acronym, aliases in ref.ORGANIZATIONS:
            key = self._resolve(name, None) or (acronym and self._resolve(acronym, None)) or slugify(acronym or name)
            ent = self._registered(key)
            known = ent is not None
            canon = ent.name if ent is not None else name
            etype = ent.type if ent is not None else etype
            for n in (name, *aliases):
                self.add(n, Entry(key, canon, etype, known, None, "name", None, 1))
            if acronym:
                self.add(acronym, Entry(key, canon, etype, known, None, "acronym", None, 1))
        for names, etype in ((ref.COMPANIES, "Company"), (ref.MEDIA, "MediaOrganization")):
            for name in names:
                key = self._resolve(name, None) or slugify(name)
                ent = self._registered(key)
                if ent is not None:
                    self.add(name, Entry(key, ent.name, ent.type, True, ent.refs.get("country"), "name", None, 2))
                else:
                    self.add(name, Entry(key, name, etype, False, None, "name", None, 2))
        for name in ref.WEAPON_NAMES:
            key = self._resolve(name, "WeaponSystem") or slugify(name)
            ent = self._registered(key)
            self.add(name, Entry(key, ent.name if ent is not None else name, "WeaponSystem", ent is not None,
                                 ent.refs.get("country") if ent is not None else None, "name", None, 2))

    def _registered(self, key: str):
        """The registry's entity under ``key``, or None (also when there is no registry)."""
        return self.registry.entities.get(key) if self.registry is not None else None

    def _resolve(self, name: str, etype: str | None) -> str | None:
        if self.registry is None:
            return None
        ent = self.registry.resolve(name)
        if ent is not None and (etype is None or ent.type == etype):
            return ent.id
        return None

    # ------------------------------------------------------------ lookups
    def state(self, key: str) -> Mention | None:
        """A mention-like record of a state by key (for roles inferred, not read)."""
        if key not in self.state_names:
            return None
        return Mention(0, 0, self.state_names[key], "State", key, self.state_names[key],
                       self.state_known.get(key, False), via="inferred")

    def resolve_name(self, name: str, etype: str | None = None) -> Entry | None:
        e = self.phrases.get(tokens_of(name))
        if e is not None and (etype is None or e.type == etype):
            return e
        return None


@lru_cache(maxsize=8)
def _gazetteer_for(registry_id: int, registry: Registry | None) -> Gazetteer:
    return Gazetteer(registry)


def gazetteer(registry: Registry | None) -> Gazetteer:
    """The gazetteer for a registry, built once per process and registry."""
    return _gazetteer_for(id(registry), registry)


# ---------------------------------------------------------------- patterns


def _char_class(pred) -> str:
    """A regex character class body for every code point satisfying ``pred``, as ranges."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for c in range(0x80, 0x2000):  # Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic scripts
        ok = pred(chr(c))
        if ok and start is None:
            start = c
        if not ok and start is not None:
            out.append((start, c - 1))
            start = None
    if start is not None:
        out.append((start, 0x1FFF))

    def esc(c: int) -> str:
        return "\\U%08x" % c
    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in out)


# Names in any script: a capital, then letters that are not capitals (ğ, ş, ı, ł, č, ă as much as é).
# Letters of scripts without case (Arabic, Chinese) count as lower case here, so they can continue a name.
UPPER = "A-Z" + _char_class(str.isupper)
LOWER = "a-z" + _char_class(lambda c: c.isalpha() and not c.isupper())
_RANKS = sorted(ref.RANKS, key=len, reverse=True)
_RANK_RE = "|".join(re.escape(r) + (r"(?=\s)" if not r.endswith(".") else "") for r in _RANKS)
_OFFICE_WORDS = (
    # Titles are matched in any case: "British prime minister Tony Blair" as much as "Prime Minister Tony Blair".
    r"(?i:(?:Deputy |Vice |Acting |Former |former |Chief |Senior |junior |(?:trade|energy|defen[cs]e|foreign) )?"
    r"(?:Prime Minister|President|Vice[- ]President|Premier|Chancellor|Ambassador|Envoy|High Commissioner"
    r"|Foreign Minister|Foreign Secretary|Defen[cs]e Minister|Defen[cs]e Secretary|Secretary of State"
    r"|Secretary of Defen[cs]e|Energy Minister|Finance Minister|Interior Minister|External Affairs Minister"
    r"|Minister (?:of|for) (?:the )?(?-i:(?:[A-Z][a-z]+ (?:and )?){0,3}?[A-Z][a-z]+)(?=[ ,])|Minister|Secretary[- ]General|Secretary"
    r"|Spokes(?:man|woman|person)|Chief of (?:the )?(?:Air|Army|Naval|Navy|General|Defen[cs]e) Staff"
    r"|Commander|Chairman|Chairperson|Director[- ]General|Director|Governor|Senator|Crown Prince|King|Emir|Sultan"
    r"|counterpart))"
)
_NOT_NAME = {
    "The", "A", "An", "And", "Of", "In", "On", "At", "For", "To", "With", "By", "From", "He", "She", "It", "They",
    "We", "This", "That", "These", "Those", "Minister", "Ministry", "Defence", "Defense", "Foreign", "Affairs",
    "National", "Secretary", "Staff", "Navy", "Army", "Air", "Force", "Forces", "President", "Prime", "Office",
    "General", "Government", "State", "Department", "Committee", "Council", "Commission", "Said", "Says",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "Sept", "Jan",
    "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Mr", "Mrs", "Ms", "Dr", "Also",
    "However", "But", "Under", "After", "Before", "During", "While", "Both", "Today", "Yesterday", "Meanwhile",
    "Ambassador", "Deputy", "Vice", "Chief", "Director", "Executive", "Project", "Advisor", "Adviser", "Former",
    "Spokesperson", "Spokesman", "Spokeswoman", "Honourable", "Meeting", "Conference", "Summit", "Exercise",
    "Treaty", "Agreement", "Republic", "Kingdom", "Union", "Group", "Joint", "Institute", "Centre", "Center",
    "Asia", "Africa", "Europe", "America", "Middle", "East", "West", "North", "South", "Pacific", "Atlantic",
    "Ocean", "Sea", "Gulf", "Region", "Global", "International", "Strategic", "Relations", "Cooperation",
}
_PARTICLES = r"(?:da|de|del|di|do|dos|van|von|der|den|bin|binti|ibn|al|el|le|la|ul|ur|y)"
_NAME_TOKEN = (r"(?!(?:Defen[cs]e|Foreign|Minister|Prime|President|Secretary|Ambassador|Chief|General|Deputy|Vice|Former|"
               r"Director|Commander)\b)"
               rf"(?:[{UPPER}][{LOWER}'’]+(?:-[{UPPER}{LOWER}]+)*|[A-Z]\.?(?=\s)|[A-Z][a-z]+[A-Z][a-z]+)")
_NAME = rf"{_NAME_TOKEN}(?:,?\s+(?:{_PARTICLES}\s+)?{_NAME_TOKEN}){{0,3}}(?:\s+Jr\.?)?"
_POSTNOM = r"(?:,?\s*(?:\((?:R|Retd|retd|Retired)\.?\)|(?:NI|HI|SI|TI|SJ|HJ|SBt|OBE|CBE|KBE|PhD|Ph\.D\.)(?:\s*\(M\))?))*"
_PERSON_AFTER_TITLE = re.compile(
    rf"(?P<title>(?:(?:{_RANK_RE}|{_OFFICE_WORDS})(?:\s+(?:to|of|in)\s+(?:the\s+)?[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)??)?[ ,]+)+)"
    rf"(?P<name>{_NAME}){_POSTNOM}")
_PERSON_BEFORE_VERB = re.compile(
    rf"(?<![\w.])(?P<name>{_NAME_TOKEN}(?:\s+(?:{_PARTICLES}\s+)?{_NAME_TOKEN}){{1,3}})"
    r"(?=,? (?:said|says|told|stated|added|noted|stressed|warned|urged|announced|welcomed|visited|met|signed|"
    r"hailed|praised|arrived|will|has|had|was)\b|, (?:the|a|who|former|[A-Z][a-z]+'s|[A-Z][a-z]+ (?:Minister|Ambassador)|"
    r"(?:head|chief|chairman|secretary|director|commander|leader|president|minister)\s+of)\b)")
_INSTITUTION = re.compile(
    r"(?P<pre>(?:the\s+)?)(?P<name>(?:[A-Z][\w'’-]*\s+){0,3}?"
    r"(?:Armed Forces|Air Force|Navy|Army|Marine Corps|Coast Guard|Special Forces|Naval Forces|Ground Forces"
    r"|Aerospace Forces|Air Defen[cs]e Forces|Border Guard|Revolutionary Guards?(?: Corps)?|Navy SEALs"
    r"|Ministry of [A-Z][\w ]*?(?=[,.;:]|\s+(?:of|said|has|and|to|on|in|was|is|will|stressed|announced)\b)|Ministry"
    r"|(?:Foreign|Defen[cs]e|Interior|External Affairs) Ministry|Foreign Office|State Department|Department of [A-Z]\w+(?: [A-Z]\w+)?"
    r"|Pentagon|Kremlin|General Staff)"
    r"(?:\s+of\s+(?:the\s+)?(?:Republic of\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})?)")
_ORG_SUFFIX = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][\w&'’.-]*\s+){0,5}"
    r"(?:Institute|Centre|Center|Foundation|Stiftung|Fund|Corporation|Corp\.|Company|Ltd\.?|Limited|Inc\.|Group"
    r"|Industries|Aerospace|Systems|Shipyards?|Holdings?|JSC|PJSC|plc|Petroleum|Energy|Dynamics|Technologies|Agency)\b"
    r"(?:\s+(?:for|of|on)\s+(?:[A-Z][\w'’-]*|and|the)(?:\s+(?:[A-Z][\w'’-]*|and|the)){0,6}(?<!and)(?<!the))?)")
_DESIGNATION = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][A-Za-z]{0,3}-\d{1,3}[A-Z0-9]{0,3}(?:[A-Z][a-z]+)?|Type \d{2,3}[A-Z]?"
    r"|[A-Z]{1,2}\d{1,2}[A-Z]?(?= (?:[a-z-]+ ){0,3}(?:tanks?|howitzers?|aircraft|jets?|fighters?|drones?|helicopters?|missiles?|systems?)))"
    r"(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,3}\d?))?)(?![\w-])")
_NOT_WEAPON = re.compile(r"^(?:COVID|SARS|MH|G|P|COP|ADMM|ISO|PM|GMT|UTC|CO|NO|SO|PN|UN|EU)-?\d|^(?:Type \d{4})")
_COUNT_WORDS = r"(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?\s+of|several|more)"
_COUNTED = re.compile(
    rf"\b{_COUNT_WORDS}\s+(?:more\s+|new\s+|additional\s+|further\s+)?(?P<name>(?:(?:[A-Z][\w-]*|\d{{2,5}})\s+){{0,3}}"
    r"(?:[a-z-]+\s+){0,2}?(?P<noun>fighter jets?|fighters?|jets?|aircraft|helicopters?|tanks?|howitzers?|drones?|"
    r"frigates?|corvettes?|submarines?|destroyers?|warships?|patrol vessels?|missiles?|rifles?|"
    r"air defen[cs]e systems?|rocket launchers?|armou?red vehicles?|patrol boats?|landing ships?))\b")
_CLASS = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)[- ]class\s+(?P<noun>[a-z]+(?:\s[a-z]+)?)")
_PLACE_AFTER = re.compile(
    r"\b(?:in|at|near|off|from|to|outside|across|around|into)\s+(?:the\s+)?(?:northern\s+|southern\s+|eastern\s+|western\s+|central\s+)?"
    rf"(?P<name>[{UPPER}][{LOWER}'’-]+(?:\s+(?:[{UPPER}][{LOWER}'’-]+|de|da|al|el)){{0,3}})")
_MONTHS_DAYS = set(_NOT_NAME)
_LOCATIVE = re.compile(r"(?:\b(?:in|at|to|from|near|into|visit|visited|visiting|visits|outside|around|toward|towards|via|"
                       r"reached|via)\s+(?:the\s+)?$|,\s*$)")
_METONYM_NEXT = re.compile(r"^(?:'s|’s|\s+[a-z]+ed\b|\s+(?:said|says|has|have|had|is|was|will|would|and|announced|warned|urged|wants|"
                           r"signed|agreed|accused|rejected|denied|insists|claims|deepens|deepened|strengthens|"
                           r"is\s|supplied|supplies|sent|lending|lends|plans|hopes|expects|considers|views|sees))")


class Recognizer:
    """Finds the mentions of one document, using a gazetteer."""

    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz

    def find(self, text: str, spans: list[tuple[int, int]] | None = None) -> list[Mention]:
        """Every mention in ``text`` (restricted to ``spans`` if given), sorted, none overlapping."""
        mentions: list[Mention] = []
        for s, e in spans or [(0, len(text))]:
            mentions.extend(self._gazetteer_pass(text, s, e))
        taken = _Occupancy(mentions)
        for s, e in spans or [(0, len(text))]:
            for m in self._pattern_pass(text, s, e, taken):
                if taken.free(m.start, m.end):
                    taken.put(m)
        out = sorted(taken.items, key=lambda m: m.start)
        out = [self._maker_product(text, m) for m in out]
        out = self._linked_forms(text, out, spans or [(0, len(text))])
        self._metonyms(text, out)
        out = self._surnames(text, out, spans or [(0, len(text))])
        return out

    # ------------------------------------------------------------ list names
    def _gazetteer_pass(self, text: str, s: int, e: int) -> list[Mention]:
        toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, s, e)]
        folded = [fold(t[2]) for t in toks]
        out: list[Mention] = []
        i = 0
        first_words = self.gaz.first_words
        while i < len(toks):
            found = None
            if folded[i] not in first_words:
                i += 1
                continue
            for n in range(min(self.gaz.maxlen, len(toks) - i), 0, -1):
                key = tuple(folded[i:i + n])
                entry = self.gaz.phrases.get(key)
                if entry is None:
                    continue
                if not self._contiguous(text, toks, i, n):
                    continue
                surface = [t[2] for t in toks[i:i + n]]
                if entry.exact_case is not None and tuple(surface) != entry.exact_case:
                    continue
                if not (surface[0][:1].isupper() or surface[0][:1].isdigit()):
                    continue
                if n == 1 and len(surface[0]) <= 2 and entry.exact_case is None and not surface[0].isupper() and not (
                        entry.known and entry.type == "Person"):
                    continue
                found = (n, entry)
                break
            if found is None:
                i += 1
                continue
            n, entry = found
            start, end = toks[i][0], toks[i + n - 1][1]
            last_word = toks[i + n - 1][2]
            if end < len(text) and text[end] == "." and (text[start:end].count(".") >= 1 or last_word in ("Jr", "Sr")
                                                         or (len(last_word) == 1 and last_word.isupper())):
                end += 1  # "U.S.", "Ferdinand Marcos Jr." keep their last full stop
            out.append(Mention(start, end, text[start:end], entry.type, entry.key, entry.name, entry.known,
                               entry.country, entry.via))
            i += n
        return out

    @staticmethod
    def _contiguous(text: str, toks, i: int, n: int) -> bool:
        for j in range(i, i + n - 1):
            gap = text[toks[j][1]:toks[j + 1][0]]
            if not _GAP.fullmatch(gap) or "\n\n" in gap:
                return False
        return True

    # ------------------------------------------------------------ patterns
    def _pattern_pass(self, text: str, s: int, e: int, taken: _Occupancy) -> list[Mention]:
        out: list[Mention] = []
        chunk = text[s:e]
        reg = self.gaz.registry

        def new(start: int, end: int, etype: str, name: str | None = None, country: str | None = None,
                via: str = "pattern", **props) -> Mention:
            surface = text[start:end]
            name = " ".join((name or surface).split())
            ent = reg.resolve(name) if reg is not None else None
            if ent is None and reg is not None:
                ent = reg.resolve(surface)
            if ent is not None:
                return Mention(start, end, surface, ent.type, ent.id, ent.name, True,
                               ent.refs.get("country") or country, via, props)
            return Mention(start, end, surface, etype, slugify(name), name, False, country, via, props)

        # People after a title or rank.
        for m in _PERSON_AFTER_TITLE.finditer(chunk):
            ns, ne = s + m.start("name"), s + m.end("name")
            name = self._trim_name(text[ns:ne])
            if name and re.search(r"\w['’]s$", name):
                name = name[:-2]  # "President Hugo Chavez's government"
            rank = re.match(r"(?:Gen|Lt|Col|Maj|Brig|Adm|Capt|Cdr|Sgt|Dr|Prof)\.?\s+(?=\S)", name or "")
            if rank:  # "Minister of National Defence Gen Chansamone Chanyalath": the rank is not the name
                ns += rank.end()
                name = name[rank.end():]
            if not name:
                continue
            ne = ns + len(name)
            if not taken.free(ns, ne) or not _looks_like_name(name):
                continue
            title = " ".join(m.group("title").split()).strip(" ,")
            retired = bool(re.search(r"\((?:R|Retd|retd|Retired)\.?\)", m.group(0)))
            out.append(new(ns, ne, "Person", name, via="title", title=title, retired=retired))
        for m in _PERSON_BEFORE_VERB.finditer(chunk):
            ns, ne = s + m.start("name"), s + m.end("name")
            name = self._trim_name(text[ns:ne])
            if name and taken.free(ns, ns + len(name)) and _looks_like_name(name) and len(name.split()) >= 2:
                out.append(new(ns, ns + len(name), "Person", name, via="pattern"))
        # Armed services, ministries.
        for m in _INSTITUTION.finditer(chunk):
            ns, ne = s + m.start("name"), s + m.end("name")
            lead = re.match(r"(?:The|This|Its|Their)\s+", text[ns:ne])
            if lead:
                ns += lead.end()
            surface = text[ns:ne]
            inner = [x for x in taken.within(ns, ne) if x.state_key]
            if taken.crossing(ns, ne):
                continue
            head = surface.split()[-1] if surface.split() else ""
            if surface in ("Ministry", "Navy", "Army", "Air Force") and not inner:
                continue
            etype = "Ministry" if re.search(r"Ministry|Department|Foreign Office", surface) else (
                "GovernmentBody" if re.search(r"Kremlin|General Staff|Pentagon", surface) else "ArmedService")
            country = inner[0].state_key if inner else None
            mention = new(ns, ne, etype, surface.removeprefix("the "), country, "pattern")
            if inner and not mention.known:
                # Keep the state's mention too when the institution is new: roles may need either.
                for x in inner:
                    taken.remove(x)
            if taken.free(ns, ne):
                taken.put(mention)
            del head
        for m in _ORG_SUFFIX.finditer(chunk):
            ns, ne = s + m.start("name"), s + m.end("name")
            surface = text[ns:ne]
            if len(surface.split()) < 2 or not taken.free(ns, ne):
                continue
            last = re.search(r"(Institute|Centre|Center|Foundation|Stiftung|Fund|Agency)", surface)
            etype = "Company"
            if last:
                etype = {"Foundation": "Foundation", "Stiftung": "Foundation", "Fund": "Foundation",
                         "Agency": "MediaOrganization" if "News" in surface else "GovernmentBody"}.get(last.group(1), "ThinkTank")
            out.append(new(ns, ne, etype, surface))
        # Weapon systems.
        for m in _DESIGNATION.finditer(chunk):
            ns, ne = s + m.start("name"), s + m.end("name")
            name = text[ns:ne]
            if _NOT_WEAPON.match(name) or not taken.free(ns, ne):
                continue
            nxt = re.match(r"\s+([a-z][a-z -]{2,30})", text[ne:ne + 40])
            wclass = _weapon_class(nxt.group(1)) if nxt else None
            out.append(new(ns, ne, "WeaponSystem", name, designation=name, weapon_class=wclass))
        for m in _CLASS.finditer(chunk):
            ns, ne = s + m.start(), s + m.end()
            noun = m.group("noun")
            wclass = _weapon_class(noun)
            if wclass is None or not taken.free(ns, ne):
                continue
            ne = ns + len(m.group(0)) - len(noun) + len(noun.split()[0]) if " " in noun and _weapon_class(noun.split()[0]) else ne
            name = " ".join(text[ns:ne].split())
            # The class in the singular, as a registry names it: "Ming-class submarines" -> "Ming-class submarine".
            name = _singular(name)
            out.append(new(ns, ne, "WeaponSystem", name, weapon_class=wclass, family=m.group("name")))
        # "two Project 11356 frigates", "four stealth frigates", "36 Jas 39 Gripen aircraft": counted weapons,
        # named by their designation words and kind when the text gives no known name.
        for m in _COUNTED.finditer(chunk):
            ns, ne = s + m.start("name"), s + m.end("name")
            noun = m.group("noun")
            wclass = _weapon_class(noun)
            if wclass is None or not taken.free(ns, ne) or any(x.start < ne and ns < x.end for x in out):
                continue
            name = _singular(" ".join(text[ns:ne].split()))
            if len(name.split()) < 2 or name.split()[0].lower() in ("the", "its", "their", "these", "those", "such"):
                continue  # "36 aircraft" alone names no weapon; the sentence's known name will
            out.append(new(ns, ne, "WeaponSystem", name, weapon_class=wclass))
        for m in re.finditer(r"\b(?:INS|HMS|USS|PNS|HMAS|TCG|BRP|JS|ROKS|KRI|RSS|CNS|FS)\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?", chunk):
            ns, ne = s + m.start(), s + m.end()
            if taken.free(ns, ne):
                out.append(new(ns, ne, "WeaponSystem", text[ns:ne], weapon_class="warship"))
        # Places after a locative preposition.
        for m in _PLACE_AFTER.finditer(chunk):
            ns, ne = s + m.start("name"), s + m.end("name")
            name = text[ns:ne]
            words = name.split()
            while words and words[-1] in _MONTHS_DAYS:
                words.pop()
            if not words or words[0] in _MONTHS_DAYS:
                continue
            name = " ".join(words)
            ne = ns + len(name)
            if not taken.free(ns, ne) or any(x.start <= ns < x.end for x in out):
                continue
            country = self.gaz.provinces.get(" ".join(tokens_of(name)))
            after = re.match(r",\s*", text[ne:ne + 3])
            if after:
                beside = taken.at(ne + after.end())
                if beside is not None and beside.type == "State":
                    country = beside.key
            out.append(new(ns, ne, "Place", name, country, via="locative"))
        return out

    @staticmethod
    def _trim_name(name: str) -> str:
        words = name.replace(",", " , ").split()
        kept: list[str] = []
        for w in words:
            if w == ",":
                kept.append(w)
                continue
            if w.strip(".") in _NOT_NAME:
                break
            kept.append(w)
        while kept and kept[-1] == ",":
            kept.pop()
        out = " ".join(kept).replace(" , ", ", ")
        return out

    # ------------------------------------------------------------ metonyms and surnames
    def _metonyms(self, text: str, mentions: list[Mention]) -> None:
        """A capital that acts, or is possessed, stands for its state ("Moscow said", "Tehran's")."""
        for i, m in enumerate(mentions):
            capital_of = self.gaz.capitals.get(" ".join(tokens_of(m.text)))
            if m.type != "Place" or capital_of is None:
                continue
            before = text[max(0, m.start - 25):m.start]
            after = text[m.end:m.end + 30]
            if _LOCATIVE.search(before) and not after.startswith(("'s", "’s")):
                continue
            if not _METONYM_NEXT.match(after) and not re.search(r"\b(?:between|and|with|lending|told)\s+$", before):
                continue
            if re.match(r"[ \t]+(?:Pact|Treaty|Declaration|Convention|Accords?|Protocol|Agreement|Process|Format|Group|"
                        r"Summit|Times|Post|Club|Initiative|Consensus|Charter)\b", after):
                continue  # "the Warsaw Pact", "the Tehran Times": the capital names something else
            state = self.gaz.state(capital_of)
            if state is not None:
                mentions[i] = Mention(m.start, m.end, m.text, "State", state.key, state.name, state.known,
                                      None, "capital")

    def _linked_forms(self, text: str, mentions: list[Mention], spans) -> list[Mention]:
        """Names that stand for a mention found elsewhere: an acronym defined in brackets after a full name
        ("Royal Air Force of Oman (RAFO)", then "RAFO"), and combining forms ("Indo-Oman": India)."""
        taken = _Occupancy(mentions)
        acronyms: dict[str, Mention] = {}
        for m in mentions:
            if m.type in ("Person", "Place"):
                continue
            d = re.match(r"\s*\(([A-Z][A-Za-z]{1,7})\)", text[m.end:m.end + 12])
            if d and d.group(1) != m.text and sum(c.isupper() for c in d.group(1)) >= 2:
                acronyms.setdefault(d.group(1), m)
        by_iso = {v: k for k, v in self.gaz.iso.items()}
        forms = "|".join(re.escape(f) for f in sorted(ref.COMBINING_FORMS, key=len, reverse=True))
        combining = re.compile(rf"\b({forms})-(?=[A-Z])")
        pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in acronyms) + r")\b") if acronyms else None
        for s, e in spans:
            if pattern is not None:
                for a in pattern.finditer(text, s, e):
                    full = acronyms[a.group(1)]
                    if a.start() > full.end and taken.free(a.start(), a.end()):
                        taken.put(Mention(a.start(), a.end(), a.group(1), full.type, full.key, full.name, full.known,
                                          full.country, "acronym", dict(full.props)))
            for c in combining.finditer(text, s, e):
                key = by_iso.get(ref.COMBINING_FORMS[c.group(1)])
                st = self.gaz.state(key) if key else None
                if st is not None and taken.free(c.start(), c.end(1)):
                    taken.put(Mention(c.start(), c.end(1), c.group(1), "State", st.key, st.name, st.known, None,
                                      "demonym"))
        return taken.items

    def _maker_product(self, text: str, m: Mention) -> Mention:
        """"Sukhoi fighter jets", "Kalashnikov rifles": a maker's name before a kind of weapon names the weapon."""
        if m.type != "Company":
            return m
        last = m.text.split()[-1]
        if len(m.text.split()) > 1 and last.islower() and _weapon_class(last) is not None:
            # "Russian helicopters" in lower case: helicopters made in Russia, not the holding company.
            name = " ".join(m.text.split())
            return Mention(m.start, m.end, m.text, "WeaponSystem", slugify(_singular(name)), _singular(name), False,
                           m.country, "maker", {"weapon_class": _weapon_class(last)})
        nxt = re.match(r"\s+((?:[A-Za-z]+-?\d+\w*\s+)?(?:[a-z-]+\s+){0,2}[a-z-]+)", text[m.end:m.end + 60])
        if not nxt:
            return m
        words = nxt.group(1).split()
        for n in range(len(words), 0, -1):
            wclass = _weapon_class(" ".join(words[:n]))
            if wclass is not None and _weapon_class(words[n - 1]) is not None:
                end = m.end + nxt.start(1) + len(" ".join(words[:n]))
                name = " ".join(text[m.start:end].split())
                reg = self.gaz.registry
                ent = reg.resolve(name) if reg is not None else None
                if ent is not None:
                    return Mention(m.start, end, text[m.start:end], ent.type, ent.id, ent.name, True,
                                   ent.refs.get("country"), "maker", {"manufacturer": m.key})
                return Mention(m.start, end, text[m.start:end], "WeaponSystem", slugify(_singular(name)), _singular(name),
                               False, m.country, "maker", {"manufacturer": m.key, "weapon_class": wclass})
        return m

    def _surnames(self, text: str, mentions: list[Mention], spans) -> list[Mention]:
        """After a person's first full mention, their surname alone refers to them."""
        people: dict[str, Mention] = {}
        for m in mentions:
            if m.type == "Person" and len(m.name.split()) >= 2:
                parts = [p for p in re.split(r"[\s,]+", m.name) if len(p) > 2 and p[0].isupper()]
                if parts:
                    people.setdefault(parts[-1], m)
                    if m.via == "title" and len(parts) >= 2:
                        people.setdefault(parts[0], m)
        if not people:
            return mentions
        occupied = _Occupancy(mentions)
        pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in people) + r")\b")
        for s, e in spans:
            for hit in pattern.finditer(text, s, e):
                first = people[hit.group(1)]
                if hit.start() <= first.start or not occupied.free(hit.start(), hit.end()):
                    continue
                occupied.put(Mention(hit.start(), hit.end(), hit.group(1), "Person", first.key, first.name, first.known,
                                     first.country, "surname", dict(first.props)))
        return sorted(occupied.items, key=lambda x: x.start)


def _singular(name: str) -> str:
    """The last word in the singular: "Ming-class submarines" -> "Ming-class submarine"."""
    if re.search(r"(?:ss|us|is)$", name) or not name.endswith("s"):
        return name
    if re.search(r"(?:sh|ch|x|ss)es$", name):
        return name[:-2]
    return name[:-1]


def _looks_like_name(name: str) -> bool:
    words = [w for w in re.split(r"[\s,]+", name) if w]
    if not words or all(len(w.strip(".")) <= 1 for w in words):
        return False
    return not any(w in _NOT_NAME for w in words)


def _weapon_class(phrase: str) -> str | None:
    phrase = phrase.lower().strip()
    for n in range(4, 0, -1):
        words = phrase.split()
        for i in range(0, max(1, len(words) - n + 1)):
            cand = " ".join(words[i:i + n])
            if cand in ref.WEAPON_CLASSES:
                return ref.WEAPON_CLASSES[cand]
    return None


class _Occupancy:
    """Mentions that may not overlap, with a quick test for free space.

    Mentions are kept in buckets by start offset (``_BUCKET`` characters
    each), so a test looks only at the few buckets an interval can touch:
    constant time per test on text of any length, where a scan of every
    mention made `kg extract` quadratic (issue 14: a 5 MB text ran for more
    than 10 minutes).
    """

    _BUCKET = 256

    def __init__(self, mentions: list[Mention]):
        self._buckets: dict[int, list[Mention]] = {}
        self._longest = 0
        for m in mentions:
            if self.free(m.start, m.end):
                self.put(m)

    @property
    def items(self) -> list[Mention]:
        """Every mention, in text order."""
        return sorted((m for b in self._buckets.values() for m in b), key=lambda m: m.start)

    def _near(self, start: int, end: int):
        lo = max(0, start - self._longest) // self._BUCKET
        hi = max(start, end - 1) // self._BUCKET
        keys: Iterable[int]
        if hi - lo > len(self._buckets):
            keys = sorted(k for k in self._buckets if lo <= k <= hi)
        else:
            keys = range(lo, hi + 1)
        for k in keys:
            yield from self._buckets.get(k, ())

    def free(self, start: int, end: int) -> bool:
        return not any(m.start < end and start < m.end for m in self._near(start, end))

    def within(self, start: int, end: int) -> list[Mention]:
        """The mentions inside [start, end), in text order."""
        return sorted((m for m in self._near(start, end) if m.start >= start and m.end <= end), key=lambda m: m.start)

    def crossing(self, start: int, end: int) -> bool:
        """Whether a mention straddles either edge of [start, end)."""
        return any(m.start < start < m.end or m.start < end < m.end for m in self._near(start, end))

    def put(self, m: Mention) -> None:
        self._buckets.setdefault(m.start // self._BUCKET, []).append(m)
        self._longest = max(self._longest, m.end - m.start)

    def remove(self, m: Mention) -> None:
        self._buckets[m.start // self._BUCKET].remove(m)

    def at(self, pos: int) -> Mention | None:
        for m in self._buckets.get(pos // self._BUCKET, ()):
            if m.start == pos:
                return m
        return None
