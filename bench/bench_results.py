"""Writing 100k result rows: kg's paths against pyoxigraph's own serializer, interleaved in one process.

    python bench/bench_results.py [--rows 100000] [--repeats 5] [--formats json,xml,csv,tsv,nt]

Each repeat runs the same SELECT over the same in-memory store every way, one after the other:

- native: ``store.query(q).serialize(out, format)``, pyoxigraph alone;
- kg query: ``kg.sparql.named.stream`` (the checks, the parameters, the time limit) writing
  through ``kg.sparql.results.write_results``, which hands the rows to the native serializer
  (JSON and TSV);
- kg serve worker: ``kg.serve.workers.execute_query`` with its row and byte limits (both above
  the result, so nothing is cut), which hands the rows to the native serializer through
  ``kg.serve.capped``, counting the rows in its output;
- kg serve's writer (before): the way kg serve took every row in Python to count it against its
  limits and wrote it with kg's own writer, as it did before ``kg.serve.capped``.

"nt" is ``CONSTRUCT WHERE { ?s ?p ?o }`` as N-Triples: native ``QueryTriples.serialize``, kg
serve's worker (through ``kg.serve.capped`` too), and kg serve's writer before (the triples taken
and sized in Python, then ``pyoxigraph.serialize``).

It prints the median of each, and its ratio to native, in wall-clock time and in this
process's CPU time (which other processes on a shared machine disturb less). Nothing is
asserted.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.serve.workers import execute_query, take_within, term_bytes  # noqa: E402
from kg.sparql.named import stream  # noqa: E402
from kg.sparql.results import write_graph, write_results  # noqa: E402
from kg.store.local import Store  # noqa: E402
from kg.store.result import QueryResult  # noqa: E402

NATIVE = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV,
          "tsv": ox.QueryResultsFormat.TSV}

EX = "https://w3id.org/bilateral-kg/id/"
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"


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


def timed(call) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds of this process, and what ``call`` returned."""
    start, cpu = time.perf_counter(), time.process_time()
    size = call()
    return time.perf_counter() - start, time.process_time() - cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--formats", default="json,xml,csv,tsv,nt", help="result formats, comma-separated")
    args = parser.parse_args()
    formats = args.formats.split(",")

    oxstore = make_store(args.rows)
    store = Store(oxstore, source="bench")

    def native(fmt) -> int:
        out = io.BytesIO()
        if fmt == "nt":
            oxstore.query(CONSTRUCT).serialize(out, ox.RdfFormat.N_TRIPLES)
        else:
            oxstore.query(QUERY).serialize(out, NATIVE[fmt])
        return len(out.getvalue())

    def kg_query(fmt) -> int:
        buffer = io.BytesIO()
        out = io.TextIOWrapper(buffer, encoding="utf-8")
        stream(QUERY, store, {}, lambda result: write_results(result, out, fmt), timeout=0)
        out.flush()
        return len(buffer.getvalue())

    def kg_serve(fmt) -> int:
        reply = execute_query(oxstore, CONSTRUCT if fmt == "nt" else QUERY, {"results": fmt, "graph": fmt},
                              max_rows=args.rows + 1, dataset=None, union=False)
        assert reply["status"] == 200 and not reply["truncated"], reply.get("message")
        return len(reply["body"])

    def kg_serve_before(fmt) -> int:
        """What execute_query did before kg.serve.capped: every row taken, sized and counted in Python."""
        if fmt == "nt":
            result = QueryResult.from_oxigraph(oxstore.query(CONSTRUCT), take=lambda items, unit: take_within(
                items, args.rows + 1, 1 << 62,
                lambda t: term_bytes(t.subject) + term_bytes(t.predicate) + term_bytes(t.object)))
        else:
            result = QueryResult.from_oxigraph(oxstore.query(QUERY), take=lambda items, unit: take_within(
                items, args.rows + 1, 1 << 62, lambda row: sum(map(term_bytes, row))))
        out = io.StringIO()
        if fmt == "nt":
            write_graph(result, out, fmt)
        else:
            write_results(result, out, fmt, indent=None)
        return len(out.getvalue().encode("utf-8"))

    ways: dict[str, tuple[str, Callable[[], int]]] = {}
    for fmt in formats:
        ways[f"native {fmt.upper()}"] = (fmt, lambda fmt=fmt: native(fmt))
        if fmt in ("json", "tsv"):
            ways[f"kg query -f {fmt}"] = (fmt, lambda fmt=fmt: kg_query(fmt))
        ways[f"kg serve worker, {fmt.upper()}"] = (fmt, lambda fmt=fmt: kg_serve(fmt))
        ways[f"kg serve's writer before, {fmt.upper()}"] = (fmt, lambda fmt=fmt: kg_serve_before(fmt))
    times: dict[str, list[float]] = {name: [] for name in ways}
    cpu: dict[str, list[float]] = {name: [] for name in ways}
    sizes: dict[str, int] = {}
    for _ in range(args.repeats):  # interleaved: each repeat runs every way once
        for name, (_, call) in ways.items():
            seconds, used, sizes[name] = timed(call)
            times[name].append(seconds)
            cpu[name].append(used)
    base = {fmt: statistics.median(times[f"native {fmt.upper()}"]) for fmt in formats}
    base_cpu = {fmt: statistics.median(cpu[f"native {fmt.upper()}"]) for fmt in formats}
    print(f"{args.rows:,} rows, {args.repeats} repeats, interleaved; median seconds and ratio to native")
    print("| way | median s | all repeats | bytes | × native | CPU s | CPU × native |\n|---|---|---|---|---|---|---|")
    for name, values in times.items():
        median, fmt = statistics.median(values), ways[name][0]
        print(f"| {name} | {median:.3f} | {' '.join(f'{v:.2f}' for v in values)} | {sizes[name]:,} | "
              f"{median / base[fmt]:.2f} | {statistics.median(cpu[name]):.3f} | "
              f"{statistics.median(cpu[name]) / base_cpu[fmt]:.2f} |")


if __name__ == "__main__":
    main()
