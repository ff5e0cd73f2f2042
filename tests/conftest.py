"""Shared fixtures: the seed graph is built once per session, then asked questions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED_RAW = ROOT / "raw"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A build folder made from the seed raw/ folder."""
    out = tmp_path_factory.mktemp("seed") / "build"
    kg.build(SEED_RAW, out)
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
