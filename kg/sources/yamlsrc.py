"""YAML that remembers where each value came from, for errors a person can act on."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..core.errors import SourceError


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
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


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


def load(path: Path) -> object:
    """Parse a YAML file; a syntax error becomes a SourceError with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=str(path)) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except SourceError as exc:
        exc.path = str(path)
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "malformed YAML"
        if mark:
            reason += f" (column {mark.column + 1})"
        raise SourceError(f"YAML syntax error: {reason}", path=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"YAML error: {exc}", path=str(path)) from None
