"""Real SPARQL servers on 127.0.0.1 for the tests: Oxigraph's server (pip `oxigraph`) and
Virtuoso (Debian `virtuoso-opensource`). Each runs from a scratch folder and is stopped after.

A test that needs one fails, rather than skips, when it is not installed: `.ci/run`
installs both.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise RuntimeError(f"no server answered at {url} within {seconds:.0f} s")


@dataclass
class Server:
    name: str
    query_url: str
    update_url: str
    gsp_url: str | None
    process: subprocess.Popen | None
    stop_command: list[str] | None = None

    def stop(self) -> None:
        if self.stop_command:
            subprocess.run(self.stop_command, capture_output=True, timeout=60)
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_oxigraph(folder: Path) -> Server:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    process = subprocess.Popen([exe, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/query?query=ASK%7B%7D")
    return Server("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", process)


def start_virtuoso(folder: Path, settings: dict[tuple[str, str], str] | None = None) -> Server:
    """Virtuoso from ``folder``; ``settings`` sets more of its ini, by (section, key)
    (bench/bench_virtuoso.py gives it the buffers a million triples need)."""
    settings = dict(settings or {})
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not exe or not isql or not VIRTUOSO_INI.is_file():
        raise RuntimeError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text(encoding="utf-8", errors="replace")
    ini = re.sub(r"/var/lib/virtuoso-opensource-7/db/", f"{folder}/", ini)
    section = None
    lines = []
    for line in ini.splitlines():
        m = re.match(r"\s*\[(.+)\]", line)
        if m:
            section = m.group(1)
        key = line.split("=", 1)[0].strip()
        if section == "Parameters" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif section == "HTTPServer" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif section == "Parameters" and key == "DirsAllowed":
            line = f"DirsAllowed = ., {folder}, /usr/share/virtuoso-opensource-7/vad"
        elif section == "SPARQL" and key == "ResultSetMaxRows":
            line = "ResultSetMaxRows = 1000000"
        elif section == "SPARQL" and key == "MaxQueryCostEstimationTime":
            line = "MaxQueryCostEstimationTime = 0"
        elif (section, key) in settings:
            line = f"{key} = {settings.pop((section, key))}"
        lines.append(line)
    if settings:
        raise ValueError(f"no such line in {VIRTUOSO_INI}: {sorted(settings)}")
    config = folder / "virtuoso.ini"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    process = subprocess.Popen([exe, "-c", str(config), "+foreground"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    _wait(f"{base}/sparql?query=ASK%7B%7D", 60)
    login = [isql, f"127.0.0.1:{sql_port}", "dba", "dba"]
    subprocess.run(login + ['exec=GRANT SPARQL_UPDATE TO "SPARQL";'], check=True, capture_output=True, timeout=60)
    return Server("virtuoso", f"{base}/sparql", f"{base}/sparql", None, process,
                  stop_command=login + ["exec=shutdown;"])
