"""The whole of `kg build` as one call, for the command and for notebooks alike.

kg.builder builds the store; drawing the page belongs to kg.render, a layer
above it. `kg.build()` (this module's `build`) does both, as `kg build` does, so
a notebook user asking for the page gets the same page the command draws.
"""

from __future__ import annotations

from pathlib import Path

from .builder.build import BuildResult
from .builder.build import build as build_store


def build(raw: str | Path = "raw", out: str | Path = "build", *, full: bool = False, files: bool = False,
          page: bool = False) -> BuildResult:
    """Build the graph from ``raw`` into ``out`` (see kg.builder.build.build); with ``page``, also
    draw ``out/graph.html`` for this build (result.page is its path)."""
    result = build_store(raw, out, full=full, files=files)
    if page:
        from .render.page import write_page

        write_page(out, raw=raw)
        result.page = Path(out) / "graph.html"
    return result


def build_report(result: BuildResult, raw: str | Path, out: str | Path) -> list[str]:
    """What `kg build` prints about a build, line by line."""
    what = (f"{len(result.rebuilt)} of {result.documents} document(s) read" if result.rebuilt or result.documents
            else "nothing to read")
    lines = [f"built {out}/ from {raw}/ ({what})", f"  documents  {result.documents}",
             f"  entities   {result.entities}", f"  facts      {result.facts}"]
    lines += [f"    {name:<22} {count}" for name, count in sorted(result.facts_by_type.items())]
    n = len(result.conflicts)
    lines += [f"  triples    {result.triples}",
              f"  conflicts  {n}" + (f" (claims that contradict each other: kg check --build {out})" if n else "")]
    lines += [f"  file       {path}" for path in result.files]
    page = Path(out) / "graph.html"
    lines.append(f"  page       {page} (open it in a browser; it needs no network)" if result.page is not None else
                 f"  page       not redrawn: `kg viz --build {out}` draws {page} for this build (or `kg build --page`)")
    return lines
