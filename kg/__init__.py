"""kg: a knowledge graph of bilateral defence and diplomatic ties between states.

The API every command stands on:

    import kg
    kg.build("raw", "build")                                  # check and build the graph
    kg.query("dyad", "build", {"a": "Pakistan", "b": "Russia"}).dicts()
    kg.export("ttl", "build", "kg.ttl")                        # hand it on
"""

__version__ = "0.1.0"

# Submodules query and export are shadowed on purpose by the functions of the same name,
# which is what a user of the package calls; `from kg.query import ...` still works.
from .build import BuildResult, build  # noqa: E402  (build reads __version__)
from .errors import KGError  # noqa: E402
from .export import export  # noqa: E402
from .query import run as query  # noqa: E402

__all__ = ["BuildResult", "KGError", "build", "export", "query", "__version__"]
