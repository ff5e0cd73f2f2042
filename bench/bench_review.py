"""What one change costs in `kg review`, against what the build spends reading the same sheet.

    python bench/bench_review.py [--copies 1 4 16] [--repeat 9]

Every change in a review checks all the document's facts again, with the
build's own checks (read_sheet, then the SHACL shapes on the facts' triples),
so its cost grows with the facts of one document, never with the graph. The
sheet is the seed 000 sheet (30 facts), and copies of it side by side in one
document (30, 120, 480 facts), each copy with its own ids. The baseline,
measured in the same process on the same sheet, is the build's checks of that
sheet called directly: read_sheet, then kg.builder.build.shape_problems on its
facts. The ratio is the review's own overhead (rendering the facts to YAML, a
temporary sheet, mapping problems back to facts). Nothing here asserts a time;
the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = "000_7ea689264487c6d2"


def _raw_with_copies(folder: Path, copies: int) -> Path:
    raw = folder / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "entities.yaml", raw / "entities.yaml")
    shutil.copy(ROOT / "raw" / f"{SEED}.txt", raw / f"{SEED}.txt")
    sheet = (ROOT / "raw" / f"{SEED}.facts.yaml").read_text(encoding="utf-8")
    head, body = sheet.split("facts:\n", 1)
    bodies = []
    for i in range(copies):
        # every fact of every copy gets an id of its own, and references follow their copy
        copy = re.sub(r"^(    (?:id|related|made_at|of|occasion): )([a-z0-9][a-z0-9_-]*)$",
                      lambda m: f"{m.group(1)}{m.group(2)}-{i}", body, flags=re.M)
        count = iter(range(10 ** 6))
        copy = re.sub(r"^(  - type: \w+)\n(?!    id: )",
                      lambda m: f"{m.group(1)}\n    id: copy-{i}-{next(count)}\n", copy, flags=re.M)
        bodies.append(copy)
    (raw / f"{SEED}.facts.yaml").write_text(head + "facts:\n" + "\n".join(bodies), encoding="utf-8")
    return raw


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)

    from kg.builder.build import shape_problems, sources_for
    from kg.builder.validate import compile_shapes
    from kg.review import open_review
    from kg.sources.documents import read_document
    from kg.sources.factsheet import read_sheet
    from kg.sources.registry import load_registry
    from kg.sources.schema import load_schema

    schema = load_schema()
    print(f"{'facts':>6} {'checks s':>9} {'open s':>8} {'edit s':>8} {'edit/checks':>12}")
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as tmp:
            raw = _raw_with_copies(Path(tmp), copies)
            doc = read_document(raw / f"{SEED}.txt")
            registry = load_registry(raw / "entities.yaml", schema)
            facts, problems = read_sheet(raw / f"{SEED}.facts.yaml", doc, registry, schema)
            assert not problems, problems[0]
            sources = sources_for(schema, registry)

            def checks_alone():
                found, _problems = read_sheet(raw / f"{SEED}.facts.yaml", doc, registry, schema)
                shape_problems(found, sources, compiled)

            compiled = compile_shapes(schema.shapes, schema.ontology)
            checks_alone()  # warm: the ontology's quads are read once per process
            start = time.perf_counter()
            review = open_review(raw, SEED)
            opened = time.perf_counter() - start
            fact = review.facts[len(review.facts) // 2]
            n = iter(range(10 ** 6))
            # Interleaved, so that load from other processes falls on both alike.
            pairs = [(_best(checks_alone, 1),
                      _best(lambda: review.edit(fact.key, dict(fact.data, note=f"edit {next(n)}")), 1))
                     for _ in range(args.repeat)]
            baseline = statistics.median(p[0] for p in pairs)
            edit = statistics.median(p[1] for p in pairs)
            print(f"{len(facts):>6} {baseline:>9.3f} {opened:>8.3f} {edit:>8.3f} {edit / baseline:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
