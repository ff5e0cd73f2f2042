"""The one SPARQL lexer kg has: what to skip (strings, IRIs, escapes, comments), where a
keyword or a $parameter really is, and error positions as "line L, column C".

`kg query` uses it for $parameters and error positions, kg serve for the keywords it
refuses (SERVICE, LOAD, RAND...) and for FROM; nothing else scans SPARQL text.
"""

from __future__ import annotations

import re

# Tokens that can hide a keyword, in the order a SPARQL lexer meets them: long
# and short strings, IRIs, an escaped character in a prefixed name (ex:a\#b,
# where # does not start a comment) and comments. Oxigraph reads \u escapes
# only inside strings and IRIs, never in keywords (checked), so a keyword
# cannot be spelled with escapes; a comment ends at either line break, and so
# does a short string.
SKIP = (r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
        r'|"(?:[^"\\\r\n]|\\.)*"' r"|'(?:[^'\\\r\n]|\\.)*'"
        r'|<[^<>"{}|^`\\\s]*>' r'|\\.' r'|\#[^\r\n]*')
# A keyword is a whole word: not part of a name, a variable, a prefixed name or a language tag.
WORD = r"(?<![\w:?$@])({})(?![\w:])"

_PARAM = re.compile(rf"(?P<skip>{SKIP})|\$(?P<param>[A-Za-z_]\w*)", re.DOTALL)
_ERROR_AT = re.compile(r"error at (\d+):(\d+)(: )?")


def keywords(*words: str, then: str = "") -> re.Pattern:
    """A pattern finding any of ``words`` as keywords (group 2), or a token to skip (group "skip")."""
    return re.compile(rf"(?P<skip>{SKIP})|{WORD.format('|'.join(words))}{then}", re.IGNORECASE | re.DOTALL)


def first_keyword(pattern: re.Pattern, text: str) -> re.Match | None:
    """The first match of a `keywords` pattern that is a keyword, not a skipped token."""
    for m in pattern.finditer(text):
        if m.group("skip") is None:
            return m
    return None


def masked(text: str) -> str:
    """``text`` with its strings, IRIs, escapes and comments blanked out (offsets kept), so that a
    pattern matched on it only meets the operation's own keywords, variables and braces."""
    return re.sub(SKIP, lambda m: " " * len(m.group(0)), text, flags=re.DOTALL)


def parameters(text: str) -> set[str]:
    """The names of the ``$name`` parameters outside strings, IRIs and comments."""
    return {m.group("param") for m in _PARAM.finditer(text) if m.group("param")}


def substitute(text: str, terms: dict[str, str]) -> str:
    """``text`` with each ``$name`` outside strings, IRIs and comments replaced by ``terms[name]``."""
    def repl(m: re.Match) -> str:
        name = m.group("param")
        return m.group(0) if name is None else terms.get(name, m.group(0))
    return _PARAM.sub(repl, text)


def where(text: str, offset: int) -> str:
    """"line L, column C" of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def explain_error(message: str, lines_added: int = 0) -> str:
    """Oxigraph's "error at L:C: ..." as "line L, column C: ...", counting lines from the
    text the person wrote (``lines_added`` lines were put in front of it, such as PREFIXes)."""
    def repl(m: re.Match) -> str:
        return f"line {int(m.group(1)) - lines_added}, column {m.group(2)}" + (m.group(3) or "")
    return _ERROR_AT.sub(repl, message, count=1)
