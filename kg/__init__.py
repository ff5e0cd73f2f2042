"""kg: a knowledge graph of bilateral defence and diplomatic ties between states."""

from .build import BuildResult, build, compile_sources
from .errors import KGError

__version__ = "0.1.0"
__all__ = ["BuildResult", "KGError", "build", "compile_sources", "__version__"]
