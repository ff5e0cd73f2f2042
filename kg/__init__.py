"""kg: a knowledge graph of bilateral defence and diplomatic ties between states."""

__version__ = "0.1.0"

from .build import BuildResult, build  # noqa: E402  (build reads __version__)
from .errors import KGError  # noqa: E402

__all__ = ["BuildResult", "KGError", "build", "__version__"]
