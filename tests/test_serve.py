"""`kg serve`: the SPARQL 1.1 Protocol endpoint, asked by real clients over loopback.

A server on 127.0.0.1, on a free port, serves the seed graph for the whole
module; SPARQLWrapper, rdflib's SPARQLStore and curl ask it questions, and
the answers are compared with the same query run in-process. A second server,
over a private copy of the build, has updates on.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

import kg
from kg.sparql.named import QueryResult, named_queries, run
from kg.sparql.results import write_graph
from kg.serve.server import make_server
from kg.serve.page import Example, content_security_policy, render, script_json
from kg.sparql.lexer import declares_dataset
from kg.serve.protocol import (ProtocolError, negotiate, parse_request,
                               refuse_outside_requests, refuse_random)
from kg.store.local import Store

from .browser import GuardedPage
from .conftest import SEED_RAW, assert_isomorphic, invoke

TOKEN = "test-token-0123456789abcdef"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 1,500^3 solutions: minutes
SCO = 'SELECT ?name WHERE { ?o kg:acronym "SCO" ; skos:prefLabel ?name }'
CURL = shutil.which("curl")


@pytest.fixture(scope="module")
def server(built):
    srv = make_server(built, "127.0.0.1", 0, timeout=2.0, max_rows=1000, workers=2)
    srv.start()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def endpoint(server) -> str:
    return server.url + "sparql"


@pytest.fixture(scope="module")
def private_build(built, tmp_path_factory) -> Path:
    """A copy of the seed build with a network page in it, for the server that takes updates."""
    copy = tmp_path_factory.mktemp("serve") / "build"
    shutil.copytree(built, copy)
    (copy / "graph.html").write_text("<!DOCTYPE html><title>network</title><p>the network page</p>\n",
                                     encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def update_server(private_build):
    srv = make_server(private_build, "127.0.0.1", 0, timeout=5.0, workers=2, update_token=TOKEN)
    srv.start()
    yield srv
    srv.close()


def curl(*args: str, input_bytes: bytes | None = None) -> tuple[int, dict[str, str], str]:
    """Run curl; return the status, the headers (lower-case names) and the body."""
    assert CURL, "curl is missing: apt-get install curl"
    out = subprocess.run([CURL, "-sS", "-i", "--max-time", "60", *args], capture_output=True, check=True,
                         input=input_bytes).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body.decode("utf-8")


def in_process(text: str, store: Store) -> QueryResult:
    return run(text, store)


# ------------------------------------------------------------------ real clients

def test_sparqlwrapper_select_json(endpoint, store):
    client = SPARQLWrapper(endpoint)
    client.setQuery(SCO)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [b["name"]["value"] for b in bindings] == [r["name"] for r in in_process(SCO, store).dicts()]
    assert bindings[0]["name"]["value"] == "Shanghai Cooperation Organisation"


def test_sparqlwrapper_select_xml(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(SCO)
    client.setReturnFormat(XML)
    document = client.query().convert()  # xml.dom.minidom
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == ["Shanghai Cooperation Organisation"]


def test_sparqlwrapper_construct_turtle(endpoint, store):
    query = "CONSTRUCT { ?o ?p ?v } WHERE { ?o kg:acronym \"SCO\" ; ?p ?v }"
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(TURTLE)
    got = Graph().parse(data=client.query().convert().decode("utf-8"), format="turtle")
    expected = io.StringIO()
    write_graph(in_process(query, store), expected, "ttl")
    assert len(got) > 3
    assert_isomorphic(Graph().parse(data=expected.getvalue(), format="turtle"), got)


def test_rdflib_sparqlstore_asks_a_named_query(endpoint, store):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    named = named_queries()["bilateral-exercises"]
    from kg.sparql.named import prepare

    rows = list(graph.query(prepare(named, store)))
    assert [str(r["exercise"]) for r in rows] == ["Friendship 2016", "Friendship 2017"]
    assert [str(r["exercise"]) for r in rows] == [r["exercise"] for r in run(named, store).dicts()]


def test_rdflib_sparqlstore_triple_patterns(endpoint):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    names = {str(o) for o in graph.objects(predicate=kg.core.namespaces.SKOS.prefLabel)}
    assert {"Pakistan", "Russia", "Shanghai Cooperation Organisation"} <= names


def test_curl_get_with_accept_csv(endpoint, store):
    query = named_queries()["facts-by-type"].text
    status, headers, body = curl("-H", "Accept: text/csv", "--get", "--data-urlencode", f"query={query}", endpoint)
    assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows == in_process(query, store).dicts()
    assert headers["kg-result-count"] == str(len(rows)) and "kg-truncated" not in headers


def test_curl_post_form(endpoint):
    status, headers, body = curl("--data-urlencode", f"query={SCO}", endpoint)
    assert status == 200 and headers["content-type"] == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["name"]["value"] == "Shanghai Cooperation Organisation"


def test_curl_post_sparql_query_body_and_tsv(endpoint):
    status, headers, body = curl("-H", "Content-Type: application/sparql-query",
                                 "-H", "Accept: text/tab-separated-values", "--data-binary", SCO, endpoint)
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")
    assert body.splitlines() == ["?name", '"Shanghai Cooperation Organisation"']


def test_malformed_query_is_400_with_line_and_column(endpoint):
    status, headers, body = curl("--data-urlencode", "query=SELECT ?x WHERE {\n  ?x ?y\n}", endpoint)
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert re.match(r"SPARQL syntax error: line 3, column \d+: expected", body), body


def test_update_on_a_read_only_server_is_403(endpoint):
    status, _, body = curl("--data-urlencode", "update=INSERT DATA { kg:a kg:b kg:c }", endpoint)
    assert status == 403 and "read-only" in body
    status, _, _ = curl("-H", "Content-Type: application/sparql-update", "-H", f"Authorization: Bearer {TOKEN}",
                        "--data-binary", "INSERT DATA { kg:a kg:b kg:c }", endpoint)
    assert status == 403


def test_service_is_refused(endpoint):
    status, _, body = curl("--data-urlencode",
                           "query=SELECT * WHERE {\n  SERVICE <http://example.org/sparql> { ?s ?p ?o }\n}", endpoint)
    assert status == 400 and body.startswith("line 2, column 3: SERVICE is refused")


def test_results_are_capped_and_the_header_says_so(endpoint):
    status, headers, body = curl("--data-urlencode", "query=SELECT * WHERE { ?s ?p ?o }", endpoint)
    assert status == 200
    assert headers["kg-truncated"] == "true" and headers["kg-max-rows"] == "1000"
    assert len(json.loads(body)["results"]["bindings"]) == 1000 == int(headers["kg-result-count"])
    status, headers, body = curl("-H", "Accept: application/n-triples", "--data-urlencode",
                                 "query=CONSTRUCT WHERE { ?s ?p ?o }", endpoint)
    assert headers["kg-truncated"] == "true" and len(body.splitlines()) == 1000


def test_ask_in_every_result_format(endpoint):
    expected = {"application/sparql-results+json": '"boolean":true', "text/csv": "boolean\r\ntrue",
                "application/sparql-results+xml": "<boolean>true</boolean>", "text/tab-separated-values": "true"}
    for accept, text in expected.items():
        status, headers, body = curl("-H", f"Accept: {accept}", "--data-urlencode",
                                     "query=ASK { ?s kg:acronym \"SCO\" }", endpoint)
        assert status == 200 and headers["content-type"].startswith(accept) and text in body, accept


def test_format_parameter_and_406(endpoint):
    status, headers, _ = curl("--get", "--data-urlencode", f"query={SCO}", "--data", "format=xml", endpoint)
    assert headers["content-type"] == "application/sparql-results+xml"
    status, headers, body = curl("--get", "--data-urlencode", "query=CONSTRUCT WHERE { ?s kg:acronym ?a }",
                                 "--data", "format=csv", endpoint)
    assert status == 406 and "format='csv' is not available for CONSTRUCT" in body
    status, headers, _ = curl("-H", "Accept: application/sparql-results+json", "--data-urlencode",
                              "query=CONSTRUCT WHERE { ?s kg:acronym ?a }", endpoint)
    assert status == 200 and headers["content-type"].startswith("text/turtle")  # what rdflib relies on


def test_dataset_of_the_request_replaces_the_union(endpoint):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    registry = "https://w3id.org/bilateral-kg/id/graph/registry"
    union = json.loads(curl("--data-urlencode", f"query={count}", endpoint)[2])
    from_clause = json.loads(curl("--data-urlencode", f"query={count.replace('WHERE', f'FROM <{registry}> WHERE')}",
                                  endpoint)[2])
    by_parameter = json.loads(curl("--data-urlencode", f"query={count}",
                                   "--data-urlencode", f"default-graph-uri={registry}", endpoint)[2])

    def n(doc: dict) -> int:
        return int(doc["results"]["bindings"][0]["n"]["value"])

    assert 0 < n(from_clause) == n(by_parameter) < n(union)


def test_service_description_and_pages(server, endpoint):
    status, headers, body = curl(endpoint)
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert f"<{endpoint}>" in body and "sparql-service-description" in body
    status, _, body = curl(server.url + "graph")
    assert status == 404 and "kg build" in body and "kg viz" in body
    assert curl(server.url + "nothing")[0] == 404
    assert curl("--data", "x=1", server.url)[0] == 405


def test_a_foreign_host_header_is_refused(server):
    status, _, body = curl("-H", "Host: attacker.example:80", server.url + "sparql")
    assert status == 403 and "localhost" in body
    assert curl("-H", f"Host: localhost:{server.server_address[1]}", server.url)[0] == 200


def test_protocol_errors(endpoint):
    assert curl("-H", "Content-Type: text/plain", "--data-binary", SCO, endpoint)[0] == 415
    assert curl("--data-urlencode", f"query={SCO}", "--data-urlencode", f"query={SCO}", endpoint)[0] == 400
    assert curl("--get", "--data-urlencode", "update=CLEAR ALL", endpoint)[0] == 400
    assert curl("--data-urlencode", "query=", endpoint)[0] == 400


def test_many_clients_at_once_get_their_own_answers(server, store):
    import http.client
    import urllib.parse

    queries = {"sco": SCO, "types": named_queries()["facts-by-type"].text}
    expected = {name: in_process(text, store).dicts() for name, text in queries.items()}
    failures: list[str] = []

    def client(name: str) -> None:
        conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
        body = urllib.parse.urlencode({"query": queries[name]})
        for _ in range(10):  # one keep-alive connection per client
            conn.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Accept": "text/csv"})
            response = conn.getresponse()
            rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
            if response.status != 200 or rows != expected[name]:
                failures.append(f"{name}: {response.status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(name,)) for name in list(queries) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


# ------------------------------------------------------------------ updates

def test_updates_need_the_token(update_server):
    url = update_server.url + "sparql"
    status, headers, _ = curl("--data-urlencode", "update=INSERT DATA { kg:x kg:y kg:z }", url)
    assert status == 401 and headers["www-authenticate"].startswith("Bearer")
    assert curl("-H", "Authorization: Bearer wrong", "--data-urlencode", "update=INSERT DATA { kg:x kg:y kg:z }",
                url)[0] == 401


def test_an_update_with_the_token_reaches_every_worker_and_not_the_disk(update_server, private_build):
    url = update_server.url + "sparql"
    status, _, body = curl("-H", f"Authorization: Bearer {TOKEN}", "--data-urlencode",
                           'update=INSERT DATA { GRAPH <https://w3id.org/bilateral-kg/id/graph/scratch> '
                           '{ <urn:test:note> rdfs:label "scratch" } }', url)
    assert status == 200, body
    ask = 'query=ASK { <urn:test:note> rdfs:label "scratch" }'
    for _ in range(6):  # more asks than workers: each copy must have it
        assert json.loads(curl("--data-urlencode", ask, url)[2])["boolean"] is True
    on_disk = Store.open(private_build)
    assert not bool(on_disk.query("ASK { <urn:test:note> ?p ?o }"))


def test_updates_that_reach_out_or_differ_per_copy_are_refused(update_server):
    url = update_server.url + "sparql"
    auth = f"Authorization: Bearer {TOKEN}"
    status, _, body = curl("-H", auth, "--data-urlencode", "update=LOAD <http://example.org/data.ttl>", url)
    assert status == 400 and "LOAD is refused" in body
    status, _, body = curl("-H", auth, "--data-urlencode",
                           "update=INSERT { kg:n kg:at ?t } WHERE { BIND(NOW() AS ?t) }", url)
    assert status == 400 and "NOW() is refused" in body
    status, _, body = curl("-H", auth, "--data-urlencode", "update=INSERT DATA { kg:n kg:at", url)
    assert status == 400 and body.startswith("SPARQL syntax error: line 1, column")


def test_graph_page_is_served_from_the_build(update_server, private_build):
    status, headers, body = curl(update_server.url + "graph")
    assert status == 200 and body == (private_build / "graph.html").read_text(encoding="utf-8")
    assert headers["content-type"] == "text/html; charset=utf-8"


# ------------------------------------------------------------------ time limit and concurrency

@pytest.mark.slow
def test_a_query_past_the_time_limit_is_stopped_and_the_server_goes_on(endpoint):
    started = time.monotonic()
    status, _, body = curl("--data-urlencode", f"query={SLOW}", endpoint)
    elapsed = time.monotonic() - started
    assert status == 503 and "time limit of 2 s" in body
    assert 1.9 < elapsed < 10
    for _ in range(3):
        assert curl("--data-urlencode", f"query={SCO}", endpoint)[0] == 200


@pytest.mark.slow
def test_a_fast_query_returns_while_a_slow_one_runs(endpoint):
    slow: dict[str, object] = {}

    def run_slow() -> None:
        slow["answer"] = curl("--data-urlencode", f"query={SLOW}", endpoint)
        slow["done"] = time.monotonic()

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, _, _ = curl("--data-urlencode", f"query={SCO}", endpoint)
    answered = time.monotonic()
    assert status == 200 and answered - started < 1.0
    assert thread.is_alive()  # the slow query was still running when the fast one came back
    thread.join()
    assert slow["answer"][0] == 503 and slow["done"] > answered


@pytest.mark.slow
def test_the_server_follows_a_rebuild(tmp_path, raw_copy):
    build = tmp_path / "build"
    kg.build(SEED_RAW, build)
    with make_server(build, "127.0.0.1", 0, workers=1) as srv:
        srv.start()
        count = "query=SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:SourceDocument }"

        def documents() -> int:
            return int(json.loads(curl("--data-urlencode", count, srv.url + "sparql")[2])
                       ["results"]["bindings"][0]["n"]["value"])

        before = documents()
        for path in sorted(raw_copy.glob("*.txt"))[:1]:
            path.unlink()
            path.with_name(path.stem + ".facts.yaml").unlink()
        kg.build(raw_copy, build)
        assert documents() == before - 1


# ------------------------------------------------------------------ the query page

def test_query_page_is_offline_and_escaped(server):
    status, headers, page = curl(server.url)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-security-policy"] == content_security_policy()
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "http://" not in page.split('id="kg-config">')[0]
    config = json.loads(re.search(r'<script type="application/json" id="kg-config">(.*?)</script>', page, re.DOTALL)
                        .group(1))
    names = [e["name"] for e in config["examples"]]
    assert names == list(named_queries())
    dyad = next(e for e in config["examples"] if e["name"] == "dyad")["text"]
    assert "kgr:pakistan" in dyad and "$a" not in dyad  # defaults filled in
    assert any("<" in e["text"] for e in config["examples"])  # the comparisons of between-dates ...
    assert "<" not in page.split('id="kg-config">')[1].split("</script>")[0]  # ... escaped in the page
    assert 'href="graph"' in page


def test_page_escapes_hostile_examples():
    hostile = Example("x</script><script>alert(1)</script>", "<img src=x onerror=alert(1)> & more",
                      'SELECT * { ?s ?p "</script><!-- \u2028" }')
    page = render([hostile], timeout=30, max_rows=10, updates=False)
    assert "<script>alert" not in page and "<img" not in page and "<!--" not in page
    block = re.search(r'<script type="application/json" id="kg-config">(.*?)</script>', page, re.DOTALL).group(1)
    assert json.loads(block)["examples"][0] == {"name": hostile.name, "title": hostile.title, "text": hostile.text}
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert json.loads(script_json({"a": "</script>&"})) == {"a": "</script>&"}


def test_page_script_puts_data_on_screen_as_text_only():
    from kg.serve.page import SCRIPT

    assert "innerHTML" not in SCRIPT and "outerHTML" not in SCRIPT and "insertAdjacentHTML" not in SCRIPT
    assert "eval(" not in SCRIPT and "document.write" not in SCRIPT


# ------------------------------------------------------------------ the rules, one by one

@pytest.mark.parametrize("accept, fmt, kind, expected", [
    (None, None, "results", "json"),
    (None, None, "graph", "ttl"),
    ("text/csv", None, "results", "csv"),
    ("text/csv;q=0.5, application/sparql-results+xml", None, "results", "xml"),
    ("application/sparql-results+xml;q=0.2, */*;q=0.1", None, "results", "xml"),
    ("text/*", None, "results", "csv"),
    ("*/*", None, "graph", "ttl"),
    ("application/ld+json", None, "graph", "jsonld"),
    ("application/rdf+xml", None, "graph", "xml"),
    ("image/png", None, "results", "json"),              # nothing matches: the default
    ("application/sparql-results+json", None, "graph", "ttl"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", None, "results", "json"),   # a browser
    ("text/csv", "json", "results", "json"),             # format= wins
    (None, "application/n-triples", "graph", "nt"),
])
def test_negotiation(accept, fmt, kind, expected):
    assert negotiate(kind, accept, fmt) == expected


def test_negotiation_406_only_when_the_client_insists():
    with pytest.raises(ProtocolError) as err:
        negotiate("results", "image/png, */*;q=0")
    assert err.value.status == 406
    with pytest.raises(ProtocolError):
        negotiate("graph", None, "csv")
    with pytest.raises(ProtocolError):
        negotiate("results", "application/sparql-results+json;q=0, text/html")


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "SERVICE <http://x> {}" }',
    "SELECT * { ?s ?p '''LOAD <http://x>''' }",
    "SELECT * { ?s <http://example.org/SERVICE> ?o }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://x> { }",
    "SELECT ?service ?load { ?service ?p $load }",
    "PREFIX service: <http://a/> SELECT * { service:load ?p ?o }",
    'SELECT * { ?s ?p "x"@en }',
])
def test_what_is_not_an_outside_request(text):
    refuse_outside_requests(text)


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }",
    "select * { service silent ?endpoint { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o .SERVICE<http://x>{?a ?b ?c} }",
    "SELECT * { ?s ex:a\\# SERVICE <http://x> { ?a ?b ?c } }",   # \\# is no comment
    "SELECT * { ?s ?p ?o } #x\rSERVICE <http://x> {}",             # a comment ends at CR too
    "LOAD <http://example.org/x.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <g:x>",
])
def test_outside_requests_are_refused(text):
    with pytest.raises(ProtocolError) as err:
        refuse_outside_requests(text)
    assert err.value.status == 400 and "refused" in err.value.message


def test_random_functions_are_refused_in_updates_only_as_calls():
    refuse_random('INSERT DATA { kg:a kg:now "RAND()" }')
    refuse_random("INSERT { ?s kg:rand ?now } WHERE { ?s kg:now ?now }")
    for call in ("RAND()", "uuid()", "STRUUID ()", "NOW()", "BNODE()"):
        with pytest.raises(ProtocolError):
            refuse_random(f"INSERT {{ kg:a kg:b ?x }} WHERE {{ BIND({call} AS ?x) }}")


def test_declares_dataset():
    assert declares_dataset("SELECT * FROM <g:a> { ?s ?p ?o }")
    assert declares_dataset("SELECT * FROM NAMED <g:a> { GRAPH ?g { ?s ?p ?o } }")
    assert not declares_dataset('SELECT * { ?s kg:from "FROM <x>" } # FROM')


def test_parse_request():
    get = parse_request("GET", "query=ASK%7B%7D&default-graph-uri=g%3Aa&format=csv", None)
    assert (get.operation, get.text, get.default_graphs, get.format) == ("query", "ASK{}", ["g:a"], "csv")
    assert parse_request("GET", "", None) is None  # the service description
    post = parse_request("POST", "", "application/sparql-update; charset=utf-8", b"CLEAR ALL")
    assert (post.operation, post.text) == ("update", "CLEAR ALL")
    for args, status in [(("GET", "update=CLEAR+ALL", None), 400),
                         (("POST", "", "text/plain", b"ASK {}"), 415),
                         (("POST", "", "application/x-www-form-urlencoded", b"query=ASK{}&update=CLEAR+ALL"), 400),
                         (("POST", "", "application/sparql-query", b"\xff"), 400),
                         (("PUT", "", None, b""), 405)]:
        with pytest.raises(ProtocolError) as err:
            parse_request(*args)
        assert err.value.status == status, args


# ------------------------------------------------------------------ the command

def test_serve_without_a_build_says_so(tmp_path):
    result = invoke("serve", "--build", tmp_path / "nothing", "--port", "0")
    assert result.exit_code == 2
    assert "no built graph" in result.output and "kg build" in result.output


def test_a_taken_port_is_an_error_not_a_traceback(server, built):
    with pytest.raises(kg.KGError, match="cannot listen on 127.0.0.1"):
        make_server(built, "127.0.0.1", server.server_address[1], workers=1)


def test_what_counts_as_loopback():
    from kg.serve.server import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.10", "::", "example.org"))


def test_serve_help_lists_its_options():
    result = invoke("serve", "--help")
    for option in ("--host", "--port", "--timeout", "--max-rows", "--update-token", "--workers", "--build"):
        assert option in result.output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces are Linux's")
def test_an_isolated_worker_cannot_connect_anywhere():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    code = ("import socket, sys\n"
            "from kg.serve.workers import isolate_network\n"
            "if not isolate_network(): sys.exit(3)\n"
            f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\nexcept OSError:\n    sys.exit(0)\n"
            "sys.exit(1)\n")
    result = subprocess.run([sys.executable, "-c", code], check=False, timeout=30)
    listener.close()
    if result.returncode == 3:
        pytest.skip("this kernel does not let this user create a network namespace")
    assert result.returncode == 0



@pytest.mark.slow
def test_an_update_past_the_time_limit_changes_nothing_and_later_ones_reach_new_workers(private_build):
    with make_server(private_build, "127.0.0.1", 0, timeout=1.0, workers=2, update_token=TOKEN) as srv:
        srv.start()
        url = srv.url + "sparql"
        auth = f"Authorization: Bearer {TOKEN}"
        # An update's WHERE reads the store's own default graph, empty in a build: name the graphs.
        slow = ("update=INSERT { ?a <urn:test:slow> ?c } WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
                "GRAPH ?g3 { ?x ?y ?z } }")
        status, _, body = curl("-H", auth, "--data-urlencode", slow, url)
        assert status == 503 and "time limit of 1 s" in body
        status, _, _ = curl("-H", auth, "--data-urlencode", "update=INSERT DATA { <urn:test:a> <urn:test:b> 1 }", url)
        assert status == 200
        for _ in range(4):  # the worker that replaced the stopped one has replayed the log, and only it
            answer = json.loads(curl("--data-urlencode", "query=SELECT (COUNT(*) AS ?n) WHERE { "
                                     "{ ?s <urn:test:slow> ?o } UNION { <urn:test:a> <urn:test:b> ?o } }", url)[2])
            assert answer["results"]["bindings"][0]["n"]["value"] == "1"


# ------------------------------------------------------------------ the page in a browser

class PageInBrowser(GuardedPage):
    """The query page of a server, with every request that leaves the server refused and recorded."""

    def __init__(self, browser, base: str):
        super().__init__(browser, lambda url: url.startswith(base))
        self.page.goto(base)

    def run(self, query: str) -> None:
        self.page.fill("#query", query)
        self.page.click("button[type=submit]")
        # The page's policy forbids eval, so wait with selectors, not wait_for_function.
        self.page.wait_for_selector(r"#status >> text=/ in \d|^Error/")

    def cells(self) -> list[str]:
        return self.page.eval_on_selector_all("#output td:not(.n)", "cells => cells.map(c => c.textContent)")

    def assert_clean(self, failed_requests: int = 0) -> None:
        """Nothing left the server, nothing popped up, nothing broke, and only the requests
        expected to fail (a malformed query) did."""
        failed = [e for e in self.errors if e.startswith("Failed to load resource: the server responded with a "
                                                         "status of 4")]
        assert self.refused == [] and self.dialogs == []
        assert len(failed) == failed_requests and [e for e in self.errors if e not in failed] == []


@pytest.mark.slow
def test_query_page_runs_examples_and_caps_in_a_browser(browser, server):
    opened = PageInBrowser(browser, server.url)
    page = opened.page
    try:
        assert page.eval_on_selector_all("#examples option", "o => o.map(x => x.value)") == list(named_queries())
        page.select_option("#examples", "bilateral-exercises")
        page.click("button[type=submit]")
        page.wait_for_selector("#output table")
        assert "Friendship 2016" in opened.cells() and page.text_content("#status").startswith("2 rows")
        assert page.get_attribute("#downloads a >> nth=0", "href").startswith("sparql?query=")
        opened.run("SELECT * WHERE { ?s ?p ?o }")
        assert "first 1000 results" in page.text_content("#notice")
        opened.run("SELECT ?x WHERE { ?x }")
        assert "line 1, column" in page.text_content("#output pre.error")
        opened.run("CONSTRUCT WHERE { ?s kg:acronym ?a }")
        assert "kg:acronym" in page.text_content("#output pre")
        opened.assert_clean(failed_requests=1)
    finally:
        opened.context.close()


@pytest.mark.slow
def test_query_page_shows_hostile_names_as_text(browser, hostile_built):
    from .hostile import IMG, SCRIPT

    with make_server(hostile_built, "127.0.0.1", 0, workers=1) as srv:
        srv.start()
        opened = PageInBrowser(browser, srv.url)
        page = opened.page
        try:
            opened.run("SELECT ?name ?e WHERE { ?e skos:prefLabel ?name } ORDER BY ?name")
            cells = opened.cells()
            assert IMG in cells and SCRIPT in cells
            assert page.eval_on_selector_all("#output img, #output script", "n => n.length") == 0
            page.click("#output td a >> nth=0")  # an IRI: everything said about it
            page.wait_for_selector("#output th >> text='property'")
            opened.assert_clean()
        finally:
            opened.context.close()


def test_kg_commands_read_a_kg_serve_endpoint(endpoint, built):
    """`--store` on a `kg serve` endpoint (no catalog: its union default graph is used)."""
    from .conftest import invoke

    remote = invoke("query", "--store", endpoint, "membership", "-f", "csv")
    local = invoke("query", "--build", built, "membership", "-f", "csv")
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output


# ------------------------------------------------------------------ the protocol's finer points, one by one

def test_using_graph_uri_becomes_using_clauses():
    from kg.serve.protocol import apply_using

    update = "CLEAR ALL ; INSERT DATA { GRAPH <g:a> { <s:a> <p:a> 1 } } ;\nINSERT { ?s a <c:x> } WHERE { ?s ?p ?o }"
    assert apply_using(update, ["g:a"], ["g:b"]).endswith(
        "INSERT { ?s a <c:x> } USING <g:a> USING NAMED <g:b> WHERE { ?s ?p ?o }")
    assert apply_using(update, [], []) == update
    # DELETE WHERE cannot carry USING: it is written out as what it means.
    assert apply_using('DELETE WHERE { ?s <p:a> "}" }', ["g:a"], []) == \
        'DELETE { ?s <p:a> "}" } USING <g:a> WHERE { ?s <p:a> "}" }'
    # WHERE inside braces (a subquery) or in a string is no operation's WHERE.
    nested = 'INSERT { ?s <p:b> "WHERE" } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }'
    assert apply_using(nested, ["g:a"], []).count("USING") == 1
    for own in ("WITH <g:c> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                "DELETE { ?s ?p ?o } USING <g:c> WHERE { ?s ?p ?o }"):
        with pytest.raises(ProtocolError) as err:
            apply_using(own, ["g:a"], [])
        assert err.value.status == 400 and "one or the other" in err.value.message


def test_star_variables_keep_the_querys_order():
    from kg.serve.protocol import star_variables

    assert star_variables("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?p2 ?o2 } }") == ["s", "p", "o", "p2", "o2"]
    assert star_variables('SELECT DISTINCT * { $b <x:y?z=1> ?a . ?a ?c "?d" } # ?e') == ["b", "a", "c"]
    assert star_variables("SELECT ?b ?a WHERE { ?a ?b ?c }") is None
    assert star_variables("ASK { ?a ?b ?c }") is None


def test_endpoint_url_is_the_one_the_client_used():
    from kg.serve.protocol import endpoint_url

    fallback = "http://127.0.0.1:7373/sparql"
    assert endpoint_url("localhost:7373", fallback) == "http://localhost:7373/sparql"
    assert endpoint_url("[::1]:80", fallback) == "http://[::1]:80/sparql"
    for hostile in (None, "", "a b", "x> . <y", "host:port", 'h"', "a/b"):
        assert endpoint_url(hostile, fallback) == fallback


def test_parse_request_refusals_of_the_protocol():
    form = "application/x-www-form-urlencoded"
    cases = [
        (("POST", "query=ASK%7B%7D", form, b"query=ASK%7B%7D"), 400, "both in the URL and in the body"),
        (("GET", "query=ASK%7B%7D&using-graph-uri=g%3Aa", None), 400, "are for updates"),
        (("POST", "default-graph-uri=g%3Aa", form, b"update=CLEAR+ALL"), 400, "are for queries"),
        (("GET", "query=ASK%7B%7D&default-graph-uri=g%3Aa%3E%20%7B", None), 400, "not an absolute IRI"),
        (("GET", "query=ASK%7B%7D&named-graph-uri=relative", None), 400, "not an absolute IRI"),
        (("POST", "", form, b"&" * 5000), 400, "more than 1,000 fields"),
    ]
    for args, status, words in cases:
        with pytest.raises(ProtocolError) as err:
            parse_request(*args)
        assert err.value.status == status and words in err.value.message, args
    # Graph parameters in the URL and the query in the form body add up, as the W3C tests send them.
    request = parse_request("POST", "default-graph-uri=g%3Aa", form, b"query=ASK%7B%7D&default-graph-uri=g%3Ab")
    assert request.default_graphs == ["g:a", "g:b"] and request.dataset == (["g:a", "g:b"], [])
    update = parse_request("POST", "using-named-graph-uri=g%3Ab", "application/sparql-update", b"CLEAR ALL")
    assert update.using_named_graphs == ["g:b"] and update.dataset is None


# ------------------------------------------------------------------ the HTTP edges: framing, methods, logs, connections

@pytest.fixture(scope="module")
def edge_server(built):
    """A server with a request log and low limits: 4 connections, 1.5 s to send a request, results of 1 MB,
    100 MB of memory per query."""
    log = io.StringIO()
    srv = make_server(built, "127.0.0.1", 0, timeout=8.0, workers=1, log=log, max_connections=4, idle_timeout=1.5,
                      max_result_bytes=1_000_000, max_query_memory=100 * 2**20)
    srv.start()
    srv.test_log = log
    yield srv
    srv.close()


def raw_exchange(server, data: bytes, wait: float = 10.0) -> bytes:
    """Send bytes as they are and read until the server closes the connection."""
    with socket.create_connection(server.server_address[:2], timeout=wait) as conn:
        conn.sendall(data)
        chunks = []
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            chunks.append(b"<still open>")
        return b"".join(chunks)


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def statuses(answer: bytes) -> list[int]:
    return [int(m.group(1)) for m in re.finditer(rb"(?:^|\n)HTTP/1\.[01] (\d{3}) ", answer)]


ASK = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def test_duplicate_content_length_is_refused_and_nothing_is_smuggled(edge_server):
    body = b"ASK {}"
    answer = raw_exchange(edge_server, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: application/sparql-query\r\nContent-Length: 6\r\nContent-Length: 6\r\n\r\n"
                          + body + ASK)
    assert statuses(answer) == [400] and b"2 Content-Length headers" in answer
    assert b"text/plain" in answer and b"<still open>" not in answer
    answer = raw_exchange(edge_server, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6\r\n"
                          b"Transfer-Encoding: chunked\r\nContent-Type: application/sparql-query\r\n\r\n" + body + ASK)
    assert statuses(answer) == [400]


def test_a_get_with_a_body_is_refused_and_its_body_is_not_a_request(edge_server):
    smuggled = b"GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = raw_exchange(edge_server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          + f"Content-Length: {len(smuggled)}\r\n\r\n".encode() + smuggled)
    assert statuses(answer) == [400] and b"carries no body" in answer
    # A GET saying Content-Length: 0 is fine, and keeps its connection.
    answer = raw_exchange(edge_server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Length: 0\r\n\r\n" + ASK.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    assert statuses(answer) == [200, 200]


@pytest.mark.parametrize("line", [b"GET /", b"GET /sparql?query=ASK%7B%7D", b"HELLO", b"GET / HTTP/2.0 extra",
                                  b"\x16\x03\x01\x02\x00", b"GET /" + b"a" * 70_000 + b" HTTP/1.1"])
def test_every_answer_has_a_status_line_and_is_text(edge_server, line):
    answer = raw_exchange(edge_server, line + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.")
    head = answer.split(b"\r\n\r\n")[0].lower()
    assert 400 <= statuses(answer)[0] < 500 and b"content-type: text/plain" in head
    assert b"<html" not in answer.lower() and b"<!doctype" not in answer.lower()


def test_other_methods_get_405_with_what_is_allowed(edge_server):
    url = edge_server.url
    for method in ("PUT", "DELETE", "OPTIONS", "PATCH"):
        status, headers, body = curl("-X", method, url + "sparql")
        assert (status, headers["allow"]) == (405, "GET, POST") and headers["content-type"].startswith("text/plain")
        assert method in body
    status, headers, body = curl("-X", "PUT", "--data", "x=1", url)
    assert (status, headers["allow"]) == (405, "GET")
    assert curl("-X", "DELETE", url + "nothing")[0] == 404
    head = raw_exchange(edge_server, b"HEAD /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert statuses(head) == [405] and head.endswith(b"\r\n\r\n")  # no body after a HEAD's headers
    answer = raw_exchange(edge_server, b"BREW /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert statuses(answer) == [501] and b"text/plain" in answer


def test_a_token_in_the_url_is_never_logged(edge_server):
    secret = "s3cret-value-in-the-url"
    curl("--data-urlencode", "update=CLEAR ALL", f"{edge_server.url}sparql?access_token={secret}")
    curl("--get", "--data-urlencode", "query=ASK {}", "--data", f"token={secret}", edge_server.url + "sparql")
    raw_exchange(edge_server, f"GET /sparql?access%5Ftoken={secret} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n".encode())
    log = edge_server.test_log.getvalue()
    assert "access_token=[redacted]" in log and "access%5Ftoken=[redacted]" in log
    assert secret not in log


def test_a_form_of_millions_of_fields_is_refused_before_it_is_parsed(edge_server):
    status, headers, body = curl("-H", "Content-Type: application/x-www-form-urlencoded", "-H", "Expect:",
                                 "--data-binary", "@-", edge_server.url + "sparql", input_bytes=b"&" * 2_000_000)
    assert status == 400 and "more than 1,000 fields" in body


def test_connections_are_capped_and_a_freed_slot_is_reused(edge_server):
    # Longer than the fixture's 1.5 s, so that a busy machine cannot time the idle connections out first.
    edge_server.idle_timeout = 30.0
    wait_for(lambda: edge_server.open_connections == 0)  # earlier tests' connections have all closed
    idle = [socket.create_connection(edge_server.server_address[:2]) for _ in range(4)]
    try:
        wait_for(lambda: edge_server.open_connections == 4)
        answer = raw_exchange(edge_server, ASK)
        assert statuses(answer) == [503] and b"at most 4 connections" in answer and b"text/plain" in answer
    finally:
        for conn in idle:
            conn.close()
        edge_server.idle_timeout = 1.5
    deadline = time.monotonic() + 10
    while statuses(raw_exchange(edge_server, ASK.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))) != [200]:
        assert time.monotonic() < deadline, "the slots of closed connections were not given back"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_client_trickling_its_request_is_cut_off(edge_server):
    started = time.monotonic()
    with socket.create_connection(edge_server.server_address[:2], timeout=10) as conn:
        answer = b""
        try:
            for byte in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n":
                conn.sendall(bytes([byte]))  # each byte well within the socket's timeout
                time.sleep(0.25)
                if time.monotonic() - started > 6:
                    break
        except OSError:
            pass  # closed under us: what we want
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except OSError:
            pass
    assert time.monotonic() - started < 6
    assert statuses(answer) == [408] and b"text/plain" in answer
    # An idle connection is closed too, and the server goes on.
    with socket.create_connection(edge_server.server_address[:2], timeout=10) as conn:
        assert conn.recv(100) == b""
    assert statuses(raw_exchange(edge_server, ASK.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))) == [200]


# ------------------------------------------------------------------ what one query may take: memory, and the workers

def big_literals(rows: int, form: str = "select") -> str:
    """A query whose every row carries a 128 KB literal, made by doubling a 16-character string 13 times."""
    binds = 'BIND("0123456789abcdef" AS ?a0) ' + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})"
                                                           for i in range(13))
    rows_of = f"{{ ?s ?p ?o VALUES ?k {{ 1 2 }} {binds} }} LIMIT {rows}"
    if form == "construct":
        return f"CONSTRUCT {{ ?s <urn:test:big> ?a13 }} WHERE {rows_of}"
    if form == "aggregate":
        return f"SELECT (STRLEN(GROUP_CONCAT(?a13)) AS ?n) WHERE {{ {{ SELECT ?a13 WHERE {rows_of} }} }}"
    return f"SELECT ?s ?a13 WHERE {rows_of}"


def test_a_result_is_cut_at_its_byte_limit(edge_server):
    """200 rows of 128 KB would be 25 MB; the server's limit is 1 MB, and the result says it was cut."""
    status, headers, body = curl("--data-urlencode", f"query={big_literals(200)}", edge_server.url + "sparql")
    assert status == 200 and headers["kg-truncated"] == "true" and headers["kg-max-result-bytes"] == "1000000"
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == int(headers["kg-result-count"]) == 7  # 7 x 128 KB fit in 1 MB
    assert len(body) < 1_000_000 and all(len(r["a13"]["value"]) == 131072 for r in rows)
    status, headers, body = curl("-H", "Accept: application/n-triples", "--data-urlencode",
                                 f"query={big_literals(200, 'construct')}", edge_server.url + "sparql")
    assert status == 200 and headers["kg-truncated"] == "true" and len(body.splitlines()) == 7


def test_take_within_counts_rows_and_bytes():
    from kg.serve.workers import take_within

    assert take_within(iter(range(10)), 3, 100, lambda x: 1) == ([0, 1, 2], True)
    assert take_within(iter(range(10)), 100, 25, lambda x: 10) == ([0, 1], True)
    assert take_within(iter(range(3)), 3, 30, lambda x: 10) == ([0, 1, 2], False)
    assert take_within(iter([]), 3, 30, lambda x: 10) == ([], False)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory watch reads Linux's /proc")
def test_a_query_taking_too_much_memory_is_stopped_and_its_worker_replaced(edge_server):
    """GROUP_CONCAT of 3,000 literals of 128 KB builds a 384 MB string; the limit is 100 MB."""
    pids = edge_server.pool.pids
    started = time.monotonic()
    status, _, body = curl("--data-urlencode", f"query={big_literals(3000, 'aggregate')}", edge_server.url + "sparql")
    assert status == 503 and "more than 100 MB of memory" in body, body
    assert time.monotonic() - started < 8  # stopped by the memory watch, not by the time limit
    assert curl("--data-urlencode", f"query={SCO}", edge_server.url + "sparql")[0] == 200
    assert edge_server.pool.pids != pids


@pytest.mark.slow
def test_long_queries_leave_a_worker_free_for_short_ones(built):
    """Two long queries on two workers: the second is stopped and queued, and a short query is answered at
    once instead of waiting for the time limit."""
    with make_server(built, "127.0.0.1", 0, timeout=4.0, workers=2, heavy_after=0.5) as srv:
        srv.start()
        url = srv.url + "sparql"
        long_answers: list[tuple[int, float]] = []

        def run_long() -> None:
            status, _, _ = curl("--data-urlencode", f"query={SLOW}", url)
            long_answers.append((status, time.monotonic()))

        threads = [threading.Thread(target=run_long) for _ in range(2)]
        started = time.monotonic()
        for t in threads:
            t.start()
            time.sleep(0.2)
        time.sleep(1.2)  # both are long by now, and the second has been stopped and queued
        asked = time.monotonic()
        status, _, _ = curl("--data-urlencode", f"query={SCO}", url)
        answered = time.monotonic()
        assert status == 200 and answered - asked < 2.0, answered - asked
        for t in threads:
            t.join()
        # Each long query had the whole time limit, one after the other: the second ends after the first.
        assert [s for s, _ in long_answers] == [503, 503]
        assert long_answers[1][1] - started > 2 * 4.0 - 1.0


def test_a_crashed_worker_is_named_as_such():
    import signal as signals

    from kg.serve.workers import _death

    assert "segmentation fault" in _death(-signals.SIGSEGV)
    assert "out of memory" in _death(-signals.SIGKILL)
    assert "exit code 3" in _death(3)
