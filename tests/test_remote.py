"""kg against real SPARQL servers: Oxigraph's server and Virtuoso, started on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import re
import threading
import urllib.request

import pytest

from kg.core.errors import KGError
from kg.core.namespaces import KGR
from kg.sparql.named import named_queries, run
from kg.store.remote import CATALOG_GRAPH, RemoteConfig, RemoteError, RemoteStore, push
from kg.store.local import Store

from .conftest import invoke
from .servers import start_oxigraph, start_virtuoso

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory):
    start = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}[request.param]
    srv = start(tmp_path_factory.mktemp(request.param))
    yield srv
    srv.stop()


def _remote(server, **kw) -> RemoteStore:
    return RemoteStore(RemoteConfig(server.query_url, server.update_url, **kw))


def _answers(store, name):
    # GROUP_CONCAT joins in no set order; compare joined values as sorted parts.
    return sorted(
        tuple(sorted((k, tuple(sorted(re.split(r" \| |, ", v or "")))) for k, v in row.items()))
        for row in run(name, store).dicts())


def _graphs(store) -> list[str]:
    return sorted(g.value for g in store.oxigraph.named_graphs())


def test_push_then_every_named_query_answers_as_locally(server, built):
    remote = _remote(server)
    report = push(built, remote)
    local = Store.open(built)
    # every graph of the build: two documents, the registry, the ontology and the grades
    assert sorted(report.pushed) == _graphs(local) and len(report.pushed) == 5 and report.triples > 1000
    for name in named_queries():
        assert _answers(remote, name) == _answers(local, name), name


def test_push_is_idempotent(server, built):
    remote = _remote(server)
    push(built, remote)
    again = push(built, remote)
    assert again.pushed == [] and sorted(again.unchanged) == _graphs(Store.open(built))
    total = run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", remote).rows[0][0].value
    assert int(total) == len(Store.open(built))  # nothing loaded twice


def test_a_push_cut_off_half_way_is_finished_by_running_it_again(server, built, tmp_path):
    remote = _remote(server)
    for graph in list(remote.catalog()):  # start empty
        remote.update(f"DROP SILENT GRAPH <{graph}>")
        remote.record(graph, None)
    calls = {"n": 0}

    def flaky(request, timeout):
        calls["n"] += 1
        if calls["n"] > 8:
            raise ConnectionResetError("connection reset by peer")
        return urllib.request.urlopen(request, timeout=timeout)

    with pytest.raises(RemoteError, match="connection"):
        push(built, RemoteStore(remote.config, opener=flaky))
    finished = push(built, remote)
    assert finished.pushed  # what was cut off is pushed now
    local = Store.open(built)
    assert _answers(remote, "dyad") == _answers(local, "dyad")


def test_a_push_cut_off_mid_graph_converges_after_the_document_is_removed(server, raw_copy, tmp_path):
    import kg

    out = tmp_path / "build"
    kg.build(raw_copy, out)
    remote = _remote(server, batch=100)  # several requests per graph, to cut one off in the middle
    for graph in list(remote.catalog()):  # start empty
        remote.update(f"DROP SILENT GRAPH <{graph}>")
        remote.record(graph, None)
    doc = "000_7ea689264487c6d2"
    calls = {"n": 0, "loading": False}

    def cut_mid_graph(request, timeout):
        body = (request.data or b"").decode("utf-8", "replace")
        if f"graph%2F{doc}" in body and "INSERT+DATA" in body and "digest" not in body:
            calls["n"] += 1
            if calls["n"] == 3:  # two batches of that document's graph are in, the rest never arrive
                raise ConnectionResetError("connection reset by peer")
        return urllib.request.urlopen(request, timeout=timeout)

    with pytest.raises(RemoteError, match="connection"):
        push(out, RemoteStore(remote.config, opener=cut_mid_graph))
    assert calls["n"] == 3
    (raw_copy / f"{doc}.txt").unlink()
    (raw_copy / f"{doc}.facts.yaml").unlink()
    kg.build(raw_copy, out)
    report = push(out, remote)
    from kg.core.namespaces import graph_iri

    half = str(graph_iri(doc))
    assert half in report.removed
    local = Store.open(out, in_memory=False).oxigraph

    def ask_server(sparql):  # over the server's whole dataset, not the catalog's graphs
        body, _ = remote._form(server.query_url, [("query", sparql)], "application/sparql-results+json")
        return json.loads(body)

    # kg's graphs only: Virtuoso's dataset also holds the server's own system graphs
    on_server = ask_server(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                           f"FILTER (?g != <{CATALOG_GRAPH}> && STRSTARTS(STR(?g), \"{KGR['graph/']}\")) }}"
                           )["results"]["bindings"][0]["n"]["value"]
    assert int(on_server) == len(local)  # the server holds exactly the build
    assert ask_server(f"ASK {{ GRAPH <{half}> {{ ?s ?p ?o }} }}")["boolean"] is False
    assert set(remote.catalog()) == {g.value for g in local.named_graphs()}


def test_query_and_export_commands_take_a_store(server, built, tmp_path):
    push(built, _remote(server))
    args = ["--store", server.query_url, "--update-url", server.update_url]
    result = invoke("query", *args, "membership", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "India" in result.output
    out = tmp_path / "remote.nt"
    result = invoke("export", *args, "-f", "nt", "-o", out)
    assert result.exit_code == 0, result.output
    local = invoke("export", "--build", built, "-f", "nt").output
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == sorted(local.splitlines())


def test_gsp_loads_where_the_server_has_one(built, tmp_path):
    server = start_oxigraph(tmp_path / "gsp")
    try:
        remote = RemoteStore(RemoteConfig(server.query_url, server.update_url, gsp_url=server.gsp_url))
        report = push(built, remote)
        assert sorted(report.pushed) == _graphs(Store.open(built))
        assert _answers(remote, "posts") == _answers(Store.open(built), "posts")
    finally:
        server.stop()


class _Refuse(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the handler's API
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="kg"')
        self.end_headers()

    def log_message(self, *args):
        pass


def test_refused_login_and_unreachable_server_get_clear_messages(built):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Refuse)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/sparql"
        result = invoke("push", "--build", built, "--store", url, "--user", "me")
        assert result.exit_code == 1
        assert "refused the request (401" in result.stderr and "Traceback" not in result.output
    finally:
        httpd.shutdown()
    result = invoke("query", "--store", "http://127.0.0.1:9/sparql", "dyad")
    assert result.exit_code == 1 and "cannot reach the SPARQL server" in result.stderr
    with pytest.raises(KGError, match="http"):
        RemoteConfig("ftp://example.org/sparql")


def test_timeline_viz_and_network_export_read_a_server(server, built, tmp_path):
    push(built, _remote(server))
    args = ["--store", server.query_url]
    local = invoke("timeline", "Pakistan", "Russia", "--build", built)
    remote = invoke("timeline", "Pakistan", "Russia", *args)
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    page = tmp_path / "graph.html"
    result = invoke("viz", *args, "-o", page)
    assert result.exit_code == 0, result.output
    assert "Friendship 2016" in page.read_text(encoding="utf-8")
    result = invoke("export", *args, "-f", "graphml", "-o", tmp_path / "g.graphml")
    assert result.exit_code == 0 and (tmp_path / "g.graphml").stat().st_size > 1000
