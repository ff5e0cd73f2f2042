"""A Source is what a command reads: the local build (Store) or a SPARQL 1.1 server
(RemoteStore). Both answer SPARQL with a QueryResult; `open_source` turns what a
person or a caller names (a build folder, a server's settings, or a Source
already open) into one, and is the only place that does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Union, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    from .remote import RemoteConfig
    from .result import QueryResult


@runtime_checkable
class Source(Protocol):
    """A graph kg can ask questions of."""

    source: str  # where it is, for messages: a build folder or a query URL

    def execute(self, sparql: str) -> QueryResult:
        """Run a query over the union of kg's graphs."""
        ...


SourceLike = Union[Source, str, Path]


def open_source(source: SourceLike = "build", *, in_memory: bool | None = None,
                remote: RemoteConfig | None = None) -> Source:
    """The Source to read: the server ``remote`` describes if given, else the build folder
    ``source`` opened as a Store (``in_memory`` as Store.open takes it), else ``source`` itself."""
    from .local import Store
    from .remote import RemoteStore

    if remote is not None:
        return RemoteStore(remote)
    if isinstance(source, (str, Path)):
        return Store.open(source, in_memory=in_memory)
    return source
