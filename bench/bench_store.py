"""Queries as a user runs them: kg's whole path against raw pyoxigraph, interleaved in one process.

Given a build (or a size, for which it generates a raw/ folder with bench/synth.py
and builds it), it loads, in one process:

  kg        Store.open(build, in_memory=True): the build's graphs in memory, and the
            union copy queries run on (kg.store.local), made on first use;
  raw       pyoxigraph in memory, the same triples bulk-loaded into its default graph
            (`kg export --format nt` of the build, and the ontology): the engine's own limit,
            loaded twice: raw against itself ("raw again") shows how noisy a ratio is;

and then, for every named query with its default parameters (and the plain two-hop,
date-range and one-hop questions of HEADLINE_QUERIES), in rounds that alternate the
systems so that the machine's load falls on both alike:

  lookup    resolving its entity parameters in the build's names.json index (kg);
  prepare   kg.sparql.named.prepare_checked: checks, look-ups, parameters, prefixes (kg);
  execute   the engine's answer, every row taken: kg's Store.query as kg query routes it,
            `raw.query(text)` for raw, and `graphs`, the union of the ~520 per-document
            graphs that every query paid for before the copy (for reference);
  table     kg query's whole path to a text table (kg.sparql.answer.answer, -f table),
            Wikidata links included;
  json      kg query's whole path to SPARQL JSON (-f json), against raw's execute plus
            pyoxigraph's own JSON serializer.

Times are the best of --repeats rounds (of up to MAX_ROUNDS for a query the engine answers in
under SHORT seconds, where the noise of a shared machine is largest); the load average is
recorded at the start of each round.
Memory is the process's resident size after each load (deltas) and its peak.

    python bench/bench_store.py --build /tmp/b1m [--repeats 3] [--queries dyad,visits] [--json out.json]
    python bench/bench_store.py --size 100k [--keep /tmp/work]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

TRIPLES_PER_FACT = 25.6  # measured on synth output
# The targets' questions in their plainest form.
HEADLINE_QUERIES = {
    "one-hop": "SELECT ?o (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f kg:participant kgr:pakistan , ?o . "
               "FILTER (?o != kgr:pakistan) } GROUP BY ?o",
    # Who is tied to Pakistan through one intermediary: entity, fact, entity, fact, entity. Asked
    # as bench_virtuoso.py's fastest form: the intermediaries, then the pairs, each DISTINCT before
    # the join (0.8 s at 1M, where the plain join of both hops takes 27 s).
    "two-hop": "SELECT ?z (COUNT(?y) AS ?via) WHERE { "
               "{ SELECT DISTINCT ?y WHERE { ?f1 kg:participant kgr:pakistan , ?y . FILTER (?y != kgr:pakistan) } } "
               "{ SELECT DISTINCT ?y ?z WHERE { ?f2 kg:participant ?y , ?z . FILTER (?z != ?y) } } "
               "FILTER (?z != kgr:pakistan) } GROUP BY ?z",
    "date-range": "SELECT ?f ?label WHERE { ?f kg:participant kgr:pakistan , kgr:russia ; rdfs:label ?label ; "
                  "kg:earliestDate ?e ; kg:latestDate ?l . "
                  "FILTER (?e <= \"2016-12-31\"^^xsd:date && ?l >= \"2015-01-01\"^^xsd:date) }",
}


SHORT = 0.1  # seconds: a query the engine answers faster than this runs in more rounds (up to MAX_ROUNDS)
MAX_ROUNDS = 15


def _size(text: str) -> int:
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def make_build(size: int, root: Path) -> Path:
    """A seeded raw/ folder of about ``size`` triples, built."""
    import kg
    from bench.synth import generate

    raw, build = root / "raw", root / "build"
    if not (build / "current").exists():
        generate(raw, max(50, int(size / TRIPLES_PER_FACT)))
        kg.build(raw, build)
    return build


def run(build: Path, repeats: int, only: list[str] | None, work: Path) -> dict:
    import pyoxigraph as ox

    from kg.core import resources
    from kg.core.namespaces import sparql_prefixes
    from kg.sparql.answer import answer
    from kg.sparql.lexer import declares_dataset, names_graphs
    from kg.sparql.named import NamedQuery, _entity_term, named_queries, prepare_checked
    from kg.store.export import export
    from kg.store.local import Store

    out: dict = {"build": str(build), "repeats": repeats, "load": {}, "memory_mb": {}, "queries": {}}
    nt = work / "kg.nt"
    if not nt.exists():
        export("nt", build, nt)
    base = _rss_mb()
    out["load"]["kg"], kg = _timed(lambda: Store.open(build, in_memory=True))
    out["memory_mb"]["kg graphs"] = _rss_mb() - base
    base = _rss_mb()
    out["load"]["kg union copy"], _ = _timed(kg.union)
    out["memory_mb"]["kg union copy"] = _rss_mb() - base
    base = _rss_mb()

    def load_raw():
        store = ox.Store()
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE)
        return store
    out["load"]["raw"], raw = _timed(load_raw)
    out["memory_mb"]["raw"] = _rss_mb() - base
    again = load_raw()  # the same again: raw against itself says how large the noise is
    out["triples"] = len(raw)
    graphs = Store(kg.oxigraph)  # the same graphs queried as their union: the path before the copy

    queries: dict[str, NamedQuery] = {n: q for n, q in named_queries().items() if not only or n in only}
    for name, text in HEADLINE_QUERIES.items():
        queries[name] = NamedQuery(name, name, sparql_prefixes() + text)
    # names.json read cold, as a one-off command reads it
    kg._names = None
    out["names_json_s"], _ = _timed(kg.name_lookup)

    shipped = set(named_queries())
    for name, query in queries.items():
        spec = name if name in shipped else query.text  # as a person types it
        best: dict[str, float] = {}
        rows = {}
        loads = []
        rounds = repeats
        while len(loads) < rounds:
            loads.append(os.getloadavg()[0])
            times: dict[str, float] = {}
            entity_params = [p for p in query.params if p.kind == "entity" and p.default]
            times["lookup"], _ = _timed(lambda: [_entity_term(kg, p.default) for p in entity_params])
            times["prepare"], (text, _) = _timed(lambda: prepare_checked(query, kg))
            route = {"names_graphs": names_graphs(text), "declares_dataset": declares_dataset(text)}
            # each round starts with the next system
            order = ["kg", "raw", "graphs", "raw again"]
            order = order[len(loads) % 4:] + order[:len(loads) % 4]
            for system in order:
                if system == "kg":
                    times["execute kg"], r = _timed(lambda: list(kg.query(text, **route)))
                elif system == "raw":
                    times["execute raw"], r = _timed(lambda: list(raw.query(text)))
                elif system == "raw again":
                    times["execute raw again"], r = _timed(lambda: list(again.query(text)))
                else:
                    times["execute graphs"], r = _timed(lambda: list(graphs.query(text, **route)))
                rows[system] = len(r) if isinstance(r, list) else r
                del r
            times["table kg"], _ = _timed(lambda: answer(spec, kg, io.StringIO(), fmt="table", timeout=0))
            times["json kg"], _ = _timed(lambda: answer(spec, kg, io.StringIO(), fmt="json", timeout=0))
            times["json raw"], _ = _timed(
                lambda: raw.query(text).serialize(format=ox.QueryResultsFormat.JSON))
            for key, value in times.items():
                best[key] = min(best.get(key, float("inf")), value)
            if len(loads) == 1 and best["execute raw"] < SHORT:  # a short query: more rounds, less noise
                rounds = max(repeats, min(MAX_ROUNDS, int(SHORT * 5 / max(best["execute raw"], 1e-4))))
        out["queries"][name] = {"best": best, "rows": rows, "load_avg": loads}
        print(f"{name:22} kg {best['execute kg']:.3f}  raw {best['execute raw']:.3f}  "
              f"ratio {best['execute kg'] / max(best['execute raw'], 1e-9):.2f}  graphs/raw "
              f"{best['execute graphs'] / max(best['execute raw'], 1e-9):.2f}  rows {rows}  load {loads}",
              file=sys.stderr, flush=True)
    out["peak_mb"] = _peak_mb()
    return out


def _ratio(a: float, b: float) -> str:
    return f"{a / max(b, 1e-9):.2f}"


def report(run: dict) -> str:
    lines = [f"\n### {run['triples']:,} triples (best of {run['repeats']} rounds, up to {MAX_ROUNDS} for "
             f"queries under {SHORT} s)\n"]
    load = run["load"]
    mem = run["memory_mb"]
    lines.append(f"Load: kg {load['kg']:.1f} s (+{mem['kg graphs']:.0f} MB) and its union copy "
                 f"{load['kg union copy']:.1f} s (+{mem['kg union copy']:.0f} MB); raw pyoxigraph "
                 f"{load['raw']:.1f} s (+{mem['raw']:.0f} MB). names.json read: {run['names_json_s']:.3f} s. "
                 f"Peak resident memory of the process: {run['peak_mb']:.0f} MB.\n")
    head = ["query", "lookup", "prepare", "kg execute", "raw execute", "**kg / raw**", "raw again / raw (noise)",
            "graphs / raw",
            "kg table (whole)", "kg json (whole)", "raw + json", "json kg / raw", "load avg"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    worst = 0.0
    for name, q in run["queries"].items():
        b = q["best"]
        ratio = b["execute kg"] / max(b["execute raw"], 1e-9)
        if name not in HEADLINE_QUERIES:
            worst = max(worst, ratio)
        raw_json = b["json raw"]
        cells = [name, f"{b['lookup']:.4f}", f"{b['prepare']:.4f}", f"{b['execute kg']:.3f}",
                 f"{b['execute raw']:.3f}", f"**{ratio:.2f}**", _ratio(b["execute raw again"], b["execute raw"]),
                 _ratio(b["execute graphs"], b["execute raw"]),
                 f"{b['table kg']:.3f}", f"{b['json kg']:.3f}", f"{raw_json:.3f}", _ratio(b["json kg"], raw_json),
                 "–".join(f"{x:.1f}" for x in (min(q["load_avg"]), max(q["load_avg"])))]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(f"\nWorst kg / raw over the named queries: {worst:.2f}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, help="an existing build folder")
    parser.add_argument("--size", help="or: generate and build a raw/ folder of about this many triples (100k, 1M)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--queries", help="only these named queries (comma-separated); the headline ones always run")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-store-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.build is None and args.size is None:
        parser.error("give --build or --size")
    build = args.build or make_build(_size(args.size), work)
    result = run(build, args.repeats, args.queries.split(",") if args.queries else None, work)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
