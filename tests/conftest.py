"""Shared fixtures: the seed graph is built once per session, then asked questions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.store.local import Store

ROOT = Path(__file__).resolve().parent.parent
SEED_RAW = ROOT / "raw"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A build folder made from the seed raw/ folder."""
    out = tmp_path_factory.mktemp("seed") / "build"
    kg.build(SEED_RAW, out, files=True)  # with kg.ttl and kg.trig, which tests read as files
    return out


@pytest.fixture(scope="session")
def store(built) -> Store:
    return Store.open(built)


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A private copy of the seed raw/ folder, to break on purpose."""
    dest = tmp_path / "raw"
    shutil.copytree(SEED_RAW, dest)
    return dest


def invoke(*args: str):
    """Run the kg CLI in-process; return click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def assert_isomorphic(expected, actual) -> None:
    """Fail with the triples found on only one side, not with two unreadable dumps."""
    from rdflib.compare import graph_diff, to_isomorphic

    iso_a, iso_b = to_isomorphic(expected), to_isomorphic(actual)
    if iso_a == iso_b:
        return
    _, only_a, only_b = graph_diff(iso_a, iso_b)
    lines = [f"- {t}" for t in sorted(only_a)][:20] + [f"+ {t}" for t in sorted(only_b)][:20]
    raise AssertionError(
        f"graphs differ: {len(only_a)} triple(s) only expected, {len(only_b)} only actual\n" + "\n".join(lines))


@pytest.fixture(scope="session")
def hostile_built(tmp_path_factory) -> Path:
    """A build folder from a tiny raw/ whose names, quotes and title are HTML and script (tests/hostile.py)."""
    from .hostile import write_hostile_raw

    root = tmp_path_factory.mktemp("hostile")
    out = root / "build"
    kg.build(write_hostile_raw(root / "raw"), out)
    return out


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (see tests/browser.py); fails when either is missing."""
    from .browser import launch

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install playwright (its browsers are not needed)")
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def edited_built(tmp_path_factory) -> Path:
    """A build of the seed raw/ with one document edited and one added (tests/edits.py)."""
    from .edits import write_edited_raw

    root = tmp_path_factory.mktemp("edited")
    out = root / "build"
    kg.build(write_edited_raw(SEED_RAW, root / "raw"), out)
    return out
