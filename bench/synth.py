"""A seeded generator of realistic raw/ folders, for benchmarks at any scale.

It writes what an analyst's raw/ folder holds — documents with front matter,
their fact sheets and an entity registry — so that a benchmark measures
`kg build` itself, not a shortcut around it. 250 states (Pakistan and Russia
among them, so the named queries' defaults find answers), a hundred
international organizations and regimes, thousands of institutions, places
and people, hundreds of weapon systems; facts of every type, with dates at
mixed precision (years, months, days, ranges, "as of", "before") and one quoted
sentence each. The same seed gives the same folder.

    python bench/synth.py OUT_DIR --facts 40000 [--seed 7]

About 35 triples come out per fact, so 3,000 facts give about 100k triples,
30,000 about 1M and 300,000 about 10M.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

TRIPLES_PER_FACT = 35
FACTS_PER_DOC = 60
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
SYLLABLES = ["al", "bor", "can", "dar", "el", "fen", "gor", "hal", "ir", "jan", "kos", "lum", "mar", "nor",
             "os", "pel", "qua", "ros", "sal", "tor", "ul", "var", "wen", "xan", "yor", "zim"]
TYPES = [("statement", 28), ("office", 10), ("exercise", 8), ("visit", 10), ("conference", 7),
         ("arms_order", 6), ("arms_delivery", 4), ("membership", 5), ("agreement", 6), ("treaty_status", 3),
         ("diplomatic_relations", 2), ("anniversary", 1), ("cooperation_mechanism", 4), ("energy_cooperation", 6)]


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset)."""
    return json.dumps(text)


class World:
    """The entities of a synthetic world, and the registry that names them."""

    def __init__(self, rng: random.Random, scale: float):
        self.rng = rng
        self.lines: list[str] = []
        self.used_names: set[str] = set()
        n = lambda base: max(3, int(base * scale))  # noqa: E731
        self.states = [self.add("pakistan", "Pakistan", "State"), self.add("russia", "Russia", "State")]
        self.states += [self.add(f"state-{i:03d}", self.name(2).title(), "State") for i in range(248)]
        # The seed graph's SCO, SVI and Kidwai are here too, so every named query's defaults find answers.
        self.igos = [self.add("sco", "Shanghai Cooperation Organisation", "InternationalOrganization", acronym="SCO")]
        self.igos += [self.add(f"igo-{i:03d}", f"{self.name(2).title()} Organization", "InternationalOrganization")
                      for i in range(60)]
        self.treaties = [self.add(f"treaty-{i:03d}", f"Treaty of {self.name(2).title()}", "Treaty") for i in range(25)]
        self.treaties += [self.add(f"regime-{i:03d}", f"{self.name(2).title()} Suppliers Group", "Regime")
                          for i in range(15)]
        kinds = ["ThinkTank", "Ministry", "Company", "ArmedService", "GovernmentBody", "MediaOrganization", "Foundation"]
        self.institutions = [self.add("svi", "Strategic Vision Institute", "ThinkTank", acronym="SVI",
                                      country=self.states[0])]
        self.institutions += [self.add(f"inst-{i:05d}", f"{self.name(2).title()} {kind}", kind,
                                      country=self.rng.choice(self.states))
                             for i in range(n(1900)) for kind in [self.rng.choice(kinds)]]
        self.companies = [e for e in self.institutions if e[2] == "Company"] or self.institutions[:1]
        self.places = [self.add(f"place-{i:05d}", self.name(3).title(), "Place", country=self.rng.choice(self.states))
                       for i in range(n(1000))]
        self.people = [self.add("khalid-kidwai", "Khalid Ahmad Kidwai", "Person", country=self.states[0])]
        self.people += [self.add(f"person-{i:06d}", f"{self.name(2).title()} {self.name(3).title()}", "Person",
                                country=self.rng.choice(self.states)) for i in range(n(20000))]
        self.weapons = [self.add(f"weapon-{i:04d}", f"{self.name(1).upper()}-{self.rng.randint(2, 99)}",
                                 "WeaponSystem", manufacturer=self.rng.choice(self.companies))
                        for i in range(n(300))]
        self.series = [self.add(f"series-{i:03d}", f"{self.name(2).title()} Shield", "ExerciseSeries") for i in range(50)]

    def name(self, syllables: int) -> str:
        """A made-up name not used before; longer when the short ones run out."""
        for attempt in range(10_000):
            length = syllables + attempt // 20
            candidate = "".join(self.rng.choice(SYLLABLES) for _ in range(length))
            if candidate not in self.used_names:
                self.used_names.add(candidate)
                return candidate
        raise RuntimeError("ran out of names")

    def add(self, eid: str, name: str, etype: str, **refs) -> tuple[str, str, str]:
        while name.casefold() in self.used_names:
            name += " " + self.name(1).title()
        self.used_names.add(name.casefold())
        self.lines.append(f"{eid}:\n  name: {q(name)}\n  type: {etype}\n")
        for key, target in refs.items():
            self.lines.append(f"  {key}: {target if isinstance(target, str) else target[0]}\n")
        return (eid, name, etype)

    def pick(self, items: list, bias: float = 0.05):
        """An item, the first (a seed entity) more often than chance."""
        return items[0] if self.rng.random() < bias else self.rng.choice(items)

    def state(self, bias: float = 0.15):
        """A state, Pakistan or Russia more often than chance, so the default queries have answers."""
        return self.states[self.rng.randrange(2)] if self.rng.random() < bias else self.rng.choice(self.states)


def _date(rng: random.Random, year: int) -> tuple[str, str]:
    """A date as a fact sheet writes it, and as the sentence says it."""
    month = rng.randrange(12)
    day = rng.randint(1, 27)  # a range ends on day + 1, which February has too
    kind = rng.random()
    if kind < 0.25:
        return str(year), f"in {year}"
    if kind < 0.55:
        return f"{MONTHS[month]} {year}", f"in {MONTHS[month]} {year}"
    if kind < 0.8:
        return f"{day} {MONTHS[month]} {year}", f"on {day} {MONTHS[month]} {year}"
    if kind < 0.9:
        return f"{day}-{day + 1} {MONTHS[month]} {year}", f"on {day}-{day + 1} {MONTHS[month]} {year}"
    return f"as of {year}-{month + 1:02d}", f"as of {MONTHS[month]} {year}"


def _fact(w: World, ftype: str, n: int, year: int) -> tuple[list[str], str]:
    """One fact: its sheet lines (after `type:`) and its sentence."""
    rng = w.rng
    a, b = w.state(), w.state()
    while b == a:
        b = w.rng.choice(w.states)
    date, when = _date(rng, year)
    tag = f"(ref. {n})"  # keeps every sentence, and so every quote, unique
    if ftype == "statement":
        p = w.pick(w.people)
        return [f"speaker: {p[0]}", f"topic: {q('Ties with ' + b[1])}", f"about: [{b[0]}]", f"date: {q(date)}"], \
            f"{p[1]} said {when} that ties with {b[1]} matter {tag}."
    if ftype == "office":
        p, inst = rng.choice(w.people), rng.choice(w.institutions)
        post = rng.choice(["director", "adviser", "executive_director", "minister_of_defence", "ambassador"])
        return [f"person: {p[0]}", f"post: {post}", f"organization: {inst[0]}", f"date: {q(date)}"], \
            f"{p[1]} serves {inst[1]} as {post.replace('_', ' ')} {when} {tag}."
    if ftype == "exercise":
        s = rng.choice(w.series)
        name = f"{s[1]} {year} {n}"
        return [f"name: {q(name)}", f"series: {s[0]}", f"participants: [{a[0]}, {b[0]}]", f"host: {a[0]}",
                f"auspices: {w.pick(w.igos, 0.2)[0]}",
                f"location: {rng.choice(w.places)[0]}", "scope: bilateral", "purpose: counter_terrorism",
                f"date: {q(date)}"], f"{a[1]} and {b[1]} held the exercise {name} {when} {tag}."
    if ftype == "visit":
        p = rng.choice(w.people)
        return [f"visitor: {p[0]}", f"visiting_state: {a[0]}", f"host: {b[0]}", f"location: {rng.choice(w.places)[0]}",
                f"date: {q(date)}"], f"{p[1]} of {a[1]} visited {b[1]} {when} {tag}."
    if ftype == "conference":
        inst, p = w.pick(w.institutions), w.pick(w.people)
        title = f"{a[1]}-{b[1]} Dialogue {n}"
        return [f"title: {q(title)}", f"organizer: {inst[0]}", f"participants: [{a[0]}, {b[0]}]",
                f"location: {rng.choice(w.places)[0]}", f"speakers: [{{person: {p[0]}, role: keynote address}}]",
                f"date: {q(date)}"], f"{inst[1]} held the {title} {when}, with a keynote by {p[1]} {tag}."
    if ftype in ("arms_order", "arms_delivery"):
        wpn = rng.choice(w.weapons)
        verb = "ordered" if ftype == "arms_order" else "received"
        count = rng.randint(2, 60)
        return [f"supplier: {b[0]}", f"recipient: {a[0]}", f"weapon: {wpn[0]}", f"quantity: {count}",
                f"date: {q(date)}"], f"{a[1]} {verb} {count} {wpn[1]} from {b[1]} {when} {tag}."
    if ftype == "membership":
        o = w.pick(w.igos, 0.2)
        return [f"member: {a[0]}", f"organization: {o[0]}", f"status: {rng.choice(['full', 'observer'])}",
                f"date: {q(date)}"], f"{a[1]} joined the {o[1]} {when} {tag}."
    if ftype == "agreement":
        title = f"Agreement {n} on defence cooperation"
        return [f"title: {q(title)}", f"parties: [{a[0]}, {b[0]}]", f"date: {q(date)}"], \
            f"{a[1]} and {b[1]} signed the {title} {when} {tag}."
    if ftype == "treaty_status":
        t = rng.choice(w.treaties)
        status = rng.choice(["party", "not_party", "non_signatory", "waiver", "no_waiver"])
        return [f"party: {a[0]}", f"treaty: {t[0]}", f"status: {status}", f"date: {q('as of ' + str(year))}"], \
            f"{a[1]} stands as {status.replace('_', ' ')} towards the {t[1]} {tag}."
    if ftype == "diplomatic_relations":
        return [f"parties: [{a[0]}, {b[0]}]", f"date: {q(date)}"], \
            f"{a[1]} and {b[1]} established diplomatic relations {when} {tag}."
    if ftype == "anniversary":
        years = rng.randint(5, 75)
        return [f"parties: [{a[0]}, {b[0]}]", f"years: {years}", f"date: {year}"], \
            f"{a[1]} and {b[1]} marked {years} years of relations in {year} {tag}."
    if ftype == "cooperation_mechanism":
        name = f"Joint Working Group {n}"
        return [f"name: {q(name)}", f"parties: [{a[0]}, {b[0]}]", "purpose: counter_terrorism",
                f"date: {q(date)}"], f"{a[1]} and {b[1]} run the {name} {when} {tag}."
    if ftype == "energy_cooperation":
        commodity = rng.choice(["crude oil", "LNG", "coal", "uranium fuel"])
        return [f"supplier: {b[0]}", f"recipient: {a[0]}", f"commodity: {q(commodity)}", f"date: {q(date)}"], \
            f"{b[1]} shipped {commodity} to {a[1]} {when} {tag}."
    raise ValueError(ftype)


def generate(out: Path, facts: int, seed: int = 7) -> dict:
    """Write a raw/ folder with about ``facts`` facts into ``out``; return counts."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    world = World(rng, scale=max(0.05, min(1.0, facts / 30000)))
    (out / "entities.yaml").write_text("".join(world.lines), encoding="utf-8")
    names, weights = zip(*TYPES)
    docs = 0
    for d in range(0, facts, FACTS_PER_DOC):
        year = rng.randint(1990, 2024)
        sentences, sheet = [], ["facts:\n"]
        for n in range(d, min(facts, d + FACTS_PER_DOC)):
            ftype = rng.choices(names, weights)[0]
            lines, sentence = _fact(world, ftype, n, year)
            sentences.append(sentence)
            # Explicit ids, as drafts from kg extract carry: at millions of facts, two generated facts
            # would otherwise now and then say the same thing and meet under one derived id.
            sheet.append(f"  - type: {ftype}\n    id: fact-{n:07d}\n")
            sheet += [f"    {line}\n" for line in lines]
            sheet.append(f"    quote: {q(sentence)}\n")
        stem = f"{docs:06d}_synthetic"
        text = " ".join(sentences)
        (out / f"{stem}.txt").write_text(
            f"---\ntitle: Synthetic report {docs}\npublisher: Synthetic Wire\nreference_date: {year}-12-31\n---\n"
            f"{text}\n", encoding="utf-8")
        (out / f"{stem}.facts.yaml").write_text("".join(sheet), encoding="utf-8")
        docs += 1
    return {"documents": docs, "facts": facts, "entities": len([line for line in world.lines if line[0] != " "])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--facts", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(generate(args.out, args.facts, args.seed)))


if __name__ == "__main__":
    main()
