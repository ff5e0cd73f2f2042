"""Where `kg serve` runs SPARQL: a pool of worker processes, each with the graph open.

pyoxigraph cannot stop a query once it has started, so each query runs in a
worker process, and one that overruns the time limit is stopped by killing
its process; a fresh worker takes its place in the background. Several
workers also let a fast query through while a slow one runs.

Each worker opens the graph as kg.store.Store.open does: the on-disk store
read-only (RocksDB allows any number of read-only opens beside each other),
or build/kg.trig loaded into memory. When `kg build` replaces them, each
worker opens the new graph before its next query.

With updates enabled, each worker loads its own in-memory copy of a private
snapshot of the build, and every update is applied to every copy, in order;
the updates are also kept in a log, so that a replacement worker replays
them. The build on disk is never written (docs/serve.md says why).
"""

from __future__ import annotations

import ctypes
import io
import multiprocessing
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from ..core.errors import KGError, NotBuiltError
from ..core.namespaces import PREFIXES
from .capped import FORMATS as CAPPED_FORMATS
from .capped import GRAPH_FORMATS as CAPPED_GRAPHS
from .capped import serialize_capped
from .protocol import content_type, explain_syntax_error, star_as_list, star_variables

PREFIX_MAP = {p: str(ns) for p, ns in PREFIXES.items()}
START_TIMEOUT = 300.0  # seconds a new worker may take to open or load the graph
WATCH_INTERVAL = 0.05  # seconds between two looks at a busy worker's memory
from .limits import DEFAULT_HEAVY_AFTER, DEFAULT_MAX_QUERY_MEMORY  # noqa: E402,F401


def resident_bytes(pid: int | None) -> int | None:
    """A process's resident memory (Linux's /proc); None where that cannot be read, or for a
    process that has not started (no pid)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Answer:
    """What the pool hands back for one operation: an HTTP status and a body ready to send."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    truncated: bool = False
    count: int | None = None  # rows or triples in the body
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Update:
    """One update as the pool logs it, to replay on a worker that replaces another: the text (with the
    request's using-graph-uri written in) and the base IRI its relative IRIs resolved against."""

    text: str
    base_iri: str | None = None


def _death(exitcode: int | None) -> str:
    """Why a worker process ended, as far as its exit code tells."""
    if exitcode == -signal.SIGSEGV:
        return "crashed (a segmentation fault in the query engine)"
    if exitcode == -signal.SIGKILL:
        return "was killed (out of memory?)"
    return f"died (exit code {exitcode})" if exitcode is not None else "died"


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, (message.rstrip("\n") + "\n").encode("utf-8"), headers=headers)


# ------------------------------------------------------------------ inside a worker

def isolate_network() -> bool:
    """Move this process into a network namespace of its own, with no way out; True if that worked.

    A second line of defence behind the SERVICE/LOAD check: whatever the
    query, a worker so isolated cannot open a connection to anything. Linux
    only, and only where the kernel lets this user create namespaces; the
    process must still be single-threaded (before the store is opened).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    # As root, a new network namespace alone keeps root's access to the files;
    # anyone else needs a user namespace to be allowed to create one.
    for flags in (clone_newnet, clone_newuser | clone_newnet):
        if libc.unshare(flags) == 0:
            return True
    return False


def open_graph(build: str, in_memory: bool | None) -> ox.Store:
    """The pyoxigraph store of a build, opened as kg.store.Store.open opens it (None: by size)."""
    from ..store.local import Store

    return Store.open(build, in_memory=in_memory, long_lived=True).oxigraph


TERM_OVERHEAD = 40  # bytes a term costs in a result beside its text (JSON's {"type":"uri","value":...}, say)


def term_bytes(term: Any) -> int:
    """What a term adds to a result, about: its text (UTF-8 is at most 4 bytes a character; text is
    mostly ASCII, so its length is used) plus TERM_OVERHEAD. An unbound variable costs nothing."""
    if term is None:
        return 0
    size = len(term.value) + TERM_OVERHEAD
    if isinstance(term, ox.Literal) and (term.language or term.datatype):
        size += len(term.language or term.datatype.value)
    return size


def take_within(items: Any, max_rows: int, max_bytes: int, size: Any) -> tuple[list, bool]:
    """The first rows (or triples) of ``items`` that fit in ``max_rows`` and ``max_bytes``, and whether
    any were left out. Rows are counted as they come, so a result is never held whole."""
    kept: list = []
    total = 0
    for item in items:
        total += size(item)
        if len(kept) >= max_rows or total > max_bytes:
            return kept, True
        kept.append(item)
    return kept, False


RERUN_WITHIN = 0.05  # seconds: a SELECT * whose first run took longer is not run again (see _in_order)


def _in_order(store: ox.Store, text: str, raw: ox.QuerySolutions, order: list[str] | None,
              kwargs: dict[str, Any], took: float) -> ox.QuerySolutions | None:
    """``raw``, or the same query run again with its ``SELECT *`` written out, so that the engine gives
    the variables in the order kg serve sends them (the query's: see star_variables); None if not.

    Oxigraph evaluates most queries as their rows are taken, so the first run, dropped before a row
    is taken, cost next to nothing. Some parts (ORDER BY, GROUP BY) it evaluates when the query is
    run: a first run that took more than RERUN_WITHIN is not repeated (None), and kg's writer puts
    the variables in order instead."""
    names = [v.value for v in raw.variables]
    if order is None:
        return raw
    rank = {name: i for i, name in enumerate(order)}
    wanted = sorted(names, key=lambda name: (rank.get(name, len(rank)), name))
    if names == wanted:
        return raw
    if took > RERUN_WITHIN:
        return None
    try:
        again = store.query(star_as_list(text, wanted), **kwargs)
    except SyntaxError:  # not expected; kg's writer then orders the first run's rows
        return None
    if not isinstance(again, ox.QuerySolutions) or [v.value for v in again.variables] != wanted:
        return None
    return again


def execute_query(store: ox.Store, text: str, formats: dict[str, Any], max_rows: int,
                  dataset: tuple[list[str], list[str]] | None, union: bool, base_iri: str | None = None,
                  max_bytes: int = 1 << 62) -> dict:
    """Run one query and serialize at most ``max_rows`` rows (or triples) of its result, within
    ``max_bytes``.

    A SELECT result in JSON, XML, CSV or TSV, and a CONSTRUCT or DESCRIBE
    result in N-Triples, is written by pyoxigraph's own serializer and cut by
    kg.serve.capped: exactly ``max_rows`` rows, and a body of at most
    ``max_bytes`` bytes (the head aside), counted in the serializer's output.
    Anything else (ASK, the other graph formats, a text table) has its rows
    taken one by one (take_within) and sized as term_bytes() counts them.

    ``formats`` maps "results" and "graph" to the kg.results format to write,
    or to ("refuse", message) when the client cannot take that kind of
    result. ``dataset`` (default graphs, named graphs), when the request gave
    one, replaces the query's own FROM and FROM NAMED entirely; else
    ``union`` makes the default graph the union of all graphs. Relative IRIs
    resolve against ``base_iri``. Returns a plain dict (it crosses a process
    boundary): status, body, type, and truncated/count for a result, or
    status and message.
    """
    from ..store.result import QueryResult
    from ..sparql.results import write_graph, write_results

    kwargs: dict[str, Any] = {"prefixes": PREFIX_MAP, "base_iri": base_iri}
    try:
        if dataset is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset[0]]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset[1]]
        elif union:
            kwargs["use_default_graph_as_union"] = True
    except ValueError as exc:
        return {"status": 400, "message": f"default-graph-uri or named-graph-uri is not an IRI: {exc}"}
    try:
        started = time.monotonic()
        raw = store.query(text, **kwargs)
        took = time.monotonic() - started
        kind = "graph" if isinstance(raw, ox.QueryTriples) else "results"
        fmt = formats[kind]
        if isinstance(fmt, tuple):
            return {"status": 406, "message": fmt[1]}
        order = star_variables(text)
        if isinstance(raw, ox.QueryTriples) and fmt in CAPPED_GRAPHS:
            body, rows, cut = serialize_capped(raw, fmt, max_rows, max_bytes)
            return {"status": 200, "body": body, "type": content_type(kind, fmt), "truncated": cut, "count": rows}
        if isinstance(raw, ox.QuerySolutions) and fmt in CAPPED_FORMATS:
            ordered = _in_order(store, text, raw, order, kwargs, took)
            if ordered is not None:
                body, rows, cut = serialize_capped(ordered, fmt, max_rows, max_bytes)
                return {"status": 200, "body": body, "type": content_type(kind, fmt), "truncated": cut,
                        "count": rows}
        row_size = lambda row: sum(map(term_bytes, row))  # noqa: E731
        triple_size = lambda t: term_bytes(t.subject) + term_bytes(t.predicate) + term_bytes(t.object)  # noqa: E731
        result = QueryResult.from_oxigraph(
            raw, order=order,
            take=lambda items, unit: take_within(items, max_rows, max_bytes, row_size if unit == "row" else triple_size))
        truncated = result.truncated
    except SyntaxError as exc:
        return {"status": 400, "message": f"SPARQL syntax error: {explain_syntax_error(str(exc))}"}
    except (OSError, RuntimeError, ValueError) as exc:
        return {"status": 500, "message": f"the query failed: {exc}"}
    out = io.StringIO()
    count: int | None
    if kind == "graph":
        write_graph(result, out, fmt)
        count = len(result.triples)
    else:
        write_results(result, out, fmt, indent=None)
        count = len(result.rows) if result.kind == "select" else None
    return {"status": 200, "body": out.getvalue().encode("utf-8"), "type": content_type(kind, fmt),
            "truncated": truncated, "count": count}


def execute_update(store: ox.Store, text: str, base_iri: str | None = None) -> dict:
    """Apply one SPARQL update (all of it or, on error, nothing: Oxigraph updates are transactions);
    relative IRIs resolve against ``base_iri``."""
    try:
        store.update(text, prefixes=PREFIX_MAP, base_iri=base_iri)
    except SyntaxError as exc:
        return {"status": 400, "message": f"SPARQL syntax error: {explain_syntax_error(str(exc))}"}
    except (OSError, RuntimeError, ValueError) as exc:
        return {"status": 400, "message": f"the update failed: {exc}"}
    return {"status": 200}


def _worker_main(conn: Connection, build: str, in_memory: bool | None, updates: list[Update], isolate: bool) -> None:
    """A worker's life: isolate, open the graph, replay the updates, then answer jobs until told to stop."""
    # Ctrl-C in a terminal reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    isolated = isolate_network() if isolate else False
    try:
        store = open_graph(build, in_memory)
        for update in updates:
            execute_update(store, update.text, update.base_iri)
    except KGError as exc:
        conn.send({"ready": False, "message": str(exc)})
        return
    except Exception as exc:  # noqa: BLE001 - say why, rather than die with a traceback nobody reads
        conn.send({"ready": False, "message": f"a worker could not open the graph: {type(exc).__name__}: {exc}"})
        return
    conn.send({"ready": True, "isolated": isolated, "pid": os.getpid()})
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        if job.get("reopen"):
            try:
                del store  # let go of the old store's files before opening the new one
                store = open_graph(build, in_memory)
            except Exception as exc:  # noqa: BLE001 - this worker is useless now; the pool replaces it
                conn.send({"status": 503, "fatal": True,
                           "message": f"the graph was rebuilt and could not be opened again: {exc}"})
                return
        try:
            if job["op"] == "query":
                reply = execute_query(store, job["text"], job["formats"], job["max_rows"], job["dataset"],
                                      job["union"], job["base_iri"], job["max_bytes"])
            else:
                reply = execute_update(store, job["text"], job["base_iri"])
        except Exception as exc:  # noqa: BLE001 - a worker answers every job, whatever breaks
            reply = {"status": 500, "message": f"the worker failed: {type(exc).__name__}: {exc}"}
        conn.send(reply)


# ------------------------------------------------------------------ the pool, in the server

TRIG = "kg.trig"  # the graph as kg.store loads it into memory


def _snapshot(build: Path) -> Path:
    """A private copy of the build's graph (store checkpoint and kg.trig), made of hard links where it can be.

    Updates go to in-memory copies of this snapshot, so that a worker that
    replaces another starts from the same graph as the rest, even if `kg
    build` has replaced the build meanwhile. It sits inside the build folder,
    on the same file system, so that the links work; close() removes it.
    """
    from ..store.publish import current

    snapshot = Path(tempfile.mkdtemp(prefix=".kg-serve-", dir=build))
    try:
        folder = current(build) or build
        ox.Store.read_only(str(folder / "store")).backup(str(snapshot / "store"))
        for name in (TRIG, "summary.json"):
            if (folder / name).is_file():
                try:
                    os.link(folder / name, snapshot / name)
                except OSError:
                    shutil.copyfile(folder / name, snapshot / name)
    except OSError as exc:
        shutil.rmtree(snapshot, ignore_errors=True)
        raise NotBuiltError(f"the graph in {build}/ cannot be read ({exc}); run `kg build` again") from None
    return snapshot


def _context() -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    """forkserver where there is one: a new worker is forked from a clean process that has kg
    imported already, so replacing a killed worker takes milliseconds, and the server's threads
    are never forked. Elsewhere (Windows), spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["kg.serve.workers", "kg.sparql.named", "kg.sparql.results", "kg.store.local"])
        return ctx
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection, generation: tuple,
                 applied: int, isolated: bool):
        self.process = process
        self.conn = conn
        self.generation = generation  # which store on disk it has open
        self.applied = applied        # how many logged updates it has applied
        self.isolated = isolated
        self.baseline = resident_bytes(process.pid) if process.pid else None  # its memory with the graph open

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        finally:
            self.conn.close()


class WorkerPool:
    """``size`` worker processes answering SPARQL over a build, each job within ``timeout`` seconds.

    Two more limits keep one query from starving the rest. A query that
    makes its worker grow by more than ``max_query_memory`` bytes is
    stopped (its worker killed and replaced; Linux, where /proc tells). A
    query still running after ``heavy_after`` seconds is heavy, and at most
    ``size - 1`` heavy queries run at once, so that one worker stays free
    for short ones; a heavy query with no room is stopped and queued, and
    runs again, with the whole time limit, when a heavy query ends.
    """

    def __init__(self, build: str | Path, size: int = 2, timeout: float = 30.0, *, in_memory: bool | None = None,
                 updates: bool = False, isolate: bool = True, log: TextIO | None = None,
                 max_query_memory: int | None = DEFAULT_MAX_QUERY_MEMORY, heavy_after: float = DEFAULT_HEAVY_AFTER):
        self.build = Path(build)
        self.size = size
        self.timeout = timeout
        self.max_query_memory = max_query_memory
        self.heavy_after = heavy_after
        self._heavy = threading.BoundedSemaphore(max(1, size - 1))
        self.updates = updates
        self.in_memory = True if updates else in_memory  # None: as kg.store chooses, by size
        self.isolate = isolate
        self.log = log
        self._ctx = _context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._gate = threading.Lock()       # held by a job while it takes a worker, by an update while it takes all
        self._log_lock = threading.Lock()
        self._updates: list[Update] = []
        self._workers: set[_Worker] = set()
        self._closed = False
        self._snapshot: Path | None = None
        if not (self.build / "store").is_dir():
            raise NotBuiltError(f"no built graph in {self.build}/ (run `kg build` first)")
        if updates:
            self._snapshot = _snapshot(self.build)
        # Absolute, so that a worker finds it whatever folder the caller moves to later.
        self._source = str((self._snapshot or self.build).resolve())
        started: list[_Worker | BaseException] = []

        def start() -> None:
            try:
                started.append(self._spawn())
            except BaseException as exc:  # noqa: BLE001 - reported below, in the caller's thread
                started.append(exc)

        threads = [threading.Thread(target=start) for _ in range(size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        problems = [s for s in started if isinstance(s, BaseException)]
        for worker in started:
            if isinstance(worker, _Worker):
                self._idle.put(worker)
        if problems:
            self.close()
            raise problems[0]

    # -- state

    @property
    def network_isolated(self) -> bool:
        """Whether every live worker runs in a network namespace with no way out."""
        return bool(self._workers) and all(w.isolated for w in list(self._workers))

    @property
    def pids(self) -> list[int]:
        return sorted(w.process.pid for w in list(self._workers) if w.process.pid)

    def _generation(self) -> tuple:
        """Which graph is on disk: `kg build` publishes each build in a folder of its own (kg.store.publish)."""
        if self._snapshot is not None:
            return ()
        try:
            st = os.stat(self.build / "store")  # through build/current
            return ((st.st_dev, st.st_ino),)
        except OSError:
            return ()  # mid-swap, or gone: keep what the workers have open

    def _say(self, message: str) -> None:
        if self.log is not None:
            self.log.write(f"kg serve: {message}\n")
            self.log.flush()

    # -- workers coming and going

    def _spawn(self) -> _Worker:
        """Start a worker and wait until it has the graph open (and every logged update applied)."""
        with self._log_lock:
            updates = list(self._updates)
        generation = self._generation()
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, name="kg-serve-worker", daemon=True,
                                    args=(child, self._source, self.in_memory, updates, self.isolate))
        process.start()
        child.close()
        try:
            if not parent.poll(START_TIMEOUT):
                raise KGError(f"a worker did not open the graph in {START_TIMEOUT:.0f} s")
            hello = parent.recv()
        except (EOFError, OSError, KGError) as exc:
            process.kill()
            parent.close()
            raise KGError(f"a worker process could not start ({exc or 'it exited at once'}). If a script of "
                          "yours starts the server, call it under `if __name__ == \"__main__\":`, because "
                          "Python's multiprocessing imports the script again in each worker") from None
        if not hello.get("ready"):
            process.join(5)
            parent.close()
            raise NotBuiltError(hello.get("message", "a worker could not open the graph"))
        worker = _Worker(process, parent, generation, len(updates), hello.get("isolated", False))
        self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background; the pool is one short until it is ready."""
        self._workers.discard(worker)
        worker.kill()
        if self._closed:
            return

        def respawn() -> None:
            delay = 1.0
            while not self._closed:
                try:
                    new = self._spawn()
                except KGError as exc:
                    self._say(f"could not start a worker ({exc}); trying again in {delay:.0f} s")
                    time.sleep(delay)
                    delay = min(delay * 2, 60.0)
                    continue
                if self._closed:
                    self._workers.discard(new)
                    new.kill()
                else:
                    self._release(new)
                return

        threading.Thread(target=respawn, name="kg-serve-respawn", daemon=True).start()

    def _release(self, worker: _Worker) -> None:
        """Give a worker back to the pool, first bringing it up to date with the update log."""
        if not self._catch_up(worker):
            self._replace(worker)
            return
        self._idle.put(worker)

    def _catch_up(self, worker: _Worker) -> bool:
        with self._log_lock:
            missing = self._updates[worker.applied:]
        for update in missing:
            # These updates already ran within the time limit on another copy of the same graph.
            reply = self._ask(worker, {"op": "update", "text": update.text, "base_iri": update.base_iri}, None)
            if reply is None or reply["status"] != 200:
                return False
            worker.applied += 1
        return True

    def _take(self, deadline: float) -> _Worker | None:
        """An idle worker, or None if none is free before ``deadline``."""
        if not self._gate.acquire(timeout=max(0.0, deadline - time.monotonic())):
            return None
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None
        finally:
            self._gate.release()

    def _ask(self, worker: _Worker, job: dict, timeout: float | None) -> dict | None:
        """Send a job and wait for the reply; None if the worker overran ``timeout``, its memory, or died."""
        if not self._send(worker, job):
            return None
        reply = self._wait(worker, timeout)
        return reply if isinstance(reply, dict) else None

    @staticmethod
    def _send(worker: _Worker, job: dict) -> bool:
        try:
            worker.conn.send(job)
            return True
        except (OSError, ValueError):
            return False

    def _wait(self, worker: _Worker, seconds: float | None) -> dict | str:
        """The worker's reply within ``seconds`` (None: no limit), or why there is none: "late",
        "memory" (it grew past max_query_memory, watched every WATCH_INTERVAL) or "died"."""
        deadline = None if seconds is None else time.monotonic() + seconds
        limit = (worker.baseline + self.max_query_memory
                 if self.max_query_memory is not None and worker.baseline is not None else None)
        while True:
            step = WATCH_INTERVAL if deadline is None else min(WATCH_INTERVAL, max(0.0, deadline - time.monotonic()))
            try:
                if worker.conn.poll(step):
                    return worker.conn.recv()
            except (EOFError, OSError):
                return "died"
            if limit is not None:
                size = resident_bytes(worker.process.pid)
                if size is not None and size > limit:
                    return "memory"
            if deadline is not None and time.monotonic() >= deadline:
                return "late"

    def _bloated(self, worker: _Worker) -> bool:
        """Whether a worker kept much of what its last query took (allocators seldom give memory back):
        it is replaced rather than reused, so that the next query has its whole allowance."""
        if self.max_query_memory is None or worker.baseline is None:
            return False
        size = resident_bytes(worker.process.pid)
        return size is not None and size > worker.baseline + self.max_query_memory // 2

    # -- the two operations

    def _busy(self) -> Answer:
        return _text(503, f"all {self.size} workers stayed busy for {self.timeout:g} s, the time limit; "
                          f"try again, or start the server with more --workers",
                     {"Retry-After": str(max(1, round(self.timeout / 2)))})

    def _overran(self, what: str) -> Answer:
        return _text(503, f"the {what} ran past the server's time limit of {self.timeout:g} s and was stopped. "
                          f"Narrow it (a LIMIT, more specific patterns, fewer OPTIONALs), or start the "
                          f"server with a longer --timeout.")

    def _too_big(self, what: str = "query") -> Answer:
        limit = self.max_query_memory or 0  # only called when there is a limit
        return _text(503, f"the {what} needed more than {limit / 2**20:,.0f} MB of memory, the "
                          f"server's limit per {what}, and was stopped. Narrow it (a LIMIT, fewer rows before an "
                          f"ORDER BY or GROUP BY, shorter strings), or start the server with a larger "
                          f"--max-query-mb.")

    def _no_room(self) -> Answer:
        return _text(503, f"this query runs long, and the other long ones held every worker but the one kept "
                          f"for short queries for {self.timeout:g} s, the time limit; try again, or start the "
                          f"server with more --workers", {"Retry-After": str(max(1, round(self.timeout / 2)))})

    def query(self, text: str, formats: dict[str, Any], max_rows: int,
              dataset: tuple[list[str], list[str]] | None = None, union: bool = True,
              base_iri: str | None = None, max_bytes: int = 1 << 62) -> Answer:
        """Run a query in a free worker, within the time limit; wait at most that long for a worker.

        ``dataset``, ``union``, ``max_rows`` and ``max_bytes`` are as
        execute_query() takes them. A query still running after heavy_after
        seconds needs a heavy slot (see the class); without one it is
        stopped, waits for one (at most the time limit), and runs again.
        """
        if self._closed:
            return _text(503, "the server is shutting down")
        job = {"op": "query", "text": text, "formats": formats, "max_rows": max_rows, "dataset": dataset,
               "union": union, "base_iri": base_iri, "max_bytes": max_bytes}
        worker = self._take(time.monotonic() + self.timeout)
        if worker is None:
            return self._busy()
        reply = self._run(worker, job, min(self.heavy_after, self.timeout))
        if reply != "late" or self.heavy_after >= self.timeout:
            return self._answer(worker, reply)
        # Heavy. Go on in this worker if there is room for one more heavy query ...
        if self._heavy.acquire(blocking=False):
            try:
                return self._answer(worker, self._wait(worker, self.timeout - self.heavy_after))
            finally:
                self._heavy.release()
        # ... else stop it, so that this worker stays free for short queries, and queue it.
        self._replace(worker)
        self._say("a long query was stopped and queued: every slot for long queries is taken")
        if not self._heavy.acquire(timeout=self.timeout):
            return self._no_room()
        try:
            worker = self._take(time.monotonic() + self.timeout)
            if worker is None:
                return self._busy()
            return self._answer(worker, self._run(worker, job, self.timeout))
        finally:
            self._heavy.release()

    def _run(self, worker: _Worker, job: dict, seconds: float) -> dict | str:
        """Send a query job to ``worker`` (reopening the graph if `kg build` replaced it) and wait up to ``seconds``."""
        generation = self._generation()
        job = dict(job, reopen=generation != worker.generation)
        if not self._send(worker, job):
            return "died"
        reply = self._wait(worker, seconds)
        if isinstance(reply, dict) and not reply.get("fatal"):
            worker.generation = generation
        return reply

    def _answer(self, worker: _Worker, reply: dict | str) -> Answer:
        """What a query job came to, as an Answer; the worker goes back to the pool, or is replaced."""
        if reply == "late":
            self._replace(worker)
            return self._overran("query")
        if reply == "memory":
            self._replace(worker)
            return self._too_big()
        if reply == "died" or not isinstance(reply, dict):
            worker.process.join(1)
            why = _death(worker.process.exitcode)
            self._replace(worker)
            return _text(500, f"the worker running the query {why}; it has been replaced")
        if reply.get("fatal"):
            self._replace(worker)
            return _text(reply["status"], reply["message"])
        if self._bloated(worker):
            self._replace(worker)
        else:
            self._release(worker)
        if reply["status"] != 200:
            return _text(reply["status"], reply["message"])
        return Answer(200, reply["body"], reply["type"], reply["truncated"], reply["count"])

    def update(self, text: str, base_iri: str | None = None) -> Answer:
        """Apply an update to every worker's copy of the graph, or to none.

        All workers are taken (queries wait), the update runs on one of them
        within the time limit, and only if it succeeds there is it logged and
        applied to the others.
        """
        if not self.updates:
            return _text(403, "this server is read-only")
        deadline = time.monotonic() + self.timeout
        if not self._gate.acquire(timeout=self.timeout):
            return self._busy()
        taken: list[_Worker] = []
        try:
            for _ in range(self.size):
                try:
                    taken.append(self._idle.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    for worker in taken:
                        self._idle.put(worker)
                    return self._busy()
        finally:
            self._gate.release()
        # Workers taken from the pool were brought up to date when they were released.
        first, rest = taken[0], taken[1:]
        update = Update(text, base_iri)
        sent = self._send(first, {"op": "update", "text": text, "base_iri": base_iri})
        reply = self._wait(first, self.timeout) if sent else "died"
        if not isinstance(reply, dict):
            self._replace(first)
            for worker in rest:
                self._idle.put(worker)
            if reply == "memory":
                return self._too_big("update")
            if reply == "died":
                return _text(500, "the worker running the update died (out of memory?); it has been replaced, "
                                  "and the update was not applied")
            return self._overran("update")
        if reply["status"] != 200:
            for worker in taken:
                self._idle.put(worker)
            return _text(reply["status"], reply["message"])
        with self._log_lock:
            self._updates.append(update)
            first.applied = len(self._updates)
        self._idle.put(first)
        threads = [threading.Thread(target=self._release, args=(w,)) for w in rest]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return _text(200, "update applied")

    def close(self) -> None:
        """Stop every worker and remove the private snapshot, if any."""
        self._closed = True
        for worker in list(self._workers):
            self._workers.discard(worker)
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
            worker.process.join(1)
            worker.kill()
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None
