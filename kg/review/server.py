"""`kg review`'s local server: the review page and the operations it calls.

It listens on 127.0.0.1 only. Every address starts with a random token
(``http://127.0.0.1:PORT/TOKEN/``, printed and opened in the browser), so that
another user of the machine, or a web page in the browser guessing ports,
cannot reach it; a request without the token, for a path outside the app,
addressed to another host name (DNS rebinding) or sent from another origin
gets 403. Each page load is a review of its own (kg.review.Review): two pages
on the same sheet are two reviews, and the second to save is told that the
first did.

The page is a thin client: each operation is one POST of JSON to
``/TOKEN/api/SESSION/OP``, answered with the review's new state.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
import traceback
import webbrowser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from ..core.errors import KGError, MissingInputError, UsageError, ValidationError
from . import page
from .session import Review, list_drafts

HOST = "127.0.0.1"
MAX_BODY = 1024 * 1024  # an edit is a few hundred bytes; a megabyte is far more than any
MAX_SESSIONS = 64  # open reviews kept; the oldest goes first (its page must then reload)


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, raw: Path, port: int = 0, token: str | None = None, log=None):
        super().__init__((HOST, port), _Handler)
        self.raw = Path(raw)
        self.token = token or secrets.token_urlsafe(18)
        self.sessions: dict[str, Review] = {}
        self.lock = threading.Lock()
        self.log = log
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.token}/"

    def doc_url(self, stem: str) -> str:
        return f"{self.url}doc/{stem}"

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.serve_forever, name="kg-review", daemon=True)
        self._thread.start()
        return self._thread

    def close(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()

    def __enter__(self) -> ReviewServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def new_session(self, stem: str) -> tuple[str, Review]:
        review = Review(self.raw, stem)
        sid = secrets.token_urlsafe(12)
        with self.lock:
            while len(self.sessions) >= MAX_SESSIONS:
                self.sessions.pop(next(iter(self.sessions)))
            self.sessions[sid] = review
        return sid, review


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        if self.server.log is not None:  # the path holds the token: it is not logged
            self.server.log.write(f"{self.command} {self.address_string()} {args[1] if len(args) > 1 else ''}\n")

    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _json(self, status: int, data) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _forbidden(self, why: str) -> None:
        self.close_connection = True
        self._text(403, f"forbidden: {why}")

    def _allowed(self) -> str | None:
        """The path inside the app, or None after refusing the request."""
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.server_address[1]
        if host not in (f"{HOST}:{port}", f"localhost:{port}"):
            self._forbidden(f"this server answers only requests to 127.0.0.1, not to {host!r}")
            return None
        origin = self.headers.get("Origin")
        if origin is not None and origin != self.server.origin:
            self._forbidden("a request from another origin")
            return None
        if self.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            self._forbidden("a request from another site")
            return None
        path = urlsplit(self.path).path
        prefix = f"/{self.server.token}/"
        given = path[:len(prefix)]
        if not hmac.compare_digest(given.encode(), prefix.encode()):
            self._forbidden("the address lacks this review's token (use the address kg review printed)")
            return None
        rest = unquote(path[len(prefix):])
        if ".." in rest.split("/") or "\\" in rest or "\x00" in rest:
            self._forbidden("a path outside the app")
            return None
        return rest

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _refuse_method(self) -> None:
        self.close_connection = True
        self._text(405, f"{self.command} is not allowed here")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _refuse_method

    def _guarded(self, handler: Callable[[str], None]) -> None:
        try:
            rest = self._allowed()
            if rest is not None:
                handler(rest)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - one broken request must not take the server down
            sys.stderr.write(traceback.format_exc())
            self.close_connection = True
            try:
                self._text(500, "internal error in kg review (see its terminal)")
            except OSError:
                pass

    def _html(self, body: str) -> None:
        self._send(200, body.encode("utf-8"), "text/html; charset=utf-8",
                   {"Content-Security-Policy": page.POLICY})

    def _get(self, rest: str) -> None:
        if rest == "":
            drafts = [{"document": d.document, "title": d.title, "facts": d.facts} for d in list_drafts(self.server.raw)]
            self._html(page.render({"view": "index", "drafts": drafts, "base": f"/{self.server.token}/"}))
            return
        if rest.startswith("doc/") and "/" not in rest[4:]:
            try:
                sid, review = self.server.new_session(rest[4:])
            except MissingInputError as exc:
                self._text(404, str(exc))
                return
            except KGError as exc:
                self._html(page.render({"view": "error", "error": str(exc), "base": f"/{self.server.token}/"}))
                return
            stems = [d.document for d in list_drafts(self.server.raw)]
            self._html(page.render({"view": "doc", "session": sid, "base": f"/{self.server.token}/",
                                    "drafts": stems, "state": review.state()}))
            return
        self._text(404, "nothing here")

    def _post(self, rest: str) -> None:
        parts = rest.split("/")
        if len(parts) != 3 or parts[0] != "api":
            self._text(404, "nothing here")
            return
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            self._text(415, "send JSON")  # a cross-site form cannot send this type without a preflight
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._text(413, f"at most {MAX_BODY} bytes")
            return
        try:
            args = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._json(400, {"error": "the body is not JSON"})
            return
        review = self.server.sessions.get(parts[1])
        if review is None:
            self._json(410, {"error": "this review has ended (the server restarted?): reload the page"})
            return
        with self.server.lock:
            try:
                answer = _operate(review, parts[2], args if isinstance(args, dict) else {})
            except ValidationError as exc:
                self._json(409, {"error": "; ".join(p.message for p in exc.problems), "state": review.state()})
                return
            except KGError as exc:
                self._json(409, {"error": exc.message, "state": review.state()})
                return
        self._json(200, answer)


def _operate(review: Review, op: str, args: dict) -> dict:
    """One operation of the page on its review; the answer holds the new state unless it is a lookup."""
    def key() -> int:
        k = args.get("key")
        if not isinstance(k, int) or isinstance(k, bool):
            raise UsageError("which fact? (a 'key')")
        return k

    if op == "date":
        return review.check_date(str(args.get("text", "")))
    if op == "search":
        return review.search_entities(str(args.get("q", "")))
    message = ""
    if op == "accept":
        review.accept(key())
    elif op == "reject":
        review.reject(key())
    elif op == "edit":
        data = args.get("data")
        review.edit(key(), data if isinstance(data, dict) else {})
    elif op == "add":
        start, end = args.get("start"), args.get("end")
        f = review.add(start if isinstance(start, int) else -1, end if isinstance(end, int) else -1,
                       args.get("data") if isinstance(args.get("data"), dict) else None)
        return {"state": review.state(), "added": f.key}
    elif op == "undo":
        review.undo()
    elif op == "entity":
        aliases = args.get("aliases") or []
        entity_id = review.new_entity(str(args.get("name", "")), str(args.get("type", "")),
                                      [str(a) for a in aliases] if isinstance(aliases, list) else [],
                                      str(args.get("wikidata") or "") or None, str(args.get("country") or "") or None,
                                      iso3166=str(args.get("iso3166") or "") or None)
        return {"state": review.state(), "entity": entity_id, "name": review.registry[entity_id].name}
    elif op == "save":
        r = review.save()
        message = (f"saved {r.saved} fact(s) to {r.sheet.name}"
                   + (f"; {r.awaiting} left in the draft" if r.awaiting else "; the draft is done")
                   + (f"; new entities: {', '.join(r.new_entities)}" if r.new_entities else ""))
    else:
        raise UsageError(f"no operation {op!r}")
    return {"state": review.state(), "message": message}


def make_server(raw: str | Path = "raw", port: int = 0, token: str | None = None) -> ReviewServer:
    """A review server over ``raw`` on 127.0.0.1 (port 0: a free one), not yet serving."""
    raw = Path(raw)
    if not raw.is_dir():
        raise MissingInputError(f"no such folder: {raw}")
    try:
        return ReviewServer(raw, port, token)
    except OSError as exc:
        raise UsageError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc} (choose another --port, "
                         "or 0 for a free one)") from None


def can_open_browser() -> bool:
    """Whether a graphical browser can be opened: on Linux and the BSDs, only with a display
    (without one, Python's webbrowser may start a text browser in the terminal kg review prints to)."""
    import os

    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def serve(raw: str | Path = "raw", doc: str | None = None, *, port: int = 0, open_browser: bool = True,
          announce: Callable[[str], None] = print) -> None:
    """Serve the review page until interrupted; open it in a browser where there is one."""
    from .session import find_document

    server = make_server(raw, port)
    url = server.url
    if doc:
        url = server.doc_url(find_document(Path(raw), doc).stem)
    announce(url)
    if open_browser and can_open_browser():
        try:
            webbrowser.open(url)
        except webbrowser.Error:
            pass
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
