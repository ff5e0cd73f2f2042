"""Issue 14, the query side: time limits, Ctrl-C, nesting, no outbound requests, parameters as
terms, read-only, and syntax errors in a few words (items 7-10, 22, 28, 29)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import kg
from kg.core.errors import QueryError
from kg.sparql.deadline import QueryTimeout
from kg.sparql.lexer import check_nesting, summarize_expected

from .conftest import invoke

KG = str(Path(sys.executable).with_name("kg"))
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it (and closes each)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


# ---------------------------------------------------------------- 7: time limit and Ctrl-C

def test_7_a_runaway_query_stops_at_its_time_limit(built):
    start = time.monotonic()
    result = subprocess.run([KG, "query", "--build", str(built), CARTESIAN, "--timeout", "1"],
                            capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 20
    assert result.returncode == 3
    assert result.stderr.strip() == ("kg: error: the query ran past its time limit of 1 s and was stopped "
                                     "(--timeout SECONDS, or KG_QUERY_TIMEOUT, to change it; 0 for none)")


def test_7_the_time_limit_has_a_default_and_an_environment_setting(built, monkeypatch):
    from kg.sparql.deadline import DEFAULT_TIMEOUT, timeout_setting

    assert timeout_setting() == DEFAULT_TIMEOUT
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "0.5")
    with pytest.raises(QueryTimeout):
        kg.query(CARTESIAN, built)
    assert timeout_setting("0") is None
    result = invoke("query", "--build", built, "SELECT * {}", "--timeout", "soon")
    assert result.exit_code == 2 and "a time limit is a number of seconds" in result.stderr


def test_7_ctrl_c_stops_a_query_at_once(built):
    proc = subprocess.Popen([KG, "query", "--build", str(built), CARTESIAN, "--timeout", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)  # past start-up, into the query
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        _out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("Ctrl-C did not stop kg query")
    assert time.monotonic() - sent < 3
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "interrupted (Ctrl-C)" in err


def test_7_rows_are_streamed_as_the_engine_gives_them(built):
    """A result far too big to hold (3.3 billion rows) is written row by row until the time limit,
    which counts the engine's time, not the writing; no row is held back."""
    result = subprocess.run([KG, "query", "--build", str(built), "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                             "-f", "csv", "--timeout", "1"], capture_output=True, timeout=120)
    assert result.returncode == 3
    lines = result.stdout.split(b"\r\n")
    assert lines[0] == b"a,b,c,d,e,f,g,h,i" and len(lines) > 1000
    assert result.stderr.decode().strip().splitlines() == [
        "kg: error: the query ran past its time limit of 1 s and was stopped "
        "(--timeout SECONDS, or KG_QUERY_TIMEOUT, to change it; 0 for none)"]


def test_7_the_library_stops_too(built):
    with pytest.raises(QueryTimeout, match="time limit of 0.5 s"):
        kg.query(CARTESIAN, built, timeout=0.5)


# ---------------------------------------------------------------- 8: nesting

def test_8_deep_nesting_is_refused_before_the_engine(built):
    text = "SELECT * WHERE " + "{" * 2500 + "}" * 2500
    result = subprocess.run([KG, "query", "--build", str(built), text], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "the query nests 2500 levels deep; kg takes at most 128" in result.stderr
    with pytest.raises(QueryError, match="nests"):
        kg.query(text, built)


def test_8_the_nesting_check_counts_only_real_brackets():
    check_nesting('SELECT ("' + "{" * 500 + '" AS ?x) {} # ' + "(" * 500)  # in a string and a comment
    with pytest.raises(QueryError, match="line 2, column 135"):  # "WHERE " then the 129th brace
        check_nesting("SELECT *\nWHERE " + "{" * 129 + "}" * 129)


# ---------------------------------------------------------------- 9, 10: no request leaves the machine

def test_9_service_is_refused_in_the_cli_and_the_library(built, listener):
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    result = invoke("query", "--build", built, text)
    assert result.exit_code == 2
    assert "line 1, column 18: SERVICE is refused" in result.stderr
    with pytest.raises(QueryError, match="SERVICE is refused"):
        kg.query(text, built)
    time.sleep(0.3)
    assert listener.connections == 0


def test_9_allow_service_lets_it_through(built, listener):
    text = f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    invoke("query", "--build", built, text, "--allow-service", "--timeout", "20")
    deadline = time.monotonic() + 5
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert listener.connections >= 1


def test_10_an_entity_parameter_cannot_add_to_the_query(built, listener):
    value = (f"<https://w3id.org/bilateral-kg/id/pakistan> . SERVICE <http://127.0.0.1:{listener.port}/x> "
             "{ ?s ?p ?o } #>")
    result = invoke("query", "--build", built, "dyad", "--bind", f"a={value}", "--bind", "b=Russia")
    assert result.exit_code == 2
    assert "is not an IRI" in result.stderr
    time.sleep(0.3)
    assert listener.connections == 0


def test_10_string_and_integer_parameters_are_terms(built, tmp_path):
    rq = tmp_path / "p.rq"
    rq.write_text("# param: n (int)\n# param: s (string)\nSELECT ?n ?s WHERE { BIND($n AS ?n) BIND($s AS ?s) }\n",
                  encoding="utf-8")
    result = kg.query(str(rq), built, {"n": "12", "s": 'a "quoted"\r\nline\\ } #'})
    assert result.dicts() == [{"n": "12", "s": 'a "quoted"\r\nline\\ } #'}]
    for digits in ("١٢", "１２", "12 ; DROP", "1e3"):
        with pytest.raises(QueryError, match="is not a whole number"):
            kg.query(str(rq), built, {"n": digits, "s": "x"})


def test_10_an_iri_parameter_must_be_one_iri(built, tmp_path):
    rq = tmp_path / "i.rq"
    rq.write_text("# param: x (iri)\nSELECT ?x WHERE { BIND($x AS ?x) }\n", encoding="utf-8")
    assert kg.query(str(rq), built, {"x": "kg:memberOf"}).dicts()[0]["x"].endswith("#memberOf")
    for bad in ("http://x/a> . ?s ?p <http://y", "no scheme", "<http://x/{a}>"):
        with pytest.raises(QueryError, match="is not an IRI"):
            kg.query(str(rq), built, {"x": bad})


# ---------------------------------------------------------------- 22, 28, 29: messages

def test_22_a_non_utf8_query_file_is_one_line(built, tmp_path):
    rq = tmp_path / "bad.rq"
    rq.write_bytes(b"# title: x\nSELECT * WHERE { ?s ?p \"\xff\" }\n")
    result = invoke("query", "--build", built, rq)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"kg: error: {rq}:2: not UTF-8 text (byte 0xff at offset 35)"


@pytest.mark.parametrize("text, word", [("LOAD <http://example.org/x>", "LOAD"),
                                        ("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", "INSERT"),
                                        ("DELETE WHERE { ?s ?p ?o }", "DELETE"), ("DROP ALL", "DROP")])
def test_28_updates_are_refused_as_read_only(built, text, word):
    result = invoke("query", "--build", built, text)
    assert result.exit_code == 2
    assert f"kg query is read-only: {word} is an update" in result.stderr


@pytest.mark.parametrize("text, expected", [
    ("SELECT (", "expected a variable, a literal, an IRI or prefixed name"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY", "expected a variable, an IRI or prefixed name"),
    ("SELEC * {}", "expected a query: SELECT, CONSTRUCT, ASK or DESCRIBE"),
])
def test_29_syntax_errors_name_token_classes_in_a_few_words(built, text, expected):
    result = invoke("query", "--build", built, text)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert expected in line and "\n" not in line and len(line) < 200, line


def test_29_a_short_list_is_kept():
    message = "error at 1:25: expected one of LATERAL, SERVICE, [_]"
    assert summarize_expected(message) == message


def test_8_kg_serve_refuses_deep_nesting_before_a_worker_sees_it(built):
    import urllib.error
    import urllib.parse
    import urllib.request

    from kg.serve.server import make_server

    srv = make_server(built, "127.0.0.1", 0, timeout=10.0, workers=1)
    srv.start()
    try:
        deep = "SELECT * WHERE " + "{" * 2500 + "}" * 2500
        for text in (deep, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"):
            data = urllib.parse.urlencode({"query": text}).encode()
            try:
                with urllib.request.urlopen(srv.url + "sparql", data=data, timeout=30) as response:
                    status, body = response.status, response.read().decode()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read().decode()
            if text is deep:
                assert status == 400 and "the query nests 2500 levels deep; kg takes at most 128" in body
            else:  # the worker is still there, and answers
                assert status == 200, body
    finally:
        srv.close()
