"""The one SPARQL lexer kg has: what to skip (strings, IRIs, escapes, comments), where a
keyword or a $parameter really is, and error positions as "line L, column C".

`kg query` uses it for $parameters, error positions and whether a query names graphs
(which decides the store it runs on: kg.store.local), kg serve for the keywords it
refuses (SERVICE, LOAD, RAND...) and for FROM; nothing else scans SPARQL text.
"""

from __future__ import annotations

import re

from ..core.errors import QueryError

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
    return _ERROR_AT.sub(repl, summarize_expected(message), count=1)


# ------------------------------------------------------------------ what kg refuses before the engine sees it

# Oxigraph's parser recurses once per level of nesting: about 2,500 nested braces
# overflow the stack of the main thread (a segfault, exit 139), and a thread with a
# smaller stack fails sooner. kg's own queries nest 6 deep; no hand-written one
# needs more than a few dozen.
MAX_NESTING = 128

_OPEN, _CLOSE = "{([", "})]"
_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# PREFIX and BASE declarations once their IRIs are masked (blanked out).
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*)*", re.IGNORECASE)
_SERVICE = keywords("SERVICE")
_GRAPHS = keywords("GRAPH", "FROM")  # FROM also begins FROM NAMED
_DATASET = keywords("FROM")


def nesting_depth(text: str, limit: int | None = None) -> tuple[int, int]:
    """The deepest nesting of braces, parentheses and brackets outside strings, IRIs and
    comments, and the offset where it is reached (with ``limit``: where it first goes past it)."""
    depth = deepest = at = 0
    for offset, char in enumerate(masked(text)):
        if char in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if limit is None or deepest == limit + 1:
                    at = offset
        elif char in _CLOSE and depth:
            depth -= 1
    return deepest, at


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Raise QueryError if ``text`` nests deeper than ``limit``: the engine's parser would
    exhaust its stack (kg serve calls this too, before a worker sees the query)."""
    depth, at = nesting_depth(text, limit)
    if depth > limit:
        raise QueryError(f"{where(text, at)}: the query nests {depth} levels deep; kg takes at most {limit} "
                         "(braces, parentheses and brackets together)")


def refuse_service(text: str) -> None:
    """Raise QueryError if the query has SERVICE outside strings, IRIs and comments: it would
    send a request to the URL it names."""
    m = first_keyword(_SERVICE, text)
    if m is not None:
        raise QueryError(f"{where(text, m.start(2))}: SERVICE is refused: it sends the query to another "
                         "endpoint over the network (allow it with --allow-service, or allow_service=True)")


def names_graphs(text: str) -> bool:
    """Whether the query names graphs: GRAPH (anywhere, a subquery too), FROM or FROM NAMED,
    outside strings, IRIs and comments. One that does not asks only the default graph."""
    return first_keyword(_GRAPHS, text) is not None


def declares_dataset(text: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED), outside strings, IRIs and comments."""
    return first_keyword(_DATASET, text) is not None


def refuse_update(text: str) -> None:
    """Raise QueryError if the text is a SPARQL Update (INSERT, LOAD, DROP...), not a query."""
    body = masked(text)
    prologue = _PROLOGUE.match(body)
    start = prologue.end() if prologue is not None else 0
    m = _FIRST_WORD.match(body, start)
    if m is not None and m.group(0).upper() in _UPDATE_WORDS:
        raise QueryError(f"{where(text, m.start())}: kg query is read-only: {m.group(0).upper()} is an update "
                         "(change the graph through raw/ and kg build)")


# ------------------------------------------------------------------ syntax errors in a few words

_EXPECTED = re.compile(r"expected one of (.*)$", re.DOTALL)
_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:[^\]\\]|\\.)*\]|[\w-]+')
_CLASSES = (  # (name, test on one token of Oxigraph's list), in the order they are named
    ("a variable", lambda t: t in ('"?"', '"$"')),
    ("an IRI or prefixed name", lambda t: t in ('"<"', '":"') or t.startswith("['A'")),
    ("a literal", lambda t: t in ('"\\""', '"\'"', '"\'\'\'"', '"\\"\\"\\""', '"true"', '"false"', '"+"', '"-"')
     or t.startswith("['0'")),
    ("a keyword or function", lambda t: re.fullmatch(r"[A-Za-z_]+", t) is not None and t != "_"),
)
MAX_EXPECTED = 6


def summarize_expected(message: str) -> str:
    """Oxigraph's "expected one of ..." (hundreds of characters of tokens and Unicode ranges)
    as the classes of token it expects, in a few words, on one line."""
    if message.rstrip().endswith("expected CONSTRUCT"):  # the parser's last try at a query's first word
        return message.rstrip()[: -len("CONSTRUCT")] + "a query: SELECT, CONSTRUCT, ASK or DESCRIBE"
    m = _EXPECTED.search(message)
    if m is None:
        return " ".join(message.split())
    items = [t for t in _ITEM.findall(m.group(1)) if t != "[_]"]
    if len(items) <= MAX_EXPECTED and "\n" not in m.group(1):
        return " ".join(message.split())
    named: list[str] = []
    keywords_seen: list[str] = []
    others: list[str] = []
    for token in items:
        for name, test in _CLASSES:
            if test(token):
                if name == "a keyword or function":
                    keywords_seen.append(token)
                if name not in named:
                    named.append(name)
                break
        else:
            if token.startswith('"') and len(others) < 4:
                others.append(token.strip('"').replace('\\"', '"'))
    words = [f"{n} (such as {', '.join(keywords_seen[:3])})" if n == "a keyword or function" else n for n in named]
    if others:
        words.append("or one of " + " ".join(others))
    return message[: m.start()] + "expected " + (", ".join(words) if words else "something else here")
