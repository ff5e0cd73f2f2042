"""Publishing a build: one pointer switched by one rename, at every kill point (kg.store.publish).

A build killed at any step leaves a reader with the old build or the new one,
whole (store, summary and files from the same build); the next build recovers
and removes what the killed one left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kg
from kg.store import publish
from kg.store.export import export

SHEET = "004_05d95eeefa1e2818.facts.yaml"
ROOT = Path(__file__).resolve().parent.parent


def _state(out: Path) -> dict:
    """What a reader sees: everything read through one resolution of `current`."""
    folder = publish.current(out)
    assert folder is not None, f"no build published in {out}"
    return {"nq": export("nq", out), "summary": (folder / "summary.json").read_bytes(),
            "trig": (folder / "kg.trig").read_bytes() if (folder / "kg.trig").exists() else None}


def _edit(raw: Path) -> None:
    sheet = raw / SHEET
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("quantity: 4", "quantity: 4\n    value: undisclosed"),
                     encoding="utf-8")


def _build_killed_at(raw: Path, out: Path, point: str) -> subprocess.CompletedProcess:
    """Run `kg.build(raw, out, files=True)` in a process that ends (as kill -9 would: no cleanup)
    at the first step whose name starts with ``point``."""
    script = (
        "import os, sys, kg\n"
        "from kg.store import publish\n"
        "point = sys.argv[3]\n"
        "def kill(name):\n"
        "    if name.startswith(point):\n"
        "        os._exit(137)\n"
        "publish.kill_point = kill\n"
        "kg.build(sys.argv[1], sys.argv[2], files=True)\n"
    )
    return subprocess.run([sys.executable, "-c", script, str(raw), str(out), point], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def two_builds(raw_copy, tmp_path):
    """A build folder with two builds published (the second with a page), the raw folder edited
    since, and what the old and the new build look like to a reader."""
    from kg.render.page import write_page

    out = tmp_path / "build"
    kg.build(raw_copy, out, files=True)
    kg.build(raw_copy, out, files=True, full=True)
    write_page(out)
    old = _state(out)
    _edit(raw_copy)
    new = _state(kg.build(raw_copy, tmp_path / "expected", files=True, full=True).out)
    assert old["nq"] != new["nq"]
    return raw_copy, out, old, new


def _recovers(raw: Path, out: Path, new: dict) -> None:
    """The next build finishes the job and leaves only the current build and the one before."""
    result = kg.build(raw, out, files=True)
    assert _state(out) == new
    assert result.folder == publish.current(out)
    gens = sorted(p.name for p in out.glob(".gen-*"))
    assert len(gens) == 2 and result.folder.name in gens
    assert not list(out.glob(".*.tmp"))
    assert (out / "kg.ttl").read_bytes() == (result.folder / "kg.ttl").read_bytes()
    assert not (out / "graph.html").exists()  # the page of an older build is not shown as this one's


FAST_POINTS = ["documents-loaded", "before-rename", "after-switch"]
SLOW_POINTS = ["store-ready", "checked", "written", "before-switch", "unlink:graph.html", "before-clean", "remove:"]


def _kill_and_check(two_builds, point):
    raw, out, old, new = two_builds
    done = _build_killed_at(raw, out, point)
    assert done.returncode == 137, done.stderr  # the kill point was reached
    seen = _state(out)
    assert seen in (old, new), f"a mix of builds after a kill at {point}"
    switched = point in ("after-switch", "unlink:graph.html", "before-clean", "remove:")
    assert seen == (new if switched else old)
    _recovers(raw, out, new)


@pytest.mark.parametrize("point", FAST_POINTS)
def test_a_build_killed_at_a_step_leaves_the_old_or_the_new_build_whole(two_builds, point):
    _kill_and_check(two_builds, point)


@pytest.mark.slow
@pytest.mark.parametrize("point", SLOW_POINTS)
def test_every_other_kill_point_too(two_builds, point):
    _kill_and_check(two_builds, point)


def test_a_failed_step_in_process_cleans_up_and_changes_nothing(two_builds):
    raw, out, old, _ = two_builds

    class Boom(Exception):
        pass

    def boom(name):
        if name == "before-rename":
            raise Boom(name)

    publish.kill_point = boom
    try:
        with pytest.raises(Boom):
            kg.build(raw, out, files=True)
    finally:
        publish.kill_point = None
    assert _state(out) == old
    assert len(list(out.glob(".gen-*"))) == 2 and not list(out.glob(".*.tmp"))


def test_dead_temporary_folders_are_removed_by_the_next_build(raw_copy, tmp_path):
    out = tmp_path / "build"
    kg.build(raw_copy, out)
    dead = [out / ".gen-20200101T000000-dead", tmp_path / ".build-store-abc", tmp_path / ".build-files-abc",
            out / ".store-old-123"]
    for folder in dead:
        (folder / "x").mkdir(parents=True)
    (out / ".current-99.tmp").symlink_to(".gen-20200101T000000-dead")
    kg.build(raw_copy, out)
    assert not any(p.exists() for p in dead) and not (out / ".current-99.tmp").is_symlink()


def test_a_missing_or_corrupted_store_means_a_full_rebuild_with_a_message(raw_copy, tmp_path):
    from .conftest import invoke

    out = tmp_path / "build"
    kg.build(raw_copy, out)
    expected = export("nq", out)
    folder = publish.current(out)
    for f in (folder / "store").iterdir():  # RocksDB's own files, garbled
        if f.name.startswith(("MANIFEST", "CURRENT")):
            f.write_bytes(b"\0garbage\0" * 10)
    result = invoke("build", "--raw", raw_copy, "--out", out)
    assert result.exit_code == 0, result.output
    assert "previous store cannot be read" in result.stderr and "building in full" in result.stderr
    assert "(2 of 2 document(s) read)" in result.output
    assert export("nq", out) == expected
    import shutil

    shutil.rmtree(publish.current(out) / "store")
    result = kg.build(raw_copy, out)
    assert any("store is missing" in n for n in result.notes) and len(result.rebuilt) == 2
    assert export("nq", out) == expected


def test_a_build_folder_of_the_old_layout_is_taken_over(raw_copy, tmp_path):
    import shutil

    kg.build(raw_copy, tmp_path / "new", files=True)
    legacy = tmp_path / "legacy"
    shutil.copytree(publish.current(tmp_path / "new"), legacy)  # store/, kg.ttl... as plain files
    assert publish.current(legacy) == legacy
    expected = export("nq", legacy)
    result = kg.build(raw_copy, legacy, files=True)
    assert result.rebuilt == []  # incremental from the old layout's store
    assert (legacy / "current").is_symlink() and (legacy / "store").is_symlink()
    assert export("nq", legacy) == expected and (legacy / "kg.ttl").is_file()


def test_two_builds_into_one_folder_take_turns(raw_copy, tmp_path):
    out = tmp_path / "build"
    kg.build(raw_copy, out)
    with publish.BuildLock(out):
        with pytest.raises(kg.KGError, match="another `kg build`"):
            kg.build(raw_copy, out)


@pytest.mark.slow
def test_kill_9_at_random_moments_of_a_larger_build(tmp_path):
    """Real SIGKILLs at spread-out moments of an incremental build of a few thousand facts."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import generate

    raw = tmp_path / "raw"
    generate(raw, facts=1200)
    out = tmp_path / "build"
    kg.build(raw, out)
    old = export("nq", out)
    sheet = sorted(raw.glob("*.facts.yaml"))[0]
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("facts:\n", "facts:\n", 1) + "\n", encoding="utf-8")
    for delay in (0.3, 0.8, 1.3, 1.8, 2.5):
        proc = subprocess.Popen([sys.executable, "-c", "import sys, kg; kg.build(sys.argv[1], sys.argv[2], full=True)",
                                 str(raw), str(out)], cwd=ROOT)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert export("nq", out) == old  # the same graph, whichever build a reader got
        summary = json.loads((publish.current(out) / "summary.json").read_text())
        assert summary["triples"] > 0
    result = kg.build(raw, out)
    assert export("nq", out) == old
    assert len(list(out.glob(".gen-*"))) <= 2 and result.folder == publish.current(out)
