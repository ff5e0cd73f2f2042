"""What `kg serve`'s worker processes cost: the same queries in-process, through
the worker pool, and over HTTP on loopback; how long a worker takes to start
and to be replaced; how much memory each one holds; and how many small
queries a second the server answers with several clients at once.

    python bench/bench_serve.py [--build build] [--synth-facts 3000] [--runs 30]
    python bench/bench_serve.py --limits [--build build]

--limits measures what the limits of issue 14 save, each against the same
server with that limit lifted, in the same process: the server's own memory
for a result of 2,470 rows of 128 KB (the byte cap), a worker's memory for a
GROUP_CONCAT of 384 MB (the memory watch), how long a short query waits
behind two long ones (a worker kept free), and what a form of 8 million
empty fields costs the server (the field cap).

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


def _big_literals(rows: int, aggregate: bool = False) -> str:
    """Rows that each carry a 128 KB literal (a 16-character string doubled 13 times)."""
    binds = 'BIND("0123456789abcdef" AS ?a0) ' + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})"
                                                           for i in range(13))
    inner = f"{{ ?s ?p ?o VALUES ?k {{ 1 2 }} {binds} }} LIMIT {rows}"
    if aggregate:
        return f"SELECT (STRLEN(GROUP_CONCAT(?a13)) AS ?n) WHERE {{ {{ SELECT ?a13 WHERE {inner} }} }}"
    return f"SELECT ?s ?a13 WHERE {inner}"


class _Peak:
    """The highest resident memory of a process while the block runs, sampled every 10 ms."""

    def __init__(self, pid: int | None = None):
        import os

        self.pid = pid or os.getpid()
        self.peak = 0
        self._stop = threading.Event()

    def _rss(self) -> int:
        from kg.serve.workers import resident_bytes

        return resident_bytes(self.pid) or 0

    def __enter__(self) -> "_Peak":
        self.start = self._rss()
        self.peak = self.start

        def watch() -> None:
            while not self._stop.wait(0.01):
                self.peak = max(self.peak, self._rss())

        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def grew_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def _curl(url: str, query: str) -> tuple[int, int, float]:
    """POST a query with curl (another process, so that reading the answer costs the server nothing):
    status, bytes received, seconds."""
    import subprocess

    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}",
                          "--data-urlencode", f"query={query}", url], capture_output=True, text=True, check=True)
    status, size, seconds = out.stdout.split()
    return int(status), int(size), float(seconds)


def measure_limits(build: Path) -> None:
    import subprocess

    from kg.serve.protocol import MAX_FORM_FIELDS
    from kg.serve.server import make_server

    print("| limit | lifted | in force | ratio |\n|---|---|---|---|")

    # 1. The byte cap: the server's own memory for 2,470 rows of 128 KB (316 MB of literals).
    query = _big_literals(2470)
    grew = {}
    for name, cap in (("lifted", 1 << 40), ("in force", 64 * 2**20)):
        with make_server(build, "127.0.0.1", 0, workers=2, max_result_bytes=cap, max_query_memory=None,
                         timeout=120) as server:
            server.start()
            with _Peak() as peak:
                status, size, seconds = _curl(server.url + "sparql", query)
            grew[name] = (peak.grew_mb, size / 2**20, seconds)
    (lm, ls, lt), (fm, fs, ft) = grew["lifted"], grew["in force"]
    print(f"| 2,470 rows of 128 KB: server process grew | {lm:,.0f} MB ({ls:,.0f} MB sent, {lt:.1f} s) | "
          f"{fm:,.0f} MB ({fs:,.0f} MB sent, {ft:.1f} s) | {fm / max(lm, 1):.2f} |")

    # 2. The memory watch: a worker's peak for a GROUP_CONCAT of 3,000 literals of 128 KB.
    query = _big_literals(3000, aggregate=True)
    seen = {}
    for name, limit in (("lifted", None), ("in force", 256 * 2**20)):
        with make_server(build, "127.0.0.1", 0, workers=1, max_query_memory=limit, timeout=120) as server:
            server.start()
            pid = server.pool.pids[0]
            with _Peak(pid) as peak:
                status, _, seconds = _curl(server.url + "sparql", query)
            seen[name] = (peak.grew_mb, status, seconds)
    (lm, ls, lt), (fm, fs, ft) = seen["lifted"], seen["in force"]
    print(f"| GROUP_CONCAT of 384 MB: worker grew (limit 256 MB) | {lm:,.0f} MB, HTTP {ls}, {lt:.1f} s | "
          f"{fm:,.0f} MB, HTTP {fs}, {ft:.1f} s | {fm / max(lm, 1):.2f} |")

    # 3. A worker kept free: a short query's wait behind two long ones, 2 workers, time limit 4 s.
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    waits = {}
    for name, heavy_after in (("lifted", 100.0), ("in force", 1.0)):
        with make_server(build, "127.0.0.1", 0, workers=2, timeout=4.0, heavy_after=heavy_after) as server:
            server.start()
            url = server.url + "sparql"
            longs = [threading.Thread(target=_curl, args=(url, slow)) for _ in range(2)]
            for t in longs:
                t.start()
                time.sleep(0.2)
            time.sleep(1.3)
            waits[name] = _curl(url, 'ASK { ?s kg:acronym "SCO" }')[2]
            for t in longs:
                t.join()
    print(f"| a short query behind two long ones: its wait | {waits['lifted']:.2f} s | {waits['in force']:.3f} s | "
          f"{waits['in force'] / waits['lifted']:.3f} |")

    # 4. The field cap: a form of 8 million empty fields (16 MB), parsed as it was, and answered now.
    body = b"&" * (16 * 2**20 - 1)
    t = time.perf_counter()
    with _Peak() as peak:
        urllib.parse.parse_qs(body.decode("ascii"), keep_blank_values=True)
    parse_s, parse_mb = time.perf_counter() - t, peak.grew_mb
    with make_server(build, "127.0.0.1", 0, workers=1) as server:
        server.start()
        with _Peak() as peak:
            t = time.perf_counter()
            out = subprocess.run(["curl", "-s", "-H", "Content-Type: application/x-www-form-urlencoded", "-H", "Expect:",
                                  "--data-binary", "@-", server.url + "sparql"], input=body, capture_output=True)
            answered = time.perf_counter() - t
    assert f"more than {MAX_FORM_FIELDS:,} fields" in out.stdout.decode()
    print(f"| form of 8 million empty fields: time, memory | {parse_s:.1f} s, {parse_mb:,.0f} MB (parse_qs) | "
          f"{answered:.2f} s, {peak.grew_mb:,.0f} MB (400) | {answered / parse_s:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--synth-facts", type=int, default=0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--limits", action="store_true", help="measure what the limits save (issue 14)")
    args = parser.parse_args()
    if args.limits:
        measure_limits(args.build)
        return
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
