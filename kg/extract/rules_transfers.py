"""Rules for transfers: orders and deliveries of weapon systems, and energy supplied."""

from __future__ import annotations

import re

from . import reference as ref
from .context import (MONEY, most_named_state, sentence_of, after_prep, Context, finish_date, INSTITUTIONS,
                      is_state, nearest_date, new_fact, number_value, Sent, subject_before, unique)
from .model import DraftFact, Mention, Participant


_ORDER_TRIG = re.compile(
    r"\b(?:ordered|(?<!in )orders?\b(?!\s+(?:to\s+(?!have)|of\s+magnitude))|placed\s+an?\s+order|"
    r"(?:signed|inked|concluded|finali[sz]ed|awarded)\s+"
    r"(?:(?:on|in|last|this)\s+\w+\s+)?(?:a|an|the)\s+"
    r"[^.;]{0,60}?(?:deal|contract)|contract\s+(?:worth|for|to\s+buy|to\s+supply|to\s+acquire)|deal\s+(?:for|to\s+buy|worth)|"
    r"purchased?|purchases|bought|buys?|buying|procured?|procurement\s+of|acquired|acquire|acquisition\s+of)\b", re.IGNORECASE)


_DELIVERY_TRIG = re.compile(
    r"\b(?:deliver(?:ed|s|ies|y|ing)?|handed\s+over|handing\s+over|handover|hand\s+over|received|receives|receive|took\s+delivery|"
    r"takes\s+delivery|taking\s+delivery|arrived|arrive|arrives|landed|inducted|induction|transferred|supplied|supplying|supplies|supply|"
    r"shipped|reached|gifted)\b", re.IGNORECASE)


_RECEIVE = re.compile(r"received|receives|receive|took delivery|takes delivery|taking delivery|arrived|arrive|arrives|landed|"
                      r"inducted|induction|reached", re.IGNORECASE)


def rule_arms(ctx: Context, s: Sent, last: dict) -> list[DraftFact]:
    out: list[DraftFact] = []
    weapons = [m for m in s.mentions if m.type == "WeaponSystem"]
    orders = list(_ORDER_TRIG.finditer(s.text))
    deliveries = list(_DELIVERY_TRIG.finditer(s.text))
    if not orders and not deliveries:
        return out
    # A named ship stands for its class when the text gives it ("INS Kirpan" ... "The Khukri-class corvette").
    classes = [m for m in ctx.all_mentions if m.type == "WeaponSystem" and "class" in m.name.lower()
               and abs(sentence_of(ctx, m) - s.idx) <= 2]
    if classes:
        weapons = [classes[0] if m.props.get("weapon_class") == "warship" and m.via != "name" else m for m in weapons]
        weapons = unique(weapons)
    if not weapons:
        cls = re.search(r"\b(?:aircraft|jets?|fighters?|helicopters?|tanks?|howitzers?|drones?|frigates?|corvettes?|submarines?|"
                        r"vessels?|ships?|cutters?|boats?|warships?|missiles?|launchers?|them|systems?)\b", s.text)
        counted = cls and re.search(r"\b(?:\d+|" + "|".join(w for w in ref.NUMBER_WORDS if " " not in w and len(w) > 2)
                                    + r")\s+(?:of\s+(?:them|the\s+\w+)|[a-z-]+\s+)?$", s.text[:cls.start()], re.IGNORECASE)
        if cls is not None and counted and last.get("weapon") is not None and s.idx - last.get("sentence", -9) <= 3:
            w = last["weapon"]
            weapons = [Mention(s.start + cls.start(), s.start + cls.end(), cls.group(0), w.type, w.key, w.name, w.known,
                               w.country, "context")]
        else:
            return out
    # An order in a relative clause ("the jets that India ordered") is background to a delivery.
    background = []
    if deliveries and orders:
        background = [o for o in orders if re.search(r"\b(?:that|which)\s+(?:\w+\s+){0,3}$", s.text[:o.start()])]
        orders = [o for o in orders if o not in background]
    kinds = [("arms_order", o) for o in orders] + [("arms_delivery", d) for d in deliveries]
    if not kinds:
        return out
    done: set[tuple[str, str]] = set()
    # "signed a contract ... to purchase 36 jets, of which eight have been delivered": an order and a delivery.
    later = [d for d in deliveries if orders and re.search(r"\bof\s+which\b[^.;]{0,40}$", s.text[:d.start()])]
    pairs = [(w, min(kinds, key=lambda kt: abs(s.start + kt[1].start() - w.start) + (0 if kt[0] == "arms_order" else 5)))
             for w in weapons]
    pairs += [(w, ("arms_delivery", later[0])) for w in weapons if later]
    for w, (kind, t) in pairs:
        if (kind, w.key) in done:
            continue
        gap = s.between(min(s.start + t.end(), w.end), max(s.start + t.start(), w.start))
        if re.search(r";|,\s+and\s+(?:has|have|had|is|was|will)\b|\band\s+(?:has|have|had)\s+(?!\w+\s+(?:delivered|ordered))", gap):
            continue  # "ordered 14 Su-57 ..., and has operated T-90 tanks since 2006": another clause
        done.add((kind, w.key))
        tpos, tend = s.start + t.start(), s.start + t.end()
        f = new_fact(kind, s, 0.5)
        f.add("weapon", w)
        supplier: Mention | Participant | None = None
        recipient: Mention | Participant | None = None
        manufacturer: Mention | None = None
        src = after_prep(s, w.end if w.start > tend else min(tend, w.start), "from|by",
                         lambda m: m.type == "State" or m.type in INSTITUTIONS, window=140)
        for x in src:
            if x.type == "Company":
                manufacturer = manufacturer or x
            supplier = supplier or ctx.state(x)
        if supplier is None:
            built = re.search(r"\b(?:built|manufactured|made|constructed|produced)\s+(?:at|in|by)\b", s.rel(w.end)[:40])
            if built:
                at = w.end + built.end()
                made = [x for x in s.mentions if at <= x.start <= at + 80 and x.type == "State"]
                supplier = made[0] if made else None
        if supplier is None:
            poss = [x for x in s.mentions if x.end <= w.start and re.fullmatch(r"['’]s\s+", s.between(x.end, x.end + 3)[:3] or "x")]
            for x in src[:0] + poss:
                if x.type == "Company" and manufacturer is None:
                    manufacturer = x
        dest = after_prep(s, tend, "to|for", lambda m: m.type == "State" or m.type in INSTITUTIONS, window=120)
        head = tpos
        if kind == "arms_order":
            # "signed a contract with X to purchase": the subject of the first order verb of the clause.
            first = [o for o in orders if o.start() < t.start() and not re.search(r"[;]|,\s+(?:and|but)\s",
                                                                                  s.text[o.end():t.start()])]
            head = s.start + first[0].start() if first else tpos
        subj = subject_before(s, head, lambda m: m.type == "State" or m.type in INSTITUTIONS, window=140, coordinate=False)
        owner = [x for x in s.mentions if x.end <= w.start and x.type in ("State", "ArmedService")
                 and re.match(r"['’]s\b", s.text[x.end - s.start:x.end - s.start + 2])]
        if kind == "arms_order":
            recipient = ctx.state(subj[0]) if subj else (ctx.state(dest[0]) if dest else None)
            possessor = _POSSESSIVE_BUYER.search(s.text[:t.start()]) if _NOUN_ORDER.match(t.group(0)) else None
            if possessor:  # "the contract for Manila's acquisition of ...": the possessor buys
                who = [x for x in s.mentions if x.start >= s.start + possessor.start() and x.end <= s.start + possessor.end(1)]
                recipient = ctx.state(who[-1]) if who else recipient
            if supplier is None:
                withs = after_prep(s, min(tend, head + 1), "with", lambda m: m.type == "State" or m.type in INSTITUTIONS, window=160)
                supplier = ctx.state(withs[0]) if withs else None
            if supplier is None and recipient is not None:
                # "India and the Philippines signed the contract for Manila's acquisition": the co-signer sells
                both = [ctx.state(x) for x in subject_before(s, head, is_state, window=140)]
                supplier = next((x for x in both if x is not None and x.key != recipient.key), None)
            if supplier is not None and recipient is not None and _SELL_PURPOSE.search(s.between(tend, max(tend, w.start))):
                supplier, recipient = recipient, supplier  # "signed a deal with the Philippines to sell": the subject sells
        else:
            if dest:
                recipient = ctx.state(dest[0])
            for o in background:
                # "the jets that India ordered from France landed": India receives them.
                buyer = subject_before(s, s.start + o.start(), is_state, window=20, coordinate=False)
                if buyer and recipient is None:
                    recipient = buyer[0]
            if _RECEIVE.match(t.group(0)) and recipient is None:
                recipient = recipient or (ctx.state(subj[0]) if subj else None)
            elif subj and supplier is None:
                cand = ctx.state(subj[0])
                if subj[0].type == "Company":
                    manufacturer = manufacturer or subj[0]
                supplier = cand
            if supplier is None and owner:
                supplier = ctx.state(owner[-1])
        if manufacturer is None:
            comps = [x for x in s.mentions if x.type == "Company"]
            manufacturer = comps[0] if comps else None
            if manufacturer is not None and supplier is None:
                supplier = ctx.state(manufacturer)
        if supplier is None and w.country:
            supplier = ctx.gaz.state(w.country)
        if supplier is None and last.get("supplier") is not None and w.via == "context":
            supplier = last["supplier"]
        if supplier is None and kind == "arms_delivery" and later and t is later[0]:
            ordered = [x for x in out if x.type == "arms_order" and x.keys("weapon") == {w.key}]
            supplier = next((p for x in ordered for p in x.role("supplier")), None)
        if recipient is None:
            # "landed at Hasimara air base in West Bengal": the place's state.
            places = [x for x in s.mentions if x.type == "Place" and x.country]
            others = [ctx.state(x) for x in s.mentions if x.type == "State" and (supplier is None or x.key != supplier.key)]
            if others:
                recipient = others[0]
            elif places:
                recipient = ctx.gaz.state(str(places[0].country))
            elif last.get("recipient") is not None:
                recipient = last["recipient"]
        if recipient is None:
            # An article about two states: the other one most named.
            recipient = most_named_state(ctx, exclude=supplier.key if supplier else None)
        if supplier is None or recipient is None or supplier.key == recipient.key:
            continue
        d = nearest_date(s, tpos)
        if kind == "arms_delivery" and later and t is later[0]:
            d = nearest_date(s, tpos, lo=tpos - 30)  # "of which eight have so far been delivered": not the order's year
        told = _date_told_next(ctx, s, w) if d is None and kind == "arms_delivery" else None
        if told is not None:
            d = told.dates[0]
            f.quotes.append(told.quote())  # the date rests on that sentence: it is quoted too
        if d is None and any(x.type == kind and _same_weapon(x, w) and s.idx - x.sentence <= 3 for x in ctx.facts + out):
            continue  # "The corvette is the first warship India has gifted": more on a transfer just reported
        f.add("supplier", supplier)
        f.add("recipient", recipient)
        if manufacturer is not None and manufacturer.type == "Company":
            f.add("manufacturer", manufacturer)
        q = _quantity_before(s, w)
        if q:
            f.fields["quantity"] = q
        money = MONEY.search(s.text)
        if money:
            f.fields["value"] = " ".join(money.group(0).split())
        finish_date(f, d, ctx, s, "after" if s.future else "before")
        if s.future and not re.search(r"\b(?:have|has|had)\b", s.between(tpos - 20, tpos)):
            f.planned = True
        f.confidence += 0.15 if w.known else 0.0
        last.update(weapon=w, supplier=supplier, recipient=recipient, sentence=s.idx)
        out.append(f)
    return out


_NOUN_ORDER = re.compile(r"(?:acquisition|procurement|purchase)\b", re.I)
_POSSESSIVE_BUYER = re.compile(r"([\w.-]+(?:\s+[\w.-]+){0,2})['’]s?\s+$")
# The purpose of a signed deal that makes its subject the seller: "signed a deal with X to sell ...".
_SELL_PURPOSE = re.compile(r"\bto\s+(?:sell|supply|export|provide|deliver|transfer)\b", re.I)


def _same_weapon(f: DraftFact, w: Mention) -> bool:
    """Whether fact ``f`` is about weapon ``w``: the same entity, or a name one word-prefix of the other
    ("JF-17" and "JF-17 Thunder", told twice in one story)."""
    mine = w.name.lower().split()
    for p in f.role("weapon"):
        theirs = p.name.lower().split()
        n = min(len(mine), len(theirs))
        if p.key == w.key or (n and mine[:n] == theirs[:n]):
            return True
    return False


def _date_told_next(ctx: Context, s: Sent, w: Mention):
    """"Venezuela has received its first two jets. The first two SU-30 jets landed ... late Thursday": the
    next sentence tells the same arrival, with its day, when it names the same kind of weapon."""
    if s.idx + 1 >= len(ctx.sents):
        return None
    nxt = ctx.sents[s.idx + 1]
    kind = w.name.lower().split()[-1].rstrip("s")
    if not nxt.dates or not _RECEIVE.search(nxt.text) or not re.search(rf"\b{re.escape(kind)}s?\b", nxt.text, re.I):
        return None
    return nxt


_QTY_FILLER = {"of", "them", "the", "additional", "more", "new", "further", "used", "refurbished", "second-hand",
               "advanced", "modern", "upgraded", "units", "batteries", "systems", "latest"}


def _quantity_before(s: Sent, w: Mention) -> int | None:
    """"four Mi-35M", "180 K2 tanks", "the first 10 of them": the number right before the weapon."""
    before = s.between(max(s.start, w.start - 50), w.start)
    words = before.split()
    for back in range(1, min(5, len(words)) + 1):
        word = words[-back].strip(",")
        n = number_value(word)
        if n is not None:
            if n < 1 or 1900 < n < 2100 or word.lower() in ("a", "an"):
                return None
            lead = " ".join(words[max(0, len(words) - back - 3):len(words) - back]).lower()
            if re.search(r"(?:more than|less than|about|around|over|nearly|almost|some|up to|out of|last of the|of the)$", lead):
                return None  # an estimate, or the total the batch belongs to
            return n
        if word.lower() not in _QTY_FILLER:
            return None
    return None


_COMMODITY = re.compile(r"\b(crude oil|oil|liquefied natural gas|LNG|natural gas|gas|petroleum products|diesel|coal|"
                        r"nuclear fuel|uranium|electricity|nuclear power plant|nuclear power station|hydrogen|fertili[sz]ers?)\b")


_ENERGY_TRIG = re.compile(r"\b(?:suppl(?:y|ies|ied|ying)|shipments?|shipped|shifted|deliver\w*|export\w*|import\w*|cargo(?:es)?|"
                          r"provides?\s+for|provided|sells?|sold|purchas\w*|buy\w*|bought|pipeline|sent|built|building|"
                          r"construct\w*|completed|connected\s+to\s+the\s+grid)\b", re.IGNORECASE)


_ENERGY_IMPORT = re.compile(r"import|purchas|buy|bought|received", re.IGNORECASE)


def rule_energy(ctx: Context, s: Sent) -> list[DraftFact]:
    out: list[DraftFact] = []
    c = None
    for m in _COMMODITY.finditer(s.text):
        a = s.start + m.start()
        if not any(x.start <= a < x.end for x in s.mentions):
            c = m
            break
    if c is None or any(x.type == "WeaponSystem" for x in s.mentions):
        return out
    t = _ENERGY_TRIG.search(s.text)
    if t is None:
        return out
    commodity = c.group(1)
    tpos = s.start + t.start()

    def is_state_or_inst(m: Mention) -> bool:
        return m.type == "State" or m.type in INSTITUTIONS
    supplier = recipient = None
    src = after_prep(s, s.start, "from", is_state_or_inst, window=len(s.text))
    dst = after_prep(s, s.start, "to", is_state_or_inst, window=len(s.text))
    if src:
        supplier = ctx.state(src[0])
    if dst:
        recipient = ctx.state(dst[0])
    subj = subject_before(s, tpos, is_state_or_inst, window=120, coordinate=False)
    if subj:
        if _ENERGY_IMPORT.search(t.group(0)):
            recipient = recipient or ctx.state(subj[0])
        else:
            supplier = supplier or ctx.state(subj[0])
    if recipient is None:
        owner = [x for x in s.mentions if x.type == "State" and re.match(r"['’]s\b", s.rel(x.end)[:2])]
        if owner and (supplier is None or owner[0].key != supplier.key):
            recipient = owner[0]
    states = [ctx.state(x) for x in s.mentions if x.type == "State"]
    for cand in states + ctx.recent_states(s.start, 3):
        if cand is None:
            continue
        if supplier is None and (recipient is None or cand.key != recipient.key):
            supplier = cand
        elif recipient is None and supplier is not None and cand.key != supplier.key:
            recipient = cand
    if supplier is None or recipient is None or supplier.key == recipient.key:
        return out
    f = new_fact("energy_cooperation", s, 0.45)
    f.add("supplier", supplier)
    f.add("recipient", recipient)
    f.fields["commodity"] = commodity if commodity.isupper() else commodity.lower()
    qty = re.search(r"(?:up to |about |some |around )?\d[\d.,]*\s*(?:million|billion|thousand)?\s*(?:tonnes|tons|barrels|cubic metres|"
                    r"cubic meters|bcm|mtpa|MW|GW|cargoes)"
                    r"(?:\s+(?:of\s+\w+(?:\s+\w+)?\s+)?(?:a|per|each)\s+(?:year|day|annum|month))?", s.text)
    if qty:
        f.fields["quantity"] = " ".join(qty.group(0).split())
    o = re.search(r"\b(" + "|".join(ref.ORDINAL_WORDS) + r")\s+(?:\w+\s+)?(?:shipment|cargo|consignment|batch|delivery)",
                  s.text, re.IGNORECASE)
    if o:
        f.fields["ordinal"] = ref.ORDINAL_WORDS[o.group(1).lower()]
    present = re.search(r"\b(?:provides|supplies|is supplying|are supplying|imports|exports)\b", s.text)
    d = None if present else nearest_date(s, tpos)
    finish_date(f, d, ctx, s, "after" if s.future else ("as of" if present else "before"))
    if s.future:
        f.planned = True
    out.append(f)
    return out
