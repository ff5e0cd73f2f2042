"""How fast `kg extract` drafts: documents per second on 1,000 generated articles.

    python bench/bench_extract.py [--docs 1000] [--seed 7] [--jobs N] [--no-sheets]

The corpus is generated here, from templates and a small vocabulary, with a
fixed seed, so every run reads the same text. Each figure is printed with a
baseline measured in the same process on the same corpus: plain sentence
splitting, the least any extractor must do. Then whole drafts (extraction,
the YAML sheet and its build check) are timed in one process and in several,
which is what `kg extract DIR -o OUT` chooses between. Nothing here asserts a
time: machines differ; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATES = ["India", "France", "Turkey", "Azerbaijan", "Egypt", "Russia", "Japan", "the Philippines", "Pakistan",
          "Qatar", "Brazil", "China", "Poland", "South Korea", "Vietnam", "Indonesia", "Kenya", "Nigeria",
          "Saudi Arabia", "Iran", "Algeria", "Australia", "Singapore", "Kazakhstan", "Greece", "Israel"]
DEMONYM = {"India": "Indian", "France": "French", "Turkey": "Turkish", "Azerbaijan": "Azerbaijani", "Egypt": "Egyptian",
           "Russia": "Russian", "Japan": "Japanese", "the Philippines": "Philippine", "Pakistan": "Pakistani",
           "Qatar": "Qatari", "Brazil": "Brazilian", "China": "Chinese", "Poland": "Polish", "South Korea": "South Korean",
           "Vietnam": "Vietnamese", "Indonesia": "Indonesian", "Kenya": "Kenyan", "Nigeria": "Nigerian",
           "Saudi Arabia": "Saudi", "Iran": "Iranian", "Algeria": "Algerian", "Australia": "Australian",
           "Singapore": "Singaporean", "Kazakhstan": "Kazakh", "Greece": "Greek", "Israel": "Israeli"}
ORGS = ["NATO", "ASEAN", "the SCO", "BRICS", "the African Union", "the CSTO", "the IAEA"]
TREATIES = ["the NPT", "the CTBT", "the Arms Trade Treaty", "the MTCR"]
FIRST = ["Amir", "Lena", "Kenji", "Maria", "Oleg", "Priya", "Tomasz", "Ayodele", "Farid", "Hana", "Jorge", "Mei"]
LAST = ["Haddad", "Novak", "Tanaka", "Costa", "Ivanov", "Sharma", "Kowalski", "Okafor", "Rahimi", "Lee", "Silva"]
WEAPONS = ["Su-35", "F-16", "T-90", "HQ-9", "Mi-35M", "K9", "J-10C", "S-400", "FA-50", "JF-17", "Rafale", "Bayraktar TB2"]
CLASSES = ["fighter jets", "tanks", "air defence systems", "helicopters", "howitzers", "drones"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
TITLES = ["Defence Minister", "Foreign Minister", "Prime Minister", "President"]

TEMPLATES = [
    "{A} signed a contract worth {money} on {weekday} for {n} {W} {cls} from {B}, officials said.",
    "{B} delivered {n} {W} {cls} to {A} in {month} {year}.",
    "{dA} {title} {person} will visit {capB} next month for talks with his {dB} counterpart.",
    "{A} and {B} signed a memorandum of understanding on defence cooperation in {capB} on {weekday}.",
    "The two countries will hold the joint exercise \"{ex}\" in {B} from {d1} to {d2} {month}.",
    "{A} joined {org} as a full member in {month} {year}.",
    "{A} has never signed {treaty}, {person2} said.",
    "{A} and {B} established diplomatic relations in {oldyear} and this year mark {years} years of ties.",
    "{A} will supply up to {n} million tonnes of LNG a year to {B} from {year}.",
    "The {A}-{B} Joint Working Group on Counter-Terrorism met in {capA} last week.",
    "\"Our partnership has never been stronger,\" {person} told reporters.",
    "Also Read: {A} eyes new {cls}",
    "Photo: {W} on parade (File)",
    "The {ordinal} meeting of the {A}-{B} Intergovernmental Commission was held in {capB} on {d1} {month} {year}.",
]
CAPITALS = {"India": "New Delhi", "France": "Paris", "Turkey": "Ankara", "Azerbaijan": "Baku", "Egypt": "Cairo",
            "Russia": "Moscow", "Japan": "Tokyo", "the Philippines": "Manila", "Pakistan": "Islamabad", "Qatar": "Doha",
            "Brazil": "Brasilia", "China": "Beijing", "Poland": "Warsaw", "South Korea": "Seoul", "Vietnam": "Hanoi",
            "Indonesia": "Jakarta", "Kenya": "Nairobi", "Nigeria": "Abuja", "Saudi Arabia": "Riyadh", "Iran": "Tehran",
            "Algeria": "Algiers", "Australia": "Canberra", "Singapore": "Singapore", "Kazakhstan": "Astana",
            "Greece": "Athens", "Israel": "Jerusalem"}


def generate(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` articles as (text, reference date), the same for the same seed."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        a, b = rng.sample(STATES, 2)
        year = rng.randint(2012, 2025)
        ref = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        values = {
            "A": a, "B": b, "dA": DEMONYM[a], "dB": DEMONYM[b], "capA": CAPITALS[a], "capB": CAPITALS[b],
            "W": rng.choice(WEAPONS), "cls": rng.choice(CLASSES), "n": rng.randint(2, 60),
            "money": f"{rng.randint(1, 9)}.{rng.randint(1, 9)} billion dollars", "weekday": rng.choice(
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
            "month": rng.choice(MONTHS), "year": year, "oldyear": rng.randint(1946, 1995), "d1": rng.randint(1, 12),
            "d2": rng.randint(13, 28), "org": rng.choice(ORGS), "treaty": rng.choice(TREATIES),
            "person": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "person2": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "title": rng.choice(TITLES), "ex": f"{rng.choice(['Eastern', 'Desert', 'Blue', 'Iron'])} "
                                             f"{rng.choice(['Shield', 'Eagle', 'Bridge', 'Storm'])}-{year}",
            "years": rng.choice([25, 30, 50, 60, 75]), "ordinal": rng.choice(["first", "fifth", "ninth", "12th"]),
        }
        lines = [f"{a} and {b} deepen defence ties", ""]
        for template in rng.sample(TEMPLATES, rng.randint(6, 10)):
            lines.append(template.format(**values))
            lines.append("")
        docs.append(("\n".join(lines), ref))
    return docs


def rate(label: str, count: int, seconds: float, baseline: float | None = None) -> float:
    per_second = count / seconds if seconds else float("inf")
    extra = f"   ({baseline / per_second:.1f}x the time of the baseline)" if baseline else ""
    print(f"  {label:<52} {per_second:10.1f} docs/s{extra}")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-sheets", action="store_true", help="Skip the whole-draft timings (YAML and build check).")
    parser.add_argument("--scaling", action="store_true",
                        help="Only time one 100 KB and one 5 MB document (and a 5 MB single line): growth with length.")
    args = parser.parse_args()
    if args.scaling:
        scaling(args.seed)
        return

    from kg.extract import extract_document
    from kg.extract.batch import draft_many
    from kg.extract.text import document_from_text, sentences
    from kg.sources.registry import load_registry
    from kg.sources.schema import load_schema

    registry_file = ROOT / "eval" / "gold" / "entities.yaml"
    registry = load_registry(registry_file, load_schema())
    docs = generate(args.docs, args.seed)
    print(f"{len(docs)} generated documents, seed {args.seed}, {sum(len(t) for t, _ in docs) / len(docs):.0f} "
          f"characters each on average, {os.cpu_count()} core(s)")
    extract_document(document_from_text(docs[0][0], docs[0][1]), registry=registry)  # warm: gazetteer, patterns

    t = time.perf_counter()
    for text, _ref in docs:
        sentences(text)
    baseline = rate("baseline: sentence splitting only", len(docs), time.perf_counter() - t)

    t = time.perf_counter()
    facts = 0
    for text, ref in docs:
        facts += len(extract_document(document_from_text(text, ref), registry=registry))
    rate(f"extract_document ({facts / len(docs):.1f} drafts per document)", len(docs), time.perf_counter() - t, baseline)

    if args.no_sheets:
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (text, ref) in enumerate(docs):
            path = Path(tmp) / f"doc{i:04d}.txt"
            path.write_text(f"---\ntitle: generated {i}\npublisher: bench\nreference_date: {ref}\n---\n{text}",
                            encoding="utf-8")
            paths.append(path)
        t = time.perf_counter()
        serial = list(draft_many(paths, str(registry_file), None, "yaml", jobs=1))
        one = rate("whole drafts (YAML + build check), 1 process", len(docs), time.perf_counter() - t, baseline)
        t = time.perf_counter()
        parallel = list(draft_many(paths, str(registry_file), None, "yaml", jobs=args.jobs))
        many = rate(f"whole drafts (YAML + build check), {args.jobs} processes", len(docs), time.perf_counter() - t,
                    baseline)
        assert [r.sheet for r in serial] == [r.sheet for r in parallel], "parallel drafts differ from serial ones"
        print(f"  parallel speed-up: {many / one:.2f}x on {args.jobs} process(es); "
              f"{sum(1 for r in serial if r.error)} document(s) failed")


def scaling(seed: int) -> None:
    """Time grows with length, not faster: a 5 MB document against a 100 KB one (issue 14, item 6).

    Both are cut from the same generated corpus, so their prose is alike; the
    ratio of times is printed beside the ratio of sizes (50). Peak memory is
    the process's high-water mark after each run (it only grows)."""
    import resource

    from kg.extract import extract_document
    from kg.extract.text import document_from_text

    docs = generate(9000, seed)
    body = "\n\n".join(text for text, _ in docs)
    print(f"scaling: one corpus of {len(body) / 1e6:.1f} MB, cut to size")
    times = {}
    for label, size, one_line in (("100 KB", 100_000, False), ("5 MB", 5_000_000, False),
                                  ("5 MB on a single line", 5_000_000, True)):
        text = body[:size]
        if one_line:
            text = " ".join(text.split())
        t = time.perf_counter()
        n = len(extract_document(document_from_text(text, "2020-06-30")))
        times[label] = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {label:<24} {times[label]:8.1f} s  {n:6d} drafts  peak RSS {peak:6.0f} MB")
    print(f"  5 MB / 100 KB: {times['5 MB'] / times['100 KB']:.0f}x the time for 50x the text "
          f"(single line: {times['5 MB on a single line'] / times['100 KB']:.0f}x)")


if __name__ == "__main__":
    main()
