"""Build benchmark: what `kg build` costs against a raw pyoxigraph load of the same quads.

For each size it generates a raw/ folder (bench/synth.py, seeded) and runs,
each in a fresh process so that its peak memory is its own, interleaved so
that the machine's load falls on both sides alike:

  raw-load     pyoxigraph bulk-loading the build's own quads (N-Quads) into a
               new on-disk store: the engine's floor for a build
  full         kg.build(raw, out, full=True)
  touch        kg.build after every file's date changed, not its content
  changed-1    kg.build after 1 fact sheet changed
  changed-10   kg.build after 10 fact sheets changed
  open-memory  kg.store.Store.open(in_memory=True) with no kg.trig: the copy
               into memory a one-off command would pay
  query-disk   one named query (dyad) on the on-disk store, opened cold

A build step is timed from its call: importing kg's build (about 0.35 s, paid
once by any kg process) is timed apart, and the report gives the share of a
full build with and without it.

    python bench/bench_build.py --sizes 100k [--repeats 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRIPLES_PER_FACT = 32.4  # measured on synth output with grades (126,617 triples from 3,900 facts)

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
what, args = sys.argv[1], json.loads(sys.argv[2])
out = {}
if what == "raw-load":
    import pyoxigraph as ox
    t, c = time.perf_counter(), time.process_time()
    store = ox.Store(args["target"])
    store.bulk_load(path=args["nq"], format=ox.RdfFormat.N_QUADS)
    store.flush()
    out["seconds"], out["cpu"] = time.perf_counter() - t, time.process_time() - c
    out["quads"] = len(store)
elif what == "build":
    t = time.perf_counter()
    from kg.api import build  # what any kg process pays once, before its first build: timed apart
    out["import_seconds"] = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    r = build(args["raw"], args["out"], full=args.get("full", False))
    out["seconds"], out["cpu"] = time.perf_counter() - t, time.process_time() - c
    out["rebuilt"] = len(r.rebuilt)
    out["triples"] = r.triples
elif what == "open-memory":
    from kg.store.local import Store
    t, c = time.perf_counter(), time.process_time()
    s = Store.open(args["out"], in_memory=True)
    out["seconds"], out["cpu"] = time.perf_counter() - t, time.process_time() - c
    out["quads"] = len(s)
elif what == "query-disk":
    import kg
    t, c = time.perf_counter(), time.process_time()
    from kg.store.local import Store
    rows = kg.query("dyad", Store.open(args["out"], in_memory=False)).rows
    out["seconds"], out["cpu"] = time.perf_counter() - t, time.process_time() - c
    out["rows"] = len(rows)
out["process_seconds"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def _size(text: str) -> int:
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult)


def child(what: str, **args) -> dict:
    """Run one step in a fresh process; its result, with its peak resident memory in MB."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, what, json.dumps({k: str(v) if isinstance(v, Path) else v
                                                                          for k, v in args.items()})],
                            stdout=subprocess.PIPE, cwd=HERE.parent)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed ({proc.returncode})")
    result = json.loads(stdout)
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def _touch_sheets(raw: Path, n: int, round_: int) -> None:
    """Change n fact sheets' content (a comment line), as an analyst's edit would."""
    for sheet in sorted(raw.glob("*.facts.yaml"))[:n]:
        with open(sheet, "a", encoding="utf-8") as fh:
            fh.write(f"# edited {round_}\n")


def run_size(size: int, root: Path, repeats: int) -> dict:
    sys.path.insert(0, str(HERE))
    from synth import generate

    raw = root / "raw"
    info = generate(raw, facts=max(1, round(size / TRIPLES_PER_FACT)))
    out = root / "build"
    rows: dict[str, list[dict]] = {}
    for rep in range(repeats):
        full = child("build", raw=raw, out=out, full=True)
        rows.setdefault("full", []).append(full)
        nq = root / "kg.nq"
        if not nq.exists():
            import kg

            kg.export("nq", out, nq, with_ontology=True)
        target = Path(tempfile.mkdtemp(dir=root)) / "store"
        rows.setdefault("raw-load", []).append(child("raw-load", nq=nq, target=target))
        for p in raw.iterdir():
            os.utime(p)
        rows.setdefault("touch", []).append(child("build", raw=raw, out=out))
        _touch_sheets(raw, 1, rep)
        rows.setdefault("changed-1", []).append(child("build", raw=raw, out=out))
        _touch_sheets(raw, 10, rep + 100)
        rows.setdefault("changed-10", []).append(child("build", raw=raw, out=out))
        rows.setdefault("open-memory", []).append(child("open-memory", out=out))
        rows.setdefault("query-disk", []).append(child("query-disk", out=out))
    return {"size": size, "documents": info["documents"], "facts": info["facts"],
            "triples": rows["full"][0]["triples"], "quads": rows["raw-load"][0]["quads"], "rows": rows}


def report(runs: list[dict]) -> str:
    """The table: wall seconds, and CPU seconds (every thread's, RocksDB's too: on a shared machine
    the CPU time is disturbed far less than the wall time), each as a ratio to the raw load's."""
    lines = ["| triples | step | seconds (each repeat) | best | × raw load | CPU s (best) | CPU × raw load | "
             "peak MB | × raw load's peak |",
             "|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        raw_best = min(r["seconds"] for r in run["rows"]["raw-load"])
        raw_cpu = min(r.get("cpu", r["seconds"]) for r in run["rows"]["raw-load"])
        raw_peak = min(r["peak_mb"] for r in run["rows"]["raw-load"])
        for step, rows in run["rows"].items():
            best = min(r["seconds"] for r in rows)
            cpu = min(r.get("cpu", r["seconds"]) for r in rows)
            peak = min(r["peak_mb"] for r in rows)
            each = ", ".join(f"{r['seconds']:.2f}" for r in rows)
            lines.append(f"| {run['triples']:,} | {step} | {each} | {best:.2f} | {best / raw_best:.2f} | "
                         f"{cpu:.2f} | {cpu / raw_cpu:.2f} | {peak:.0f} | {peak / raw_peak:.2f} |")
    for run in runs:  # what an edit costs against a full build, with and without the imports
        full = min(r["seconds"] for r in run["rows"]["full"])
        imports = min(r.get("import_seconds", 0.0) for r in run["rows"]["full"])
        for step in ("touch", "changed-1", "changed-10"):
            best = min(r["seconds"] for r in run["rows"][step])
            lines.append(f"\n{run['triples']:,} triples, {step}: {best:.2f} s, {100 * best / full:.1f} % of a full "
                         f"build; counting kg's imports ({imports:.2f} s) on both sides, "
                         f"{100 * (best + imports) / (full + imports):.1f} %")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100k")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args()
    runs = []
    for size in map(_size, args.sizes.split(",")):
        root = Path(tempfile.mkdtemp(prefix=f"kg-bench-build-{size}-", dir=args.keep))
        runs.append(run_size(size, root, args.repeats))
        print(report(runs[-1:]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    print(report(runs))


if __name__ == "__main__":
    main()
