"""The CLI's help, and the installed package's data files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from kg.cli import main

from .conftest import ROOT, invoke


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert command.help and len(command.help) > 40, name


def test_version():
    assert invoke("--version").output.startswith("kg, version ")


@pytest.mark.slow
def test_a_plain_wheel_ships_the_ontology_and_named_queries(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "build", ".pkgbuild", "*.egg-info",
                                                               "test-artifacts", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kg/ontology/kg.ttl", "kg/ontology/shapes.ttl", "kg/queries/dyad.rq", "kg/cli.py",
            "kg/static/viz.js", "kg/static/viz.css", "kg/extract/pipeline.py"} <= names
    assert not any(n.startswith(("raw/", "tests/")) for n in names)
