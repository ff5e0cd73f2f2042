"""kg in memory against Virtuoso 7 on the same triples: two hops, a dyad's facts in a date range,
and ties per dyad (GROUP BY), each as kg asks it and in the forms tried to make it faster.

Virtuoso (Debian's virtuoso-opensource, started as the tests start it: tests/servers.py)
bulk-loads the N-Triples of a build (`kg export --format nt`) and the ontology into one graph,
which its default graph includes. kg answers from Store.open(build, in_memory=True) as `kg query`
does (kg.sparql.named.run: the union copy, rows taken); Virtuoso over HTTP with SPARQL JSON
results, parsed (a date compared with ``<=`` is asked as ``<`` the next day: for_virtuoso).
The results are at most about 13,000 rows, so the HTTP and JSON share of Virtuoso's time is
small. Rounds alternate which system goes first;
times are the best of --repeats; each variant's rows are checked equal to the first form's.

    python bench/bench_virtuoso.py --build /tmp/b1m [--nt kg.nt] [--repeats 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

GRAPH = "urn:kg:bench"

# Each question: its forms, the first as kg ships it (a named query with its default parameters,
# or the plain form bench_store.py times); the others, rewrites tried on Oxigraph.
QUESTIONS: dict[str, dict[str, str]] = {
    "two-hop": {
        "plain": """
SELECT ?z (COUNT(DISTINCT ?y) AS ?via) WHERE {
  ?f1 kg:participant kgr:pakistan , ?y . ?f2 kg:participant ?y , ?z .
  FILTER (?y != kgr:pakistan && ?z != ?y && ?z != kgr:pakistan) } GROUP BY ?z""",
        "intermediaries first": """
SELECT ?z (COUNT(?y) AS ?via) WHERE {
  { SELECT DISTINCT ?y WHERE { ?f1 kg:participant kgr:pakistan , ?y . FILTER (?y != kgr:pakistan) } }
  { SELECT DISTINCT ?y ?z WHERE { ?f2 kg:participant ?y , ?z . FILTER (?z != ?y) } }
  FILTER (?z != kgr:pakistan) } GROUP BY ?z""",
    },
    "tied-to": {
        "before (2026-11-29)": """
SELECT ?other ?otherType (COUNT(DISTINCT ?f) AS ?facts)
       (GROUP_CONCAT(DISTINCT ?factType; SEPARATOR=", ") AS ?types) WHERE {
  ?f kg:participant kgr:pakistan , ?o . FILTER (?o != kgr:pakistan)
  ?f a ?cls . ?cls kg:sheetType ?factType .
  ?o skos:prefLabel ?other ; a ?oc . ?oc rdfs:label ?otherType .
  FILTER (STRSTARTS(STR(?oc), STR(kg:))) }
GROUP BY ?other ?otherType ORDER BY DESC(?facts) ?other""",
        "named (counted per party first)": "@tied-to",
    },
    "date-range": {
        "plain": """
SELECT ?f ?label WHERE { ?f kg:participant kgr:pakistan , kgr:russia ; rdfs:label ?label ;
  kg:earliestDate ?e ; kg:latestDate ?l .
  FILTER (?e <= "2016-12-31"^^xsd:date && ?l >= "2015-01-01"^^xsd:date) }""",
        "each state's facts apart": """
SELECT ?f ?label WHERE {
  { SELECT ?f WHERE { ?f kg:participant kgr:pakistan } } { SELECT ?f WHERE { ?f kg:participant kgr:russia } }
  ?f rdfs:label ?label ; kg:earliestDate ?e ; kg:latestDate ?l .
  FILTER (?e <= "2016-12-31"^^xsd:date && ?l >= "2015-01-01"^^xsd:date) }""",
    },
    "between-dates": {
        "before (2026-11-29)": """
SELECT ?date ?type ?fact (GROUP_CONCAT(DISTINCT ?quote; SEPARATOR=" | ") AS ?quotes) WHERE {
  ?f kg:participant kgr:pakistan , kgr:russia ; a ?cls ; rdfs:label ?fact ; kg:dateLabel ?date .
  ?cls kg:sheetType ?type .
  ?f prov:wasDerivedFrom/kg:quote ?quote .
  OPTIONAL { ?f kg:earliestDate ?e }
  OPTIONAL { ?f kg:latestDate ?l }
  FILTER ((!BOUND(?e) || ?e <= "2016-12-31"^^xsd:date) && (!BOUND(?l) || ?l >= "2015-01-01"^^xsd:date)) }
GROUP BY ?date ?type ?fact ?e ?l ORDER BY COALESCE(?e, ?l) ?fact""",
        "named (each state's facts apart)": "@between-dates",
    },
    "ties-per-dyad": {
        "plain": """
SELECT ?a ?b (COUNT(DISTINCT ?f) AS ?facts) WHERE {
  ?f kg:participant ?a , ?b . ?a a kg:State . ?b a kg:State . FILTER (STR(?a) < STR(?b)) }
GROUP BY ?a ?b ORDER BY DESC(?facts) ?a ?b""",
        "states first": """
SELECT ?a ?b (COUNT(DISTINCT ?f) AS ?facts) WHERE {
  { SELECT ?f ?a ?sa WHERE { ?a a kg:State . BIND (STR(?a) AS ?sa) ?f kg:participant ?a } }
  { SELECT ?f ?b ?sb WHERE { ?b a kg:State . BIND (STR(?b) AS ?sb) ?f kg:participant ?b } }
  FILTER (?sa < ?sb) }
GROUP BY ?a ?b ORDER BY DESC(?facts) ?a ?b""",
    },
}


def _cell(value: str) -> object:
    """A value as compared: a GROUP_CONCAT (joined with " | " or ", ") as its sorted parts, since
    each engine joins in its own order."""
    if " | " in value or ", " in value:
        return tuple(sorted(re.split(r" \| |, ", value)))
    return value


def _rows_key(variables: list[str], rows: list[dict]) -> Counter:
    return Counter(tuple(_cell(str(r.get(v, ""))) for v in variables) for r in rows)


_DATE_AT_MOST = re.compile(r'<= ?"(\d{4}-\d\d-\d\d)"\^\^(?:xsd:date|<http://www\.w3\.org/2001/XMLSchema#date>)')


def for_virtuoso(text: str) -> str:
    """``text`` as Virtuoso 7.2 answers it rightly: it drops every row of ``?d <= "D"^^xsd:date``
    (checked on the seeds: ``<`` and ``>=`` are right), so that is asked as ``?d < D + 1 day``."""
    def next_day(m: re.Match) -> str:
        day = _dt.date.fromisoformat(m.group(1)) + _dt.timedelta(days=1)
        return f'< "{day.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>'
    return _DATE_AT_MOST.sub(next_day, text)


def _kg_rows(result) -> list[dict]:
    return [{v: ("" if t is None else t.value) for v, t in zip(result.variables, row)} for row in result.rows]


def _virtuoso_rows(data: dict) -> tuple[list[str], list[dict]]:
    variables = data["head"]["vars"]
    return variables, [{v: b[v]["value"] for v in b} for b in data["results"]["bindings"]]


def start(folder: Path, buffers: int):
    from tests.servers import start_virtuoso

    return start_virtuoso(folder, settings={("Parameters", "NumberOfBuffers"): str(buffers),
                                            ("Parameters", "MaxDirtyBuffers"): str(buffers * 3 // 4)})


def load(server, folder: Path, nt: Path, ontology: Path) -> float:
    """Bulk-load the N-Triples and the ontology into GRAPH with Virtuoso's own loader; its time."""
    data = folder / "data"
    data.mkdir(exist_ok=True)
    for src in (nt, ontology):
        target = data / src.name
        if not target.exists():
            os.link(src, target) if src.stat().st_dev == data.stat().st_dev else target.write_bytes(src.read_bytes())
    sql = (f"ld_dir('{data}', '*.nt', '{GRAPH}'); ld_dir('{data}', '*.ttl', '{GRAPH}'); "
           "rdf_loader_run(); checkpoint;")
    t = time.perf_counter()
    subprocess.run(server.stop_command[:-1] + [f"exec={sql}"], check=True, capture_output=True, timeout=3600)
    return time.perf_counter() - t


def ask_virtuoso(server, text: str) -> dict:
    body = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(server.query_url, data=body,
                                 headers={"Accept": "application/sparql-results+json",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=3600) as resp:
        return json.loads(resp.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--nt", type=Path, help="the build's N-Triples (default: exported into the work folder)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--buffers", type=int, default=170_000, help="Virtuoso's NumberOfBuffers (8 kB each)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from kg.core import resources
    from kg.core.namespaces import sparql_prefixes
    from kg.sparql.named import named_queries, prepare, run
    from kg.store.export import export
    from kg.store.local import Store

    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-virtuoso-"))
    work.mkdir(parents=True, exist_ok=True)
    nt = args.nt or work / "kg.nt"
    if not nt.exists():
        export("nt", args.build, nt)
    store = Store.open(args.build, in_memory=True)
    t = time.perf_counter()
    store.union()
    copy_s = time.perf_counter() - t
    server = start(work / "virtuoso", args.buffers)
    out: dict = {"questions": {}}
    try:
        out["virtuoso_load_s"] = load(server, work / "virtuoso", nt, resources.ontology_file())
        out["kg_union_copy_s"] = copy_s
        out["triples_virtuoso"] = int(ask_virtuoso(server, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}> "
                                                   "WHERE { ?s ?p ?o }")["results"]["bindings"][0]["n"]["value"])
        out["triples_kg"] = len(store.union())
        queries = named_queries()
        for question, forms in QUESTIONS.items():
            reference = None
            for form, text in forms.items():
                text = prepare(queries[text[1:]], store) if text.startswith("@") else sparql_prefixes() + text
                best = {"kg": float("inf"), "virtuoso": float("inf")}
                loads = []
                for r in range(args.repeats):
                    loads.append(os.getloadavg()[0])
                    for system in (("kg", "virtuoso") if r % 2 == 0 else ("virtuoso", "kg")):
                        t = time.perf_counter()
                        if system == "kg":
                            result = run(text, store, timeout=0)
                            kg_rows = (result.variables, _kg_rows(result))
                        else:
                            v_rows = _virtuoso_rows(ask_virtuoso(server, for_virtuoso(text)))
                        best[system] = min(best[system], time.perf_counter() - t)
                kg_key = _rows_key(*kg_rows)
                same_as_virtuoso = kg_key == _rows_key(kg_rows[0], v_rows[1])
                if reference is None:
                    reference = kg_key
                entry = {"kg": best["kg"], "virtuoso": best["virtuoso"], "ratio": best["kg"] / best["virtuoso"],
                         "rows": len(kg_rows[1]), "virtuoso_rows": len(v_rows[1]),
                         "same_as_virtuoso": same_as_virtuoso, "same_as_first_form": kg_key == reference,
                         "load_avg": loads}
                out["questions"].setdefault(question, {})[form] = entry
                print(f"{question:14} {form:24} kg {best['kg']:.3f}  virtuoso {best['virtuoso']:.3f}  "
                      f"kg/virtuoso {entry['ratio']:.2f}  rows {entry['rows']}/{entry['virtuoso_rows']} "
                      f"same {same_as_virtuoso} {kg_key == reference}  load {loads}", flush=True)
    finally:
        server.stop()
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
