"""Scale benchmark: build, load, every named query and export, side by side.

For each size it generates a raw/ folder (bench/synth.py, seeded), runs
`kg build` on it, exports the graph as N-Triples, and then measures, each in a
fresh process so that peak memory is its own:

  rdflib   rdflib's in-memory store and SPARQL engine (what kglab users have)
  kg-mem   kg's default up to 64 MB of TriG: the build loaded into memory
  kg-disk  kg's default above that: the Oxigraph store on disk that `kg build` leaves
  oxigraph raw pyoxigraph in memory: the engine's own limit

Every query is the same text on every system (prepared once by kg.query, with
its default parameters). Times are the best of three runs (one for rdflib).
The table gives seconds and the ratios the targets speak of: kg / oxigraph
(at most 1.5 for queries, 2 for load) and rdflib / kg (at least 50 at 100k on
the two-hop and date-range queries).

    python bench/bench_store.py --sizes 100k,1M [--rdflib-max 200k] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

TRIPLES_PER_FACT = 25.6  # measured on synth output
# The two questions of the targets, in their plainest form (rdflib's engine fails on the ORDER BY
# of the named queries that ask them: it cannot sort unbound values).
HEADLINE_QUERIES = {
    "one-hop": "SELECT ?o (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f kg:participant kgr:pakistan , ?o . "
               "FILTER (?o != kgr:pakistan) } GROUP BY ?o",
    # Who is tied to Pakistan through one intermediary: entity, fact, entity, fact, entity.
    "two-hop": "SELECT ?z (COUNT(DISTINCT ?y) AS ?via) WHERE { ?f1 kg:participant kgr:pakistan , ?y . "
               "?f2 kg:participant ?y , ?z . FILTER (?y != kgr:pakistan && ?z != ?y && ?z != kgr:pakistan) } "
               "GROUP BY ?z",
    "date-range": "SELECT ?f ?label WHERE { ?f kg:participant kgr:pakistan , kgr:russia ; rdfs:label ?label ; "
                  "kg:earliestDate ?e ; kg:latestDate ?l . "
                  "FILTER (?e <= \"2016-12-31\"^^xsd:date && ?l >= \"2015-01-01\"^^xsd:date) }",
}
HEADLINE = ("tied-to", "between-dates", *HEADLINE_QUERIES)
RDFLIB_LIMIT = 120  # seconds a query may take on rdflib's engine before it is recorded as too slow


def _size(text: str) -> int:
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult)


def _best(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def worker(system: str, work: Path) -> dict:
    """Load, query and export on one system; runs in its own process."""
    import pyoxigraph as ox

    from kg.core import resources

    nt = work / "kg.nt"
    queries = json.loads((work / "queries.json").read_text())
    out: dict = {"system": system, "queries": {}}
    onto = str(resources.ontology_file())
    if system == "rdflib":
        from rdflib import Graph

        g = Graph()
        t = time.perf_counter()
        g.parse(nt, format="nt")
        g.parse(onto, format="turtle")
        out["load"] = time.perf_counter() - t
        import signal

        def too_slow(signum, frame):
            raise TimeoutError(f"over {RDFLIB_LIMIT} s")

        signal.signal(signal.SIGALRM, too_slow)  # rdflib's engine is Python: an alarm stops it
        for name, text in queries.items():
            signal.alarm(RDFLIB_LIMIT)
            try:
                out["queries"][name] = _best(lambda: list(g.query(text)), 1)
            except Exception as exc:  # rdflib's engine fails on some valid queries; record it
                out["queries"][name] = None
                out.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"[:200]
            finally:
                signal.alarm(0)
        out["export"] = _best(lambda: g.serialize(format="turtle"), 1)
    else:
        from kg.store.local import Store

        if system == "kg-disk":
            # What `kg build` pays to put the graph on disk: a bulk load into RocksDB.
            target = Path(tempfile.mkdtemp(dir=work)) / "store"
            t = time.perf_counter()
            disk = ox.Store(str(target))
            disk.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            disk.bulk_load(path=onto, format=ox.RdfFormat.TURTLE)
            disk.flush()
            out["load"] = time.perf_counter() - t
            del disk
            kgstore = Store.open(work / "build", in_memory=False)
        elif system == "kg-mem":
            t = time.perf_counter()
            kgstore = Store.open(work / "build", in_memory=True)
            out["load"] = time.perf_counter() - t
        else:
            kgstore = None
            store = ox.Store()
            t = time.perf_counter()
            store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            store.bulk_load(path=onto, format=ox.RdfFormat.TURTLE)
            out["load"] = time.perf_counter() - t
        if kgstore is not None:
            store = kgstore.oxigraph
        for name, text in queries.items():
            out["queries"][name] = _best(lambda: list(store.query(text, use_default_graph_as_union=True)), 3)
        if kgstore is not None:
            from kg.store.export import export

            out["export"] = _best(lambda: export("ttl", kgstore), 1)
        else:  # the same work by hand: each triple of the data graphs once, as Turtle
            from kg.core.serialize import OUTPUT_PREFIXES, union_triples

            graphs = [g for g in store.named_graphs()] + [ox.DefaultGraph()]
            named = [g for g in graphs if isinstance(g, ox.NamedNode)]
            out["export"] = _best(lambda: ox.serialize(
                store.query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"),
                format=ox.RdfFormat.TURTLE, prefixes=OUTPUT_PREFIXES), 1) if not named else _best(
                lambda: ox.serialize(union_triples(store, named), format=ox.RdfFormat.TURTLE,
                                     prefixes=OUTPUT_PREFIXES), 1)
    out["peak_mb"] = _own_peak_mb()
    return out


def _own_peak_mb() -> float:
    """This process's peak resident memory since it started (ru_maxrss carries the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_peak_mb(cmd: list[str], timeout: float) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode:
        raise RuntimeError(f"{cmd}: {proc.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024, proc.stdout


def run_size(size: int, rdflib_max: int, root: Path, only: list[str] | None = None) -> dict:
    from bench.synth import generate
    from kg.core.namespaces import sparql_prefixes
    from kg.sparql.named import named_queries, prepare
    from kg.store.local import Store

    work = root / f"n{size}"
    raw = work / "raw"
    facts = max(50, int(size / TRIPLES_PER_FACT))
    generate(raw, facts)
    build_cmd = [sys.executable, "-c", f"import kg, sys; sys.path.insert(0, {str(HERE.parent)!r}); "
                 f"from bench.bench_store import _own_peak_mb; r = kg.build({str(raw)!r}, {str(work / 'build')!r}, files=True); "
                 "print(r.triples, _own_peak_mb())"]
    t = time.perf_counter()
    _, stdout = _child_peak_mb(build_cmd, timeout=7200)
    build_time = time.perf_counter() - t
    triples, build_peak = int(stdout.split()[0]), float(stdout.split()[1])
    from kg.store.export import export

    export("nt", work / "build", work / "kg.nt")
    store = Store.open(work / "build")
    wanted = set(only) if only else None
    queries = {name: prepare(q, store) for name, q in named_queries().items() if not wanted or name in wanted}
    queries.update({name: sparql_prefixes() + text for name, text in HEADLINE_QUERIES.items()})
    del store
    (work / "queries.json").write_text(json.dumps(queries))
    systems = ["kg-mem", "kg-disk", "oxigraph"] + (["rdflib"] if triples <= rdflib_max else [])
    results = {}
    for system in systems:
        cmd = [sys.executable, str(Path(__file__)), "--worker", system, str(work)]
        _, stdout = _child_peak_mb(cmd, timeout=7200)
        results[system] = json.loads(stdout)
    return {"size": size, "triples": triples, "facts": facts, "build_s": build_time, "build_peak_mb": build_peak,
            "systems": results}


def report(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        s = run["systems"]
        lines.append(f"\n### {run['triples']:,} triples ({run['facts']:,} facts)\n")
        lines.append(f"`kg build` from fact sheets: {run['build_s']:.1f} s, peak {run['build_peak_mb']:.0f} MB\n")
        names = list(s["kg-mem"]["queries"])
        head = ["", *s.keys(), "kg-mem / oxigraph", "kg-disk / oxigraph"] + (["rdflib / kg-mem"] if "rdflib" in s else [])
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))

        def row(label, get):
            vals = [get(sys_) for sys_ in s.values()]
            cells = ["fails" if v is None else f"{v:.3f}" for v in vals]
            base = max(get(s["oxigraph"]), 1e-9)
            ratio = [f"{get(s['kg-mem']) / base:.2f}", f"{get(s['kg-disk']) / base:.2f}"]
            if "rdflib" in s:
                rd = get(s["rdflib"])
                ratio.append("–" if rd is None else f"{rd / max(get(s['kg-mem']), 1e-9):.0f}")
            lines.append(f"| {label} | " + " | ".join(cells + ratio) + " |")

        row("load (s)", lambda r: r["load"])
        for name in names:
            row(f"{'**' + name + '**' if name in HEADLINE else name} (s)", lambda r, n=name: r["queries"][n])
        row("export (s)", lambda r: r["export"])
        lines.append("| peak memory (MB) | " + " | ".join(f"{r['peak_mb']:.0f}" for r in s.values()) + " |")
        for name, error in s.get("rdflib", {}).get("errors", {}).items():
            lines.append(f"\nrdflib fails on `{name}`: {error}")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100k")
    parser.add_argument("--rdflib-max", default="200k", help="skip rdflib above this many triples")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    parser.add_argument("--queries", help="only these named queries (comma-separated); the headline ones always run")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    only = args.queries.split(",") if args.queries else None
    runs = [run_size(_size(s), _size(args.rdflib_max), root, only) for s in args.sizes.split(",")]
    print(report(runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
