"""The package's shape: every module imports on its own, and no module imports one above its layer.

The layers are read from docs/architecture.md, where they are listed once.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "kg"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = sorted(_module_name(p) for p in PACKAGE.rglob("*.py"))


def layers() -> list[list[str]]:
    """[[module or package names], ...] from the numbered list between the layer markers, bottom first."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("<!-- layers:start -->")[1].split("<!-- layers:end -->")[0]
    out: list[list[str]] = []
    for item in re.split(r"\n(?=\d+\. )", block.strip()):
        head = item.split(":", 1)[0]
        out.append(re.findall(r"`(kg(?:\.\w+)*)`", head))
    return out


def layer_of(module: str, table: list[list[str]]) -> int:
    """The layer of the longest listed name that is module or one of its parents."""
    best, found = -1, None
    for index, names in enumerate(table):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, found = len(name), index
    if found is None:
        raise AssertionError(f"{module} is in no layer of docs/architecture.md")
    return found


def imports_of(path: Path, module: str) -> set[str]:
    """Every kg module this file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kg")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kg":
                continue
            for alias in node.names:  # `from kg.core import dates` imports the module kg.core.dates
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    # kg/__init__ loads its API by name (PEP 562)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in MODULES \
                and node.value != module and path.name == "__init__.py" and module == "kg":
            found.add(node.value)
    return found


def test_the_layers_cover_every_module():
    table = layers()
    assert len(table) >= 8 and all(table)
    for module in MODULES:
        layer_of(module, table)


def test_no_module_imports_one_above_its_layer():
    table = layers()
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        mine = layer_of(module, table)
        for target in imports_of(path, module):
            if target == "kg" or target.startswith("kg.core.version"):
                continue  # the package itself; its version is at the bottom
            if layer_of(target, table) > mine:
                wrong.append(f"{module} (layer {mine + 1}) imports {target} (layer {layer_of(target, table) + 1})")
    assert not wrong, "\n".join(wrong)


def test_the_layering_check_catches_an_upward_import(tmp_path):
    table = layers()
    path = tmp_path / "fake.py"
    path.write_text("from kg.cli import main\n")
    (target,) = imports_of(path, "kg.core.fake")
    assert layer_of(target, table) > layer_of("kg.core.fake", table)


_EACH_ON_ITS_OWN = """
import importlib, sys
failed = []
for module in sys.argv[1:]:
    for name in [n for n in sys.modules if n == "kg" or n.startswith("kg.")]:
        del sys.modules[name]
    try:
        importlib.import_module(module)
    except Exception as exc:
        failed.append(f"{module}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_first_without_a_loop():
    """In one fresh interpreter, each module is imported with no kg module loaded before it."""
    done = subprocess.run([sys.executable, "-c", _EACH_ON_ITS_OWN, *MODULES], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(4))
def test_every_module_imports_on_its_own_in_a_fresh_interpreter(chunk):
    """One interpreter per module, nothing shared at all."""
    failed = []
    for module in MODULES[chunk::4]:
        done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            failed.append(f"{module}: {done.stderr.strip().splitlines()[-1]}")
    assert not failed, "\n".join(failed)
