"""kg: a knowledge graph of bilateral defence and diplomatic ties between states.

The API every command stands on:

    import kg
    kg.build("raw", "build")                                  # check and build the graph
    kg.query("dyad", "build", {"a": "Pakistan", "b": "Russia"}).dicts()
    kg.export("ttl", "build", "kg.ttl")                        # hand it on
    kg.brief("Pakistan", "Russia", "build").save("brief.html")  # the analyst's page
    kg.diff("old-build", "build").summary()                    # what changed between builds
    kg.check("build")                                          # claims that contradict each other

The functions are looked up lazily (PEP 562), so `import kg` and `kg --help` stay
cheap; no submodule shares a name with them. The packages below are layered, each
importing only those beneath it: see docs/architecture.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .core.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .api import build
    from .builder.build import BuildResult
    from .builder.conflicts import check
    from .core.errors import KGError
    from .sparql.named import run as query
    from .render.brief import brief
    from .store.export import export
    from .views.changes import diff

_API = {
    "build": ("kg.api", "build"),
    "BuildResult": ("kg.builder.build", "BuildResult"),
    "check": ("kg.builder.conflicts", "check"),
    "KGError": ("kg.core.errors", "KGError"),
    "export": ("kg.store.export", "export"),
    "query": ("kg.sparql.named", "run"),
    "brief": ("kg.render.brief", "brief"),
    "diff": ("kg.views.changes", "diff"),
}

__all__ = ["BuildResult", "KGError", "brief", "build", "check", "diff", "export", "query", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        module, attr = _API[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
