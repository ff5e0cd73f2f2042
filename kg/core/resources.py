"""Where the files that ship with kg are: the ontology, the named queries and the page's assets.

Installed (pip install .), the ontology is package data at kg/ontology/; in a
source checkout it is the top-level ontology/ folder beside kg/. The named
queries (kg/queries/) and the page's scripts and styles (kg/static/) are data
folders of the kg package itself.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent  # the kg package


def ontology_dir() -> Path:
    for candidate in (_HERE / "ontology", _HERE.parent / "ontology"):
        if (candidate / "kg.ttl").is_file():
            return candidate
    raise FileNotFoundError("kg's ontology (kg.ttl) is missing from the installation")


def ontology_file() -> Path:
    return ontology_dir() / "kg.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    return _HERE / "queries"


def static_file(name: str) -> Path:
    return _HERE / "static" / name
