"""What the trust checks cost: kg check's conflict search and the grades graph, against the build.

    python bench/bench_trust.py [--facts 3000]

Builds a synthetic raw/ folder (bench/synth.py) and reports, in the same
process, the conflict search (kg.check) as a share of the build that runs it,
and against a baseline query over the whole store (COUNT of every triple).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import kg
from kg.builder.conflicts import find_conflicts
from kg.store.local import Store

from .synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facts", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "build"
        generate(raw, args.facts)
        t = time.perf_counter()
        result = kg.build(raw, out)
        build = time.perf_counter() - t
        store = Store.open(out)
        t = time.perf_counter()
        conflicts = find_conflicts(store)
        check = time.perf_counter() - t
        t = time.perf_counter()
        store.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        baseline = time.perf_counter() - t
    print(f"{result.facts} facts, {result.triples} triples, {len(conflicts)} conflicts")
    print(f"build (conflict search included)  {build:6.2f} s")
    print(f"conflict search                    {check:6.2f} s  = {check / build:.0%} of the build, "
          f"{check / baseline:.0f} x a COUNT over the store")


if __name__ == "__main__":
    main()
