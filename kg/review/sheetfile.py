"""Fact sheets as text a person wrote: split into one block per fact, and written back.

A reviewed sheet is saved so that a diff reads well: the lines before
``facts:`` (the header comments) and every fact the review did not change are
written back byte for byte, comments included; only a changed or new fact is
written afresh, in the hand-written form of the sheets in raw/ (keys in the
order type, id, roles and fields, related, planned, date, note, quote; short
names plain, lists of names in brackets, quotes in double quotes). A changed
fact keeps the order of the keys it had. Comments inside a changed fact are
lost; the comment lines above a fact belong to it and stay.

PyYAML keeps no comments, and a round-trip YAML library (ruamel.yaml) would
keep them inside changed facts too, at the cost of a dependency and of
rewriting quoting and spacing the hand-written sheets chose; slicing the text
keeps every unchanged byte without it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import yaml

from ..core.errors import SourceError
from ..sources.schema import FactType
from ..sources import yamlsrc

# Keys every fact type has, and where they go in a sheet written afresh.
FIRST_KEYS = ("type", "id")
LAST_KEYS = ("related", "planned", "date", "note", "quote")


@dataclass
class Block:
    """One fact of a sheet: its data, and the exact text it came from (empty for a new fact)."""

    data: dict
    lead: str = ""  # comment and blank lines above the fact, kept whatever happens to it
    text: str = ""  # the fact's own lines, as read
    line: int = 0  # line of the fact's "- " in the file it came from


@dataclass
class SheetText:
    """A sheet cut into its header (everything up to and including ``facts:``), its facts and its tail."""

    head: str
    blocks: list[Block] = field(default_factory=list)
    tail: str = ""  # comment lines after the last fact's content

    def render(self, datas: list[tuple[Block, bool]] | None = None) -> str:
        """The sheet's text; each (block, changed) pair is written verbatim unless changed."""
        parts = [self.head]
        for block, changed in (datas if datas is not None else [(b, False) for b in self.blocks]):
            parts.append(block.lead)
            parts.append(render_fact(block.data) if changed or not block.text else block.text)
        parts.append(self.tail)
        return "".join(parts)


def _plain(data) -> object:
    """LDict/LList (with their line numbers) as plain dicts and lists."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _as_dict(item) -> dict:
    """A fact's data as a plain dict (a fact that is not a mapping stays visible, as its text)."""
    plain = _plain(item)
    return plain if isinstance(plain, dict) else {"type": None, "value": plain}


_FACTS_LINE = re.compile(r"^facts:[ \t]*(#.*)?$")


def split_sheet(text: str, path: str = "") -> SheetText:
    """Cut a sheet's text into header, fact blocks and tail; raise SourceError when it is not a sheet.

    A sheet whose ``facts:`` list is not written one ``- `` item per fact (a flow
    list, say) is still read, and will be written afresh when saved.
    """
    try:
        data = yaml.load(text, Loader=yamlsrc._Loader)  # noqa: S506 - a SafeLoader subclass
    except SourceError as exc:
        exc.path = path
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(f"YAML syntax error: {getattr(exc, 'problem', None) or exc}", path=path,
                          line=mark.line + 1 if mark else None) from None
    if data is None:
        return SheetText("facts:\n")
    if not isinstance(data, yamlsrc.LDict) or "facts" not in data:
        raise SourceError("a fact sheet is a mapping with a 'facts:' list", path=path, line=1)
    items = data["facts"] or []
    if not isinstance(items, list):
        raise SourceError("'facts:' must be a list", path=path, line=data.line_of("facts"))
    lines = text.splitlines(keepends=True)
    facts_at = data.line_of("facts") - 1
    starts = items.item_lines if isinstance(items, yamlsrc.LList) else []
    block_style = (
        len(data) == 1 and _FACTS_LINE.match(lines[facts_at].rstrip("\r\n"))
        and all(re.match(r"^\s*- ", lines[s - 1]) for s in starts)
        and starts == sorted(set(starts)) and all(s - 1 > facts_at for s in starts))
    if not block_style:
        head = "".join(lines[:facts_at]) if len(data) == 1 else ""
        return SheetText(_comment_lines(head) + "facts:\n",
                         [Block(_as_dict(item), line=items.line_of(i) if isinstance(items, yamlsrc.LList) else 0)
                          for i, item in enumerate(items)])
    head = "".join(lines[:facts_at + 1])
    if not head.endswith("\n"):
        head += "\n"
    sheet = SheetText(head)
    bounds = [s - 1 for s in starts] + [len(lines)]
    cursor = facts_at + 1
    for i, item in enumerate(items):
        begin, end = bounds[i], bounds[i + 1]
        # The fact's content ends at its last line that is neither blank nor a comment at or
        # left of the item's indent (those belong to the next fact, or to the tail).
        indent = len(lines[begin]) - len(lines[begin].lstrip())
        last = begin
        for j in range(begin + 1, end):
            stripped = lines[j].strip()
            if not stripped:
                continue
            if stripped.startswith("#") and len(lines[j]) - len(lines[j].lstrip()) <= indent:
                continue
            last = j
        sheet.blocks.append(Block(_as_dict(item), "".join(lines[cursor:begin]), "".join(lines[begin:last + 1]),
                                  begin + 1))
        cursor = last + 1
    sheet.tail = "".join(lines[cursor:])
    if sheet.blocks and not sheet.blocks[-1].text.endswith("\n"):
        sheet.blocks[-1].text += "\n"  # a file without a final newline gets one
        sheet.tail = sheet.tail
    return sheet


def _comment_lines(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if line.lstrip().startswith("#"))


# ---------------------------------------------------------------- writing one fact

def key_order(data: dict, ftype: FactType | None, previous: list[str] | None = None) -> list[str]:
    """The order the keys of ``data`` are written in: the fact's own order where it had one,
    new keys at their place in the hand-written order."""
    fields = [k for k in (ftype.fields if ftype else {}) if k not in FIRST_KEYS + LAST_KEYS]
    canonical = list(FIRST_KEYS) + fields + list(LAST_KEYS)
    rank = {k: i for i, k in enumerate(canonical)}
    keys = [k for k in (previous or []) if k in data]
    for key in sorted((k for k in data if k not in keys), key=lambda k: rank.get(k, len(rank))):
        # put it after the last kept key that comes before it in the canonical order
        at = 0
        for i, k in enumerate(keys):
            if rank.get(k, len(rank)) <= rank.get(key, len(rank)):
                at = i + 1
        keys.insert(at, key)
    return keys


def ordered(data: dict, ftype: FactType | None, previous: list[str] | None = None) -> dict:
    return {k: data[k] for k in key_order(data, ftype, previous)}


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_OK = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*$")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


def scalar(value, *, quoted: bool = False, flow: bool = False, key: str = "") -> str:
    """One value as the hand-written sheets spell it: plain where YAML reads it back unchanged
    (and a date plain as an ISO date, which kg.dates reads either way)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if key == "date" and isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not quoted and _PLAIN_OK.match(text) and text == text.strip() and ": " not in text \
            and " #" not in text and not (flow and _FLOW_UNSAFE.search(text)):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    # JSON's string syntax is a YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def render_fact(data: dict, indent: int = 2) -> str:
    """One fact as the lines of a sheet's ``facts:`` list, ending in a newline."""
    pad = " " * indent
    out: list[str] = []
    first = True
    for key, value in data.items():
        lead = pad + ("- " if first else "  ")
        first = False
        out += _render_value(lead, key, value, indent + 2)
    return "\n".join(out) + "\n"


def _render_value(lead: str, key: str, value, indent: int) -> list[str]:
    pad = " " * indent
    quoted = key == "quote"
    if isinstance(value, list):
        if value and all(isinstance(v, str) for v in value) and not quoted \
                and all(scalar(v, flow=True) == v for v in value) and len(value) > 0:
            return [f"{lead}{key}: [{', '.join(value)}]"]
        lines = [f"{lead}{key}:"]
        for item in value:
            if isinstance(item, dict) and item and all(
                    not isinstance(v, (list, dict)) for v in item.values()):
                pairs = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in item.items())
                lines.append(f"{pad}  - {{{pairs}}}")
            elif isinstance(item, dict):
                first = True
                for k, v in item.items():
                    lines += _render_value(pad + ("  - " if first else "    "), k, v, indent + 4)
                    first = False
            else:
                lines.append(f"{pad}  - {scalar(item, quoted=quoted)}")
        return lines
    if isinstance(value, dict):
        lines = [f"{lead}{key}:"]
        for k, v in value.items():
            lines += _render_value(pad + "  ", k, v, indent + 2)
        return lines
    return [f"{lead}{key}: {scalar(value, quoted=quoted, key=key)}"]
