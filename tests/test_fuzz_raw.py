"""The fuzz suite of broken raw/ folders (issue 14, "What to build" 9).

Every operator of tests/fuzzraw.py (syntax, types, dates, encodings, names, YAML
anchors, special files), each with its own seed, breaks a copy of the seed raw/
folder; `kg build` over it must exit non-zero without a traceback, name the
broken file and the reason on one line, and leave the previous build byte for
byte as it was. This runs in CI in well under a minute. The larger run, several
breaks at once over many seeds, is marked slow: ``pytest -m slow tests/test_fuzz_raw.py``
(KG_FUZZ_CASES sets how many, default 300).
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

import kg

from .conftest import SEED_RAW, invoke
from .fuzzraw import OPERATORS, break_folder, usable_operators

SEED = 14


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fuzz") / "build"
    kg.build(SEED_RAW, out)
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every file of a build folder (through its links), and where each link points."""
    files: dict[str, bytes] = {}
    for path in sorted(out.rglob("*")):
        rel = str(path.relative_to(out))
        if path.is_symlink():
            files[rel + " ->"] = os.readlink(path).encode()
        elif path.is_file():
            files[rel] = path.read_bytes()
    return files


class _Hung(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Hung("kg build did not return within 60 s")


def _run_case(tmp_path: Path, good_build: Path, seed: int, operators: list[str] | None, count: int):
    raw, out = tmp_path / "raw", tmp_path / "build"
    shutil.copytree(SEED_RAW, raw)
    shutil.copytree(good_build, out, symlinks=True)
    breaks = break_folder(raw, seed, operators, count)
    if not breaks:  # every chosen break found its target taken by another: nothing to check
        return breaks
    before = _snapshot(out)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)  # a FIFO read would hang: fail instead
    try:
        result = invoke("build", "--raw", raw, "--out", out)  # an exception here is a traceback: the test fails
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        for path in raw.iterdir():  # let the temporary folder go, whatever was done to it
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    described = "; ".join(f"{b.operator} on {b.target!r}" for b in breaks)
    assert result.exit_code not in (0, None), f"seed {seed} ({described}) built:\n{result.output}"
    assert "Traceback" not in result.output, described
    errors = [line for line in result.stderr.splitlines() if not line.endswith("nothing was written")
              and ": warning: " not in line]
    assert errors and all(line.startswith("kg: error: ") for line in errors), f"{described}:\n{result.stderr}"
    assert any(b.found_in(result.stderr) for b in breaks), \
        f"seed {seed} ({described}): no line names the file and the reason:\n{result.stderr}"
    assert _snapshot(out) == before, f"seed {seed} ({described}) changed the previous build"
    return breaks


@pytest.mark.parametrize("operator", sorted(usable_operators()))
def test_every_kind_of_break_is_one_line_and_keeps_the_build(tmp_path, good_build, operator):
    index = sorted(OPERATORS).index(operator)
    _run_case(tmp_path, good_build, SEED * 1000 + index, [operator], 1)


def test_the_suite_covers_every_category():
    categories = {category for category, _fn in OPERATORS.values()}
    assert categories == {"syntax", "types", "dates", "encodings", "names", "anchors", "special files"}


@pytest.mark.slow
def test_many_breaks_at_once_over_many_seeds(tmp_path_factory, good_build):
    cases = int(os.environ.get("KG_FUZZ_CASES", "300"))
    seen: set[str] = set()
    for seed in range(cases):
        tmp = tmp_path_factory.mktemp(f"fuzz{seed}")
        breaks = _run_case(tmp, good_build, seed, None, 1 + seed % 3)
        seen.update(b.operator for b in breaks)
        shutil.rmtree(tmp, ignore_errors=True)
    assert seen == set(usable_operators()) or cases < 100
