"""A time limit for a query, and Ctrl-C that stops it at once.

Oxigraph evaluates a query inside one call into Rust (a COUNT over a
cartesian product is one call that may never return), and a signal reaches
Python code only between bytecodes: Ctrl-C pressed during that call waits for
it to end. So the query runs in a worker thread (pyoxigraph lets go of the
GIL while it evaluates), and the calling thread waits on it, where both the
deadline and Ctrl-C reach it at once. The caller gets QueryTimeout or
QueryInterrupted straight away; the worker is told to stop (``Deadline.check``
between rows) and, being a daemon thread, ends with the process. Within a
long-lived process (a notebook) an abandoned evaluation runs on in the
background until the engine returns from the call it is in, then stops.

The default limit is DEFAULT_TIMEOUT seconds, or KG_QUERY_TIMEOUT; 0 means none.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from ..core.errors import KGError, QueryError, UsageError

DEFAULT_TIMEOUT = 60.0
TIMEOUT_ENV = "KG_QUERY_TIMEOUT"

T = TypeVar("T")


class QueryTimeout(QueryError):
    """A query ran past its time limit."""

    exit_code = 3


class QueryInterrupted(KGError):
    """The person pressed Ctrl-C while a query ran."""

    exit_code = 130


def timeout_setting(value: float | str | None = None) -> float | None:
    """The time limit in seconds: ``value`` if given, else KG_QUERY_TIMEOUT, else DEFAULT_TIMEOUT;
    None for no limit (a value of 0)."""
    if value is None:
        value = os.environ.get(TIMEOUT_ENV, "").strip() or DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"a time limit is a number of seconds (0 for none), not {value!r}") from None
    if seconds != seconds or seconds < 0:  # NaN or negative
        raise UsageError(f"a time limit is a number of seconds (0 for none), not {value!r}")
    return None if seconds == 0 else seconds


class Deadline:
    """When a query must stop, shared by the waiting thread and the worker.

    The limit counts the time spent in the engine (``engine()``, and each row taken through
    ``rows``), not the time spent writing rows out: a result streamed into a pager that a
    person reads slowly is not stopped for the reading.
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.cancelled = threading.Event()
        self._spent = 0.0
        self._busy_since: float | None = None

    def engine_time(self) -> float:
        busy = self._busy_since
        return self._spent + (time.monotonic() - busy if busy is not None else 0.0)

    def expired(self) -> bool:
        return self.cancelled.is_set() or (self.seconds is not None and self.engine_time() >= self.seconds)

    def check(self) -> None:
        """Raise QueryTimeout if the query must stop (called by the worker between rows)."""
        if self.expired():
            raise QueryTimeout(_timeout_message(self.seconds))

    def engine(self, call: Callable[[], T]) -> T:
        """``call()``, counted as time in the engine."""
        self._busy_since = time.monotonic()
        try:
            return call()
        finally:
            self._spent += time.monotonic() - self._busy_since
            self._busy_since = None

    def outside(self, call: Callable[[], T]) -> T:
        """``call()`` (writing out what the engine gave), off the engine's clock: called from
        within ``engine()``, it stops the clock while it runs; the deadline is checked first."""
        self.check()
        busy = self._busy_since
        if busy is None:
            return call()
        now = time.monotonic()
        self._busy_since = None  # first, so a reader in between counts too little, never twice
        self._spent += now - busy
        try:
            return call()
        finally:
            self._busy_since = time.monotonic()

    def rows(self, items: Iterable[T]) -> Iterator[T]:
        """``items``, each taken from the engine on the clock, and the deadline checked before each."""
        iterator = iter(items)
        sentinel = object()
        while True:
            self.check()
            item = self.engine(lambda: next(iterator, sentinel))
            if item is sentinel:
                return
            yield item  # type: ignore[misc]


def _timeout_message(seconds: float | None) -> str:
    return (f"the query ran past its time limit of {seconds:g} s and was stopped "
            f"(--timeout SECONDS, or {TIMEOUT_ENV}, to change it; 0 for none)")


def within(work: Callable[[Deadline], T], seconds: float | None) -> T:
    """Run ``work(deadline)`` in a worker thread and return what it returns, or raise what it raises;
    raise QueryTimeout once ``seconds`` of engine time have passed (what ``work`` runs through
    ``deadline.engine`` and ``deadline.rows``), and QueryInterrupted on Ctrl-C, at once."""
    deadline = Deadline(seconds)
    outcome: dict[str, object] = {}
    done = threading.Event()

    def worker() -> None:
        try:
            outcome["value"] = work(deadline)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            # The engine's result objects must be let go in the thread that made them (pyoxigraph's
            # are bound to it): clear the failed frames' locals here, not in the waiting thread.
            traceback.clear_frames(exc.__traceback__)
            outcome["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=worker, name="kg-query", daemon=True)
    thread.start()
    try:
        # Waiting in short steps keeps the main thread where a signal handler can run.
        while not done.wait(0.05):
            if seconds is not None and deadline.engine_time() >= seconds:
                deadline.cancelled.set()
                raise QueryTimeout(_timeout_message(seconds))
    except KeyboardInterrupt:
        deadline.cancelled.set()
        raise QueryInterrupted("interrupted (Ctrl-C): the query was stopped") from None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
