"""`kg serve`: the built graph as a SPARQL 1.1 Protocol endpoint, with a query page.

    /         a query page that works offline (kg.serve_page)
    /sparql   the endpoint: GET ?query=, POST a form or application/sparql-query,
              and, with a token, SPARQL Update (kg.serve.protocol reads the request)
    /graph    the network page `kg build` / `kg viz` wrote to build/graph.html

Queries run in worker processes (kg.serve.workers), so that one that runs
past the time limit can be stopped, and a slow one does not hold up the
others. The server itself is the standard library's ThreadingHTTPServer:
one thread per connection, each waiting on a worker, which is all a
loopback endpoint for a few analysts needs (docs/serve.md says why no
framework).

    server = make_server("build", port=0)    # port 0: any free port
    server.start()                           # in a background thread
    ...                                      # query server.url + "sparql"
    server.close()
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import queue
import re
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox

from ..core.version import __version__
from . import page as serve_page
from ..core.errors import KGError, UsageError
from ..sparql.lexer import declares_dataset
from .protocol import (KINDS, ProtocolError, SparqlRequest, apply_using, content_type,
                       endpoint_url, negotiate, parse_request, refuse_deep_nesting, refuse_outside_requests,
                       refuse_random)
from .workers import DEFAULT_HEAVY_AFTER, DEFAULT_MAX_QUERY_MEMORY, Answer, WorkerPool, resident_bytes

from .limits import (DEFAULT_HOST, DEFAULT_MAX_RESULT_BYTES, DEFAULT_MAX_ROWS, DEFAULT_PORT,  # noqa: F401
                     DEFAULT_TIMEOUT, IDLE_TIMEOUT, MAX_BODY, MAX_CONNECTIONS)
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def default_workers() -> int:
    """Two at least (a slow query must not hold up the next), at most four, else one per CPU."""
    return max(2, min(4, os.cpu_count() or 2))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is an address only this machine can reach."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


SERVICE_DESCRIPTION = """\
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{endpoint}#service> a sd:Service ;
  rdfs:label "kg serve {version}" ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query{update} ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_XML, fmt:SPARQL_Results_CSV,
    fmt:SPARQL_Results_TSV, fmt:Turtle, fmt:N-Triples, fmt:JSON-LD, fmt:RDF_XML .
"""


class SparqlServer(ThreadingHTTPServer):
    """An HTTP server answering SPARQL over one build; see make_server()."""

    daemon_threads = True  # a client that hangs on does not keep the process alive at exit
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], *, build: Path, max_rows: int, update_token: str | None,
                 log: TextIO | None, max_connections: int = MAX_CONNECTIONS, idle_timeout: float = IDLE_TIMEOUT,
                 max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.build = build
        self.max_rows = max_rows
        self.max_result_bytes = max_result_bytes
        self.update_token = update_token
        self.log = log
        self.pool: WorkerPool | None = None
        self.page = ""
        self.check_host = is_loopback(address[0])
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self._thread: threading.Thread | None = None
        self._slots = threading.BoundedSemaphore(max_connections)
        self._open = 0  # connections being served now
        self._open_lock = threading.Lock()
        self._refused: queue.Queue[socket.socket] = queue.Queue(maxsize=max_connections)
        self._reading: dict[_Handler, float] = {}  # connections waiting for a request, and until when
        self._reading_lock = threading.Lock()
        threading.Thread(target=self._refuse_loop, name="kg-serve-refuse", daemon=True).start()

    # -- connections: at most max_connections, each sending a whole request within idle_timeout

    # A TCP server's requests are sockets; typeshed types socketserver's for UDP too (a (bytes, socket) pair).
    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        if not self._slots.acquire(blocking=False):
            try:
                self._refused.put_nowait(request)  # answered 503 by one thread, so a flood costs no threads
            except queue.Full:
                self.shutdown_request(request)
            return
        with self._open_lock:
            self._open += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._closed_one()
            raise

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._closed_one()

    def _closed_one(self) -> None:
        with self._open_lock:
            self._open -= 1
        self._slots.release()

    @property
    def open_connections(self) -> int:
        """How many connections are being served now (at most max_connections)."""
        return self._open

    def _refuse_loop(self) -> None:
        body = (f"this server holds at most {self.max_connections} connections at once, and all are open; "
                "try again in a moment\n").encode("utf-8")
        head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n").encode("ascii")
        while True:
            conn = self._refused.get()
            try:
                conn.settimeout(0.5)
                try:
                    conn.recv(65536)  # the request, read so that closing does not reset the connection
                except OSError:
                    pass
                conn.sendall(head + body)
            except OSError:
                pass
            finally:
                self.shutdown_request(conn)

    def reading(self, handler: _Handler, waiting: bool) -> bool:
        """Mark ``handler`` as waiting for (part of) a request, or as done; False if the reaper closed it."""
        with self._reading_lock:
            if getattr(handler, "reaped", False):
                return False
            if waiting:
                # A second's grace: an idle connection meets its socket timeout first and is closed
                # without a word; only one that began a request and trickles it is cut off with a 408.
                self._reading[handler] = time.monotonic() + self.idle_timeout + 1.0
            else:
                self._reading.pop(handler, None)
            return True

    def service_actions(self) -> None:
        """Called by serve_forever() twice a second: close connections that have not sent a whole
        request in time, however slowly they trickle it (each byte would reset a socket timeout)."""
        now = time.monotonic()
        with self._reading_lock:
            late = [h for h, deadline in self._reading.items() if deadline < now]
            for handler in late:
                del self._reading[handler]
                handler.reaped = True
        for handler in late:
            handler.time_out()

    @property
    def url(self) -> str:
        """The server's base URL, ending in /; the endpoint is url + "sparql"."""
        host, port = self.server_address[:2]
        if isinstance(host, bytes):  # typeshed allows bytes; a TCP server's host is a str
            host = host.decode("ascii")
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> threading.Thread:
        """Serve in a background thread (for tests and notebooks); returns the thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="kg-serve", daemon=True)
        self._thread.start()
        return self._thread

    def close(self) -> None:
        """Stop serving, close the socket and stop the worker processes."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()
        if self.pool is not None:
            self.pool.close()

    def __enter__(self) -> SparqlServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"  # keep-alive: SPARQL clients send many small requests
    # Headers and body go out in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK of the headers, 40 ms on Linux, on every response (measured).
    disable_nagle_algorithm = True
    server_version = f"kg-serve/{__version__}"
    sys_version = ""
    default_request_version = "HTTP/1.0"  # so that even an answer to a garbled request line has a status line
    reaped = False
    raw_requestline: bytes  # set by BaseHTTPRequestHandler.handle_one_request(); typeshed leaves it out

    def setup(self) -> None:
        # read by StreamRequestHandler.setup(); typeshed declares it a ClassVar, but an instance's value works
        self.timeout = self.server.idle_timeout  # type: ignore[misc]
        super().setup()

    def handle_one_request(self) -> None:
        if not self.server.reading(self, True):
            self.close_connection = True
            return
        try:
            super().handle_one_request()
        finally:
            self.server.reading(self, False)

    def time_out(self) -> None:
        """From the server's thread: this connection took too long to send its request; say so and close it."""
        try:
            body = f"the request did not arrive whole within {self.server.idle_timeout:g} s\n".encode("utf-8")
            self.connection.sendall(b"HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("ascii")
                                    + body)
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def parse_request(self) -> bool:
        """http.server's reading of the request line, without HTTP/0.9 (a request line of two words),
        which it would answer with a bare body and no status line."""
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if len(line.split()) == 2:
            self.requestline, self.command, self.request_version = line, "", self.default_request_version
            self.send_error(400, "HTTP/0.9 is not served here; send an HTTP/1.0 or HTTP/1.1 request")
            return False
        return super().parse_request()

    def version_string(self) -> str:
        return self.server_version  # not the Python version: nobody outside needs it

    # -- plumbing

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            # BaseHTTPRequestHandler.log_message escapes control characters; keep its format.
            line = redact((format % args).translate(_CONTROL))
            self.server.log.write(f"{self.address_string()} - - [{self.log_date_time_string()}] {line}\n")
            self.server.log.flush()

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, (message.rstrip("\n") + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _answer(self, answer: Answer, headers: dict[str, str] | None = None) -> None:
        extra = dict(answer.headers or {})
        if answer.status == 200 and answer.count is not None:  # rows or triples: a SELECT or CONSTRUCT
            extra["KG-Result-Count"] = str(answer.count)
            extra["KG-Max-Rows"] = str(self.server.max_rows)
            extra["KG-Max-Result-Bytes"] = str(self.server.max_result_bytes)
            if answer.truncated:
                extra["KG-Truncated"] = "true"
        extra.update(headers or {})
        self._send(answer.status, answer.body, answer.content_type, extra)

    def _host_ok(self) -> bool:
        """Refuse a Host header that does not name this machine, so that a web page cannot reach a
        loopback server through DNS rebinding (a hostile name that resolves to 127.0.0.1)."""
        if not self.server.check_host:
            return True
        host = self.headers.get("Host")
        if host is None:
            return True  # HTTP/1.0 clients may leave it out; a browser never does
        host = host.strip().lower()
        name = host[1:host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
        if name in LOOPBACK_NAMES or is_loopback(name):
            return True
        self.close_connection = True
        self._text(403, f"this server answers only requests addressed to localhost or 127.0.0.1, "
                        f"not to {host!r}")
        return False

    def _body(self) -> bytes | None:
        """The request body, or None after answering a request whose body cannot be read."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._text(411, "send the body with a Content-Length, not chunked")
            return None
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            self._text(411, "a POST needs a Content-Length")
            return None
        try:
            size = int(length)
            if size < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            self._text(400, f"Content-Length {length!r} is not a number of bytes")
            return None
        if size > MAX_BODY:
            self.close_connection = True
            self._text(413, f"the body is {size:,} bytes; this server takes at most {MAX_BODY:,}")
            return None
        body = self.rfile.read(size)
        if len(body) < size or not self.server.reading(self, False):
            self.close_connection = True  # the client went away, or took too long: nobody to answer
            return None
        return body

    def _framing_ok(self, method: str) -> bool:
        """Refuse a request whose body could not be told apart from the next request on the connection
        (request smuggling): several Content-Length headers, Content-Length beside Transfer-Encoding,
        or a GET with a body. The connection is closed after the answer."""
        lengths = self.headers.get_all("Content-Length") or []
        encodings = self.headers.get_all("Transfer-Encoding") or []
        if len(lengths) > 1:
            problem = f"the request has {len(lengths)} Content-Length headers; send one"
        elif lengths and encodings:
            problem = "the request has both Content-Length and Transfer-Encoding; send Content-Length alone"
        elif method != "POST" and (encodings or (lengths and lengths[0].strip() != "0")):
            problem = f"a {method} request carries no body here; send the query in the URL, or POST it"
        else:
            return True
        self.close_connection = True
        self._text(400, problem)
        return False

    def _guarded(self, method: str) -> None:
        try:
            if method != "POST" and not self.server.reading(self, False):
                return  # the reaper closed it
            if self._host_ok() and self._framing_ok(method):
                self._route(method)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nobody to answer
        except Exception:  # noqa: BLE001 - one broken request must not take the server down
            if self.server.log is not None:
                self.server.log.write(traceback.format_exc())
            self.close_connection = True
            try:
                self._text(500, "internal error in kg serve (see the server's log)")
            except OSError:
                pass

    def do_GET(self) -> None:
        self._guarded("GET")

    def do_POST(self) -> None:
        self._guarded("POST")

    def _not_allowed(self) -> None:
        """405 for any other method the server knows of, with what the path allows; its body is not read."""
        self.close_connection = True
        path = urlsplit(self.path).path
        allowed = ALLOWED.get(path)
        if allowed is None:
            self._text(404, f"nothing at {path!r}; the endpoint is /sparql")
        else:
            self._text(405, f"{self.command} is not allowed at {path}; use {' or '.join(allowed.split(', '))}",
                       {"Allow": allowed})

    do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_TRACE = do_CONNECT = _not_allowed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a malformed request line, an unknown method, headers too long) as
        text/plain like every other, never its HTML page, and always with a status line."""
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        headers = {"Allow": "GET, POST"} if code in (405, 501) else None
        try:
            self._text(code, text, headers)
        except OSError:
            pass

    # -- routes

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path
        if path == "/sparql":
            self._sparql(method)
        elif method != "GET":
            self._not_allowed()
        elif path == "/":
            self._send(200, self.server.page.encode("utf-8"), "text/html; charset=utf-8",
                       {"Content-Security-Policy": serve_page.content_security_policy()})
        elif path == "/graph":
            self._graph_page()
        else:
            self._text(404, f"nothing at {path!r}; the query page is /, the endpoint /sparql")

    def _graph_page(self) -> None:
        page = self.server.build / "graph.html"
        try:
            body = page.read_bytes()
        except OSError:
            self._send(404, serve_page.not_built_page(self.server.build.name or str(self.server.build))
                       .encode("utf-8"), "text/html; charset=utf-8",
                       {"Content-Security-Policy": serve_page.NOT_BUILT_POLICY})
            return
        # The page carries its own Content-Security-Policy (kg.viz); this one only forbids framing.
        self._send(200, body, "text/html; charset=utf-8", {"Content-Security-Policy": "frame-ancestors 'none'"})

    def _pool(self) -> WorkerPool:
        pool = self.server.pool
        if pool is None:  # make_server() gives every server its pool before it serves
            raise ProtocolError(503, "this server has no workers to run queries")
        return pool

    def _endpoint(self) -> str:
        """This endpoint's URL as the client addressed it: the base IRI and the service description's name."""
        return endpoint_url(self.headers.get("Host"), self.server.url + "sparql")

    def _sparql(self, method: str) -> None:
        body = b""
        if method == "POST":
            read = self._body()
            if read is None:
                return
            body = read
        try:
            request = parse_request(method, urlsplit(self.path).query, self.headers.get("Content-Type"), body)
            if request is None:
                self._service_description()
            elif request.operation == "update":
                self._update(request)
            else:
                self._query(request)
        except ProtocolError as exc:
            self._text(exc.status, exc.message, {"Allow": "GET, POST"} if exc.status == 405 else None)

    def _query(self, request: SparqlRequest) -> None:
        refuse_deep_nesting(request.text)
        refuse_outside_requests(request.text)
        accept = self.headers.get("Accept")
        formats: dict[str, object] = {}
        refusals = []
        for kind in KINDS:
            try:
                formats[kind] = negotiate(kind, accept, request.format)
            except ProtocolError as exc:
                formats[kind] = ("refuse", exc.message)
                refusals.append(exc)
        if len(refusals) == len(KINDS):
            raise refusals[0]
        dataset = request.dataset
        union = dataset is None and not declares_dataset(request.text)
        answer = self._pool().query(request.text, formats, self.server.max_rows, dataset, union,
                                        self._endpoint(), self.server.max_result_bytes)
        self._answer(answer, {"Vary": "Accept"})

    def _update(self, request: SparqlRequest) -> None:
        token = self.server.update_token
        if not token:
            raise ProtocolError(403, "this server is read-only: SPARQL Update is off. Start it with "
                                     "--update-token (or KG_UPDATE_TOKEN) to allow updates to its copy of the graph")
        scheme, _, given = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("utf-8"),
                                                                 token.encode("utf-8")):
            self._text(401, "an update needs the server's token: send the header Authorization: Bearer TOKEN",
                       {"WWW-Authenticate": 'Bearer realm="kg serve"'})
            return
        text = request.text
        refuse_deep_nesting(text)
        refuse_outside_requests(text)
        refuse_random(text)
        text = apply_using(text, request.using_graphs, request.using_named_graphs)
        self._answer(self._pool().update(text, self._endpoint()))

    def _service_description(self) -> None:
        fmt = negotiate("graph", self.headers.get("Accept"), None)
        from ..store.result import QueryResult
        from ..sparql.results import write_graph

        turtle = SERVICE_DESCRIPTION.format(endpoint=self._endpoint(), version=__version__,
                                            update=", sd:SPARQL11Update" if self.server.update_token else "")
        triples = [q.triple for q in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
        out = StringIO()
        write_graph(QueryResult.from_triples(triples), out, fmt)
        ctype = content_type("graph", fmt)
        if fmt == "ttl" and "text/html" in self.headers.get("Accept", ""):
            ctype = "text/plain; charset=utf-8"  # a browser (the page's link) shows it rather than saving it
        self._send(200, out.getvalue().encode("utf-8"), ctype, {"Vary": "Accept"})


_SECRET_PARAMETER = re.compile(r"(?<=[?&;])([^=&;\s]+)=([^&;\s\"]*)")


def redact(line: str) -> str:
    """A log line with the value of any URL parameter whose name holds "token" (access_token, say)
    replaced by [redacted]: a token sent in the URL must not end up in a log."""
    def hide(m: re.Match) -> str:
        return f"{m.group(1)}=[redacted]" if "token" in unquote(m.group(1)).lower() else m.group(0)
    return _SECRET_PARAMETER.sub(hide, line)


# What each path takes; any other method there is a 405 that says so.
ALLOWED = {"/sparql": "GET, POST", "/": "GET", "/graph": "GET"}

# Control characters in a request line are shown escaped in the log, as http.server does.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7f, 0xa0))}


def make_server(build_dir: str | Path = "build", host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                update_token: str | None = None, workers: int | None = None, in_memory: bool | None = None,
                log: TextIO | None = None, isolate: bool = True, max_connections: int = MAX_CONNECTIONS,
                idle_timeout: float = IDLE_TIMEOUT, max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
                max_query_memory: int | None = DEFAULT_MAX_QUERY_MEMORY,
                heavy_after: float = DEFAULT_HEAVY_AFTER) -> SparqlServer:
    """A SPARQL server over the build in ``build_dir``, bound and with its workers ready, not yet serving.

    Call ``.start()`` to serve in a background thread, or ``.serve_forever()``;
    ``.close()`` stops it and its workers. ``port=0`` picks a free port
    (``.url`` says which). ``in_memory`` chooses how workers open the graph,
    as kg.store.Store.open does (None: by size). Without ``update_token`` the graph is read-only;
    with one, updates that carry it apply to in-memory copies of the graph,
    never to the store on disk. ``log`` receives one line per request.
    At most ``max_connections`` are open at once (one more gets 503), and a
    connection that does not send a whole request within ``idle_timeout``
    seconds is closed (408 if it had begun one). A result is cut (header
    KG-Truncated) at ``max_rows`` rows or ``max_result_bytes`` bytes of
    terms, whichever comes first; a query that makes its worker grow by
    more than ``max_query_memory`` bytes is stopped (None: no such limit);
    queries running longer than ``heavy_after`` seconds may hold all
    workers but one (kg.serve.workers.WorkerPool says how).
    Raises NotBuiltError without a build, KGError if the address is taken.
    Binding anything but a loopback address prints a warning on stderr.
    """
    if timeout <= 0:
        raise UsageError("the time limit must be more than 0 seconds")
    if max_rows < 1:
        raise UsageError("--max-rows must be at least 1")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    if max_connections < 1:
        raise UsageError("--max-connections must be at least 1")
    if max_result_bytes < 1:
        raise UsageError("--max-result-mb must be more than 0")
    if max_query_memory is not None and max_query_memory < 1:
        raise UsageError("--max-query-mb must be more than 0")
    if heavy_after <= 0:
        raise UsageError("--heavy-after must be more than 0 seconds")
    if idle_timeout <= 0:
        raise UsageError("--idle-timeout must be more than 0 seconds")
    build = Path(build_dir)
    examples = serve_page.examples(build)  # raises NotBuiltError before anything starts
    try:
        server = SparqlServer((host, port), build=build, max_rows=max_rows, update_token=update_token or None,
                              log=log, max_connections=max_connections, idle_timeout=idle_timeout,
                              max_result_bytes=max_result_bytes)
    except OSError as exc:
        raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        server.pool = WorkerPool(build, workers, timeout, in_memory=in_memory, updates=bool(update_token),
                                 isolate=isolate, log=log, max_query_memory=max_query_memory,
                                 heavy_after=heavy_after)
    except BaseException:
        server.server_close()
        raise
    server.page = serve_page.render(examples, timeout=timeout, max_rows=max_rows, updates=bool(update_token))
    if not is_loopback(host):
        sys.stderr.write(f"kg serve: warning: listening on {host}, not on 127.0.0.1: anyone who can reach "
                         f"this machine on port {server.server_address[1]} can query the graph\n")
    if update_token and len(update_token) < 16:
        sys.stderr.write("kg serve: warning: the update token is short; use 16 characters or more, "
                         "e.g. from `python3 -c 'import secrets; print(secrets.token_urlsafe())'`\n")
    return server


def _memory(limit: int | None) -> str:
    """The memory limit as the banner says it, after the time limit."""
    if limit is None:
        return " (no memory limit)"
    if resident_bytes(os.getpid()) is None:
        return " (no memory limit: this system does not tell a process's memory)"
    return f" and {limit / 2**20:,.0f} MB of memory"


def _how(in_memory: bool | None) -> str:
    if in_memory is None:
        return "in memory or on disk, as kg.store chooses by size"
    return "in memory, a copy per worker" if in_memory else "on disk, read-only"


def serve(build_dir: str | Path = "build", host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, update_token: str | None = None,
          workers: int | None = None, in_memory: bool | None = None, quiet: bool = False,
          out: TextIO | None = None, max_connections: int = MAX_CONNECTIONS, idle_timeout: float = IDLE_TIMEOUT,
          max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES, max_query_memory: int | None = DEFAULT_MAX_QUERY_MEMORY,
          heavy_after: float = DEFAULT_HEAVY_AFTER) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop the workers; messages go to ``out`` (stderr)."""
    out = out or sys.stderr
    server = make_server(build_dir, host, port, timeout=timeout, max_rows=max_rows, update_token=update_token,
                         workers=workers, in_memory=in_memory, log=None if quiet else out,
                         max_connections=max_connections, idle_timeout=idle_timeout,
                         max_result_bytes=max_result_bytes, max_query_memory=max_query_memory, heavy_after=heavy_after)
    pool = server.pool
    assert pool is not None
    out.write(f"kg serve: {server.url} (query page) and {server.url}sparql (SPARQL 1.1 endpoint)\n"
              f"  graph       {build_dir}/ ({_how(pool.in_memory)})\n"
              f"  workers     {pool.size} processes"
              f"{', network isolated' if pool.network_isolated else ''}\n"
              f"  limits      {timeout:g} s{_memory(max_query_memory)} per query, {max_rows:,} rows or "
              f"{max_result_bytes / 2**20:,.0f} MB per result\n"
              f"  sharing     queries past {heavy_after:g} s are long, and leave a worker free for short ones; "
              f"{max_connections} connections, {idle_timeout:g} s to send a request\n"
              f"  updates     {'on, with the token, to in-memory copies only' if update_token else 'off'}\n"
              f"Press Ctrl-C to stop.\n")
    out.flush()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        out.write("kg serve: stopped\n")
    finally:
        server.close()
