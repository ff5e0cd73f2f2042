"""The exceptions kg raises. The CLI turns each into a one-line message."""

from __future__ import annotations

from .textout import escape_controls, safe

# A message is one line a person reads: a value echoed in it (a date, a name,
# a quote from a file that may hold a megabyte of it) is cut to this many characters.
EXCERPT_CHARS = 80
MESSAGE_CHARS = 1000


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``repr(value)`` for a message, cut in the middle when long, with the full length given."""
    text = repr(value) if isinstance(value, str) else repr(str(value)) if not isinstance(value, (int, float)) else str(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(str(value))
    half = max(limit // 2 - 2, 8)
    return f"{text[:half]}…{text[-half:]} ({size:,} characters)"


class KGError(Exception):
    """Base class of every error kg reports to a person."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        """One line: ``path:line: message``, with control characters escaped (a file name or a
        value may hold a line break or a terminal escape) and a runaway message cut."""
        where = ""
        if self.path:
            path = escape_controls(self.path)
            where = f"{path}:{self.line}: " if self.line else f"{path}: "
        text = where + safe(self.message)
        if len(text) > MESSAGE_CHARS:
            text = text[: MESSAGE_CHARS - 30] + f"… ({len(text):,} characters)"
        return text


class DateError(KGError):
    """A date expression that cannot be read, or names an impossible date."""


class SourceError(KGError):
    """A malformed source document, fact sheet or entity registry."""


class SourceWarning(SourceError):
    """Something in the sources worth a person's attention that does not stop the build
    (two documents grading one publisher differently). Returned, not raised."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else f"{self.path}: " if self.path else ""
        return f"{where}warning: {self.message}"


class ValidationError(SourceError):
    """Facts that parse but break the ontology's shapes or the registry."""

    def __init__(self, problems: list[KGError]):
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(first.message + more, path=first.path, line=first.line)


class ConflictError(KGError):
    """A file changed under a review since it was read (two reviews saving the same sheet)."""

    exit_code = 1


class OutputError(KGError):
    """A file or folder kg must write cannot be written (no permission, a full disk)."""


class MissingInputError(KGError):
    """A file or folder the user named does not exist."""

    exit_code = 2


class NotBuiltError(KGError):
    """A command needs the output of `kg build` and there is none."""

    exit_code = 2


class QueryError(KGError):
    """A query that does not parse, or a parameter that cannot be bound."""

    exit_code = 2


class UsageError(KGError):
    """An option or argument that makes no sense."""

    exit_code = 2


class UnknownEntityError(UsageError):
    """A name given on the command line that no entity in the graph goes by."""
