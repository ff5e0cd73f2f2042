"""Writing 100k result rows: kg's paths against pyoxigraph's own serializer, interleaved in one process.

    python bench/bench_results.py [--rows 100000] [--repeats 5]

Each repeat runs the same SELECT over the same in-memory store four ways, one after the other:

- native: ``store.query(q).serialize(out, QueryResultsFormat.JSON)``, pyoxigraph alone;
- kg query: ``kg.sparql.named.stream`` (the checks, the parameters, the time limit) writing JSON
  through ``kg.sparql.results.write_results``, which hands the rows to the native serializer;
- kg serve (worker): ``kg.serve.workers.execute_query`` with its row and byte limits, which
  takes every row in Python to count it and writes JSON with kg's own writer;
- kg query -f tsv, against native TSV.

It prints the median of each, and its ratio to native. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.serve.workers import execute_query  # noqa: E402
from kg.sparql.named import stream  # noqa: E402
from kg.sparql.results import write_results  # noqa: E402
from kg.store.local import Store  # noqa: E402

EX = "https://w3id.org/bilateral-kg/id/"
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def make_store(rows: int) -> ox.Store:
    """``rows`` triples: IRIs, labels in two languages, integers and dates, as kg's graph has."""
    store = ox.Store()
    p_label, p_count = ox.NamedNode(EX + "label"), ox.NamedNode(EX + "count")
    p_date = ox.NamedNode(EX + "date")
    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    quads = []
    for i in range(rows):
        s = ox.NamedNode(f"{EX}entity/{i}")
        kind = i % 3
        if kind == 0:
            quads.append(ox.Quad(s, p_label, ox.Literal(f"Entity number {i}", language="en")))
        elif kind == 1:
            quads.append(ox.Quad(s, p_count, ox.Literal(str(i), datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer"))))
        else:
            quads.append(ox.Quad(s, p_date, ox.Literal(f"20{i % 25:02d}-01-{1 + i % 28:02d}", datatype=date)))
    store.bulk_extend(quads)
    return store


def timed(call) -> tuple[float, int]:
    start = time.perf_counter()
    size = call()
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    oxstore = make_store(args.rows)
    store = Store(oxstore, source="bench")

    def native(fmt) -> int:
        out = io.BytesIO()
        oxstore.query(QUERY).serialize(out, fmt)
        return len(out.getvalue())

    def kg_query(fmt_name) -> int:
        buffer = io.BytesIO()
        out = io.TextIOWrapper(buffer, encoding="utf-8")
        stream(QUERY, store, {}, lambda result: write_results(result, out, fmt_name), timeout=0)
        out.flush()
        return len(buffer.getvalue())

    def kg_serve() -> int:
        reply = execute_query(oxstore, QUERY, {"results": "json", "graph": "ttl"}, max_rows=args.rows + 1,
                              dataset=None, union=False)
        assert reply["status"] == 200 and not reply["truncated"], reply.get("message")
        return len(reply["body"])

    ways = {
        "native JSON": lambda: native(ox.QueryResultsFormat.JSON),
        "kg query -f json": lambda: kg_query("json"),
        "kg serve worker, JSON": kg_serve,
        "native TSV": lambda: native(ox.QueryResultsFormat.TSV),
        "kg query -f tsv": lambda: kg_query("tsv"),
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    sizes: dict[str, int] = {}
    for _ in range(args.repeats):  # interleaved: each repeat runs every way once
        for name, call in ways.items():
            seconds, sizes[name] = timed(call)
            times[name].append(seconds)
    base = {"JSON": statistics.median(times["native JSON"]), "TSV": statistics.median(times["native TSV"])}
    print(f"{args.rows:,} rows, {args.repeats} repeats, interleaved; median seconds and ratio to native")
    print("| way | median s | all repeats | bytes | × native |\n|---|---|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        ref = base["TSV" if "TSV" in name or "tsv" in name else "JSON"]
        print(f"| {name} | {median:.3f} | {' '.join(f'{v:.2f}' for v in values)} | {sizes[name]:,} | "
              f"{median / ref:.2f} |")


if __name__ == "__main__":
    main()
