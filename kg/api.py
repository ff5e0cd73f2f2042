"""The whole of `kg build` as one call, for the command and for notebooks alike.

kg.builder builds the store; drawing the page belongs to kg.render, a layer
above it. `kg.build()` (this module's `build`) does both, as `kg build` does, so
a notebook user asking for the page gets the same page the command draws.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .builder.build import BuildResult
from .builder.build import build as build_store
from .core.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from .views.selection import View


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


def export_graph(fmt: str, source, output: str | Path | None = None, *, view: View | None = None, events: bool = True,
           with_ontology: bool = False) -> list[Path]:
    """The whole of `kg export`: the graph as RDF (kg.store.export) or the ties in ``view`` as a network
    (kg.views.network: graphml, gexf, csv) to ``output``, standard output when None. A view narrows
    networks only; RDF always carries the whole graph. Returns the files written."""
    from .store.export import export_rdf
    from .views.network import NETWORK_FORMATS, export_network

    if fmt in NETWORK_FORMATS:
        return export_network(fmt, source, output, view, events=events)
    if view is not None and (view.focus or view.dyad or view.since or view.until or view.types):
        raise UsageError("--focus, --dyad, --since, --until and --types apply to graphml, gexf and csv")
    return export_rdf(fmt, source, output, with_ontology=with_ontology)
