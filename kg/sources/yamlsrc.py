"""YAML that remembers where each value came from, for errors a person can act on.

kg's YAML is written by people and read by a build that must not be made to
run away: aliases (``*name``) are refused, since a few lines of them expand to
gigabytes ("billion laughs"), and nothing in a fact sheet or the registry needs
them. Timestamps stay the text they were written as, so an impossible date
(``2017-02-30``) reaches kg.dates and gets its message, not a ValueError.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..core.errors import SourceError
from .rawfiles import read_source_text


class LDict(dict):
    """A mapping read from YAML, with the line of itself and of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list):
    """A sequence read from YAML, with the line of itself and of each item."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


# libyaml's parser where PyYAML was built with it (a registry of thousands of
# entities parses several times faster); the constructors below are ours either way.
_C_PARSER = hasattr(yaml, "CSafeLoader")
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader  # the interface both loaders share
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_PLAIN_TAGS: dict[str, str] = {}  # a plain scalar's implicit tag depends on its text alone: found once per text
_PLAIN_TAGS_MAX = 100_000


class _Loader(_BaseLoader):
    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_PLAIN_TAGS) >= _PLAIN_TAGS_MAX:
                    _PLAIN_TAGS.clear()
                _PLAIN_TAGS[value] = tag
            return tag
        return super().resolve(kind, value, implicit)

    def construct_object(self, node, deep=False):
        # A node met a second time is an alias of an anchor (or a recursive one): refuse it
        # before anything walks the expansion.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasRefused(ALIAS_REFUSED, line=node.start_mark.line + 1)
        return super().construct_object(node, deep=deep)


ALIAS_REFUSED = "a YAML alias (*name): kg's files do not take aliases (they can expand without bound); write the value out"


class _AliasRefused(SourceError):
    pass


def _merge(loader: _Loader, node: yaml.ScalarNode):
    raise SourceError("a YAML merge key (<<): kg's files do not take them; write the keys out",
                      line=node.start_mark.line + 1)


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    out = LDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)):
            raise SourceError(f"a key must be text, not {key!r}", line=key_node.start_mark.line + 1)
        key = str(key)
        if key in out:
            raise SourceError(f"the key {key!r} appears twice", line=key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    out = LList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:merge", _merge)


def load(path: Path) -> object:
    """Parse a YAML file of a raw/ folder (read as kg.rawfiles reads every file there); a syntax
    error becomes a SourceError with file and line."""
    text = read_source_text(path)
    try:
        return loads(text)
    except SourceError as exc:
        exc.path = str(path)
        raise


def loads(text: str) -> object:
    """Parse YAML text as kg reads it; raise SourceError with the line at fault."""
    try:
        try:
            return _from_events(text)
        except _Unusual:  # read by PyYAML's own nodes, with the checks and errors above
            return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except _AliasRefused as exc:
        raise SourceError(exc.message, line=_first_alias_line(text) or exc.line) from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts the position in bytes of UTF-8, PyYAML's own reader in characters.
        before = text.encode("utf-8")[:exc.position].decode("utf-8", "replace") if _C_PARSER else text[:exc.position]
        line = before.count("\n") + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else f"U+{ord(exc.character):04X}"
        raise SourceError(f"the character {char} is not allowed in YAML (column "
                          f"{len(before) - before.rfind(chr(10))})", line=line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "malformed YAML"
        if mark:
            reason += f" (column {mark.column + 1})"
        unclosed = _unclosed_quote(text, at)
        if unclosed is not None:
            start, end = unclosed
            raise SourceError(f"YAML syntax error: the quoted value that starts here is not closed on its line; "
                              f"it runs on to line {end}, where the parser gave up: {reason}", line=start) from None
        raise SourceError(f"YAML syntax error: {reason}", line=at) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"YAML error: {exc}") from None
    except RecursionError:
        raise SourceError("YAML nested too deeply") from None


class _Unusual(Exception):
    """The text uses what _from_events leaves to the node-based loader."""


_STR = "tag:yaml.org,2002:str"
_SCALAR_EVENT, _MAPPING_START, _SEQUENCE_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent
_CONSTRUCTOR = _Loader("")  # (for its resolver, and its constructors of plain scalars: int, float, bool)
_PLAIN_VALUES = {
    "tag:yaml.org,2002:null": lambda value: None,
    "tag:yaml.org,2002:bool": lambda value: _CONSTRUCTOR.construct_yaml_bool(yaml.ScalarNode("", value)),
    "tag:yaml.org,2002:int": lambda value: _CONSTRUCTOR.construct_yaml_int(yaml.ScalarNode("", value)),
    "tag:yaml.org,2002:float": lambda value: _CONSTRUCTOR.construct_yaml_float(yaml.ScalarNode("", value)),
    "tag:yaml.org,2002:timestamp": lambda value: value,  # (as _timestamp: the text as written)
}


def _from_events(text: str) -> object:
    """The text's value built straight from libyaml's events: what yaml.load with _Loader gives
    (LDict and LList with their lines), without making PyYAML's node for every value first, which
    cost as much as the parsing itself (a 1M-triple graph's sheets: 2.5 s against 1.3 s).

    Only plain YAML is read here: mappings and sequences without tags, scalars without tags or with
    the implicit ones (str, int, float, bool, null, timestamp), text or whole-number keys each given
    once, one document. Anything else (an alias, an explicit tag, a merge key, a repeated or complex
    key, a second document) raises _Unusual, and the node-based loader reads the text and reports it.
    """
    loader = _Loader(text)
    try:
        get = loader.get_event
        get()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return None  # (no document: as yaml.load)
        get()  # the document's
        value = _value(get(), get, 0)
        if not isinstance(get(), yaml.DocumentEndEvent) or not isinstance(get(), yaml.StreamEndEvent):
            raise _Unusual
        return value
    finally:
        loader.dispose()


MAX_NESTING = 100  # mappings and sequences inside each other; a fact sheet needs 6


def _value(event, get, depth: int):
    kind = type(event)
    if kind is _SCALAR_EVENT:
        return _scalar(event)
    if kind is not _MAPPING_START and kind is not _SEQUENCE_START or event.tag is not None:
        raise _Unusual  # an alias, or a tagged collection
    if depth >= MAX_NESTING:
        raise SourceError(f"YAML nested too deeply (more than {MAX_NESTING} levels)", line=_line(event))
    if kind is _MAPPING_START:
        out = LDict()
        out.line = _line(event)
        lines = out.key_lines = {}
        while True:
            key_event = get()
            if type(key_event) is _MAPPING_END:
                return out
            if type(key_event) is not _SCALAR_EVENT:
                raise _Unusual
            key = _scalar(key_event)
            if not isinstance(key, (str, int)):
                raise _Unusual
            key = str(key)
            if key in out:
                raise _Unusual
            out[key] = _value(get(), get, depth + 1)
            lines[key] = _line(key_event)
    if kind is _SEQUENCE_START:
        items = LList()
        items.line = _line(event)
        item_lines = items.item_lines = []
        while True:
            item = get()
            if type(item) is _SEQUENCE_END:
                return items
            item_lines.append(_line(item))
            items.append(_value(item, get, depth + 1))


def _line(event) -> int:
    return event.start_mark.line + 1  # (libyaml marks every event)


def _scalar(event) -> object:
    if event.tag is not None:
        raise _Unusual
    value = event.value
    if not event.implicit[0]:  # quoted: text
        return value
    tag = _PLAIN_TAGS.get(value)
    if tag is None:
        tag = _CONSTRUCTOR.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    make = _PLAIN_VALUES.get(tag)
    if make is None:  # a merge key, or a tag kg has no use for
        raise _Unusual
    return make(value)


def _first_alias_line(text: str) -> int | None:
    """The line of the first alias, found by the parser's events (no node is built)."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                return event.start_mark.line + 1
    except yaml.YAMLError:
        pass
    return None


_KEY_LINE = re.compile(r"\n[ \t]*(?:-[ \t]+)?[\w-]+:(?:[ \t]|$)", re.MULTILINE)


def _unclosed_quote(text: str, error_line: int | None) -> tuple[int, int] | None:
    """(first line, last line) of the quoted value a syntax error most likely comes from.

    A quote left open swallows the lines after it until the next quote
    character, and the parser fails only there. When the last quoted value
    before the error spans lines and swallowed something that reads like a
    ``key:`` line, that value is the mistake.
    """
    last = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if error_line is not None and token.start_mark.line + 1 > error_line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                last = token
    except yaml.YAMLError:
        pass
    if last is None or last.start_mark.line == last.end_mark.line:
        return None
    if not _KEY_LINE.search(text[last.start_mark.index:last.end_mark.index]):
        return None
    return last.start_mark.line + 1, last.end_mark.line + 1
