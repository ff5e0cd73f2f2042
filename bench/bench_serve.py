"""What `kg serve`'s worker processes cost: the same queries in-process, through
the worker pool, and over HTTP on loopback; how long a worker takes to start
and to be replaced; how much memory each one holds; and how many small
queries a second the server answers with several clients at once.

    python bench/bench_serve.py [--build build] [--synth-facts 3000] [--runs 30]

--synth-facts N also builds a synthetic graph (bench/synth.py, about 35
triples per fact) and measures it too, with a 100,000-row result among the
queries. Everything stays on 127.0.0.1; every load is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

FORMATS = {"results": "json", "graph": "ttl"}
QUERIES = {
    "lookup": 'SELECT ?name WHERE { ?o kg:acronym "SCO" ; skos:prefLabel ?name }',
    "facts-by-type": None,   # named queries, with their defaults
    "dyad": None,
    "construct 1k": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1000",
}
BIG = "SELECT * WHERE { ?s ?p ?o } LIMIT 100000"


def _median_ms(fn, runs: int) -> float:
    fn()  # warm up: caches, first connection
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _texts(build: Path, big: bool) -> dict[str, str]:
    from kg.sparql.named import named_queries, prepare
    from kg.store.local import Store

    store = Store.open(build)
    named = named_queries()
    out = {name: (text if text is not None else prepare(named[name], store)) for name, text in QUERIES.items()}
    if big:
        out["100k rows"] = BIG
    return out


def _pss_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB: PSS counts pages shared with the fork server only in part."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0]) / 1024
    except OSError:
        return float("nan"), float("nan")
    return values.get("Rss", float("nan")), values.get("Pss", float("nan"))


def measure(build: Path, label: str, in_memory: bool | None, runs: int, big: bool) -> None:
    from kg.serve.server import make_server
    from kg.serve.workers import execute_query, open_graph

    texts = _texts(build, big)
    mode = {None: "by size", True: "in memory", False: "on disk"}[in_memory]
    print(f"\n## {label}, workers {mode}\n")
    started = time.perf_counter()
    server = make_server(build, "127.0.0.1", 0, workers=2, in_memory=in_memory, timeout=120)
    print(f"server ready (2 workers) in {time.perf_counter() - started:.2f} s")
    server.start()
    pool = server.pool
    store = open_graph(str(build), in_memory)
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=120)

    def over_http(text: str) -> bytes:
        body = urllib.parse.urlencode({"query": text})
        conn.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded",
                                               "Accept": "application/sparql-results+json, text/turtle"})
        response = conn.getresponse()
        data = response.read()
        assert response.status == 200, data[:200]
        return data

    print("| query | result bytes | in-process ms | worker pool ms | HTTP ms | pool overhead ms | HTTP overhead ms |")
    print("|---|---|---|---|---|---|---|")
    for name, text in texts.items():
        n = max(3, runs // 10) if name == "100k rows" else runs
        size = len(over_http(text))
        local = _median_ms(lambda t=text: execute_query(store, t, FORMATS, 100_000, None, True), n)
        pooled = _median_ms(lambda t=text: pool.query(t, FORMATS, 100_000), n)
        remote = _median_ms(lambda t=text: over_http(t), n)
        print(f"| {name} | {size:,} | {local:.2f} | {pooled:.2f} | {remote:.2f} | {pooled - local:+.2f} | "
              f"{remote - local:+.2f} |")

    rss = [_pss_mb(pid) for pid in pool.pids]
    print("\nworker memory: " + ", ".join(f"RSS {r:.0f} MB / PSS {p:.0f} MB" for r, p in rss))

    # Starting a worker, and replacing one that overran the time limit.
    spawn = []
    for _ in range(5):
        t = time.perf_counter()
        worker = pool._spawn()
        spawn.append(time.perf_counter() - t)
        pool._workers.discard(worker)
        worker.kill()
    print(f"worker start (fork, open the graph): median {statistics.median(spawn) * 1000:.0f} ms")

    # Throughput: 4 clients, each with its own connection, 100 small queries each.
    def client(count: int, errors: list) -> None:
        c = http.client.HTTPConnection(host, port, timeout=60)
        body = urllib.parse.urlencode({"query": texts["lookup"]})
        for _ in range(count):
            c.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
        c.close()

    errors: list[int] = []
    threads = [threading.Thread(target=client, args=(100, errors)) for _ in range(4)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    print(f"4 clients x 100 lookups: {400 / elapsed:.0f} queries/s, {len(errors)} errors")
    conn.close()
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--synth-facts", type=int, default=0)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for in_memory in (True, False):
        measure(args.build, f"{args.build}/", in_memory, args.runs, big=False)
    if args.synth_facts:
        import kg
        from bench.synth import main as synth_main

        work = Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
        sys.argv = ["synth", str(work / "raw"), "--facts", str(args.synth_facts)]
        synth_main()
        t = time.perf_counter()
        result = kg.build(work / "raw", work / "build")
        print(f"\nbuilt a synthetic graph of {result.triples:,} triples in {time.perf_counter() - t:.1f} s")
        for in_memory in (True, False):
            measure(work / "build", f"synthetic, {result.triples:,} triples", in_memory, args.runs, big=True)


if __name__ == "__main__":
    main()
